"""Sorting for `graphc.numpy`: sort, median, quantile, percentile.

A sort is a bitonic sorting network of compare-exchange stages (log2(n)·(log2(n)+1)/2 of
them for n padded to a power of two), each one gather of the partner elements, a minimum,
a maximum and a select over the whole array: static shapes and static indices, so it
compiles to loops, vectorises over the other axes, and differentiates through minimum and
maximum (each output's derivative routes to the input it came from; tied values share
it). NaNs sort last, as in NumPy. Quantiles interpolate linearly between order statistics
(NumPy's default method)."""
import math

import numpy as _np

from .ops import elementwise as _ew, reduce as _red, shape as _sh
from .ops.core import const as _const, lift_promoted as _promote


def _network(n):
    """The stages of a bitonic network for n a power of two: (partner indices, where each
    position keeps the minimum)."""
    i = _np.arange(n)
    stages = []
    k = 2
    while k <= n:
        j = k // 2
        while j >= 1:
            partner = i ^ j
            ascending = (i & k) == 0
            stages.append((partner, (i < partner) == ascending))
            j //= 2
        k *= 2
    return stages


def sort(x, axis=-1):
    """x sorted along `axis` (the flattened x when axis is None), NaNs last."""
    (x,) = _promote([x])
    if axis is None:
        x, axis = _sh.reshape(x, (x.size,)), 0
    if x.ndim == 0:
        raise ValueError("sort: a 0-d tensor has no axis to sort along")
    axis = axis % x.ndim
    last = x.ndim - 1
    y = _sh.transpose(x, [k for k in range(x.ndim) if k != axis] + [axis]) if axis != last else x
    n = y.shape[-1]
    if n > 1:
        nan = y != y
        y = _ew.where(nan, math.inf, y)
        width = 1 << (n - 1).bit_length()
        if width > n:                                # pad with +inf, which sorts to the end
            padding = _sh.broadcast_to(_const(math.inf, y.dtype), y.shape[:-1] + (width - n,))
            y = _sh.concatenate([y, padding], axis=-1)
        for partner, keep_min in _network(width):
            other = _sh.take(y, partner, axis=-1)
            y = _ew.optimization_barrier(_ew.where(keep_min, _ew.minimum(y, other), _ew.maximum(y, other)))
        y = y[..., :n]
        count = _red.sum(_ew.cast(nan, y.dtype), axis=-1, keepdims=True)      # NaNs go last
        y = _ew.where(_np.arange(n, dtype=y.dtype) >= n - count, math.nan, y)
    if axis != last:
        order = list(range(x.ndim - 1))
        order.insert(axis, x.ndim - 1)
        y = _sh.transpose(y, order)
    return y


def quantile(x, q, axis=None, keepdims=False):
    """The q-th quantiles (q in [0, 1], a number or a 1-D sequence) along `axis`, by linear
    interpolation between the order statistics (NumPy's default)."""
    (x,) = _promote([x])
    qs = _np.asarray(q, dtype=_np.float64)
    if qs.ndim > 1 or ((qs < 0) | (qs > 1)).any():
        raise ValueError(f"quantile: q must be a number or a 1-D sequence in [0, 1], got {q!r}")
    if axis is None:
        flat = _sh.reshape(x, (x.size,))
        s, ax = sort(flat), 0
    else:
        ax = axis % x.ndim
        s = sort(x, axis=ax)
    n = s.shape[ax]
    values = []
    for p in _np.atleast_1d(qs):
        position = p * (n - 1)
        lo = int(math.floor(position))
        hi = min(lo + 1, n - 1)
        frac = position - lo
        a = _sh.take(s, [lo], axis=ax)
        b = _sh.take(s, [hi], axis=ax)
        # NumPy's lerp: from the nearer end, so that it is exact at both ends and monotone
        v = a if not frac else a + (b - a) * frac if frac < 0.5 else b - (b - a) * (1 - frac)
        if keepdims:
            v = v if axis is not None else _sh.reshape(v, (1,) * x.ndim)
        else:
            v = _sh.squeeze(v, ax)
        values.append(v)
    return values[0] if qs.ndim == 0 else _sh.stack(values, axis=0)


def percentile(x, q, axis=None, keepdims=False):
    """quantile with q in percent."""
    return quantile(x, _np.asarray(q, dtype=_np.float64) / 100, axis=axis, keepdims=keepdims)


def median(x, axis=None, keepdims=False):
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)
