"""Selections whose size depends on the data, for `graphc.numpy`: unique, nonzero,
flatnonzero, argwhere, and one-argument where, with a static `size=` as JAX asks (the
first `size` results, the rest `fill_value`); and histogram, partition, argpartition,
lexsort.

The selections are stable argsorts: sorting the keys 0 (selected) and 1 (not) brings the
selected positions first, in order, in O(n) (csrc/indexing.c's argsort), so no running
sum is needed. Indices come as float64 tensors (numpy_indexing's convention)."""
import math

import numpy as _np

from .numpy_indexing import argsort, sort, unravel_index
from .ops import elementwise as _ew, reduce as _red, shape as _sh
from .ops.core import const as _const, lift_promoted as _promote
from .ops.indexing import argsort as _argsort1, gather as _gather, scatter_add as _scatter_add
from .ops.indexing import searchsorted as _searchsorted


def _INVERSE_SHAPE(shape):
    """The shape NumPy gives unique's inverse for an input of `shape` (it changed in 2.0)."""
    probe = _np.unique(_np.zeros((1, 2)), return_inverse=True)[1]
    return shape if probe.ndim == 2 else (math.prod(shape),)


def _need_size(size, name):
    if size is None:
        raise ValueError(f"{name}: the number of results is known only at run time: pass size= (the first "
                         f"size results are returned, padded with fill_value), as jax.numpy asks")
    if int(size) < 0:
        raise ValueError(f"{name}: size must be non-negative, got {size}")
    return int(size)


def _first_selected(selected, size):
    """(positions of the first `size` selected entries of 1-d bool `selected`, padded with
    zeros; how many are selected; a mask of the valid slots)."""
    n = selected.shape[0]
    order = _argsort1(_ew.where(selected, 0.0, 1.0))          # selected positions first, in order
    if size > n:
        order = _sh.concatenate([order, _sh.zeros((size - n,))], 0)
    positions = order[:size]
    count = _red.sum(_ew.cast(selected, "float64"))
    valid = _sh.iota((size,), 0) < count
    return positions, count, valid


def flatnonzero(a, *, size=None, fill_value=None):
    """Flat indices of the nonzero entries (the first `size`, then `fill_value`, default 0)."""
    (a,) = _promote([a])
    size = _need_size(size, "flatnonzero")
    positions, _, valid = _first_selected(_sh.reshape(a, (a.size,)) != 0, size)
    return _ew.where(valid, positions, 0.0 if fill_value is None else fill_value)


def nonzero(a, *, size=None, fill_value=None):
    """Indices of the nonzero entries, one float64 tensor per axis (np.nonzero with JAX's size=)."""
    (a,) = _promote([a])
    positions, _, valid = _first_selected(_sh.reshape(a, (a.size,)) != 0, _need_size(size, "nonzero"))
    fills = fill_value if isinstance(fill_value, (tuple, list)) else [fill_value] * a.ndim
    return tuple(_ew.where(valid, c, 0.0 if f is None else f)
                 for c, f in zip(unravel_index(positions, a.shape), fills))


def argwhere(a, *, size=None, fill_value=None):
    """np.argwhere with JAX's size=: (size, a.ndim) indices of the nonzero entries."""
    return _sh.stack(nonzero(a, size=size, fill_value=fill_value), axis=-1)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *,
           equal_nan=True, size=None, fill_value=None):
    """The sorted distinct values of the flattened `ar` (np.unique with JAX's size=: the
    first `size`, then `fill_value`, default the smallest value); NaNs count as one value."""
    if axis is not None:
        raise NotImplementedError("unique: axis=")
    (ar,) = _promote([ar])
    size = _need_size(size, "unique")
    flat = _sh.reshape(ar, (ar.size,))
    n = flat.shape[0]
    p = _argsort1(flat)
    s = _gather(flat, p)
    if n > 1:
        differ = s[1:] != s[:-1]
        if equal_nan:
            differ = _ew.where((s[1:] != s[1:]) & (s[:-1] != s[:-1]), False, differ)
        new = _sh.concatenate([_sh.broadcast_to(_const(True), (1,)), differ], 0)
    else:
        new = _sh.broadcast_to(_const(True), (n,))
    starts, count, valid = _first_selected(new, size)
    fill = s[0] if fill_value is None else fill_value
    out = [_ew.where(valid, _gather(s, _ew.minimum(starts, n - 1)), fill)]
    if return_index:
        out.append(_ew.where(valid, _gather(p, _ew.minimum(starts, n - 1)), 0.0))
    if return_inverse:
        all_starts = _ew.where(_sh.iota((n,), 0) < count, _argsort1(_ew.where(new, 0.0, 1.0)), math.inf)
        group = _searchsorted(all_starts, _sh.iota((n,), 0, flat.dtype), side="right") - 1   # of each sorted entry
        inverse = _gather(group, argsort(p))
        out.append(_sh.reshape(inverse, _INVERSE_SHAPE(ar.shape)))
    if return_counts:
        nxt = _ew.where(_sh.iota((size,), 0) + 1 < count,
                        _gather(_sh.concatenate([starts, _sh.zeros((1,))], 0), _sh.iota((size,), 0) + 1), float(n))
        out.append(_ew.where(valid, nxt - starts, 0.0))
    return out[0] if len(out) == 1 else tuple(out)


def histogram(a, bins=10, range=None, weights=None, density=False):   # noqa: A002  (NumPy's name)
    """(counts, bin edges) of the flattened `a` (np.histogram): `bins` equal bins over
    `range` (default a's min to max) or the increasing edges given; the last bin includes
    its right edge; entries outside are left out. Differentiable in the weights."""
    (a,) = _promote([a])
    x = _sh.reshape(a, (a.size,))
    w = _sh.broadcast_to(_const(1.0, x.dtype), x.shape) if weights is None else \
        _sh.reshape(_promote([weights, x])[0], (x.size,))
    if isinstance(bins, int):
        lo, hi = (_red.min(x), _red.max(x)) if range is None else map(float, range)
        if range is None:
            same = lo == hi
            lo, hi = _ew.where(same, lo - 0.5, lo), _ew.where(same, hi + 0.5, hi)
        edges = lo + (hi - lo) * _const(_np.linspace(0, 1, bins + 1), x.dtype)
        k = _ew.floor((x - lo) / (hi - lo) * bins)
        k = _ew.where(x == hi, bins - 1.0, k)
        nbins = bins
    else:
        edges = _promote([bins, x])[0]
        nbins = edges.shape[0] - 1
        k = _searchsorted(edges, x, side="right") - 1
        k = _ew.where(x == edges[nbins], nbins - 1.0, k)
    inside = (k >= 0) & (k < nbins) & (x == x)
    counts = _scatter_add(w, _ew.where(inside, k, float(nbins)), nbins + 1)[:nbins]
    if density:
        counts = counts / (_red.sum(counts) * (edges[1:] - edges[:-1]))
    return counts, edges


def partition(a, kth, axis=-1):
    """np.partition: the kth entries in sorted position, smaller ones before, larger after
    (this returns the whole axis sorted, which satisfies that)."""
    return sort(a, axis=axis)


def argpartition(a, kth, axis=-1):
    """np.argpartition: indices that partition `a` around kth (here: that sort it)."""
    return argsort(a, axis=axis)


def lexsort(keys, axis=-1):
    """np.lexsort: the stable sort by the last key, ties broken by the one before, ...:
    one stable argsort per key, from the first to the last, composed by gathers."""
    keys = [keys[k] for k in range(keys.shape[0])] if hasattr(keys, "op") else list(keys)
    if not keys:
        raise TypeError("lexsort: need at least one key")
    order = None
    for key in keys:
        (key,) = _promote([key])
        if key.ndim != 1:
            raise NotImplementedError("lexsort: 1-d keys")
        permuted = key if order is None else _gather(key, order)
        step = _argsort1(permuted)
        order = step if order is None else _gather(order, step)
    return order
