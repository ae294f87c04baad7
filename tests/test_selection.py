"""Data-sized selections with jax.numpy's size= (unique, nonzero, flatnonzero, argwhere,
one-argument where), histogram, partition, argpartition and lexsort, against NumPy."""
import numpy as np
import pytest

import graphc as gc
import graphc.numpy as gnp


def _pad(x, size, fill=0.0):
    x = np.asarray(x, dtype=float)[:size]
    return np.concatenate([x, np.full((size - x.shape[0],) + x.shape[1:], fill)])


def test_against_numpy(tmp_path):
    rng = np.random.default_rng(0)
    A = rng.integers(-2, 3, (4, 5)).astype(float)
    A[0, 0] = A[1, 1] = np.nan                               # NaNs count as one value
    B = np.where(np.isnan(A), 0, A)
    W = rng.uniform(0, 1, (4, 5))
    a, b = gc.var("a", A.shape), gc.var("b", B.shape)
    u = np.unique(A)
    edges = [-2, -0.5, 0.5, 1.5, 2.0]
    cases = [
        (gnp.unique(a, size=8), _pad(u, 8, np.nanmin(A))),
        (gnp.unique(a, size=3), u[:3]),
        (gnp.unique(a, size=8, fill_value=9.0), _pad(u, 8, 9.0)),
        (gnp.unique(a, return_index=True, size=8)[1], _pad(np.unique(A, return_index=True)[1], 8)),
        (gnp.unique(a, return_inverse=True, size=8)[1], np.unique(A, return_inverse=True)[1]),
        (gnp.unique(a, return_counts=True, size=8)[1], _pad(np.unique(A, return_counts=True)[1], 8)),
        (gnp.flatnonzero(b, size=20, fill_value=-1), _pad(np.flatnonzero(B), 20, -1)),
        (gnp.nonzero(b, size=6)[1], np.nonzero(B)[1][:6]),
        (gnp.argwhere(b, size=25), _pad(np.argwhere(B), 25)),
        (gnp.where(b > 0, size=4)[0], np.where(B > 0)[0][:4]),
        (gnp.histogram(b, bins=4)[0], np.histogram(B, bins=4)[0]),
        (gnp.histogram(b, bins=4)[1], np.histogram(B, bins=4)[1]),
        (gnp.histogram(b, bins=edges, weights=W)[0], np.histogram(B, bins=edges, weights=W)[0]),
        (gnp.histogram(b, bins=3, range=(-1, 1), density=True)[0],
         np.histogram(B, bins=3, range=(-1, 1), density=True)[0]),
        (gnp.lexsort([b[0], b[1]]), np.lexsort([B[0], B[1]])),
        (gnp.partition(b[0], 2)[2], np.partition(B[0], 2)[2]),
        (gnp.take(b[0], gnp.argpartition(b[0], 2))[2], np.partition(B[0], 2)[2]),
    ]
    outs = [c[0] for c in cases]
    f = gc.compile([a, b], outs, cache_dir=str(tmp_path))
    for k, (got, interpreted, (_, want)) in enumerate(zip(f(A, B), gc.evaluate(outs, {a: A, b: B}), cases)):
        want = np.asarray(want, dtype=float)
        assert got.shape == want.shape, k
        np.testing.assert_allclose(got, want, rtol=1e-14, err_msg=f"case {k} compiled")
        np.testing.assert_allclose(interpreted, want, rtol=1e-14, err_msg=f"case {k} interpreted")


def test_histogram_differentiates_in_the_weights():
    rng = np.random.default_rng(1)
    w = gc.var("w", (30,))
    x = rng.uniform(-1, 1, 30)
    y = gnp.sum(gnp.histogram(x, bins=5, range=(-1, 1), weights=w)[0] ** 2)
    gc.check_grads(y, [w], {w: rng.uniform(0, 1, 30)})


def test_size_is_required():
    x = gc.var("x", (5,))
    for fn in (gnp.unique, gnp.nonzero, gnp.flatnonzero, gnp.argwhere, lambda t: gnp.where(t > 0)):
        with pytest.raises(ValueError, match="size="):
            fn(x)
