"""gc.rootfinder: Newton's method, differentiated by the implicit function theorem (first
and second derivatives against the analytic implicit derivative and central differences;
variables read by closure differentiated too; compiled as interpreted)."""
import numpy as np
import pytest

import graphc as gc


def test_scalar_root_and_its_implicit_derivatives(tmp_path):
    th = gc.var("th", ())
    x = gc.rootfinder(lambda x, t: x ** 3 + t * x - 1.0, 1.0, th)
    g = gc.grad(x, th)
    f = gc.compile([th], [x, g, gc.grad(g, th)], cache_dir=str(tmp_path))
    for t in (0.5, 2.0, 4.0):
        X, G, H = f(t)
        assert abs(X ** 3 + t * X - 1) < 1e-14
        dx = -X / (3 * X ** 2 + t)                        # implicit differentiation by hand
        np.testing.assert_allclose(G, dx, rtol=1e-13)
        d2x = -(dx * (3 * X ** 2 + t) - X * (6 * X * dx + 1)) / (3 * X ** 2 + t) ** 2
        np.testing.assert_allclose(H, d2x, rtol=1e-12)
        np.testing.assert_allclose(gc.evaluate([x, g, gc.grad(g, th)], {th: t}), [X, G, H], rtol=1e-14)


def test_vector_system_with_parameters_and_closures():
    rng = np.random.default_rng(0)
    W0, B0 = rng.standard_normal((4, 4)) * 0.3, np.array([0.5, -1.0, 0.2, 0.9])
    W, b = gc.var("W", (4, 4)), gc.var("b", (4,))
    zero = gc.const(np.zeros(4))
    as_param = gc.rootfinder(lambda x, W, b: x + gc.tanh(W @ x) - b, zero, W, b, iterations=12)
    by_closure = gc.rootfinder(lambda x, b: x + gc.tanh(W @ x) - b, zero, b, iterations=12)
    at = {W: W0, b: B0}
    for x in (as_param, by_closure):
        value = gc.evaluate(x, at)
        np.testing.assert_allclose(value + np.tanh(W0 @ value), B0, atol=1e-14)
        gc.check_grads(gc.sum(x ** 2 * np.arange(1.0, 5.0)), [W, b], at, order=2)


def test_misuse_is_refused():
    x0, t = gc.const(np.zeros(3)), gc.var("t", ())
    with pytest.raises(gc.ShapeError, match="as many equations"):
        gc.rootfinder(lambda x, t: gc.sum(x) - t, x0, t)
    with pytest.raises(ValueError, match="iterations"):
        gc.rootfinder(lambda x, t: x - t, 0.0, t, iterations=0)
