"""The libm functions of elementwise ops, vectorised through glibc's libmvec where the build
links it (codegen/vector_math.py): within 4 ulp of the correctly rounded value over their
domains, special values (±0, ±inf, NaN, huge arguments, domain edges) as libm gives them,
in both dtypes; a value's result the same wherever it falls in a loop (vector body or
remainder); and the vector versions are really what the kernel calls. Programs without
loops keep libm's scalar functions."""
import math

import numpy as np
import pytest

import graphc as gc
import graphc.numpy as gnp
import graphc.scipy.special as gsp
from graphc.build import find_compiler, libmvec_version

HUGE = [1e5, -1e9, 1e22, -1e300, 6381956970095103 * 2.0 ** 797, np.finfo(np.float64).max]
SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -1e-310, 1e-300]
FUNCTIONS = {   # graphc function, its domain for the sweep, further points
    "sin": (gc.sin, (-20, 20), HUGE), "cos": (gc.cos, (-20, 20), HUGE),
    "tan": (gc.tan, (-1.5, 1.5), [np.pi / 2, 1e22]),
    "arcsin": (gnp.arcsin, (-1, 1), [1.0, -1.0, 1.5, -2.0]), "arccos": (gnp.arccos, (-1, 1), [1.0, -1.0, 1.5]),
    "arctan": (gnp.arctan, (-50, 50), HUGE),
    "log": (gc.log, (1e-6, 1e6), [1.0, -1.0, 1e300, np.finfo(np.float64).max]),
    "log1p": (gc.log1p, (-0.999, 100), [-1.0, -1.5, 1e-17, 1e300]),
    "sinh": (gnp.sinh, (-20, 20), [1e-10, -1e-300, 710.0, 711.0, -800.0]),
    "cosh": (gnp.cosh, (-20, 20), [1e-10, 710.0, 711.0, -800.0]),
    "arcsinh": (gnp.arcsinh, (-50, 50), [1e-10, -1e-300, 1e200, -1e300, np.finfo(np.float64).max]),
    "arccosh": (gnp.arccosh, (1, 50), [1.0, 0.5, 1 + 1e-15, 1e300]),
    "arctanh": (gnp.arctanh, (-0.999, 0.999), [1.0, -1.0, 1.5, 1e-20]),
    "exp2": (gnp.exp2, (-30, 30), [1023.9, 1024.0, -1074.0, -1080.0]),
    "log2": (gnp.log2, (1e-6, 1e6), [1.0, 2.0, 1024.0, -1.0, 1e300]),
    "log10": (gnp.log10, (1e-6, 1e6), [1.0, 10.0, 1e22, -1.0]),
    "cbrt": (gnp.cbrt, (-100, 100), [-27.0, 1e300, -1e-300]),
    "erf": (gsp.erf, (-6, 6), [1e-20, 30.0, -30.0]),
    "erfc": (gsp.erfc, (-6, 26), [1e-20, 27.5, 30.0, -30.0]),
}


def points(name, dtype):
    _, (lo, hi), extra = FUNCTIONS[name]
    sweep = np.linspace(lo, hi, 10007)
    with np.errstate(over="ignore"):
        return np.concatenate([sweep, SPECIAL, extra]).astype(dtype)


def correctly_rounded(name, x):
    """The value rounded from long double (64-bit significand) arithmetic; erf and erfc
    (which NumPy lacks) from Python's math, within an ulp."""
    if name in ("erf", "erfc"):
        return np.vectorize(getattr(math, name), otypes=[np.float64])(x).astype(x.dtype)
    with np.errstate(all="ignore"):
        return getattr(np, name)(x.astype(np.longdouble)).astype(x.dtype)


def assert_within_ulps(got, want, ulps):
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.array_equal(np.isinf(got), np.isinf(want)) and np.array_equal(got[np.isinf(got)], want[np.isinf(want)])
    assert np.array_equal(np.signbit(got[want == 0]), np.signbit(want[want == 0]))
    finite = np.isfinite(want)
    spacing = np.spacing(np.abs(want[finite]))
    error = np.where(got[finite] == want[finite], 0, np.abs(got[finite] - want[finite]) / spacing)
    assert error.max() <= ulps, (error.max(), got[finite][error.argmax()], want[finite][error.argmax()])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_within_four_ulp_of_the_correctly_rounded_value(name, dtype):
    x = points(name, dtype)
    v = gc.var("x", x.shape, dtype=dtype)
    got, want = gc.compile([v], FUNCTIONS[name][0](v))(x), correctly_rounded(name, x)
    edge = len(x) - len(FUNCTIONS[name][2])
    assert_within_ulps(got[:edge], want[:edge], 4)
    # the further points within 8: libmvec's cosine of the hardest argument to reduce
    # (Kahan and McDonald's 6381956970095103 * 2^797, cosine 4.7e-19) is 8 ulp off
    assert_within_ulps(got[edge:], want[edge:], 8)


BINARY = {"power": (gc.power, (0, 10), (-5, 5), [(0.0, 0.5), (2.0, -1.0), (np.inf, 2.0), (1.0, np.nan), (-2.0, 3.0)]),
          "arctan2": (gnp.arctan2, (-5, 5), (-5, 5), [(0.0, 0.0), (-0.0, -1.0), (0.0, -0.0), (1.0, np.inf),
                                                      (np.inf, -np.inf), (1e300, 1e-300), (-1e-300, 1e300)]),
          "hypot": (gnp.hypot, (-5, 5), (-5, 5), [(0.0, 0.0), (1e300, 1e300), (1e-300, 1e-300), (np.inf, np.nan),
                                                  (3.0, 4.0)])}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_within_four_ulp(name, dtype):
    ours, (a_lo, a_hi), (b_lo, b_hi), extra = BINARY[name]
    rng = np.random.default_rng(0)
    with np.errstate(over="ignore"):
        a = np.concatenate([rng.uniform(a_lo, a_hi, 4000), [p for p, _ in extra]]).astype(dtype)
        b = np.concatenate([rng.uniform(b_lo, b_hi, 4000), [q for _, q in extra]]).astype(dtype)
    x, y = gc.var("x", a.shape, dtype=dtype), gc.var("y", b.shape, dtype=dtype)
    got = gc.compile([x, y], ours(x, y))(a, b)
    with np.errstate(all="ignore"):
        want = getattr(np, name)(a.astype(np.longdouble), b.astype(np.longdouble)).astype(dtype)
    assert_within_ulps(got, want, 4)


def test_sine_and_cosine_of_one_argument_stay_two_vector_calls():
    """gcc would merge sin(x) and cos(x) into one scalar sincos call, which does not
    vectorise; the kernel calls the vector versions of both (libm's scalar ones where
    there is no libmvec)."""
    x = gc.var("x", (1000,))
    f = gc.compile([x], [gc.grad(gc.sum(gc.sin(x) * gc.cos(x)), x)])
    binary = open(f.library_path, "rb").read()
    if libmvec_version(find_compiler()):
        assert b"_ZGV" in binary and b"v_sin" in binary and b"v_cos" in binary
        assert b"sincos" not in binary
    else:
        assert b"_ZGV" not in binary
    xv = np.linspace(-3, 3, 1000)
    np.testing.assert_allclose(f(xv)[0], np.cos(2 * xv), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_value_gives_one_result_wherever_it_falls_in_a_loop(dtype):
    """A loop's vector body and its remainder (and any scalar call in a program with loops)
    run the same libmvec version: the same inputs at every position of a 1003-element loop
    give bit-identical results (checkpoint strategies rely on it)."""
    values = np.random.default_rng(1).uniform(0.1, 3, 17).astype(dtype)
    x = np.resize(values, 1003)
    v = gc.var("x", x.shape, dtype=dtype)
    outputs = [FUNCTIONS[name][0](v) for name in sorted(FUNCTIONS)]
    outputs += [BINARY[name][0](v, v * 0.5 + 0.1) for name in sorted(BINARY)]
    for got in gc.compile([v], outputs)(x):
        for k in range(17):
            assert np.unique(got[k::17]).size == 1


def test_an_older_glibc_vectorises_what_its_libmvec_has(tmp_path, monkeypatch):
    """glibc 2.22-2.34's libmvec has sin, cos, log and pow only: with that version, tan
    stays libm's scalar call and the kernel still builds, loads and agrees."""
    import graphc.build as build
    available = libmvec_version(find_compiler())
    if available:                                   # (without libmvec: both scalar, still agreeing)
        monkeypatch.setattr(build, "libmvec_version", lambda cc: 31)
    x = gc.var("x", (1000,))
    f = gc.compile([x], [gc.sin(x) + gc.tan(x * 0.5)], cache_dir=tmp_path)
    binary = open(f.library_path, "rb").read()
    assert b"v_tan" not in binary and (b"v_sin" in binary) == bool(available)
    xv = np.linspace(-2, 2, 1000)
    np.testing.assert_allclose(f(xv)[0], np.sin(xv) + np.tan(xv * 0.5), rtol=1e-14)
