"""The lecture notes' models compiled, against the reference interpreter (1e-10 relative
in float64, 1e-5 in float32): seed function, MLP, MDS, least squares, SVD, HVP."""
import numpy as np
import pytest

import graphc as gc
from tests.models import mlp_loss

TOL = {np.float64: 1e-10, np.float32: 1e-5}


def check(inputs, outputs, feed, dtype=np.float64):
    f = gc.compile(inputs, outputs)
    got = f(*[feed[v] for v in inputs])
    want = gc.evaluate(list(outputs), feed)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=TOL[dtype], atol=TOL[dtype] * max(1.0, np.max(np.abs(w))))
    return f


def test_seed_function():
    w1, w2 = gc.var("w1"), gc.var("w2")
    v = w2 * gc.log(w1)
    L = v + gc.sqrt(v)
    check([w1, w2], [L, *gc.grad(L, [w1, w2]), gc.hessian(L, w1)], {w1: 2.0, w2: 3.0})


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mlp(dtype, rng):
    loss, params, X, Y = mlp_loss(dtype=dtype)
    feed = {v: (rng.standard_normal(v.shape) / np.sqrt(v.shape[0])).astype(dtype) for v in [X, Y, *params]}
    f = check([X, Y, *params], [loss, *gc.grad(loss, params)], feed, dtype)
    assert f.peak_bytes <= 6 * 64 * 256 * np.dtype(dtype).itemsize


def test_mds(rng):
    N = 60
    W, D = gc.var("W", (N, 2)), gc.var("D", (N, N))
    s = gc.sum((W[:, None, :] - W[None, :, :]) ** 2, axis=2)
    L = gc.sum((s - D) ** 2)
    f = check([W, D], [L, gc.grad(L, W)], {W: rng.standard_normal((N, 2)), D: rng.random((N, N))})
    assert f.peak_bytes < N * N * 2 * 8          # never an N×N×d temporary


def test_least_squares(rng):
    A, b, x = gc.var("A", (20, 5)), gc.var("b", (20,)), gc.var("x", (5,))
    r = A @ x - b
    L = gc.sum(r * r)
    # the normal equations' solution and its gradient w.r.t. A and b (the lecture notes)
    xs = gc.linalg.solve(A.T @ A, A.T @ b)
    Ls = gc.sum(xs * xs)
    feed = {A: rng.standard_normal((20, 5)), b: rng.standard_normal(20), x: rng.standard_normal(5)}
    check([A, b, x], [L, gc.grad(L, x), xs, *gc.grad(Ls, [A, b])], feed)


def test_svd(rng):
    W = gc.var("W", (30, 12))
    L = gc.sum(gc.linalg.svdvals(W))
    U, S, Vt = gc.linalg.svd(W)
    check([W], [L, gc.grad(L, W), U, S, Vt], {W: rng.standard_normal((30, 12))})


def test_hvp_rosenbrock(rng):
    n = 1000
    x, v = gc.var("x", (n,)), gc.var("v", (n,))
    f = gc.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    check([x, v], [f, gc.grad(f, x), gc.hvp(f, x, v)], {x: rng.uniform(-2, 2, n), v: rng.standard_normal(n)})


def test_hutchinson_trace_estimator(rng):
    # E[zᵀ H z] = tr(H) for Rademacher z: one HVP per probe, compiled
    n = 50
    x, z = gc.var("x", (n,)), gc.var("z", (n,))
    A = rng.standard_normal((n, n))
    f = gc.sum(gc.tanh(gc.const(A) @ x) ** 2)
    quad = gc.sum(z * gc.hvp(f, x, z))
    fn = gc.compile([x, z], quad)
    xv = rng.standard_normal(n) * 0.1
    H = gc.evaluate(gc.hessian(f, x), {x: xv})
    probes = rng.choice([-1.0, 1.0], (4000, n))
    estimate = np.mean([fn(xv, p) for p in probes])
    assert estimate == pytest.approx(np.trace(H), rel=0.05)
