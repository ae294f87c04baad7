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


def _clipped_recurrence(h0, xs, w):
    """h ← tanh(w·h + x_t) with each step's gradient clipped through the custom rule."""
    def step(h, xt):
        h = clip_gradient(gc.tanh(w * h + xt))
        return h, h * h
    h, ys = gc.scan(step, h0, xs)
    return gc.sum(h) + gc.sum(ys)


def _clipped_recurrence_numpy(h0, xs, w):
    """Value and gradient w.r.t. (h0, xs, w) by hand, each step's cotangent clipped to ±1."""
    hs = [h0]
    for xt in xs:
        hs.append(np.tanh(w * hs[-1] + xt))
    value = hs[-1].sum() + sum((h * h).sum() for h in hs[1:])
    g = np.ones_like(h0)                           # d/dh_T of sum(h_T)
    gx, gw = np.zeros_like(xs), np.zeros_like(w)
    for t in range(len(xs), 0, -1):
        g = np.clip(g + 2 * hs[t], -1, 1)          # + the step's y = h², then the clip
        dz = g * (1 - hs[t] ** 2)
        gx[t - 1], gw = dz, gw + dz * hs[t - 1]
        g = dz * w
    return value, g, gx, gw


@pytest.mark.parametrize("checkpoint", ["none", "sqrt", "revolve"])
def test_rules_inside_a_scan_step(checkpoint, tmp_path):
    """A custom rule in a loop's step: the loop's VJP calls bwd at every step, compiled code
    (under checkpointing too) has no trace of the rule, and forward mode differentiates fn."""
    h0, xs, w = gc.var("h0", (3,)), gc.var("xs", (7, 3)), gc.var("w", (3,))
    rng = np.random.default_rng(0)
    H0, XS, Wv = rng.standard_normal(3), 2 * rng.standard_normal((7, 3)), rng.uniform(0.5, 1.5, 3)
    L = _clipped_recurrence(h0, xs, w)
    grads = gc.grad(L, [h0, xs, w])
    want = _clipped_recurrence_numpy(H0, XS, Wv)
    feed = {h0: H0, xs: XS, w: Wv}
    for got, ref in zip(gc.evaluate([L, *grads], feed), want):
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14)
    f = gc.compile([h0, xs, w], [L, *grads], checkpoint=checkpoint, cache_dir=tmp_path)
    assert "custom" not in f.c_source
    for got, ref in zip(f(H0, XS, Wv), want):
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14)
    tangent = gc.jvp(L, w, gc.const(np.ones(3)))       # fn's own derivative: no clipping
    eps = 1e-6
    fd = (gc.evaluate(L, {**feed, w: Wv + eps}) - gc.evaluate(L, {**feed, w: Wv - eps})) / (2 * eps)
    np.testing.assert_allclose(gc.evaluate(tangent, feed), fd, rtol=1e-6)


def test_a_scan_and_its_vjp_forward_loop_stay_one_loop_after_stripping(tmp_path):
    """Stripping renames the step a VJP's forward scan extends, so merge_scans still runs
    the value's loop and the residual-recording loop as one."""
    h0, xs, w = gc.var("h0", (3,)), gc.var("xs", (7, 3)), gc.var("w", (3,))
    L = _clipped_recurrence(h0, xs, w)
    f = gc.compile([h0, xs, w], [L, *gc.grad(L, [h0, xs, w])], cache_dir=tmp_path)
    from graphc.ad.custom import strip
    from graphc.ir import toposort
    from graphc.ops.scan import merge_scans, scan_p
    outs = merge_scans(strip([L, *gc.grad(L, [h0, xs, w])]))
    assert len([n for n in toposort(outs) if n.op is scan_p and not n.params["reverse"]]) == 1
    np.testing.assert_allclose(f(np.zeros(3), np.ones((7, 3)), np.ones(3))[0],
                               gc.evaluate(L, {h0: np.zeros(3), xs: np.ones((7, 3)), w: np.ones(3)}))
