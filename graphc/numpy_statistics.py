"""Statistics for `graphc.numpy`: average, the nan-ignoring reductions (sums, means,
extremes, products, variances, running sums and products, quantiles), ptp, cov, corrcoef,
trapezoid, cumulative_sum, ediff1d and gradient, as NumPy defines them."""
import math

import numpy as _np

from .ops import elementwise as _ew, linalg as _la, reduce as _red, shape as _sh
from .ops.core import lift_promoted as _promote, normalize_axes as _axes


def _nan_free(x, fill):
    return _ew.where(x != x, fill, x)


def average(x, axis=None, weights=None, returned=False, keepdims=False):
    """The weighted mean Σ w·x / Σ w over `axis` (weights 1-D along one axis, or x's shape)."""
    (x,) = _promote([x])
    if weights is None:
        result = _red.mean(x, axis=axis, keepdims=keepdims)
        count = math.prod(x.shape[a] for a in _axes(axis, x.ndim, "average"))
        return (result, result * 0.0 + count) if returned else result
    x, w = _promote([x, weights])
    if w.shape != x.shape:
        if axis is None or not isinstance(axis, int) or w.ndim != 1 or w.shape[0] != x.shape[axis]:
            raise ValueError(f"average: weights of shape {w.shape} do not fit x of shape {x.shape} "
                             f"along axis {axis}")
        w = _sh.reshape(w, tuple(w.shape[0] if k == axis % x.ndim else 1 for k in range(x.ndim)))
    w = _sh.broadcast_to(w, x.shape)
    total = _red.sum(w, axis=axis, keepdims=keepdims)
    result = _red.sum(w * x, axis=axis, keepdims=keepdims) / total
    return (result, total) if returned else result


def nansum(x, axis=None, keepdims=False):
    (x,) = _promote([x])
    return _red.sum(_nan_free(x, 0.0), axis=axis, keepdims=keepdims)


def nanmean(x, axis=None, keepdims=False):
    (x,) = _promote([x])
    count = _red.sum(_ew.cast(x == x, x.dtype), axis=axis, keepdims=keepdims)
    return nansum(x, axis=axis, keepdims=keepdims) / count


def nanmax(x, axis=None, keepdims=False):
    (x,) = _promote([x])
    return _red.max(_nan_free(x, -math.inf), axis=axis, keepdims=keepdims)


def nanmin(x, axis=None, keepdims=False):
    (x,) = _promote([x])
    return _red.min(_nan_free(x, math.inf), axis=axis, keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    """max − min over `axis`."""
    (x,) = _promote([x])
    return _red.max(x, axis=axis, keepdims=keepdims) - _red.min(x, axis=axis, keepdims=keepdims)


def cov(m, y=None, rowvar=True, bias=False, ddof=None):
    """The covariance matrix of the variables in the rows of m (columns if not rowvar)."""
    (m,) = _promote([m])
    if m.ndim > 2:
        raise ValueError(f"cov: m must be 1-D or 2-D, got shape {m.shape}")
    x = _sh.reshape(m, (1, m.size)) if m.ndim == 1 else m if rowvar else _sh.transpose(m)
    if y is not None:
        (y,) = _promote([y])
        y = _sh.reshape(y, (1, y.size)) if y.ndim == 1 else y if rowvar else _sh.transpose(y)
        x = _sh.concatenate([x, y], axis=0)
    n = x.shape[1]
    ddof = (0 if bias else 1) if ddof is None else ddof
    centred = x - _red.mean(x, axis=1, keepdims=True)
    c = _la.matmul(centred, _sh.transpose(centred)) / (n - ddof)
    return _sh.reshape(c, ()) if c.shape == (1, 1) else c


def corrcoef(x, y=None, rowvar=True):
    """Pearson correlation coefficients: cov normalised by the standard deviations."""
    c = cov(x, y, rowvar)
    if c.ndim == 0:
        return c / c
    d = _ew.sqrt(_sh.take(_sh.reshape(c, (c.size,)), _np.arange(c.shape[0]) * (c.shape[0] + 1), axis=0))
    return _ew.clip(c / _sh.reshape(d, (-1, 1)) / _sh.reshape(d, (1, -1)), -1.0, 1.0)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """∫ y dx by the trapezoidal rule along `axis` (x the sample points, or spacing dx)."""
    (y,) = _promote([y])
    ax = axis % y.ndim
    n = y.shape[ax]
    lo, hi = _sh.slice_axis(y, ax, 0, n - 1), _sh.slice_axis(y, ax, 1, n)
    if x is None:
        return _red.sum((lo + hi) * (0.5 * dx), axis=ax)
    (x,) = _promote([x])
    if x.ndim != 1 or x.shape[0] != n:
        raise ValueError(f"trapezoid: x must be 1-D of length {n}, got shape {x.shape}")
    widths = _sh.reshape(x[1:] - x[:-1], tuple(n - 1 if k == ax else 1 for k in range(y.ndim)))
    return _red.sum((lo + hi) * widths * 0.5, axis=ax)


trapz = trapezoid


def cumulative_sum(x, axis=None, include_initial=False):
    """NumPy 2's cumulative_sum: cumsum, optionally with a leading 0."""
    from .numpy import cumsum, pad
    (x,) = _promote([x])
    if axis is None:
        if x.ndim != 1:
            raise ValueError("cumulative_sum: axis is required for arrays of more than one dimension")
        axis = 0
    s = cumsum(x, axis=axis)
    if include_initial:
        ax = axis % x.ndim
        s = pad(s, [(1, 0) if k == ax else (0, 0) for k in range(x.ndim)])
    return s


def ediff1d(x):
    """Differences of consecutive elements of the flattened array."""
    (x,) = _promote([x])
    flat = _sh.reshape(x, (x.size,))
    return flat[1:] - flat[:-1]


def gradient(f, *varargs, axis=None, edge_order=1):
    """NumPy's gradient: second-order central differences inside, first-order one-sided at
    the edges, for uniform spacings (scalars in varargs). One array per axis (or one for a
    1-D f)."""
    (f,) = _promote([f])
    if edge_order != 1:
        raise NotImplementedError("gradient: edge_order=2")
    axes = list(range(f.ndim)) if axis is None else [axis % f.ndim] if isinstance(axis, int) else \
        [a % f.ndim for a in axis]
    spacings = list(varargs) if varargs else [1.0] * len(axes)
    if len(spacings) == 1:
        spacings = spacings * len(axes)
    if len(spacings) != len(axes) or not all(_np.ndim(h) == 0 for h in spacings):
        raise NotImplementedError("gradient: one scalar spacing per axis")
    out = []
    for ax, h in zip(axes, spacings):
        n = f.shape[ax]
        if n < 2:
            raise ValueError(f"gradient: axis {ax} needs at least 2 samples, got {n}")
        at = lambda start, stop: _sh.slice_axis(f, ax, start, stop)     # noqa: E731  (views, no index tables)
        first = (at(1, 2) - at(0, 1)) / h
        last = (at(n - 1, n) - at(n - 2, n - 1)) / h
        parts = [first] + ([(at(2, n) - at(0, n - 2)) / (2 * h)] if n > 2 else []) + [last]
        out.append(_sh.concatenate(parts, axis=ax))
    return out[0] if len(out) == 1 else out


def nanprod(x, axis=None, keepdims=False):
    (x,) = _promote([x])
    return _red.prod(_nan_free(x, 1.0), axis=axis, keepdims=keepdims)


def nanvar(x, axis=None, ddof=0, keepdims=False):
    """The variance of the non-NaN entries (ddof: the count's correction)."""
    (x,) = _promote([x])
    count = _red.sum(_ew.cast(x == x, x.dtype), axis=axis, keepdims=True)
    mean = nansum(x, axis=axis, keepdims=True) / count
    out = nansum((x - mean) ** 2, axis=axis, keepdims=True) / (count - ddof)
    return out if keepdims else _sh.squeeze(out, _axes(axis, x.ndim, "nanvar"))


def nanstd(x, axis=None, ddof=0, keepdims=False):
    return _ew.sqrt(nanvar(x, axis=axis, ddof=ddof, keepdims=keepdims))


def nancumsum(x, axis=None):
    from .numpy import cumsum
    (x,) = _promote([x])
    return cumsum(_nan_free(x, 0.0), axis=axis)


def nancumprod(x, axis=None):
    from .numpy import cumprod
    (x,) = _promote([x])
    return cumprod(_nan_free(x, 1.0), axis=axis)


def nanquantile(x, q, axis=None, keepdims=False):
    """quantile of the non-NaN entries: sorted (NaNs last), then NumPy's linear
    interpolation at q·(count − 1), the count known at run time (a gather reads the two
    order statistics)."""
    from .numpy_indexing import sort
    from .numpy_sorting import lerp
    from .ops.indexing import gather
    (x,) = _promote([x])
    qs = _np.asarray(q, dtype=_np.float64)
    if qs.ndim > 1 or ((qs < 0) | (qs > 1)).any():
        raise ValueError(f"nanquantile: q must be a number or a 1-D sequence in [0, 1], got {q!r}")
    flat = axis is None
    s = sort(_sh.reshape(x, (x.size,))) if flat else sort(x, axis=axis)
    ax = 0 if flat else axis % x.ndim
    moved = _sh.transpose(s, [k for k in range(s.ndim) if k != ax] + [ax])          # (..., n)
    count = _red.sum(_ew.cast(moved == moved, x.dtype), axis=-1, keepdims=True)
    values = []
    for p in _np.atleast_1d(qs):
        position = p * (count - 1)
        lo = _ew.maximum(_ew.floor(position), 0.0)
        hi = _ew.minimum(lo + 1, _ew.maximum(count - 1, 0.0))
        frac = position - lo
        a = gather(moved, lo, batch_dims=moved.ndim - 1)
        b = gather(moved, hi, batch_dims=moved.ndim - 1)
        v = _ew.where(count[..., 0] > 0, lerp(a, b, frac)[..., 0], math.nan)       # all NaN: NaN
        if keepdims:
            v = _sh.reshape(v, (1,) * x.ndim) if flat else _sh.expand_dims(v, ax)
        values.append(v)
    return values[0] if qs.ndim == 0 else _sh.stack(values, axis=0)


def nanpercentile(x, q, axis=None, keepdims=False):
    return nanquantile(x, _np.asarray(q, dtype=_np.float64) / 100, axis=axis, keepdims=keepdims)


def nanmedian(x, axis=None, keepdims=False):
    return nanquantile(x, 0.5, axis=axis, keepdims=keepdims)
