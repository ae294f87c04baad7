"""Order statistics for `graphc.numpy`: median, quantile, percentile, interpolating
linearly between the sorted entries (NumPy's default method and its lerp). The sort is
numpy_indexing's (a stable argsort in C and a gather), so quantiles differentiate: each
one's derivative routes to the entries it interpolates between."""
import math

import numpy as _np

from .numpy_indexing import sort
from .ops import elementwise as _ew, shape as _sh
from .ops.core import lift_promoted as _promote


def lerp(a, b, t):
    """NumPy's quantile interpolation a + (b − a)·t, from the nearer end so that it is exact
    at both ends and monotone; t a number or a tensor."""
    if not hasattr(t, "op"):
        return a if not t else a + (b - a) * t if t < 0.5 else b - (b - a) * (1 - t)
    return _ew.where(t < 0.5, a + (b - a) * t, b - (b - a) * (1 - t))


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
        v = lerp(a, b, frac)
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
