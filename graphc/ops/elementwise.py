"""Elementwise primitives: NumPy broadcasting, one dtype in (the wrappers promote), and
derivative rules. An elementwise Jacobian is diagonal, so one rule per input,
`rule(g, out, *inputs)` -> g times the partial derivative, serves as both the JVP and
the VJP rule (the drivers broadcast tangents and unbroadcast cotangents).
"""
import math
import numbers

import numpy as np

from .. import dtypes
from ..ir import Tensor
from .core import (Primitive, broadcast_shapes, broadcasting_batch, cast, lift, lift_promoted,
                   require_float, same_dtype)


def _infer_float(name):
    def infer(*xs):
        require_float(name, *xs)
        dtype = same_dtype(name, *xs)
        return broadcast_shapes(name, *(x.shape for x in xs)), dtype
    return infer


def _infer_compare(name):
    def infer(x, y):
        dtype = same_dtype(name, x, y)
        del dtype
        return broadcast_shapes(name, x.shape, y.shape), dtypes.bool_
    return infer


def _errstate(ref):
    def quiet(*args, **attrs):
        with np.errstate(all="ignore"):
            return ref(*args, **attrs)
    return quiet


def elementwise(name, ref, rules, nin, doc, c):
    """Define an elementwise float primitive and return (primitive, public function).

    `c` is its C expression: {0}, {1} the operands, {f} the math-function suffix ("" or
    "f"), {T} the C type, and {v} the dtype suffix of a csrc/vmath.c routine. A libm
    function is written GC_M(name): glibc's vector version where the build links it
    (codegen/vector_math.py), the scalar one otherwise.
    """
    prim = Primitive(name, nin=nin, infer=_infer_float(name), ref=_errstate(ref),
                     jvp=rules, vjp=rules, doc=doc, c=c)
    prim.batch = broadcasting_batch(prim)

    def apply(*xs):
        if len(xs) != nin:
            raise TypeError(f"{name}() takes {nin} argument{'s' * (nin > 1)}, got {len(xs)}")
        return prim.bind(*lift_promoted(xs))
    apply.__name__ = name
    apply.__doc__ = doc
    return prim, apply


_LN2, _LN10, _TWO_OVER_SQRT_PI = math.log(2.0), math.log(10.0), 2 / math.sqrt(math.pi)


def _scipy_special(name):
    """A NumPy reference from scipy.special (NumPy has no erf or gamma functions); static
    parameters (polygamma's order) come first, as SciPy takes them."""
    def ref(*args, **params):
        import scipy.special
        return getattr(scipy.special, name)(*params.values(), *args).astype(args[-1].dtype)
    return ref


def _sigmoid_ref(x):
    return np.exp(-np.logaddexp(0, -x)).astype(x.dtype)


# Each rule is written in graphc's own ops, so it can be differentiated again.
neg_p, neg = elementwise("neg", np.negative, [lambda g, out, x: -g], 1, "-x",
    c="(-{0})")
exp_p, exp = elementwise("exp", np.exp, [lambda g, out, x: g * out], 1, "e**x",
    c="gc_exp{v}({0})")
log_p, log = elementwise("log", np.log, [lambda g, out, x: g / x], 1, "Natural logarithm.",
    c="GC_M(log{f})({0})")
sqrt_p, sqrt = elementwise("sqrt", np.sqrt, [lambda g, out, x: g * 0.5 / out], 1, "Square root.",
    c="sqrt{f}({0})")
sin_p, sin = elementwise("sin", np.sin, [lambda g, out, x: g * cos(x)], 1, "Sine.",
    c="GC_M(sin{f})({0})")
cos_p, cos = elementwise("cos", np.cos, [lambda g, out, x: -(g * sin(x))], 1, "Cosine.",
    c="GC_M(cos{f})({0})")
tan_p, tan = elementwise("tan", np.tan, [lambda g, out, x: g * (1 + out * out)], 1, "Tangent.",
    c="GC_M(tan{f})({0})")
tanh_p, tanh = elementwise("tanh", np.tanh, [lambda g, out, x: g * (1 - out * out)], 1,
                           "Hyperbolic tangent.",
    c="gc_tanh{v}({0})")
sigmoid_p, sigmoid = elementwise("sigmoid", _sigmoid_ref, [lambda g, out, x: g * (out * (1 - out))],
                                 1, "Logistic sigmoid 1 / (1 + e**-x).",
    c="gc_sigmoid{v}({0})")
abs_p, abs_ = elementwise("abs", np.abs, [lambda g, out, x: g * sign(x)], 1,
                          "Absolute value (derivative sign(x), 0 at 0).",
    c="fabs{f}({0})")
sign_p, sign = elementwise("sign", np.sign, None, 1, "Sign: -1, 0 or 1 (derivative 0).",
    c="({0} > 0 ? ({T})1 : {0} < 0 ? ({T})-1 : {0})")
log1p_p, log1p = elementwise("log1p", np.log1p, [lambda g, out, x: g / (1 + x)], 1, "log(1 + x).",
    c="GC_M(log1p{f})({0})")
expm1_p, expm1 = elementwise("expm1", np.expm1, [lambda g, out, x: g * (out + 1)], 1, "e**x - 1.",
    c="gc_expm1{v}({0})")
arcsin_p, arcsin = elementwise("arcsin", np.arcsin, [lambda g, out, x: g / sqrt(1 - x * x)], 1,
                               "Inverse sine.", c="GC_M(asin{f})({0})")
arccos_p, arccos = elementwise("arccos", np.arccos, [lambda g, out, x: -(g / sqrt(1 - x * x))], 1,
                               "Inverse cosine.", c="GC_M(acos{f})({0})")
arctan_p, arctan = elementwise("arctan", np.arctan, [lambda g, out, x: g / (1 + x * x)], 1,
                               "Inverse tangent.", c="GC_M(atan{f})({0})")
sinh_p, sinh = elementwise("sinh", np.sinh, [lambda g, out, x: g * cosh(x)], 1, "Hyperbolic sine.",
    c="GC_M(sinh{f})({0})")
cosh_p, cosh = elementwise("cosh", np.cosh, [lambda g, out, x: g * sinh(x)], 1, "Hyperbolic cosine.",
    c="GC_M(cosh{f})({0})")
arcsinh_p, arcsinh = elementwise("arcsinh", np.arcsinh, [lambda g, out, x: g / hypot(x, 1.0)], 1,
                                 "Inverse hyperbolic sine.", c="GC_M(asinh{f})({0})")
arccosh_p, arccosh = elementwise("arccosh", np.arccosh,
                                 [lambda g, out, x: g / (sqrt(x - 1) * sqrt(x + 1))], 1,
                                 "Inverse hyperbolic cosine.", c="GC_M(acosh{f})({0})")
arctanh_p, arctanh = elementwise("arctanh", np.arctanh, [lambda g, out, x: g / ((1 - x) * (1 + x))], 1,
                                 "Inverse hyperbolic tangent.", c="GC_M(atanh{f})({0})")
exp2_p, exp2 = elementwise("exp2", np.exp2, [lambda g, out, x: g * out * _LN2], 1, "2**x.",
    c="GC_M(exp2{f})({0})")
log2_p, log2 = elementwise("log2", np.log2, [lambda g, out, x: g / x * (1 / _LN2)], 1, "Base-2 logarithm.",
    c="GC_M(log2{f})({0})")
log10_p, log10 = elementwise("log10", np.log10, [lambda g, out, x: g / x * (1 / _LN10)], 1,
                             "Base-10 logarithm.", c="GC_M(log10{f})({0})")
cbrt_p, cbrt = elementwise("cbrt", np.cbrt, [lambda g, out, x: g / (3 * out * out)], 1, "Cube root.",
    c="GC_M(cbrt{f})({0})")
erf_p, erf = elementwise("erf", _scipy_special("erf"),
                         [lambda g, out, x: g * (_TWO_OVER_SQRT_PI * exp(-(x * x)))], 1,
                         "The error function (2/√π) ∫₀ˣ e^(−t²) dt.", c="GC_M(erf{f})({0})")
erfc_p, erfc = elementwise("erfc", _scipy_special("erfc"),
                           [lambda g, out, x: -(g * (_TWO_OVER_SQRT_PI * exp(-(x * x))))], 1,
                           "1 - erf(x), accurate where erf(x) is near 1.", c="GC_M(erfc{f})({0})")
floor_p, floor = elementwise("floor", np.floor, None, 1, "Round down (derivative 0).", c="floor{f}({0})")
ceil_p, ceil = elementwise("ceil", np.ceil, None, 1, "Round up (derivative 0).", c="ceil{f}({0})")
optimization_barrier_p, optimization_barrier = elementwise(
    "optimization_barrier", lambda x: x, [lambda g, out, x: optimization_barrier(g)], 1,
    "The identity, always stored (never fused into its readers), as jax.lax.optimization_barrier: "
    "cuts chains whose fused code would repeat (a sorting network's stages, each read twice).",
    c="{0}")
gammaln_p, gammaln = elementwise("gammaln", _scipy_special("gammaln"), [lambda g, out, x: g * digamma(x)], 1,
                                 "log |Γ(x)| (libm's lgamma_r, or lgamma).", c="gc_lgamma{v}({0})")
gammaln_p.csrc = "special"
digamma_p, digamma = elementwise("digamma", _scipy_special("digamma"), [lambda g, out, x: g * polygamma(1, x)],
                                 1, "ψ(x) = d/dx log Γ(x).", c="gc_digamma{v}({0})")
digamma_p.csrc = "special"


def _infer_polygamma(x, n):
    require_float("polygamma", x)
    return x.shape, x.dtype


polygamma_p = Primitive("polygamma", nin=1, infer=_infer_polygamma, ref=_errstate(_scipy_special("polygamma")),
                        jvp=[lambda g, out, x, n: g * polygamma(n + 1, x)],
                        vjp=[lambda g, out, x, n: g * polygamma(n + 1, x)],
                        doc="ψ⁽ⁿ⁾(x), the n-th derivative of digamma (NaN at the poles 0, −1, −2, … and for n > 60).",
                        c=lambda n: f"gc_polygamma{{v}}({int(n)}, {{0}})")
polygamma_p.batch = broadcasting_batch(polygamma_p)
polygamma_p.csrc = "special"


def polygamma(n, x):
    """ψ⁽ⁿ⁾(x) for a static order n ≥ 0 (digamma for n = 0)."""
    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 0:
        raise ValueError(f"polygamma: the order n must be a non-negative int, got {n!r}")
    (x,) = lift_promoted([x])
    return digamma(x) if n == 0 else polygamma_p.bind(x, n=int(n))


rint_p, rint = elementwise("rint", np.rint, None, 1, "Round to the nearest integer, halves to even "
                          "(derivative 0).", c="rint{f}({0})")
copysign_p, copysign = elementwise("copysign", np.copysign,
                                   [lambda g, out, x, y: g * (copysign(1.0, x) * copysign(1.0, y)), None], 2,
                                   "|x| with the sign of y (derivative 0 in y).", c="copysign{f}({0}, {1})")
stop_gradient_p, stop_gradient = elementwise(
    "stop_gradient", lambda x: x, None, 1,
    "The identity, with a zero derivative (as jax.lax.stop_gradient).",
    c="{0}")

add_p, add = elementwise("add", np.add, [lambda g, out, x, y: g, lambda g, out, x, y: g], 2, "x + y",
    c="({0} + {1})")
sub_p, sub = elementwise("sub", np.subtract, [lambda g, out, x, y: g, lambda g, out, x, y: -g], 2,
                         "x - y",
    c="({0} - {1})")
mul_p, mul = elementwise("mul", np.multiply, [lambda g, out, x, y: g * y, lambda g, out, x, y: g * x],
                         2, "x * y",
    c="({0} * {1})")
div_p, div = elementwise("div", np.divide,
                         [lambda g, out, x, y: g / y, lambda g, out, x, y: -(g * out / y)], 2, "x / y",
    c="({0} / {1})")


def _pow_dy(g, out, x, y):
    # d/dy x**y = x**y log x, taken as 0 where x == 0 (the limit from above for y > 0).
    safe_log = log(where(x == 0, 1, x))
    return g * where(x == 0, 0, out * safe_log)


pow_p, _pow = elementwise("pow", np.power,
                          [lambda g, out, x, y: g * y * power(x, y - 1), _pow_dy], 2,
                          "x ** y, elementwise.",
    c="GC_M(pow{f})({0}, {1})")


def power(x, y):
    """x ** y, elementwise. A constant exponent among 0.5, ±1, ±2, 3 and 4 becomes sqrt, a
    division or multiplications (as NumPy's fast paths and JAX's integer_pow do): a few
    nanoseconds less per element than pow, and derivatives that stay products."""
    if isinstance(y, numbers.Real) and not isinstance(y, bool) and isinstance(x, Tensor) \
            and x.dtype in dtypes.FLOATS:
        y = float(y)
        if y == 0.5:
            return sqrt(x)
        if y == 1.0:
            return x
        if y == -1.0:
            return 1.0 / x
        if y in (2.0, -2.0, 3.0, 4.0):
            x2 = x * x
            return {2.0: x2, -2.0: 1.0 / x2, 3.0: x2 * x, 4.0: x2 * x2}[y]
    return _pow(x, y)


power.__name__ = "power"


def _hypot_rule(mine):
    # d/dx hypot(x, y) = x / hypot(x, y), taken as 0 at the origin (the subgradient of least norm)
    return lambda g, out, x, y: g * (mine(x, y) / where(out == 0, 1, out))


hypot_p, hypot = elementwise("hypot", np.hypot, [_hypot_rule(lambda x, y: x), _hypot_rule(lambda x, y: y)], 2,
                             "√(x² + y²) without overflow or underflow.", c="GC_M(hypot{f})({0}, {1})")


def _atan2_rule(numerator):
    # d atan2(y, x) = (x dy − y dx) / (x² + y²)
    return lambda g, out, y, x: g * (numerator(y, x) / (x * x + y * y))


arctan2_p, arctan2 = elementwise("arctan2", np.arctan2,
                                 [_atan2_rule(lambda y, x: x), _atan2_rule(lambda y, x: -y)], 2,
                                 "The angle of the point (x, y): arctan(y / x) in the right quadrant.",
                                 c="GC_M(atan2{f})({0}, {1})")


def _max_rule(mine, other):
    # Ties split the derivative equally between the operands, as JAX does.
    return lambda g, out, x, y: where(mine(x, y) > other(x, y), g,
                                      where(x == y, g * 0.5, 0))


maximum_p, maximum = elementwise("maximum", np.maximum,
                                 [_max_rule(lambda x, y: x, lambda x, y: y),
                                  _max_rule(lambda x, y: y, lambda x, y: x)], 2,
                                 "Elementwise maximum (ties share the derivative).",
    c="({0} > {1} || {0} != {0} ? {0} : {1})")
minimum_p, minimum = elementwise("minimum", np.minimum,
                                 [_max_rule(lambda x, y: y, lambda x, y: x),
                                  _max_rule(lambda x, y: x, lambda x, y: y)], 2,
                                 "Elementwise minimum (ties share the derivative).",
    c="({0} < {1} || {0} != {0} ? {0} : {1})")


add_p.identities = ((0, 0), (1, 0))
sub_p.identities = ((1, 0),)
mul_p.identities = ((0, 1), (1, 1))
div_p.identities = ((1, 1),)
pow_p.identities = ((1, 1),)


def comparison(name, ref, doc, c):
    prim = Primitive(name, nin=2, infer=_infer_compare(name), ref=ref, doc=doc, c=c)
    prim.batch = broadcasting_batch(prim)

    def apply(x, y):
        return prim.bind(*lift_promoted([x, y], floats=False))
    apply.__name__ = name
    return prim, apply


lt_p, less = comparison("lt", np.less, "x < y (bool)", "({0} < {1})")
le_p, less_equal = comparison("le", np.less_equal, "x <= y (bool)", "({0} <= {1})")
gt_p, greater = comparison("gt", np.greater, "x > y (bool)", "({0} > {1})")
ge_p, greater_equal = comparison("ge", np.greater_equal, "x >= y (bool)", "({0} >= {1})")
eq_p, equal = comparison("eq", np.equal, "x == y (bool)", "({0} == {1})")
ne_p, not_equal = comparison("ne", np.not_equal, "x != y (bool)", "({0} != {1})")


def _infer_where(c, x, y):
    if c.dtype != dtypes.bool_:
        raise TypeError(f"where: the condition must be boolean, got {c.dtype.name}")
    dtype = same_dtype("where", x, y)
    return broadcast_shapes("where", c.shape, x.shape, y.shape), dtype


where_p = Primitive("where", nin=3, infer=_infer_where, ref=np.where,
                    jvp=[None, lambda g, out, c, x, y: where(c, g, 0),
                         lambda g, out, c, x, y: where(c, 0, g)],
                    vjp=[None, lambda g, out, c, x, y: where(c, g, 0),
                         lambda g, out, c, x, y: where(c, 0, g)],
                    doc="where(c, x, y): x where c holds, else y (broadcast).",
                    c="({0} ? {1} : {2})")
where_p.batch = broadcasting_batch(where_p)


def where(condition, x, y):
    """Elementwise choice: `x` where `condition` holds, else `y` (NumPy broadcasting)."""
    c = lift(condition)
    if c.dtype != dtypes.bool_:
        c = not_equal(c, 0)
    x, y = lift_promoted([x, y], floats=False)
    return where_p.bind(c, x, y)


def square(x):
    """x * x."""
    x = lift_promoted([x])[0]
    return x * x


def relu(x):
    """max(x, 0), with derivative 0 at 0 (as JAX)."""
    x = lift_promoted([x])[0]
    return where(x > 0, x, 0)


def softplus(x):
    """log(1 + e**x), computed stably as max(x, 0) + log1p(e**-|x|) (derivative sigmoid(x))."""
    x = lift_promoted([x])[0]
    return maximum(x, 0) + log1p(exp(-abs_(x)))


def clip(x, a_min=None, a_max=None):
    """x limited to [a_min, a_max] (either bound may be None)."""
    x = lift_promoted([x])[0]
    if a_min is not None:
        x = maximum(x, a_min)
    if a_max is not None:
        x = minimum(x, a_max)
    return x


def astype(x, dtype):
    """x converted to `dtype`."""
    return cast(x, dtype)
