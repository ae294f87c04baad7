"""csrc/vmath.c (exp, expm1, tanh, sigmoid as vectorisable C) against NumPy: a few ulp in
float64 over the whole range, overflow to inf and underflow to 0, and float32 results
within an ulp of NumPy's float64 values rounded."""
import numpy as np
import pytest

import graphc as gc

FUNCTIONS = {"exp": (gc.exp, np.exp), "expm1": (gc.expm1, np.expm1), "tanh": (gc.tanh, np.tanh),
             "sigmoid": (gc.sigmoid, lambda v: 1 / (1 + np.exp(-v)))}


def points():
    edges = [0.0, -0.0, 1e-300, -1e-300, 1e-10, -1e-10, 0.34657, -0.34657, 19.9, 20.1, -20.1, 40, 700,
             709.7, 709.8, 710, 745, -745, -746, -800, 800]
    return np.concatenate([np.linspace(-30, 30, 20001), np.linspace(-745, 709, 4001), edges])


def ulps(got, want):
    spacing = np.spacing(np.abs(want).astype(want.dtype))
    return np.where(got == want, 0, np.abs(got - want) / spacing)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_float64_within_a_few_ulp(name):
    ours, reference = FUNCTIONS[name]
    x = points()
    v = gc.var("x", x.shape)
    got = gc.compile([v], [ours(v)])(x)[0]
    with np.errstate(over="ignore"):
        want = reference(x)
    finite = np.isfinite(want)
    assert np.array_equal(np.isinf(got), np.isinf(want))
    assert ulps(got[finite], want[finite]).max() <= 4


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_float32_within_an_ulp(name):
    ours, reference = FUNCTIONS[name]
    x = points()
    x = x[np.abs(x) < 80].astype(np.float32)
    v = gc.var("x", x.shape, dtype="float32")
    got = gc.compile([v], [ours(v)])(x)[0]
    with np.errstate(over="ignore"):
        want = reference(x.astype(np.float64)).astype(np.float32)
    finite = np.isfinite(want)
    assert np.array_equal(np.isinf(got), np.isinf(want))
    assert ulps(got[finite], want[finite]).max() <= 1
