"""Property tests of the code generator: random programs of elementwise ops, views,
reductions, pads and products over broadcast shapes, compiled and compared with the
reference interpreter. Fusion decisions vary with the program; results must not."""
import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

import graphc as gc

UNARY = [gc.tanh, gc.sin, gc.exp, lambda x: x * x, lambda x: -x, gc.sigmoid, abs]
BINARY = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, gc.maximum,
          lambda a, b: gc.where(a > b, a, b * 0.5)]


def grow(draw, pool):
    """One new node from the pool: an op, a view, a reduction, a pad or a product."""
    x = draw(st.sampled_from(pool))
    kind = draw(st.sampled_from(["unary", "binary", "binary", "sum", "view", "pad", "slice", "matmul"]))
    if kind == "unary":
        return draw(st.sampled_from(UNARY))(gc.clip(x, -3, 3))
    if kind == "binary":
        y = draw(st.sampled_from(pool))
        try:
            return draw(st.sampled_from(BINARY))(x, y)
        except gc.ShapeError:
            return x
    if kind == "sum" and x.ndim:
        axis = draw(st.integers(0, x.ndim - 1))
        return gc.sum(x, axis=axis, keepdims=draw(st.booleans()))
    if kind == "view" and x.ndim >= 2:
        return x.T
    if kind == "pad" and x.ndim:
        from graphc.ops.shape import pad_zeros
        lo = tuple(draw(st.integers(0, 2)) for _ in range(x.ndim))
        hi = tuple(draw(st.integers(0, 2)) for _ in range(x.ndim))
        return pad_zeros(x, lo, hi)
    if kind == "slice" and x.ndim and x.shape[0] > 1:
        return x[1:] if draw(st.booleans()) else x[::-1]
    if kind == "matmul" and x.ndim == 2:
        return x @ gc.const(np.linspace(-1, 1, x.shape[1] * 3).reshape(x.shape[1], 3))
    return gc.exp(-x * x)


@st.composite
def programs(draw):
    base = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3))
    inputs = []
    for i in range(draw(st.integers(1, 3))):
        shape = tuple(d if draw(st.booleans()) else 1 for d in base)
        inputs.append(gc.var(f"x{i}", shape))
    pool = list(inputs)
    for _ in range(draw(st.integers(1, 8))):
        pool.append(grow(draw, pool))
    outputs = draw(st.lists(st.sampled_from(pool[len(inputs):] or pool), min_size=1, max_size=3))
    return inputs, outputs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.integers(0, 2**31 - 1))
def test_compiled_programs_match_the_interpreter(program, seed):
    inputs, outputs = program
    rng = np.random.default_rng(seed)
    values = [rng.standard_normal(v.shape) for v in inputs]
    total = gc.sum(outputs[0]) if outputs[0].ndim else outputs[0]
    grads = gc.grad(total, inputs)
    f = gc.compile(inputs, outputs + grads)
    got = f(*values)
    want = gc.evaluate(outputs + grads, dict(zip(inputs, values)))
    for g, w in zip(got, want):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-9)


def test_pad_then_exp_regression():
    """Found by the test above: a zero pad read inside a conditional, then the inlined exp,
    made gcc 12 (-O3 -march=native -fno-trapping-math) emit a masked load that zeroed the
    whole first vector. The read is now a statement of its own."""
    from graphc.ops.shape import pad_zeros
    x = gc.var("x0", (2, 2, 1))
    y = gc.exp(-pad_zeros(x, (1, 0, 0), (0, 0, 0)) ** 2)
    outs = [y, gc.grad(gc.sum(y), x)]
    X = np.random.default_rng(0).standard_normal((2, 2, 1))
    for got, want in zip(gc.compile([x], outs)(X), gc.evaluate(outs, {x: X})):
        np.testing.assert_allclose(got, want, rtol=1e-12)
