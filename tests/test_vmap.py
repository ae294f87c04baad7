"""gc.vmap against a Python loop over slices: axes, several outputs, closures, per-example
gradients, nesting, derivatives of a mapped function, compiled code, and errors."""
import numpy as np
import pytest

import graphc as gc
from graphc.ops.catalog import CASES as CATALOG, sample


def stacked(fn, arrays, in_axes, out_axis=0):
    """The reference: fn on each slice (interpreted), results stacked along out_axis."""
    n = next(a.shape[ax] for a, ax in zip(arrays, in_axes) if ax is not None)
    outs = []
    for k in range(n):
        args = [gc.const(a if ax is None else np.take(a, k, axis=ax)) for a, ax in zip(arrays, in_axes)]
        outs.append(gc.evaluate(fn(*args), {}))
    if isinstance(outs[0], list):
        return [np.stack([o[j] for o in outs], axis=out_axis) for j in range(len(outs[0]))]
    return np.stack(outs, axis=out_axis)


def evaluate(tensors, arrays, names):
    return gc.evaluate(tensors, dict(zip(names, arrays)))


RNG = np.random.default_rng(0)
W = RNG.standard_normal((4, 3))


def mlp(x):
    return gc.sum(gc.tanh(gc.const(W) @ x) ** 2)


CASES = [
    ("mlp", mlp, [(5, 3)], 0),
    ("axis1", lambda x: gc.softmax(x) * 2, [(3, 6)], 1),
    ("negative_axis", lambda x: gc.logsumexp(x, axis=0), [(2, 3, 4)], -1),
    ("unmapped_argument", lambda x, w: w @ x + 1, [(5, 3), (4, 3)], (0, None)),
    ("solve_per_example", lambda a, b: gc.linalg.solve(a + 3 * gc.const(np.eye(3)), b), [(4, 3, 3), (4, 3)], 0),
    ("two_outputs", lambda x: [gc.sum(x), x[1:] * x[:-1]], [(5, 4)], 0),
    ("reduction_and_slice", lambda x: gc.max(x[:, ::2], axis=1), [(3, 4, 5)], 2),
    ("scan", lambda x: gc.scan(lambda c, xt: (gc.tanh(c + xt), c), gc.const(0.0), x)[0], [(3, 7)], 0),
]


@pytest.mark.parametrize("name,fn,shapes,in_axes", CASES, ids=[c[0] for c in CASES])
def test_matches_loop_over_slices(name, fn, shapes, in_axes, tmp_path):
    arrays = [RNG.standard_normal(s) for s in shapes]
    xs = [gc.var(f"x{i}", s) for i, s in enumerate(shapes)]
    out = gc.vmap(fn, in_axes=in_axes)(*xs)
    axes = in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(shapes)
    want = stacked(fn, arrays, axes)
    got = evaluate(out, arrays, xs)
    compiled = gc.compile(xs, out, cache_dir=tmp_path)(*arrays)
    for g, c, w in zip(*(([v] if not isinstance(v, (list, tuple)) else v) for v in (got, compiled, want))):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(c, w, rtol=1e-10, atol=1e-12)


def test_out_axes_and_tuple_outputs():
    x = gc.var("x", (5, 3))
    X = RNG.standard_normal((5, 3))
    a, b = gc.vmap(lambda v: (gc.outer(v, v), gc.sum(v)), out_axes=(2, 0))(x)
    assert a.shape == (3, 3, 5) and b.shape == (5,)
    np.testing.assert_allclose(gc.evaluate(a, {x: X}), np.einsum("ki,kj->ijk", X, X))


def test_per_example_gradients():
    """The classic: one gradient per example of a loss with shared weights, in one graph."""
    w = gc.var("w", (3,))
    x, y = gc.var("x", (6, 3)), gc.var("y", (6,))
    X, Y, Wv = RNG.standard_normal((6, 3)), RNG.standard_normal(6), RNG.standard_normal(3)
    per = gc.vmap(lambda xi, yi: gc.grad((gc.tanh(gc.dot(xi, w)) - yi) ** 2, w))(x, y)
    assert per.shape == (6, 3)
    feed = {x: X, y: Y, w: Wv}
    t = np.tanh(X @ Wv)
    np.testing.assert_allclose(gc.evaluate(per, feed), (2 * (t - Y) * (1 - t ** 2))[:, None] * X, rtol=1e-12)
    total = gc.grad(gc.sum((gc.tanh(x @ w) - y) ** 2), w)
    np.testing.assert_allclose(gc.evaluate(per, feed).sum(0), gc.evaluate(total, feed), rtol=1e-12)


def test_nested_vmap_is_an_outer_map():
    a, b = gc.var("a", (3, 2)), gc.var("b", (4, 2))
    A, B = RNG.standard_normal((3, 2)), RNG.standard_normal((4, 2))
    d = gc.vmap(lambda u: gc.vmap(lambda v: gc.sum((u - v) ** 2))(b))(a)
    np.testing.assert_allclose(gc.evaluate(d, {a: A, b: B}), ((A[:, None] - B[None]) ** 2).sum(-1), rtol=1e-12)


def test_derivatives_of_a_mapped_function():
    x = gc.var("x", (4, 3))
    X = RNG.standard_normal((4, 3))
    y = gc.sum(gc.vmap(mlp)(x) ** 2)
    gc.check_grads(y, [x], {x: X}, order=2)


def test_errors():
    x, y = gc.var("x", (3, 2)), gc.var("y", (4, 2))
    with pytest.raises(ValueError, match=r"differ in length.*argument 1 \(shape \(4, 2\)\)"):
        gc.vmap(lambda a, b: a + b)(x, y)
    with pytest.raises(ValueError, match="out of range"):
        gc.vmap(gc.sum, in_axes=2)(x)
    with pytest.raises(ValueError, match="no argument is mapped"):
        gc.vmap(gc.sum, in_axes=None)(x)
    with pytest.raises(ValueError, match="in_axes"):
        gc.vmap(lambda a, b: a, in_axes=(0,))(x, x)
    with pytest.raises(ValueError, match="scalar"):
        gc.vmap(gc.sin)(gc.var("s", ()))
    with pytest.raises(TypeError, match="function"):
        gc.vmap(3)
    with pytest.raises(TypeError, match="separate arguments"):
        gc.vmap(lambda pair: pair[0] + pair[1])((x, x))


# matmul_add is internal: the lowering forms it from a product and its accumulator, after any vmap
@pytest.mark.parametrize("case", [c for c in CATALOG if c.name != "matmul_add"], ids=lambda c: c.name)
def test_every_op_maps_over_a_leading_axis(case):
    """Each op of the catalog under vmap (all inputs mapped, 2 examples) equals the op on
    each example: every batch rule, with the batch axis on every operand."""
    rng = np.random.default_rng(7)
    examples = [[sample(d, s, rng) for d, s in zip(case.domains, case.shapes)] for _ in range(2)]
    arrays = [np.stack([ex[i] for ex in examples]) for i in range(len(case.shapes))]
    xs = [gc.const(a) if a.dtype == np.bool_ else gc.var(f"x{i}", a.shape) for i, a in enumerate(arrays)]   # masks mapped too
    got = gc.evaluate(gc.vmap(case.fn)(*xs), {x: a for x, a in zip(xs, arrays) if a.dtype != np.bool_})
    for k, ex in enumerate(examples):
        want = gc.evaluate(case.fn(*[gc.const(a) for a in ex]), {})
        for g, w in zip(*(([v] if not isinstance(v, (list, tuple)) else v) for v in (got, want))):
            np.testing.assert_allclose(np.asarray(g)[k], w, rtol=1e-10, atol=1e-12)
