"""Reductions over static axes (sum, max, min, prod) and the composites built on them
(mean, logsumexp, softmax). Primitives drop the reduced axes; `keepdims` is a reshape."""
import math

import numpy as np

from .core import REGISTRY, Primitive, lift_promoted, normalize_axes, require_float, cast
from .elementwise import abs_, exp, log, stop_gradient, where
from .shape import broadcast_to, reshape


def _infer_reduce(name):
    def infer(x, axes):
        require_float(name, x)
        return tuple(d for i, d in enumerate(x.shape) if i not in axes), x.dtype
    return infer


def kept_shape(shape, axes):
    """`shape` with the reduced `axes` set to 1 (the keepdims shape)."""
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def expand_back(y, x, axes):
    """A reduction result `y` broadcast back over the reduced `axes` of `x`."""
    return broadcast_to(reshape(y, kept_shape(x.shape, axes)), x.shape)


def _batch_reduce(name):
    def rule(inputs, batched, axes):
        return REGISTRY[name].bind(inputs[0], axes=tuple(a + 1 for a in axes))
    return rule


def _sum_jvp(t, out, x, axes):
    return reduce_sum_p.bind(broadcast_to(t, x.shape), axes=axes)


def _extremum_rule(kind):
    # The derivative flows to the arg-extrema, shared equally among ties (as JAX).
    def rule(g, out, x, axes):
        mask = cast(x == expand_back(out, x, axes), x.dtype)
        count = reduce_sum_p.bind(mask, axes=axes)
        if kind == "jvp":
            return reduce_sum_p.bind(g * mask, axes=axes) / count
        return expand_back(g / count, x, axes) * mask
    return rule


def _prod_partials(x, axes):
    """∂prod/∂x_i = product of the other entries, exact with zeros among them."""
    is_zero = x == 0
    prod_nonzero = expand_back(reduce_prod_p.bind(where(is_zero, 1, x), axes=axes), x, axes)
    zeros = expand_back(reduce_sum_p.bind(cast(is_zero, x.dtype), axes=axes), x, axes)
    return where(is_zero, where(zeros == 1, prod_nonzero, 0),
                 where(zeros == 0, prod_nonzero / where(is_zero, 1, x), 0))


reduce_sum_p = Primitive(
    "reduce_sum", nin=1, batch=_batch_reduce("reduce_sum"), infer=_infer_reduce("sum"),
    ref=lambda x, axes: np.sum(x, axis=axes),
    jvp=[_sum_jvp], vjp=[lambda g, out, x, axes: expand_back(g, x, axes)],
    doc="Sum over `axes`.")
reduce_max_p = Primitive(
    "reduce_max", nin=1, batch=_batch_reduce("reduce_max"), infer=_infer_reduce("max"),
    ref=lambda x, axes: np.max(x, axis=axes),
    jvp=[_extremum_rule("jvp")], vjp=[_extremum_rule("vjp")], doc="Maximum over `axes`.")
reduce_min_p = Primitive(
    "reduce_min", nin=1, batch=_batch_reduce("reduce_min"), infer=_infer_reduce("min"),
    ref=lambda x, axes: np.min(x, axis=axes),
    jvp=[_extremum_rule("jvp")], vjp=[_extremum_rule("vjp")], doc="Minimum over `axes`.")
reduce_prod_p = Primitive(
    "reduce_prod", nin=1, batch=_batch_reduce("reduce_prod"), infer=_infer_reduce("prod"),
    ref=lambda x, axes: np.prod(x, axis=axes),
    jvp=[lambda t, out, x, axes: reduce_sum_p.bind(broadcast_to(t, x.shape) * _prod_partials(x, axes),
                                                   axes=axes)],
    vjp=[lambda g, out, x, axes: expand_back(g, x, axes) * _prod_partials(x, axes)],
    doc="Product over `axes`.")


def _reducer(prim, name):
    def apply(x, axis=None, keepdims=False):
        x = lift_promoted([x])[0]
        axes = normalize_axes(axis, x.ndim, name)
        if name in ("max", "min") and any(x.shape[a] == 0 for a in axes):
            raise ValueError(f"{name}: zero-size reduction along an axis of shape {x.shape}")
        y = prim.bind(x, axes=axes) if axes else x
        return reshape(y, kept_shape(x.shape, axes)) if keepdims else y
    apply.__name__ = name
    apply.__doc__ = f"{name} over `axis` (int, tuple or None for all), NumPy semantics."
    return apply


sum = _reducer(reduce_sum_p, "sum")      # noqa: A001 - the NumPy name
max = _reducer(reduce_max_p, "max")      # noqa: A001
min = _reducer(reduce_min_p, "min")      # noqa: A001
prod = _reducer(reduce_prod_p, "prod")


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over `axis`."""
    x = lift_promoted([x])[0]
    axes = normalize_axes(axis, x.ndim, "mean")
    count = math.prod([x.shape[a] for a in axes])
    return sum(x, axes, keepdims) / count


def logsumexp(x, axis=None, keepdims=False):
    """log Σ e**x over `axis`, shifted by the maximum so that it cannot overflow."""
    x = lift_promoted([x])[0]
    axes = normalize_axes(axis, x.ndim, "logsumexp")
    peak = max(x, axes, keepdims=True)
    # shifted by the maximum, or by 0 where that is infinite (all −inf gives −inf, not NaN)
    shift = stop_gradient(where(abs_(peak) < math.inf, peak, 0.0))
    y = log(sum(exp(x - shift), axes, keepdims=True)) + shift
    return y if keepdims else reshape(y, tuple(d for i, d in enumerate(x.shape) if i not in axes))


def softmax(x, axis=-1):
    """e**x / Σ e**x along `axis`, shifted by the maximum."""
    x = lift_promoted([x])[0]
    axes = normalize_axes(axis, x.ndim, "softmax")
    e = exp(x - stop_gradient(max(x, axes, keepdims=True)))
    return e / sum(e, axes, keepdims=True)
