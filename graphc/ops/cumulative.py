"""First-order linear recurrences along the last axis, y[k] = a[k]·y[k−1] + b[k] (from the
end with reverse=True): one C loop (csrc/cumulative.c), O(n). Running sums (a = 1) and
running products are such recurrences, and so are discounted returns, exponential moving
averages and first-order filters.

Derivatives stay recurrences: the JVP is y's recurrence driven by ta·y[k−1] + tb, the VJP
the recurrence from the other end with a shifted by one, λ[k] = g[k] + a[k+1]·λ[k+1],
giving b̄ = λ and ā = λ·y[k−1] (exact with zeros: nothing is divided)."""
import numpy as np

from .. import dtypes
from ..errors import ShapeError
from .core import Primitive, lift_promoted


def _infer(a, b, reverse):
    if b.dtype not in dtypes.FLOATS or a.dtype != b.dtype:
        raise TypeError(f"linear_recurrence: a and b must be float tensors of one dtype, got {a.dtype.name} "
                        f"and {b.dtype.name}")
    if b.ndim == 0:
        raise ShapeError("linear_recurrence: a 0-d tensor has no axis to run along")
    if a.shape not in ((), b.shape):
        raise ShapeError(f"linear_recurrence: a of shape {a.shape} for b of shape {b.shape} (a scalar or b's shape)")
    return b.shape, b.dtype


def _ref(a, b, reverse):
    a = np.broadcast_to(a, b.shape)
    out = np.empty_like(b)
    y = np.zeros(b.shape[:-1], b.dtype)
    for k in (range(b.shape[-1] - 1, -1, -1) if reverse else range(b.shape[-1])):
        y = a[..., k] * y + b[..., k]
        out[..., k] = y
    return out


def _previous(y, reverse):
    """y[k−1] at k (y[k+1] when reverse), zero at the start."""
    from .shape import pad_zeros, slice_axis
    n, last = y.shape[-1], y.ndim - 1
    lo, hi = [0] * y.ndim, [0] * y.ndim
    if reverse:
        hi[last] = 1
        return pad_zeros(slice_axis(y, last, 1, n), lo, hi)
    lo[last] = 1
    return pad_zeros(slice_axis(y, last, 0, n - 1), lo, hi)


def _vjp_lambda(g, a, reverse):
    """λ: the recurrence from the other end whose coefficient at k is a[k+1] (a[k−1])."""
    shifted = a if a.ndim == 0 else _previous(a, not reverse)
    return linrec_p.bind(shifted, g, reverse=not reverse)


linrec_p = Primitive(
    "linrec", nin=2, infer=_infer, ref=_ref,
    jvp=[lambda t, out, a, b, reverse: linrec_p.bind(a, t * _previous(out, reverse), reverse=reverse),
         lambda t, out, a, b, reverse: linrec_p.bind(a, t, reverse=reverse)],
    vjp=[lambda g, out, a, b, reverse: _vjp_lambda(g, a, reverse) * _previous(out, reverse),
         lambda g, out, a, b, reverse: _vjp_lambda(g, a, reverse)],
    doc="y[k] = a[k]·y[k−1] + b[k] along the last axis (from its end with reverse=True).")


def _batch(xs, batched, reverse):
    from .shape import broadcast_to, reshape
    a, b = xs
    size = next(x.shape[0] for x, flag in zip(xs, batched) if flag)
    if not batched[1]:
        b = broadcast_to(b, (size,) + b.shape)
    if batched[0] and a.ndim == 1:                 # a scalar per example
        a = broadcast_to(reshape(a, (size,) + (1,) * (b.ndim - 1)), b.shape)
    elif a.ndim and not batched[0]:
        a = broadcast_to(a, b.shape)
    return linrec_p.bind(a, b, reverse=reverse)


linrec_p.batch = _batch


def linear_recurrence(a, b, reverse=False, axis=-1):
    """y with y[k] = a[k]·y[k−1] + b[k] along `axis`, y[−1] = 0 (reverse: y[k] = a[k]·y[k+1] +
    b[k] from the end): discounted returns (a = γ), moving averages, first-order filters.
    `a` is a number, or broadcasts against b."""
    from .shape import broadcast_to, moveaxis
    a, b = lift_promoted([a, b])
    if b.ndim == 0:
        raise ShapeError("linear_recurrence: b must have an axis to run along")
    axis = axis % b.ndim
    if a.ndim:
        a = moveaxis(broadcast_to(a, np.broadcast_shapes(a.shape, b.shape)), axis, -1)
    bm = moveaxis(b, axis, -1)
    if a.ndim and a.shape != bm.shape:
        bm = broadcast_to(bm, a.shape)
    return moveaxis(linrec_p.bind(a, bm, reverse=bool(reverse)), -1, axis)
