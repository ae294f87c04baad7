"""Indexing by computed indices for `graphc.numpy`: take, take_along_axis, argsort,
argmax/argmin, searchsorted, digitize, bincount, interp, select, unravel_index.

Index results are float64 tensors holding integers (graphc computes in floats, as CasADi
does); they index tensors directly (`x[gnp.argmax(x)]`) and convert with
`.astype(int)` once computed. An index out of range raises IndexError when the compiled
function runs. Interpolation differentiates with respect to the points, the knots and
the values; indices themselves carry no derivative."""
import math

import numpy as _np

from .numpy_logic import logical_or as _logical_or
from .ops import elementwise as _ew, reduce as _red, shape as _sh
from .ops.core import const as _const, lift as _lift, lift_promoted as _promote, normalize_axis as _axis
from .ops.indexing import argsort as _argsort, gather as _gather, scatter_add as _scatter_add
from .ops.indexing import searchsorted as _searchsorted, take_along as _take_along


def take(a, indices, axis=None):
    """np.take with static or computed indices: a's entries (along `axis`; of the
    flattened a when None) at `indices`, whose shape replaces that axis."""
    (a,) = _promote([a])
    if axis is None:
        a, axis = _sh.reshape(a, (a.size,)), 0
    return _take_along(a, indices, _axis(axis, a.ndim, "take"))


def take_along_axis(arr, indices, axis=-1):
    """np.take_along_axis: arr's entries at `indices` along `axis` (indices of arr's rank,
    broadcasting against it along the other axes), as argsort's result sorts arr."""
    (arr,) = _promote([arr])
    if axis is None:
        arr, axis = _sh.reshape(arr, (arr.size,)), 0
    indices = _lift(indices) if hasattr(indices, "op") else _const(_np.asarray(indices, dtype=_np.float64))
    if indices.ndim != arr.ndim:
        raise ValueError(f"take_along_axis: indices of rank {indices.ndim} for an array of rank {arr.ndim} "
                         f"(shapes {indices.shape} and {arr.shape})")
    axis = _axis(axis, arr.ndim, "take_along_axis")
    a, idx = _sh.moveaxis(arr, axis, -1), _sh.moveaxis(indices, axis, -1)
    batch = _np.broadcast_shapes(a.shape[:-1], idx.shape[:-1])
    a = _sh.broadcast_to(a, batch + a.shape[-1:])
    idx = _sh.broadcast_to(idx, batch + idx.shape[-1:])
    return _sh.moveaxis(_gather(a, idx, batch_dims=len(batch)), -1, axis)


def argsort(a, axis=-1, kind=None, order=None, *, stable=True, descending=False):
    """Indices that sort `a` along `axis` (stable; NaNs last), as float64."""
    if order is not None:
        raise NotImplementedError("argsort: order= (structured arrays)")
    (a,) = _promote([a])
    if axis is None:
        a, axis = _sh.reshape(a, (a.size,)), 0
    axis = _axis(axis, a.ndim, "argsort")
    return _sh.moveaxis(_argsort(_sh.moveaxis(a, axis, -1), descending=descending), -1, axis)


def sort(a, axis=-1, kind=None, order=None, *, stable=True, descending=False):
    """`a` sorted along `axis` (the flattened a when None), NaNs last. Differentiable: each
    output's derivative is that of the entry it came from."""
    if order is not None:
        raise NotImplementedError("sort: order= (structured arrays)")
    (a,) = _promote([a])
    if axis is None:
        a, axis = _sh.reshape(a, (a.size,)), 0
    if a.ndim == 0:
        raise ValueError("sort: a 0-d tensor has no axis to sort along")
    axis = _axis(axis, a.ndim, "sort")
    x = _sh.moveaxis(a, axis, -1)
    if x.shape[-1] <= 1:
        return a
    return _sh.moveaxis(_gather(x, _argsort(x, descending=descending), batch_dims=x.ndim - 1), -1, axis)


def _arg_extreme(a, axis, keepdims, reduce):
    (a,) = _promote([a])
    if axis is None:
        flat = _sh.reshape(a, (a.size,))
        out = _arg_extreme(flat, 0, False, reduce)
        return _sh.reshape(out, (1,) * a.ndim) if keepdims else out
    axis = _axis(axis, a.ndim, "argmax" if reduce is _red.max else "argmin")
    n = a.shape[axis]
    if n == 0:
        raise ValueError("attempt to get argmax/argmin of an empty sequence")
    m = reduce(a, axis=axis, keepdims=True)                  # NaN when the slice has one
    hit = _logical_or(a == m, a != a)                       # the first extreme or the first NaN
    position = _sh.iota(a.shape, axis, _np.float64)
    return _red.min(_ew.where(hit, position, float(n)), axis=axis, keepdims=keepdims)


def argmax(a, axis=None, out=None, *, keepdims=False):
    """Index of the first maximum along `axis` (of the flattened a when None; the first
    NaN if there is one, as NumPy), as float64."""
    return _arg_extreme(a, axis, keepdims, _red.max)


def argmin(a, axis=None, out=None, *, keepdims=False):
    """Index of the first minimum along `axis` (the first NaN if there is one), as float64."""
    return _arg_extreme(a, axis, keepdims, _red.min)


def _nan_arg(a, axis, keepdims, fill, pick):
    (a,) = _promote([a])
    nan = a != a
    idx = pick(_ew.where(nan, fill, a), axis=axis, keepdims=keepdims)
    all_nan = _red.min(_ew.cast(nan, a.dtype), axis=axis, keepdims=keepdims) > 0
    return _ew.where(all_nan, -1.0, idx)


def nanargmax(a, axis=None, out=None, *, keepdims=False):
    """argmax ignoring NaNs; −1 for an all-NaN slice (as JAX; NumPy raises)."""
    return _nan_arg(a, axis, keepdims, -math.inf, argmax)


def nanargmin(a, axis=None, out=None, *, keepdims=False):
    """argmin ignoring NaNs; −1 for an all-NaN slice (as JAX; NumPy raises)."""
    return _nan_arg(a, axis, keepdims, math.inf, argmin)


def searchsorted(a, v, side="left", sorter=None):
    """Indices where `v` would be inserted into sorted 1-d `a` (float64); `sorter` the
    indices that sort `a` (as from argsort)."""
    (a,) = _promote([a])
    if a.ndim != 1:
        raise ValueError(f"searchsorted: a must be 1-d, got shape {a.shape}")
    if sorter is not None:
        a = take(a, sorter)
    return _searchsorted(a, v, side=side)


def digitize(x, bins, right=False):
    """The bin of each x (np.digitize): i with bins[i-1] <= x < bins[i] for increasing bins
    (bins[i-1] < x <= bins[i] with right=True); constant bins may decrease."""
    bins = _lift(bins) if hasattr(bins, "op") else _const(_np.asarray(bins, dtype=_np.float64))
    if bins.ndim != 1:
        raise ValueError(f"digitize: bins must be 1-d, got shape {bins.shape}")
    side = "left" if right else "right"
    if bins.op.name == "const":
        b = bins.params["value"].array
        if b.size > 1 and _np.all(_np.diff(b) <= 0) and _np.any(_np.diff(b) < 0):       # decreasing
            return b.size - _searchsorted(_const(b[::-1].copy(), bins.dtype), x, side=side)
    return _searchsorted(bins, x, side=side)


def bincount(x, weights=None, minlength=0, *, length=None):
    """Counts (or summed weights) of each value of the integer-valued x in 0..length−1.
    The output size must be known when the graph is built: give `length` (as JAX asks),
    or a `minlength` at least the largest value. A value outside raises IndexError at run
    time (NumPy would grow the output; a negative value is an error in NumPy too)."""
    x = _lift(x)
    if x.ndim != 1:
        raise ValueError(f"bincount: x must be 1-d, got shape {x.shape}")
    n = length if length is not None else minlength
    if not n:
        raise ValueError("bincount: the number of bins must be static: pass length= (or minlength=)")
    x = _ew.where(x < 0, math.nan, x)                      # no counting from the end
    w = _sh.broadcast_to(_const(1.0), x.shape) if weights is None else _promote([weights])[0]
    return _scatter_add(w, x, int(n))


def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation (np.interp): the values `fp` at increasing knots `xp`,
    read at `x`; fp[0] (or `left`) before the first knot, fp[-1] (or `right`) after the
    last. Differentiable in x (the segment's slope), xp and fp."""
    if period is not None:
        raise NotImplementedError("interp: period=")
    x, xp, fp = _promote([x, xp, fp])
    if xp.ndim != 1 or fp.shape != xp.shape:
        raise ValueError(f"interp: xp and fp must be 1-d of one length, got shapes {xp.shape} and {fp.shape}")
    n = xp.shape[0]
    if n == 0:
        raise ValueError("interp: xp and fp are empty")
    first, last = fp[0], fp[n - 1]
    if n == 1:
        y = _sh.broadcast_to(first, x.shape) + 0 * x
    else:
        j = _ew.clip(_searchsorted(xp, x, side="right") - 1, 0, n - 2)    # xp[j] <= x < xp[j+1]
        x0, x1, f0, f1 = _gather(xp, j), _gather(xp, j + 1), _gather(fp, j), _gather(fp, j + 1)
        y = (f1 - f0) / (x1 - x0) * (x - x0) + f0          # NumPy's formula: exact at the knots
        y = _ew.where(x == xp[n - 1], last, y)
    y = _ew.where(x < xp[0], first if left is None else left, y)
    return _ew.where(x > xp[n - 1], last if right is None else right, y)


def select(condlist, choicelist, default=0):
    """np.select: for each entry, the choice of the first true condition, else `default`."""
    if len(condlist) != len(choicelist):
        raise ValueError("select: condlist and choicelist must have the same length")
    out = _promote([default])[0]
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = _ew.where(cond, choice, out)
    return out


def unravel_index(indices, shape):
    """The coordinates (a tuple of float64 tensors) of flat `indices` in an array of `shape`."""
    (idx,) = _promote([indices])
    size = math.prod(shape)
    idx = _ew.where((idx < 0) | (idx >= size), math.nan, idx)     # NaN: an error wherever it indexes
    out = []
    for d in reversed(shape):
        q = _ew.floor(idx / d)
        out.append(idx - d * q)
        idx = q
    return tuple(reversed(out))
