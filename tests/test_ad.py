"""The transforms of API.md §2: SymPy agreement, Jacobian modes, HVP, graph sizes, API shape."""
import numpy as np
import pytest
import sympy

import graphc as gc
from graphc.ir import toposort
from tests.models import mlp_loss

# ---------------------------------------------------------------- SymPy: random expressions

UNARY = [
    (gc.sin, sympy.sin), (gc.cos, sympy.cos), (gc.tanh, sympy.tanh),
    (lambda e: gc.log(1 + e * e), lambda e: sympy.log(1 + e * e)),
    (lambda e: gc.sqrt(1 + e * e), lambda e: sympy.sqrt(1 + e * e)),
    (lambda e: gc.exp(gc.tanh(e)), lambda e: sympy.exp(sympy.tanh(e))),
    (lambda e: 1 / (1 + e * e), lambda e: 1 / (1 + e * e)),
    (lambda e: e ** 3, lambda e: e ** 3),
    (gc.sigmoid, lambda e: 1 / (1 + sympy.exp(-e))),
]
BINARY = [
    (lambda a, b: a + b, lambda a, b: a + b), (lambda a, b: a - b, lambda a, b: a - b),
    (lambda a, b: a * b, lambda a, b: a * b),
    (lambda a, b: a / (2 + b * b), lambda a, b: a / (2 + b * b)),
    (lambda a, b: (1 + a * a) ** gc.tanh(b), lambda a, b: (1 + a * a) ** sympy.tanh(b)),
]


def random_expression(rng, leaves, depth):
    """A random expression built twice, in graphc and in SymPy, from the same choices."""
    if depth == 0 or rng.random() < 0.2:
        i = rng.integers(len(leaves))
        return leaves[i]
    if rng.random() < 0.4:
        g, s = UNARY[rng.integers(len(UNARY))]
        a = random_expression(rng, leaves, depth - 1)
        return g(a[0]), s(a[1])
    g, s = BINARY[rng.integers(len(BINARY))]
    a = random_expression(rng, leaves, depth - 1)
    b = random_expression(rng, leaves, depth - 1)
    return g(a[0], b[0]), s(a[1], b[1])


def numeric(expr, syms, point):
    return float(sympy.lambdify(syms, expr, "math")(*point))


def close(got, want, rtol=1e-10):
    assert abs(got - want) <= rtol * max(abs(want), 1.0), (got, want)


@pytest.mark.parametrize("seed", range(50))
def test_random_expressions_match_sympy(seed):
    rng = np.random.default_rng(seed)
    xs = [gc.var(n) for n in "xyz"]
    syms = sympy.symbols("x y z")
    expr, sexpr = random_expression(rng, list(zip(xs, syms)), depth=4)
    expr = expr + 0 * xs[0] + 0 * xs[1] + 0 * xs[2]     # make every variable an input
    point = rng.uniform(-1, 1, 3)
    feed = dict(zip(xs, point))
    first = gc.grad(expr, xs)
    second = [gc.grad(g, xs) for g in first]
    got1 = gc.evaluate(first, feed)
    got2 = gc.evaluate([h for row in second for h in row], feed)
    for i, si in enumerate(syms):
        d1 = sympy.diff(sexpr, si)
        close(float(got1[i]), numeric(d1, syms, point))
        for j, sj in enumerate(syms):
            close(float(got2[3 * i + j]), numeric(sympy.diff(d1, sj), syms, point))
    # forward over forward agrees as well
    dx = gc.jvp(expr, xs, [1.0, 0.0, 0.0])
    dxy = gc.jvp(dx, xs, [0.0, 1.0, 0.0])
    close(float(gc.evaluate(dxy, feed)), numeric(sympy.diff(sexpr, syms[0], syms[1]), syms, point))


# ---------------------------------------------------------------- Jacobians

@pytest.mark.parametrize("m", [10, 1000])
def test_jacobian_of_linear_map_in_every_mode(m, rng):
    A = rng.standard_normal((m, 100))
    x = gc.var("x", (100,))
    y = gc.const(A) @ x
    feed = {x: rng.standard_normal(100)}
    for mode in ("forward", "reverse", "auto"):
        J = gc.jacobian(y, x, mode=mode)
        assert J.shape == (m, 100)
        np.testing.assert_allclose(gc.evaluate(J, feed), A, rtol=1e-12, atol=1e-12)


def test_auto_mode_picks_the_cheaper_side(rng):
    x = gc.var("x", (100,))
    tall = gc.tanh(gc.const(rng.standard_normal((1000, 100))) @ x)
    wide = gc.tanh(gc.const(rng.standard_normal((10, 100))) @ x)
    assert gc.jacobian(tall, x) is gc.jacobian(tall, x, mode="forward")
    assert gc.jacobian(wide, x) is gc.jacobian(wide, x, mode="reverse")
    assert gc.jacobian(tall, x, "forward") is not gc.jacobian(tall, x, "reverse")


def test_jacobian_of_nonlinear_map(rng):
    A = rng.standard_normal((7, 5))
    x = gc.var("x", (5,))
    y = gc.tanh(gc.const(A) @ x) * gc.sum(x * x)
    xv = rng.standard_normal(5)
    t = np.tanh(A @ xv)
    want = (1 - t ** 2)[:, None] * A * np.sum(xv ** 2) + np.outer(t, 2 * xv)
    for mode in ("forward", "reverse"):
        np.testing.assert_allclose(gc.evaluate(gc.jacobian(y, x, mode), {x: xv}), want, rtol=1e-12)


def test_jacobian_shapes_for_matrices(rng):
    X = gc.var("X", (3, 2))
    Y = gc.sin(X).T @ X                                         # (2, 2)
    Xv = rng.standard_normal((3, 2))
    Jf = gc.evaluate(gc.jacobian(Y, X, "forward"), {X: Xv})
    Jr = gc.evaluate(gc.jacobian(Y, X, "reverse"), {X: Xv})
    assert Jf.shape == (2, 2, 3, 2)
    np.testing.assert_allclose(Jf, Jr, rtol=1e-12)
    eps = 1e-6
    E = np.zeros((3, 2))
    E[1, 0] = eps
    fd = (gc.evaluate(Y, {X: Xv + E}) - gc.evaluate(Y, {X: Xv - E})) / (2 * eps)
    np.testing.assert_allclose(Jf[:, :, 1, 0], fd, rtol=1e-7)


def test_hessian_equals_closed_form(rng):
    A = rng.standard_normal((4, 4))
    x = gc.var("x", (4,))
    y = gc.sum(gc.const(A) @ x * x) + gc.sum(gc.sin(x))
    xv = rng.standard_normal(4)
    H = gc.evaluate(gc.hessian(y, x), {x: xv})
    np.testing.assert_allclose(H, A + A.T - np.diag(np.sin(xv)), rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- HVP of Rosenbrock

def rosenbrock(x):
    return gc.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def rosenbrock_hessian(x):
    n = len(x)
    H = np.zeros((n, n))
    i = np.arange(n - 1)
    H[i, i] += 1200 * x[:-1] ** 2 - 400 * x[1:] + 2
    H[i + 1, i + 1] += 200
    H[i, i + 1] = H[i + 1, i] = -400 * x[:-1]
    return H


def test_hvp_of_rosenbrock_without_a_hessian(rng):
    n = 1000
    x, v = gc.var("x", (n,)), gc.var("v", (n,))
    hv = gc.hvp(rosenbrock(x), x, v)
    xv, vv = rng.uniform(-2, 2, n), rng.standard_normal(n)
    np.testing.assert_allclose(gc.evaluate(hv, {x: xv, v: vv}), rosenbrock_hessian(xv) @ vv,
                               rtol=1e-12, atol=1e-9)
    biggest = max(node.size for node in toposort([hv]))
    assert biggest <= n


# ---------------------------------------------------------------- graph sizes and zeros

def test_mlp_gradient_graph_is_at_most_four_times_the_loss_graph():
    loss, params, _, _ = mlp_loss()
    grads = gc.grad(loss, params)
    n_loss = len(toposort([loss]))
    n_grad = len(toposort(grads))
    assert n_grad <= 4 * n_loss, (n_grad, n_loss)


def test_mlp_gradient_is_right(rng):
    loss, params, X, Y = mlp_loss(sizes=(5, 4, 3), batch=6)
    feed = {p: rng.standard_normal(p.shape) for p in params}
    feed[X], feed[Y] = rng.standard_normal(X.shape), rng.standard_normal(Y.shape)
    gc.check_grads(loss, params, feed, order=2)


def test_zero_derivatives_are_symbolic():
    x, y = gc.var("x", (3,)), gc.var("y", (200,))
    f = gc.sum(gc.sin(x))
    gy = gc.grad(f, y)
    nodes = toposort([gy])
    assert gy.shape == (200,) and [n.op.name for n in nodes] == ["const", "broadcast_to"]
    assert nodes[0].size == 1                          # a scalar, broadcast: no stored zeros
    np.testing.assert_array_equal(gc.evaluate(gy, {}), np.zeros(200))
    ty = gc.jvp(gc.sum(y), x, np.ones(3))
    assert ty.op.name == "const" and gc.evaluate(ty, {}) == 0.0
    # the gradient graph does not touch the unrelated branch
    g = gc.grad(f + gc.sum(gc.exp(y)), x)
    assert not any(n is y for n in toposort([g]))


def test_nondifferentiable_ops_have_zero_derivatives(rng):
    x = gc.var("x", (4,))
    y = gc.sum(gc.sign(x) + gc.stop_gradient(x) * 3 + gc.where(x > 0, 1.0, 2.0))
    assert np.all(gc.evaluate(gc.grad(y, x), {x: rng.standard_normal(4)}) == 0)


# ---------------------------------------------------------------- API shape

def test_grad_requires_a_scalar():
    x = gc.var("x", (3,))
    with pytest.raises(ValueError, match="scalar"):
        gc.grad(gc.sin(x), x)


def test_grad_list_and_tuple_and_single():
    x, y = gc.var("x"), gc.var("y", (2,))
    f = x * gc.sum(y)
    assert isinstance(gc.grad(f, x), gc.Tensor)
    gs = gc.grad(f, [x, y])
    assert isinstance(gs, list) and gs[1].shape == (2,)
    assert isinstance(gc.grad(f, (x, y)), list)
    value, g = gc.value_and_grad(f, x)
    assert value is f and g is gc.grad(f, x)


def test_vjp_and_jvp_shapes_are_checked():
    x = gc.var("x", (3,))
    y = gc.sin(x)
    with pytest.raises(gc.ShapeError, match=r"\(3,\).*\(4,\)"):
        gc.vjp(y, x, np.ones(4))
    with pytest.raises(gc.ShapeError):
        gc.jvp(y, x, np.ones(2))


def test_grad_of_grad_composes():
    x = gc.var("x")
    y = x ** 3
    d3 = gc.grad(gc.grad(gc.grad(y, x), x), x)
    assert gc.evaluate(d3, {x: 1.7}) == pytest.approx(6.0)


def test_float32_gradients_stay_float32(rng):
    x = gc.var("x", (3,), "float32")
    g = gc.grad(gc.sum(gc.tanh(x) * 2.0), x)
    assert g.dtype == np.float32
    out = gc.evaluate(g, {x: np.ones(3, np.float32)})
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, 2 * (1 - np.tanh(1.0) ** 2), rtol=1e-6)
