"""Indexing by computed indices (ops/indexing.py, csrc/indexing.c, graphc.numpy's take,
argsort, argmax, searchsorted, digitize, bincount, interp and friends): compiled and
interpreted against NumPy, derivatives by central differences, errors at run time."""
import numpy as np
import pytest

import graphc as gc
import graphc.numpy as gnp
from graphc.ops import indexing


@pytest.fixture
def cache(tmp_path):
    return str(tmp_path)


def _both(inputs, outputs, values, cache):
    """(compiled, interpreted) results of `outputs`."""
    f = gc.compile(inputs, outputs, cache_dir=cache)
    return f(*values), gc.evaluate(outputs, dict(zip(inputs, values)))


def test_numpy_functions_against_numpy(cache):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 6))
    X[1, 2] = np.nan                                   # NaNs sort last and win argmax
    X[2, :] = X[2, 0]                                  # ties keep index order
    xp0 = np.sort(rng.uniform(-2, 2, 9))
    fp0 = rng.standard_normal(9)
    Q = np.concatenate([rng.uniform(-3, 3, 20), xp0, [np.nan, -np.inf, np.inf]])
    x, xp, fp, q = gc.var("x", X.shape), gc.var("xp", (9,)), gc.var("fp", (9,)), gc.var("q", Q.shape)
    cases = [
        (gnp.argsort(x), np.argsort(X, kind="stable")),
        (gnp.argsort(x, axis=0), np.argsort(X, axis=0, kind="stable")),
        (gnp.argsort(x, axis=None), np.argsort(X, axis=None, kind="stable")),
        (gnp.argsort(x, descending=True), np.argsort(-X, kind="stable")),
        (gnp.sort(x), np.sort(X)),
        (gnp.sort(x, axis=0), np.sort(X, axis=0)),
        (gnp.argmax(x), np.argmax(X)),
        (gnp.argmax(x, axis=1), np.argmax(X, axis=1)),
        (gnp.argmin(x, axis=0, keepdims=True), np.argmin(X, axis=0, keepdims=True)),
        (gnp.nanargmax(x, axis=1), np.array([np.nanargmax(r) for r in X])),
        (gnp.nanargmin(x, axis=1), np.array([np.nanargmin(r) for r in X])),
        (gnp.take(x, gnp.argmax(x, axis=1), axis=1), np.take(X, np.argmax(X, axis=1), axis=1)),
        (gnp.take(x, gnp.argmin(x)), np.take(X, np.argmin(X))),
        (gnp.take_along_axis(x, gnp.argsort(x, axis=0), axis=0),
         np.take_along_axis(X, np.argsort(X, axis=0, kind="stable"), axis=0)),
        (x[gnp.argmax(x, axis=0)], X[np.argmax(X, axis=0)]),
        (x[:, gnp.argmax(x, axis=0)[:2]], X[:, np.argmax(X, axis=0)[:2]]),
        (x[np.array([[0, -1], [2, 1]])], X[np.array([[0, -1], [2, 1]])]),             # static, 2-d
        (gnp.searchsorted(xp, q), np.searchsorted(xp0, Q)),
        (gnp.searchsorted(xp, q, side="right"), np.searchsorted(xp0, Q, side="right")),
        (gnp.digitize(q, xp), np.digitize(Q, xp0)),
        (gnp.digitize(q, xp, right=True), np.digitize(Q, xp0, right=True)),
        (gnp.digitize(q, xp0[::-1].copy()), np.digitize(Q, xp0[::-1])),                # decreasing bins
        (gnp.bincount(gnp.argmax(x, axis=1), length=6), np.bincount(np.argmax(X, axis=1), minlength=6)),
        (gnp.bincount(gnp.argmax(x, axis=1), weights=x[:, 0], length=6),
         np.bincount(np.argmax(X, axis=1), weights=X[:, 0], minlength=6)),
        (gnp.select([x > 1, x < -1], [x, 2 * x], 7.0), np.select([X > 1, X < -1], [X, 2 * X], 7.0)),
        (gnp.unravel_index(gnp.argmax(x), x.shape)[1], np.unravel_index(np.argmax(X), X.shape)[1]),
        (gnp.interp(q, xp, fp, left=-7.0, right=9.0), np.interp(Q, xp0, fp0, left=-7.0, right=9.0)),
        (gnp.interp(q, xp, fp), np.interp(Q, xp0, fp0)),
    ]
    outs = [c[0] for c in cases]
    got, interpreted = _both([x, xp, fp, q], outs, (X, xp0, fp0, Q), cache)
    for k, ((_, want), g, e) in enumerate(zip(cases, got, interpreted)):
        want = np.asarray(want, dtype=np.float64)
        np.testing.assert_array_equal(e, want, err_msg=f"case {k} interpreted")
        # the compiled interpolation may contract a·b + c into one rounding (an FMA)
        np.testing.assert_allclose(g, want, rtol=2e-16, atol=0, err_msg=f"case {k} compiled")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("n", [10_007, 200, 13])      # radix passes; merged runs; one insertion run
def test_argsort_and_sort_match_numpy(dtype, n, cache):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, n)).astype(dtype)
    X[0, ::7] = X[0, 3]                                   # many ties
    X[1, ::11] = np.nan
    X[2, :6] = [0.0, -0.0, np.inf, -np.inf, -0.0, 0.0]      # signed zeros are equal, as in NumPy
    x = gc.var("x", X.shape, dtype=dtype)
    f = gc.compile([x], [gnp.argsort(x), gnp.sort(x), gnp.argsort(x, descending=True)], cache_dir=cache)
    order, srt, desc = f(X)
    np.testing.assert_array_equal(order, np.argsort(X, kind="stable"))
    np.testing.assert_array_equal(srt, np.sort(X))
    np.testing.assert_array_equal(desc, np.argsort(-X, kind="stable"))
    assert srt.dtype == np.dtype(dtype) and order.dtype == np.float64


def test_out_of_range_indices_raise_index_error(cache):
    t, i = gc.var("t", (5, 2)), gc.var("i", (3,))
    f = gc.compile([t, i], [indexing.gather(t, i), indexing.scatter_add(t[:3], i, 5)], cache_dir=cache)
    T = np.arange(10.0).reshape(5, 2)
    got, scattered = f(T, np.array([4.0, -5.0, -1.0]))               # negative ones count from the end
    np.testing.assert_array_equal(got, T[[4, 0, 4]])
    want = np.zeros((5, 2))
    want[0], want[4] = T[1], T[0] + T[2]                               # repeated indices add up
    np.testing.assert_array_equal(scattered, want)
    for bad in ([5.0, 0, 0], [0, -6.0, 0], [0, 0, np.nan], [np.inf, 0, 0]):
        with pytest.raises(IndexError, match="index out of range"):
            f(T, np.array(bad))
        with pytest.raises(IndexError, match="out of range"):
            gc.evaluate(indexing.gather(t, i), {t: T, i: np.array(bad)})
    b = f.bind(T, np.zeros(3))
    b.inputs[1][0] = 9
    with pytest.raises(IndexError):
        b()


def test_bad_indices_are_refused_when_built():
    x = gc.var("x", (4,))
    with pytest.raises(IndexError, match="boolean tensor"):
        x[x > 0]
    with pytest.raises(IndexError, match="out of range"):
        indexing.gather(x, np.array([4]))
    with pytest.raises(ValueError, match="length"):
        gnp.bincount(x)
    with pytest.raises(gc.ShapeError, match="batch"):
        indexing.gather(gc.var("t", (3, 4)), gc.var("i", (2, 4)), batch_dims=1)
    with pytest.raises(ValueError, match="1-d"):
        gnp.searchsorted(gc.var("a", (2, 3)), x)


def test_derivatives_through_gathers_match_finite_differences():
    rng = np.random.default_rng(2)
    x, xp, fp = gc.var("x", (11,)), gc.var("xp", (6,)), gc.var("fp", (6,))
    at = {x: rng.uniform(-1.2, 1.2, 11), xp: np.array([-1.5, -0.7, -0.1, 0.4, 0.9, 1.6]), fp: rng.standard_normal(6)}
    y = gnp.sum(gnp.interp(x, xp, fp) ** 2)
    gc.check_grads(y, [x, xp, fp], at, order=2, modes=("forward", "reverse"))
    # sort, quantiles and a gather by argmax differentiate through the permutation
    z = gc.var("z", (3, 7))
    Z = {z: rng.permutation(21).reshape(3, 7) * 0.3 + 0.05}
    for y in (gnp.sum(gnp.sort(z, axis=0) * np.arange(3.0)[:, None] ** 2),
              gnp.sum(gnp.quantile(z, [0.3, 0.8], axis=1) ** 3),
              gnp.sum(z[gnp.argmax(z, axis=0)] ** 2)):
        gc.check_grads(y, [z], Z, order=2)


def test_vmap_of_gather_shares_the_table_and_batches_both():
    t = gc.var("t", (5, 3))
    rng = np.random.default_rng(3)
    T, I = rng.standard_normal((5, 3)), np.array([[4.0, 0.0], [1.0, 1.0]])
    idx_only = gc.vmap(lambda i: indexing.gather(t, i))(gc.const(I))
    assert idx_only.op.name == "gather" and idx_only.params["batch_dims"] == 0      # the table not copied
    np.testing.assert_array_equal(gc.evaluate(idx_only, {t: T}), T[I.astype(int)])
    ts = gc.var("ts", (2, 5, 3))
    TS = rng.standard_normal((2, 5, 3))
    both = gc.vmap(lambda tt, i: indexing.gather(tt, i))(ts, gc.const(I) + 0 * ts[:, 0, :2])
    f = gc.compile([ts], both)
    np.testing.assert_array_equal(f(TS), np.stack([TS[b][I[b].astype(int)] for b in range(2)]))


def test_interpolation_inside_a_loop(cache):
    """A lookup table read at each step of a scan (a tyre or engine map in a simulation)."""
    knots, values = np.linspace(0, 1, 5), np.array([0.0, 0.3, 0.2, 0.8, 1.0])
    s = gc.var("s", ())

    def step(c, _):
        c = 0.5 * c + 0.4 * gnp.interp(c, knots, values)
        return c, c
    last, path = gc.scan(step, s, length=6)
    f = gc.compile([s], [last, path, gc.grad(last, s)], cache_dir=cache)
    got_last, got_path, got_grad = f(0.9)
    c, want = 0.9, []
    for _ in range(6):
        c = 0.5 * c + 0.4 * np.interp(c, knots, values)
        want.append(c)
    np.testing.assert_allclose(got_path, want, rtol=1e-15)
    h = 1e-6
    fd = (f(0.9 + h)[0] - f(0.9 - h)[0]) / (2 * h)
    np.testing.assert_allclose(got_grad, fd, rtol=1e-6)


def test_exported_header_lists_the_index_error(tmp_path):
    x = gc.var("x", (4,))
    f = gc.compile([x], x[gnp.argmax(x)], name="peak", cache_dir=str(tmp_path / "c"))
    out = f.export(str(tmp_path / "lib"))
    header = (tmp_path / "lib" / "peak.h").read_text()
    assert "5 (index out of range)" in header
    assert out


def test_indexing_kernels_compile_clean_and_run_under_sanitizers(tmp_path):
    """Radix argsort (rows beyond 32 entries), gathers, scatter-adds, scatter-max,
    searchsorted and interpolation with their derivatives: warning-free C99, clean under ASan and UBSan."""
    from tests.test_generated_c import assert_clean_run
    x, k = gc.var("x", (2, 300)), gc.var("k", (20,))
    knots = np.linspace(-0.01, 0.01, 6)
    y = gnp.sum(gnp.sort(x) ** 2 * np.arange(300.0)) + gnp.sum(gnp.sort(k) * np.arange(20.0)) \
        + gnp.sum(gnp.interp(k, knots, k[:6]) ** 2) + gnp.sum(x.T.at[gnp.argmin(k)[None]].set(k[:1, None]) ** 2) \
        + gnp.sum(x[:, gnp.argmax(k)[None]]) + gnp.sum(gnp.searchsorted(knots, k)) \
        + gnp.sum(gc.segment_max(x.T, gnp.floor(gnp.argsort(x[0]) / 7), 43) ** 2)
    f = gc.compile([x, k], [y, *gc.grad(y, [x, k])], name="indexing", cache_dir=tmp_path / "cache")
    assert_clean_run(f, tmp_path)


def _np_at(X, index, how, V):
    out = X.copy()
    if how == "set":
        out[index] = V
    else:
        getattr(np, how).at(out, index, V)
    return out


def test_functional_index_updates_match_numpy(cache):
    """x.at[index].set/add/multiply/divide/minimum/maximum/power, as JAX's (repeated
    positions combine every update, set keeps the last), against NumPy's ufunc.at."""
    rng = np.random.default_rng(4)
    X, V = rng.standard_normal((4, 5)), rng.standard_normal((2, 5))
    x, v = gc.var("x", X.shape), gc.var("v", V.shape)
    idx = np.array([3, 1, 3])
    cases = [((slice(1, 3),), "set", v, V), ((0, 2), "add", 7.0, 7.0), ((idx,), "add", 1.5, 1.5),
             ((idx,), "set", v[0], V[0]), ((idx, 2), "multiply", 3.0, 3.0), ((idx,), "multiply", v[1], V[1]),
             ((slice(None), slice(None, None, 2)), "minimum", 0.0, 0.0),
             ((Ellipsis, -1), "maximum", v[0, :4], V[0, :4]), ((X > 0,), "set", 0.0, 0.0),
             ((1,), "divide", 2.0, 2.0), ((idx, 0), "power", 3.0, 3.0)]
    method = {"minimum": "min", "maximum": "max"}
    outs = [getattr(x.at[index], method.get(how, how))(val) for index, how, val, _ in cases]
    got, interpreted = _both([x, v], outs, (X, V), cache)
    for (index, how, _, val), g, e in zip(cases, got, interpreted):
        want = _np_at(X, index, how, val)
        np.testing.assert_array_equal(e, want, err_msg=f"{how} at {index}")
        np.testing.assert_allclose(g, want, rtol=1e-15, err_msg=f"{how} at {index}")
    np.testing.assert_array_equal(gc.evaluate(x.at[1].get(), {x: X}), X[1])
    # a computed index: get and add (repeats add up)
    i = gnp.argsort(x[:, 0])[:3]
    y = x.at[i].add(v[:1])
    np.testing.assert_allclose(gc.evaluate(y, {x: X, v: V}), _np_at(X, (np.argsort(X[:, 0])[:3],), "add", V[:1]),
                               rtol=1e-15)
    j = gnp.floor(gnp.argsort(x[:, 0]) / 2)                  # rows 0, 0, 1, 1 in some order: repeats
    z = x.at[j].set(v[0] * gnp.arange(1.0, 5.0)[:, None])
    Z = X.copy()
    Z[np.argsort(X[:, 0]) // 2] = V[0] * np.arange(1.0, 5.0)[:, None]     # the last update of a row stays
    np.testing.assert_array_equal(gc.compile([x, v], z, cache_dir=cache)(X, V), Z)
    np.testing.assert_array_equal(gc.evaluate(z, {x: X, v: V}), Z)
    with pytest.raises(NotImplementedError, match="set"):
        x.at[i].multiply(2.0)
    # derivatives with respect to x and the updates
    L = gnp.sum(x.at[idx].multiply(v[1]) ** 2) + gnp.sum(x.at[1:3].set(v) ** 3) + gnp.sum(y * x) \
        + gnp.sum(z ** 2 * x)
    gc.check_grads(L, [x, v], {x: X, v: V}, order=2)


def test_scatter_max_and_min_at_computed_indices(cache):
    """x.at[i].max/min/subtract with a computed i against NumPy's ufunc.at, compiled and
    interpreted; NaNs propagate; the derivative of a tie is shared equally (JAX's values)."""
    rng = np.random.default_rng(5)
    X, V = rng.standard_normal((4, 3)), rng.standard_normal((6, 3))
    x, v = gc.var("x", X.shape), gc.var("v", V.shape)
    i = gnp.floor(gnp.argsort(v[:, 0]) / 2)                  # rows 0..2, each updated twice
    I = np.argsort(V[:, 0], kind="stable") // 2
    outs = [x.at[i].max(v), x.at[i].min(v), x.at[i].subtract(v), x.at[i].max(0.5)]
    wants = [_np_at(X, (I,), "maximum", V), _np_at(X, (I,), "minimum", V), _np_at(X, (I,), "subtract", V),
             _np_at(X, (I,), "maximum", 0.5)]
    got, interpreted = _both([x, v], outs, (X, V), cache)
    for g, e, want in zip(got, interpreted, wants):          # subtract: x + Σ(−v), not (x − v₁) − v₂
        np.testing.assert_allclose(g, want, rtol=1e-15, atol=1e-15)
        np.testing.assert_allclose(e, want, rtol=1e-15, atol=1e-15)
    gc.check_grads(gnp.sum(outs[0] ** 2) + gnp.sum(gnp.sin(outs[1])), [x, v], {x: X, v: V}, order=2)
    # NaN wins, wherever it is
    Vn = V.copy()
    Vn[0, 1] = np.nan
    got = gc.compile([x, v], outs[:2], cache_dir=cache)(X, Vn)
    for g in got:
        assert np.isnan(g[I[0], 1]) and np.isnan(g).sum() == 1
    # ties: x[1] = 5 and two updates of 5 share row 1's derivative (jax.grad gives 10/3 each)
    x3, v4, k = gc.var("x3", (3,)), gc.var("v4", (4,)), gc.var("k", (4,))
    L = gnp.sum(x3.at[k].max(v4) * np.array([1.0, 10.0, 100.0]))
    f = gc.compile([x3, v4, k], [L, *gc.grad(L, [x3, v4])], cache_dir=cache)
    value, gx, gv = f(np.array([1.0, 5.0, 3.0]), np.array([5.0, 2.0, 5.0, 7.0]), np.array([1.0, 0.0, 1.0, 2.0]))
    assert value == 752.0
    np.testing.assert_allclose(gx, [0, 10 / 3, 0], rtol=1e-15)
    np.testing.assert_allclose(gv, [10 / 3, 1, 10 / 3, 100], rtol=1e-15)
    with pytest.raises(IndexError, match="out of range"):
        f(np.zeros(3), np.zeros(4), np.array([0.0, 3.0, 0.0, 0.0]))
    with pytest.raises(NotImplementedError, match="max"):
        x.at[i].power(2.0)


def _np_segment(ufunc, identity, data, ids, n):
    out = np.full((n + 1,) + data.shape[1:], identity)
    ufunc.at(out, np.where((ids < 0) | (ids >= n), n, ids), data)
    return out[:n]


def test_segment_reductions_follow_jax_ops(cache):
    """gc.segment_sum/max/min as jax.ops': ids out of range (negative ones too) are dropped,
    an empty segment holds the identity, num_segments from constant ids; derivatives."""
    rng = np.random.default_rng(6)
    D = rng.standard_normal((9, 2))
    IDS = np.array([0, 3, 3, -1, 7, 0, 3, 1, 4])             # segment 2 empty; -1 and 7 dropped (n = 5)
    d, ids = gc.var("d", D.shape), gc.var("ids", (9,))
    outs = [gc.segment_sum(d, ids, 5), gc.segment_max(d, ids, 5), gc.segment_min(d, ids, num_segments=5)]
    wants = [_np_segment(np.add, 0.0, D, IDS, 5), _np_segment(np.maximum, -np.inf, D, IDS, 5),
             _np_segment(np.minimum, np.inf, D, IDS, 5)]
    got, interpreted = _both([d, ids], outs, (D, IDS.astype(float)), cache)
    for g, e, want in zip(got, interpreted, wants):
        np.testing.assert_allclose(g, want, rtol=1e-15)
        np.testing.assert_allclose(e, want, rtol=1e-15)
    assert np.all(got[1][2] == -np.inf) and np.all(got[2][2] == np.inf)
    ids_c = np.array([0, 1, 1, 2, 0, 2, 2, 1, 0])
    np.testing.assert_allclose(gc.evaluate(gc.segment_sum(d, ids_c), {d: D}), _np_segment(np.add, 0.0, D, ids_c, 3))
    L = gnp.sum(gc.segment_max(d, ids_c, 3) ** 2) + gnp.sum(gc.segment_sum(gnp.sin(d), ids_c, 3) ** 2) \
        + gnp.sum(gc.segment_min(d, ids_c, 3))
    gc.check_grads(L, [d], {d: D}, order=2)
    with pytest.raises(ValueError, match="num_segments"):
        gc.segment_max(d, ids)
    with pytest.raises(ValueError, match="one id per row"):
        gc.segment_sum(d, ids[:4], 3)
