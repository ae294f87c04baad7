"""Every op of the catalog (graphc/ops/catalog.py) against NumPy, in float64 and float32,
with NumPy broadcasting. Generated from the table: adding a row adds its tests."""
import numpy as np
import pytest

import graphc as gc
from graphc.ir import toposort
from graphc.ops import REGISTRY
from graphc.ops.catalog import BROADCAST_SHAPES, CASES, sample

DTYPES = [np.float64, np.float32]


def build(case, shapes, dtype, rng):
    """Variables (constants for boolean inputs), their values, and the graph of `case`."""
    arrays, tensors, feed = [], [], {}
    for i, (domain, shape) in enumerate(zip(case.domains, shapes, strict=True)):
        a = sample(domain, shape, rng, dtype)
        arrays.append(a)
        if a.dtype == np.bool_:
            tensors.append(gc.const(a))
        else:
            v = gc.var(f"x{i}", shape, dtype)
            tensors.append(v)
            feed[v] = a
    return arrays, tensors, feed, case.fn(*tensors)


def assert_matches(got, want, dtype, tol32):
    if isinstance(want, tuple):
        assert isinstance(got, (tuple, list)) and len(got) == len(want)
        for g, w in zip(got, want):
            assert_matches(g, w, dtype, tol32)
        return
    want = np.asarray(want)
    assert got.shape == want.shape
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if want.dtype == np.bool_:
        np.testing.assert_array_equal(got, want)
    elif dtype == np.float64:
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    else:
        np.testing.assert_allclose(got, want, rtol=tol32, atol=tol32)


def _run(case, shapes, dtype, rng):
    arrays, _, feed, out = build(case, shapes, dtype, rng)
    outs = list(out) if isinstance(out, (tuple, list)) else out
    got = gc.evaluate(outs, feed)
    with np.errstate(all="ignore"):
        want = case.reference(*arrays)
    if isinstance(out, (tuple, list)):
        got = tuple(got)
        want = tuple(np.asarray(w) for w in want)
    assert_matches(got, want, dtype, case.tol32)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_op_matches_numpy(case, dtype, rng):
    _run(case, case.shapes, dtype, rng)


BROADCAST_RUNS = [(c, shapes) for c in CASES if c.broadcast for shapes in BROADCAST_SHAPES[len(c.shapes)]]


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("case,shapes", BROADCAST_RUNS,
                         ids=[f"{c.name}-{'-'.join(map(str, s))}" for c, s in BROADCAST_RUNS])
def test_op_broadcasts_like_numpy(case, shapes, dtype, rng):
    _run(case, shapes, dtype, rng)


def test_catalog_reaches_every_primitive():
    rng = np.random.default_rng(0)
    used = set()
    for case in CASES:
        *_, out = build(case, case.shapes, np.float64, rng)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        used |= {n.op.name for n in toposort(outs)}
    missing = set(REGISTRY) - used - {"var", "pack"}    # pack lives only inside vmap of a scan
    assert not missing, f"primitives without a catalog row: {sorted(missing)}"


def test_catalog_names_are_unique():
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
