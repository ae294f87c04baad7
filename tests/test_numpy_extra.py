"""The rest of NumPy's everyday functions in graphc.numpy (nan-statistics, isclose and
friends, polynomials, unwrap, correlate, block, insert/delete, choose, piecewise,
put_along_axis, several index arrays), against NumPy, compiled and interpreted."""
import warnings

import numpy as np

import graphc as gc
import graphc.numpy as gnp


def test_against_numpy(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 5))
    X[1, 2] = np.nan
    X[3, :] = np.nan                                          # an all-NaN row
    Y = rng.standard_normal((4, 5))
    P = np.array([1.0, -2.0, 0.5, 3.0])
    Ph = np.cumsum(rng.uniform(-2, 4, 12)) % (2 * np.pi)       # phases to unwrap
    x, y, p, q = gc.var("x", X.shape), gc.var("y", Y.shape), gc.var("p", P.shape), gc.var("q", Ph.shape)
    Z = Y.copy()
    np.put_along_axis(Z, np.array([[1], [0], [4], [2]]), 9.0, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)          # NumPy's own all-NaN warnings
        cases = [
            (gnp.nanprod(x, axis=1), np.nanprod(X, axis=1)),
            (gnp.nanvar(x, axis=1), np.nanvar(X, axis=1)),
            (gnp.nanstd(x, axis=0, ddof=1), np.nanstd(X, axis=0, ddof=1)),
            (gnp.nancumsum(x, axis=1), np.nancumsum(X, axis=1)),
            (gnp.nancumprod(x), np.nancumprod(X)),
            (gnp.nanmedian(x, axis=1), np.nanmedian(X, axis=1)),
            (gnp.nanquantile(x, [0.2, 0.9], axis=0), np.nanquantile(X, [0.2, 0.9], axis=0)),
            (gnp.nanpercentile(x, 30), np.nanpercentile(X, 30)),
            (gnp.isclose(x, y, atol=1.0), np.isclose(X, Y, atol=1.0)),
            (gnp.allclose(y, y + 1e-9), np.allclose(Y, Y + 1e-9)),
            (gnp.array_equal(x, x, equal_nan=True), np.array_equal(X, X, equal_nan=True)),
            (gnp.isin(y, y[0]), np.isin(Y, Y[0])),
            (gnp.ldexp(y, 3.0), np.ldexp(Y, 3)),
            (gnp.modf(y)[0], np.modf(Y)[0]),
            (gnp.unwrap(q), np.unwrap(Ph)),
            (gnp.correlate(p, p[:2], "full"), np.correlate(P, P[:2], "full")),
            (gnp.polyadd(p, p[:2]), np.polyadd(P, P[:2])),
            (gnp.polysub(p[:2], p), np.polysub(P[:2], P)),
            (gnp.polymul(p, p[:3]), np.polymul(P, P[:3])),
            (gnp.polyder(p, 2), np.polyder(P, 2)),
            (gnp.polyint(p, 2, k=[1.0, 2.0]), np.polyint(P, 2, k=[1.0, 2.0])),
            (gnp.polyfit(y[0], y[1], 2), np.polyfit(Y[0], Y[1], 2)),
            (gnp.block([[y, y[:, :2]], [y[:1], y[:1, :2]]]), np.block([[Y, Y[:, :2]], [Y[:1], Y[:1, :2]]])),
            (gnp.dstack([y, y]), np.dstack([Y, Y])),
            (gnp.delete(y, [0, 2], axis=1), np.delete(Y, [0, 2], axis=1)),
            (gnp.insert(y, [1, 3], 7.0, axis=1), np.insert(Y, [1, 3], 7.0, axis=1)),
            (gnp.insert(p, 2, p[:1]), np.insert(P, 2, P[:1])),
            (gnp.resize(p, (3, 3)), np.resize(P, (3, 3))),
            (gnp.rollaxis(y[None], 2), np.rollaxis(Y[None], 2)),
            (gnp.diagflat(p[:2], 1), np.diagflat(P[:2], 1)),
            (gnp.choose(gnp.floor(gnp.abs(y) * 1.5), [y, 2 * y, 3 * y], mode="clip"), np.choose(np.floor(np.abs(Y) * 1.5).astype(int), [Y, 2 * Y, 3 * Y], mode="clip")),
            (gnp.compress([True, False, True, True], y, axis=0), np.compress([True, False, True, True], Y, axis=0)),
            (gnp.piecewise(y, [y < 0, y > 1], [lambda t: -t, lambda t: t ** 2, 0.5]), np.piecewise(Y, [Y < 0, Y > 1], [lambda t: -t, lambda t: t ** 2, 0.5])),
            (gnp.put_along_axis(y, np.array([[1], [0], [4], [2]]), 9.0, axis=1), Z),
            (gnp.ravel_multi_index((gc.const(np.array([1.0, 3.0])), gc.const(np.array([2.0, 0.0]))), (4, 5)), np.ravel_multi_index((np.array([1, 3]), np.array([2, 0])), (4, 5))),
            (y[gnp.ix_([0, 2], [1, 3])], Y[np.ix_([0, 2], [1, 3])]),
        ]

    outs = [c[0] for c in cases]
    f = gc.compile([x, y, p, q], outs, cache_dir=str(tmp_path))
    for k, (got, interpreted, (_, want)) in enumerate(zip(f(X, Y, P, Ph), gc.evaluate(outs, {x: X, y: Y, p: P, q: Ph}),
                                                          cases)):
        want = np.asarray(want, dtype=float)
        assert got.shape == want.shape, k
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13, err_msg=f"case {k} compiled")
        np.testing.assert_allclose(interpreted, want, rtol=1e-12, atol=1e-13, err_msg=f"case {k} interpreted")


def test_queries_answer_at_build_time():
    y = gc.var("y", (4, 5))
    assert (gnp.ndim(y), gnp.shape(y), gnp.size(y), gnp.size(y, 1)) == (2, (4, 5), 20, 5)
    assert gnp.isscalar(3.0) and not gnp.isscalar(y)
    assert gnp.result_type(y, np.float32) == np.float64
    assert gnp.broadcast_shapes((3, 1), (4,)) == (3, 4)
    assert gnp.copy(y) is y


def test_convolve_and_correlate_in_every_mode_without_a_square_matrix(tmp_path):
    """np.convolve/np.correlate for both orders of lengths, few taps (shifted slices, one
    loop) and many (a loop over the taps), compiled; derivatives; a 10⁵-sample signal
    needs O(n) memory, not the n × n Toeplitz matrix (80 GB) an earlier version built."""
    rng = np.random.default_rng(11)
    for n, m in [(7, 3), (3, 7), (10, 1), (1, 1), (40, 20), (20, 40), (6, 6), (100, 17), (300, 140), (129, 200)]:
        A, V = rng.standard_normal(n), rng.standard_normal(m)
        a, v = gc.var("a", (n,)), gc.var("v", (m,))
        outs = [fn(a, v, mode) for fn in (gnp.convolve, gnp.correlate) for mode in ("full", "same", "valid")]
        wants = [fn(A, V, mode) for fn in (np.convolve, np.correlate) for mode in ("full", "same", "valid")]
        for got, want in zip(gc.compile([a, v], outs, cache_dir=str(tmp_path))(A, V), wants):
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
        if m in (3, 140):
            gc.check_grads(gnp.sum(gnp.convolve(a, v, "same") ** 2), [a, v], {a: A, v: V}, order=2)
    A, V = rng.standard_normal(10 ** 5), rng.standard_normal(5)
    a, v = gc.var("a", A.shape), gc.var("v", V.shape)
    L = gnp.sum(gnp.convolve(a, v, "same") ** 2)
    f = gc.compile([a, v], [L, *gc.grad(L, [a, v])], cache_dir=str(tmp_path))
    assert f.peak_bytes < 40 * A.nbytes
    np.testing.assert_allclose(f(A, V)[0], np.sum(np.convolve(A, V, "same") ** 2), rtol=1e-12)


def test_padding_a_long_signal_stores_no_index_table_of_its_length(tmp_path):
    """pad's edge, reflect, symmetric and wrap modes gather the borders alone (the middle
    is x itself) and their adjoints scatter the few border indices: for 10⁵ samples the C
    holds no 10⁵-entry table (it held 1.6–2.2 MB of them), values and gradients as NumPy's."""
    rng = np.random.default_rng(12)
    X = rng.standard_normal(10 ** 5)
    x = gc.var("x", X.shape)
    for mode in ("edge", "reflect", "symmetric", "wrap"):
        y = gnp.pad(x, (50, 20), mode=mode)
        L = gnp.sum(gnp.sin(y) * y)
        f = gc.compile([x], [y, gc.grad(L, x)], cache_dir=str(tmp_path))
        assert len(f.c_source) < 100_000, mode
        got, grad = f(X)
        np.testing.assert_array_equal(got, np.pad(X, (50, 20), mode=mode))
        idx = np.pad(np.arange(X.size), (50, 20), mode=mode)
        want = np.zeros_like(X)
        np.add.at(want, idx, np.cos(got) * got + np.sin(got))
        np.testing.assert_allclose(grad, want, rtol=1e-12, atol=1e-9)
