"""graphc.nn (jax.nn's names) and graphc.scipy.special: values against NumPy formulas (and
math.erf) in the interpreter and compiled, derivatives against central differences in both
modes, finite where the textbook formula overflows."""
import math

import numpy as np
import pytest

import graphc as gc
import graphc.nn as gnn
import graphc.scipy.special as gsp

erf = np.vectorize(math.erf)
erfc = np.vectorize(math.erfc)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


NN = {   # name: (graphc, NumPy reference)
    "relu6": (gnn.relu6, lambda x: np.clip(x, 0, 6)),
    "log_sigmoid": (gnn.log_sigmoid, lambda x: -np.logaddexp(0, -x)),
    "soft_sign": (gnn.soft_sign, lambda x: x / (np.abs(x) + 1)),
    "silu": (gnn.silu, lambda x: x * _sigmoid(x)),
    "swish": (gnn.swish, lambda x: x * _sigmoid(x)),
    "gelu": (gnn.gelu, lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
    "gelu_exact": (lambda x: gnn.gelu(x, approximate=False), lambda x: 0.5 * x * (1 + erf(x / np.sqrt(2)))),
    "elu": (gnn.elu, lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0)))),
    "selu": (gnn.selu, lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(np.minimum(x, 0)))),
    "celu": (lambda x: gnn.celu(x, 0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(np.minimum(x, 0) / 0.5))),
    "leaky_relu": (gnn.leaky_relu, lambda x: np.where(x >= 0, x, 0.01 * x)),
    "hard_tanh": (gnn.hard_tanh, lambda x: np.clip(x, -1, 1)),
    "hard_sigmoid": (gnn.hard_sigmoid, lambda x: np.clip(x + 3, 0, 6) / 6),
    "hard_silu": (gnn.hard_silu, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    "mish": (gnn.mish, lambda x: x * np.tanh(np.logaddexp(0, x))),
    "log_softmax": (gnn.log_softmax, lambda x: x - np.log(np.sum(np.exp(x), -1, keepdims=True))),
    "standardize": (gnn.standardize, lambda x: (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)),
    "glu": (gnn.glu, lambda x: x[:, :2] * _sigmoid(x[:, 2:])),
    "erf": (gsp.erf, erf),
    "erfc": (gsp.erfc, erfc),
    "ndtr": (gsp.ndtr, lambda x: 0.5 * erfc(-x / np.sqrt(2))),
    "expit": (gsp.expit, _sigmoid),
    "log_expit": (gsp.log_expit, lambda x: -np.logaddexp(0, -x)),
    "logit": (lambda x: gsp.logit(gc.sigmoid(x)), lambda x: np.log(_sigmoid(x) / (1 - _sigmoid(x)))),
    "scipy_log_softmax": (lambda x: gsp.log_softmax(x, axis=0),
                          lambda x: x - np.log(np.sum(np.exp(x), 0, keepdims=True))),
    "xlogy": (lambda x: gsp.xlogy(x, x * x + 1), lambda x: x * np.log(x * x + 1)),
    "xlog1py": (lambda x: gsp.xlog1py(x, x * x), lambda x: x * np.log1p(x * x)),
    "entr": (lambda x: gsp.entr(x * x + 0.1), lambda x: -(x * x + 0.1) * np.log(x * x + 0.1)),
}


def point():
    """Away from the kinks (0, ±1, ±3, 6) of the piecewise functions."""
    x = np.random.default_rng(3).uniform(-4, 4, (3, 4))
    return np.where(np.abs(x - np.round(x)) < 0.1, x + 0.25, x)


@pytest.mark.parametrize("name", sorted(NN))
def test_values_and_derivatives(name):
    ours, reference = NN[name]
    x0 = point()
    x = gc.var("x", x0.shape)
    y = ours(x)
    want = reference(x0)
    np.testing.assert_allclose(gc.evaluate(y, {x: x0}), want, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gc.compile([x], y)(x0), want, rtol=1e-12, atol=1e-14)
    weights = gc.const(np.random.default_rng(4).standard_normal(y.shape))
    gc.check_grads(gc.sum(y * weights), [x], {x: x0}, order=2)


def test_finite_where_the_textbook_formula_overflows():
    x = gc.var("x", (4,))
    x0 = np.array([-800.0, -40.0, 40.0, 800.0])
    f = gc.compile([x], [gnn.log_sigmoid(x), gnn.elu(x), gnn.silu(x), gnn.log_softmax(x), gsp.ndtr(x),
                         gc.grad(gc.sum(gnn.elu(x) + gnn.log_sigmoid(x)), x)])
    log_sigmoid, elu, silu, log_softmax, ndtr, grad = f(x0)
    np.testing.assert_allclose(log_sigmoid, [-800.0, -40.0, -math.exp(-40), 0.0], rtol=1e-12)
    np.testing.assert_allclose(elu, [-1.0, math.expm1(-40), 40.0, 800.0], rtol=1e-15)
    np.testing.assert_allclose(silu, [-0.0, -40 / (1 + math.exp(40)), 40 / (1 + math.exp(-40)), 800.0], rtol=1e-12)
    np.testing.assert_allclose(log_softmax, [-1600.0, -840.0, -760.0, 0.0], rtol=1e-15)
    assert ndtr[0] == 0.0 and ndtr[3] == 1.0
    tail = gc.compile([x], gsp.ndtr(x))(np.array([-20.0, -10.0, 0.0, 10.0]))
    np.testing.assert_allclose(tail[:2], [2.7536241186062337e-89, 7.61985302416047e-24], rtol=1e-13)  # not 0: erfc
    assert np.all(np.isfinite(grad))


def test_xlogy_is_zero_where_x_is_zero():
    x, y = gc.var("x", (3,)), gc.var("y", (3,))
    f = gc.compile([x, y], [gsp.xlogy(x, y), gsp.xlog1py(x, y), gc.grad(gc.sum(gsp.xlogy(x, y)), y)])
    v, w, gy = f(np.array([0.0, 0.0, 2.0]), np.array([0.0, 3.0, 3.0]))
    np.testing.assert_array_equal(v[:2], [0.0, 0.0])
    np.testing.assert_allclose(v[2], 2 * math.log(3.0))
    np.testing.assert_array_equal(w[:2], [0.0, 0.0])
    np.testing.assert_allclose(gy, [0.0, 0.0, 2 / 3])


def test_entr_and_logsumexp_at_the_edges():
    x = gc.var("x", (3,))
    f = gc.compile([x], [gsp.entr(x), gc.logsumexp(x)])
    entropy, lse = f(np.array([0.0, -1.0, 0.5]))
    np.testing.assert_array_equal(entropy[:2], [0.0, -np.inf])
    assert f(np.full(3, -np.inf))[1] == -np.inf                   # not NaN: shifted by 0 there
    assert f(np.array([0.0, np.inf, 1.0]))[1] == np.inf


def test_one_hot():
    labels = np.array([2, 0, 1, 7])
    np.testing.assert_array_equal(gc.evaluate(gnn.one_hot(labels, 3), {}),
                                  [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 0]])
    x = gc.var("x", (2,))
    hot = gnn.one_hot(x, 4, axis=0, dtype="float32")
    assert hot.shape == (4, 2) and hot.dtype == np.float32
    np.testing.assert_array_equal(gc.compile([x], hot)(np.array([3.0, 1.0])),
                                  [[0, 0], [0, 1], [0, 0], [1, 0]])


def test_namespaces_as_jax_has_them():
    assert gc.nn.gelu is gnn.gelu and gc.scipy.special.erf is gsp.erf
    import graphc.scipy.linalg as gsl
    assert gsl.expm is gc.linalg.expm and gsl.solve_triangular is gc.linalg.solve_triangular
    assert gnn.relu is gc.relu and gnn.softmax is gc.softmax


def test_python_probes_of_the_numpy_namespaces_are_attribute_errors():
    """`from graphc.numpy import x` inside a function asks for __path__; a dunder NumPy has
    is Python's probe, not a missing NumPy function."""
    import graphc.numpy as gnp
    for module in (gnp, gc.linalg):
        with pytest.raises(AttributeError):
            module.__path__
    with pytest.raises(NotImplementedError):
        gnp.frexp


def test_hyperbolic_functions_at_their_edges():
    """Once composites of exp and log: arcsinh(1e200) was NaN (x² overflowed), its
    derivative at 0 was 0 (through sign), sinh(1e-10) lost half its digits."""
    import graphc.numpy as gnp
    x = gc.var("x", (3,))
    y = [gnp.arcsinh(x), gnp.sinh(x), gnp.arctanh(x * 1e-3), gc.grad(gc.sum(gnp.arcsinh(x)), x)]
    x0 = np.array([1e200, 1e-10, 0.0])
    for f in (lambda: gc.compile([x], y)(x0), lambda: gc.evaluate(y, {x: x0})):
        asinh, sinh, atanh, grad = f()
        with np.errstate(over="ignore", invalid="ignore"):      # sinh(1e200) = inf, arctanh(1e197) NaN
            want_sinh, want_atanh = np.sinh(x0), np.arctanh(x0 * 1e-3)
        np.testing.assert_allclose(asinh, np.arcsinh(x0), rtol=1e-15)
        np.testing.assert_allclose(sinh, want_sinh, rtol=1e-15)
        np.testing.assert_allclose(atanh, want_atanh, rtol=1e-15)
        np.testing.assert_allclose(grad, [1e-200, 1.0, 1.0], rtol=1e-15)


def test_gamma_family_against_scipy_and_mpmath(tmp_path):
    """gammaln, digamma and polygamma over positive and negative arguments (near the poles
    too, where mpmath is the reference: SciPy's digamma loses digits there), both dtypes."""
    import mpmath
    import scipy.special as sc
    mpmath.mp.dps = 30
    x = np.concatenate([np.linspace(0.01, 60, 3001), np.linspace(-7.99, -0.01, 1999)])
    x = x[np.abs(x - np.round(x)) > 1e-3]
    v = gc.var("x", x.shape)
    outs = [gsp.gammaln(v), gsp.digamma(v), gsp.polygamma(1, v), gsp.polygamma(3, v)]
    got = gc.compile([v], outs, cache_dir=tmp_path)(x)
    positive = x > 0
    np.testing.assert_allclose(got[0], sc.gammaln(x), rtol=1e-13, atol=1e-14)
    for k, n in enumerate([0, 1, 3]):
        np.testing.assert_allclose(got[k + 1][positive], sc.polygamma(n, x[positive]), rtol=1e-13)
        sample = np.flatnonzero(~positive)[::50]
        want = [float(mpmath.polygamma(n, mpmath.mpf(float(t)))) for t in x[sample]]
        np.testing.assert_allclose(got[k + 1][sample], want, rtol=1e-12)
    poles = gc.compile([v], outs[1:], cache_dir=tmp_path)(np.resize([0.0, -1.0, -3.0], x.shape))
    assert all(np.isnan(p).all() for p in poles)
    x32 = x.astype(np.float32)
    v32 = gc.var("x32", x.shape, "float32")
    got32 = gc.compile([v32], [gsp.gammaln(v32), gsp.digamma(v32)], cache_dir=tmp_path)(x32)
    assert got32[0].dtype == np.float32
    np.testing.assert_allclose(got32[1][positive], sc.digamma(x32[positive].astype(np.float64)), rtol=2e-6,
                               atol=1e-6)


def test_gammaln_in_threaded_loops_uses_the_reentrant_lgamma(tmp_path):
    """C99's lgamma writes the sign of Γ(x) to the global signgam: a data race when threads
    share the loop. With glibc the kernel calls lgamma_r instead, both dtypes, and the
    values are SciPy's."""
    import scipy.special as sc
    x = np.linspace(-30.5, 40.5, 200000)
    v, v32 = gc.var("x", x.shape), gc.var("x32", x.shape, "float32")
    f = gc.compile([v, v32], [gsp.gammaln(v) * 2.0, gsp.gammaln(v32) * 2.0], cache_dir=tmp_path)
    src = f.c_source
    assert src.count("GC_PARALLEL_FOR") >= 3            # its two definitions and a loop's
    assert "gc_lgamma_f64(in0[" in src and "gc_lgamma_f32(in1[" in src
    glibc = [block.split("#else")[0] for block in src.split("#if defined(__GLIBC__) || defined(__APPLE__)")[1:]]
    assert any("lgamma_r(x, &sign)" in b for b in glibc) and any("lgammaf_r(x, &sign)" in b for b in glibc)
    got, got32 = f(x, x.astype(np.float32))
    np.testing.assert_allclose(got, 2 * sc.gammaln(x), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(got32, 2 * sc.gammaln(x.astype(np.float32)), rtol=1e-5, atol=1e-4)


def test_poisson_log_likelihood_to_second_order():
    """Σ k log λ − λ − gammaln(k + 1) with λ = exp(a + b t), and gammaln of a parameter:
    gradients and Hessians (through digamma and polygamma) by central differences."""
    t = np.linspace(0, 1, 7)
    counts = np.array([1.0, 0.0, 3.0, 2.0, 5.0, 4.0, 8.0])
    a, b, s = gc.var("a"), gc.var("b"), gc.var("s")
    lam = gc.exp(a + b * gc.const(t))
    ll = gc.sum(counts * gc.log(lam) - lam - gsp.gammaln(gc.const(counts) + 1.0)) + gsp.gammaln(s) \
        + gsp.betaln(s, s * 2.0) + gsp.multigammaln(s + 3.0, 3)
    gc.check_grads(ll, [a, b, s], {a: 0.3, b: 1.1, s: 1.7}, order=2)
    gc.check_grads(gsp.digamma(s) * gsp.gammaln(s), [s], {s: -2.4}, order=2)


def test_polygamma_order_must_be_a_static_non_negative_int():
    with pytest.raises(ValueError, match="order n"):
        gsp.polygamma(-1, gc.var("x"))
    with pytest.raises(ValueError, match="order n"):
        gsp.polygamma(1.5, gc.var("x"))
