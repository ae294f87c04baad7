"""gc.custom_vjp: the user's reverse rule replaces differentiation of the function (a
stable log-sum-exp gradient, a straight-through estimator, a rule that reads residuals),
forward mode differentiates the function itself, compiled code and caching never see the
rule, and misuse gets clear errors."""
import pickle

import numpy as np
import pytest

import graphc as gc


@gc.custom_vjp
def clip_gradient(x):
    return x * 1.0


def _clip_fwd(x):
    return clip_gradient.fn(x), None


def _clip_bwd(_, g):
    return (gc.clip(g, -1.0, 1.0),)


clip_gradient.defvjp(_clip_fwd, _clip_bwd)


@gc.custom_vjp
def softplus_sum(x, w):
    """Σ w·log(1 + eˣ), its gradient from residuals: w·sigmoid(x) and log(1 + eˣ)."""
    return gc.sum(w * gc.softplus(x))


def _sp_fwd(x, w):
    s = gc.softplus(x)
    return gc.sum(w * s), (gc.sigmoid(x), s, w)


def _sp_bwd(res, g):
    sig, s, w = res
    return g * w * sig, g * s


softplus_sum.defvjp(_sp_fwd, _sp_bwd)


def test_reverse_mode_uses_the_rule_forward_mode_the_function():
    x = gc.var("x", (3,))
    y = gc.sum(clip_gradient(x) * 10.0)
    X = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(gc.evaluate(gc.grad(y, x), {x: X}), [1.0, 1.0, 1.0])      # clipped
    np.testing.assert_allclose(gc.evaluate(gc.jvp(y, x, gc.const(np.ones(3))), {x: X}), 30.0)   # fn's own
    np.testing.assert_allclose(gc.evaluate(y, {x: X}), 20.0)


def test_residual_rule_matches_true_gradient_and_compiles(tmp_path):
    x, w = gc.var("x", (4,)), gc.var("w", (4,))
    X, Wv = np.array([-30.0, -1.0, 0.5, 40.0]), np.array([1.0, 2.0, 3.0, 4.0])
    L = softplus_sum(x, w) * 2
    gx, gw = gc.grad(L, [x, w])
    f = gc.compile([x, w], [L, gx, gw], cache_dir=tmp_path)
    assert "custom" not in f.c_source
    value, got_x, got_w = f(X, Wv)
    sp = np.logaddexp(0, X)
    np.testing.assert_allclose(value, 2 * (Wv * sp).sum())
    np.testing.assert_allclose(got_x, 2 * Wv / (1 + np.exp(-X)), rtol=1e-12)
    np.testing.assert_allclose(got_w, 2 * sp, rtol=1e-12)
    g = pickle.loads(pickle.dumps(f))                         # by graph: the rule is gone already
    np.testing.assert_allclose(g(X, Wv)[1], got_x)
    gc.check_grads(L, [x, w], {x: np.array([-0.3, 0.2, 0.5, 1.0]), w: Wv}, order=2)


def test_several_outputs_and_unused_ones():
    @gc.custom_vjp
    def two(x):
        return x * 2, gc.sum(x)

    two.defvjp(lambda x: (two.fn(x), x), lambda x, g: (g[0] * 2 + g[1] * gc.const(np.ones(2)) + 0 * x,))
    x = gc.var("x", (2,))
    a, b = two(x)
    X = np.array([1.0, 2.0])
    np.testing.assert_allclose(gc.evaluate(gc.grad(gc.sum(a * a), x), {x: X}), 8 * X)
    np.testing.assert_allclose(gc.evaluate(gc.grad(b * 3, x), {x: X}), [3.0, 3.0])


def test_errors():
    @gc.custom_vjp
    def f(x):
        return x

    x = gc.var("x", (2,))
    with pytest.raises(TypeError, match="defvjp"):
        f(x)
    f.defvjp(lambda x: (x, None), lambda r, g: (g, g))
    with pytest.raises(ValueError, match="2 cotangents for 1 primal"):
        gc.grad(gc.sum(f(x)), x)
    f.defvjp(lambda x: (x, None), lambda r, g: (gc.sum(g),))
    with pytest.raises(ValueError, match=r"shape \(\).*\(2,\)"):
        gc.grad(gc.sum(f(x)), x)
    with pytest.raises(NotImplementedError, match="scan"):
        gc.scan(lambda c, xt: (clip_gradient(c + xt), c), gc.const(0.0), gc.var("xs", (3,)))


def test_vmap_maps_the_rule_too():
    """Per-example gradients through a custom rule whose bwd only works on one example
    (a matrix-vector product): vmap maps bwd over the examples and sums for shared w."""
    @gc.custom_vjp
    def score(w, x):
        return gc.tanh(gc.dot(w, x))

    def fwd(w, x):
        s = gc.tanh(gc.dot(w, x))
        return s, (s, w, x)

    def bwd(res, g):
        s, w, x = res
        d = g * (1 - s * s)
        return d * x, d * w

    score.defvjp(fwd, bwd)
    w, xs = gc.var("w", (3,)), gc.var("xs", (5, 3))
    W, X = np.array([0.3, -0.2, 0.5]), np.random.default_rng(0).standard_normal((5, 3))
    total = gc.sum(gc.vmap(lambda x: score(w, x))(xs) ** 2)
    gw, gx = gc.grad(total, [w, xs])
    s = np.tanh(X @ W)
    d = 2 * s * (1 - s ** 2)
    np.testing.assert_allclose(gc.evaluate(gw, {w: W, xs: X}), d @ X, rtol=1e-12)
    np.testing.assert_allclose(gc.evaluate(gx, {w: W, xs: X}), d[:, None] * W, rtol=1e-12)
