"""Every op of the catalog differentiated in forward and reverse mode, to order 2, against
central finite differences (gc.check_grads), at random points of its domain."""
import numpy as np
import pytest

import graphc as gc
from graphc.ops.catalog import CASES, sample

DIFF_CASES = [c for c in CASES if c.diff_inputs]


def scalar_loss(case, rng):
    """A random linear functional of the op's (float) outputs, and the feed."""
    tensors, feed, xs = [], {}, []
    for i, (domain, shape) in enumerate(zip(case.domains, case.shapes)):
        a = sample(domain, shape, rng)
        if domain == "bool" or i not in case.diff_inputs:
            tensors.append(gc.const(a))
        else:
            v = gc.var(f"x{i}", shape)
            tensors.append(v)
            feed[v] = a
            xs.append(v)
    out = case.fn(*tensors)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    loss = 0.0
    for o in outs:
        if o.dtype in (np.float64, np.float32):
            loss = loss + gc.sum(gc.cast(o, "float64") * gc.const(rng.standard_normal(o.shape)))
    return loss, xs, feed


@pytest.mark.parametrize("case", DIFF_CASES, ids=[c.name for c in DIFF_CASES])
def test_derivatives_match_finite_differences(case, rng):
    loss, xs, feed = scalar_loss(case, rng)
    gc.check_grads(loss, xs, feed, order=2 if case.order2 else 1)


def test_check_grads_catches_a_wrong_rule(monkeypatch):
    from graphc.ops.elementwise import sin_p
    x = gc.var("x", (3,))
    y = gc.sum(gc.sin(x))
    monkeypatch.setattr(sin_p, "jvp", [lambda g, out, x: g * 2.0])
    monkeypatch.setattr(sin_p, "vjp", [lambda g, out, x: g * 2.0])
    with pytest.raises(AssertionError, match="forward mode"):
        gc.check_grads(y, x, {x: np.ones(3)}, modes=("forward",))
    with pytest.raises(AssertionError, match=r"reverse mode: dy/dx\[\(\d,\)\]"):
        gc.check_grads(y, x, {x: np.ones(3)}, modes=("reverse",))
