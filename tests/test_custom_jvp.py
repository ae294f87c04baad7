"""gc.custom_jvp: the user's forward rule replaces differentiation in both modes (reverse
mode by transposing it), composes to second order, maps under vmap, compiles, and
misuse gets clear errors."""
import numpy as np
import pytest

import graphc as gc


@gc.custom_jvp
def log1pexp(x):
    """log(1 + eˣ) written naively; the rule's derivative sigmoid(x) is exact everywhere."""
    return gc.log(1 + gc.exp(x))


@log1pexp.defjvp
def _log1pexp_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return log1pexp(x), gc.sigmoid(x) * t


def test_both_modes_use_the_rule(tmp_path):
    x = gc.var("x", (4,))
    X = np.array([-30.0, -1.0, 2.0, 800.0])      # exp overflows at 800: the naive derivative is NaN there
    y = gc.sum(log1pexp(x) * gc.const([1.0, 2.0, 3.0, 4.0]))
    want = np.array([1.0, 2.0, 3.0, 4.0]) / (1 + np.exp(-X))
    g = gc.grad(y, x)
    np.testing.assert_allclose(gc.evaluate(g, {x: X}), want, rtol=1e-14)
    np.testing.assert_allclose(gc.compile([x], g, cache_dir=tmp_path)(X), want, rtol=1e-14)
    jv = gc.jvp(y, x, gc.const(np.ones(4)))
    np.testing.assert_allclose(gc.evaluate(jv, {x: X}), want.sum(), rtol=1e-14)


def test_second_order_and_several_arguments():
    @gc.custom_jvp
    def f(a, b):
        return gc.sin(a) * b, a * b

    @f.defjvp
    def _(primals, tangents):
        (a, b), (ta, tb) = primals, tangents
        return f(a, b), (gc.cos(a) * b * ta + gc.sin(a) * tb, ta * b + a * tb)

    a, b = gc.var("a", (3,)), gc.var("b", (3,))
    u, v = f(a, b)
    y = gc.sum(u ** 2) + gc.sum(gc.tanh(v))
    rng = np.random.default_rng(0)
    gc.check_grads(y, [a, b], {a: rng.standard_normal(3), b: rng.standard_normal(3)}, order=2)


def test_vmap_of_a_custom_rule():
    x = gc.var("x", (5, 3))
    X = np.random.default_rng(1).standard_normal((5, 3))
    per = gc.vmap(lambda v: gc.grad(gc.sum(log1pexp(v)), v))(x)
    np.testing.assert_allclose(gc.evaluate(per, {x: X}), 1 / (1 + np.exp(-X)), rtol=1e-14)


def test_errors():
    @gc.custom_jvp
    def f(x):
        return x * 2

    x = gc.var("x", (2,))
    with pytest.raises(TypeError, match="defjvp"):
        f(x)

    @f.defjvp
    def _(primals, tangents):
        return f(*primals), (tangents[0], tangents[0])

    with pytest.raises(ValueError, match="2 tangents for 1 outputs"):
        gc.jvp(f(x), x, gc.const(np.ones(2)))


def test_a_rule_inside_a_scan_step_and_under_vmap(tmp_path):
    """log1pexp in a loop's step: the loop's JVP calls the rule, its VJP transposes it, the
    large argument that makes the naive derivative NaN stays finite; vmap maps it all."""
    def total(z):
        def step(c, zt):
            s = log1pexp(zt + c)
            return s * 0.5, s
        c, ys = gc.scan(step, gc.const(0.0), z)
        return c + gc.sum(ys)

    Z = np.array([-3.0, 0.5, 900.0, 1.0])
    z = gc.var("z", (4,))
    y = total(z)
    g = gc.grad(y, z)
    f = gc.compile([z], [y, g], cache_dir=tmp_path)
    assert "custom" not in f.c_source
    value, grad = f(Z)
    want_value, want_grad = gc.evaluate([y, g], {z: Z})
    np.testing.assert_allclose(value, want_value, rtol=1e-13)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-13)
    assert np.all(np.isfinite(grad))
    small = np.array([-0.3, 0.2, 0.1, 0.4])
    gc.check_grads(y, [z], {z: small}, order=1)
    batch = gc.var("zs", (3, 4))
    per_example = gc.vmap(lambda zi: gc.grad(total(zi), zi))(batch)
    ZS = np.stack([small, small * 2, small - 1])
    got = gc.compile([batch], per_example, cache_dir=tmp_path)(ZS)
    for k in range(3):
        np.testing.assert_allclose(got[k], gc.evaluate(g, {z: ZS[k]}), rtol=1e-13)
