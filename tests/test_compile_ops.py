"""Compiled C against the reference interpreter for every op of the catalog (values, and
the gradient graph of a random functional of them), in float64 and float32."""
import numpy as np
import pytest

import graphc as gc
from graphc.ops.catalog import BROADCAST_SHAPES, CASES
from tests.test_ops import build as build_case

DTYPES = [np.float64, np.float32]
TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-5)}


def build(case, shapes, dtype, rng):
    """(variables, feed, outputs) of a catalog row (boolean inputs become constants)."""
    _, tensors, feed, out = build_case(case, shapes, dtype, rng)
    xs = [t for t in tensors if t.op.name == "var"]
    return xs, feed, list(out) if isinstance(out, (tuple, list)) else [out]


def compare(xs, feed, outs, dtype, tol32=1e-5):
    f = gc.compile(xs, outs)
    got = f(*[feed[x] for x in xs])
    want = gc.evaluate(outs, feed)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        tol = dict(TOL[np.float64])
        if w.dtype == np.float32:
            tol = dict(rtol=max(tol32, 1e-5), atol=max(tol32, 1e-5))
        if w.dtype == np.bool_:
            np.testing.assert_array_equal(g, w)
        else:
            np.testing.assert_allclose(g, w, **tol)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_compiled_values_match_interpreter(case, dtype, rng):
    xs, feed, outs = build(case, case.shapes, dtype, rng)
    compare(xs, feed, outs, dtype, case.tol32)


BROADCAST_RUNS = [(c, s) for c in CASES if c.broadcast for s in BROADCAST_SHAPES[len(c.shapes)]]


@pytest.mark.parametrize("case,shapes", BROADCAST_RUNS,
                         ids=[f"{c.name}-{'-'.join(map(str, s))}" for c, s in BROADCAST_RUNS])
def test_compiled_broadcasting(case, shapes, rng):
    xs, feed, outs = build(case, shapes, np.float64, rng)
    compare(xs, feed, outs, np.float64)


DIFF = [c for c in CASES if c.diff_inputs]


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("case", DIFF, ids=[c.name for c in DIFF])
def test_compiled_gradients_match_interpreter(case, dtype, rng):
    xs, feed, outs = build(case, case.shapes, dtype, rng)
    xs = [x for i, x in enumerate(xs)]
    loss = 0.0
    for o in outs:
        if o.dtype in (np.float64, np.float32):
            loss = loss + gc.sum(o * gc.const(rng.standard_normal(o.shape).astype(o.dtype)))
    grads = gc.grad(loss, xs)
    compare(xs, feed, [loss, *grads], dtype, max(case.tol32, 1e-4) if dtype == np.float32 else 0)
