"""Array manipulation for `graphc.numpy` with static positions: block, dstack, dsplit,
delete, insert, resize, rollaxis, diagflat, broadcast_arrays, choose, compress,
piecewise, put_along_axis (functional, as JAX's), ix_, ravel_multi_index, and the
queries ndim, shape, size, isscalar, result_type, broadcast_shapes, copy."""
import numpy as _np

from .ops import elementwise as _ew, shape as _sh
from .ops.core import const as _const, lift as _lift, lift_promoted as _promote, normalize_axis as _axis


def ndim(a):
    return _lift(a).ndim


def shape(a):
    return _lift(a).shape


def size(a, axis=None):
    a = _lift(a)
    return a.size if axis is None else a.shape[axis]


def isscalar(element):
    """True for Python and NumPy scalars (NumPy's rule: a 0-d tensor is not one)."""
    return _np.isscalar(element)


def result_type(*arrays_and_dtypes):
    from . import dtypes
    return dtypes.result_type(*[_lift(a).dtype if hasattr(a, "op") else _np.result_type(a)
                                for a in arrays_and_dtypes])


broadcast_shapes = _np.broadcast_shapes


def copy(a):
    """a itself: tensors are immutable."""
    return _lift(a)


def broadcast_arrays(*args):
    xs = _promote(list(args))
    target = _np.broadcast_shapes(*[x.shape for x in xs])
    return [_sh.broadcast_to(x, target) for x in xs]


def rollaxis(a, axis, start=0):
    a = _lift(a)
    axis, start = axis % a.ndim, start if start >= 0 else start + a.ndim
    return _sh.moveaxis(a, axis, start - 1 if start > axis else start)


def dstack(tup):
    from .numpy import atleast_3d
    return _sh.concatenate([atleast_3d(t) for t in tup], axis=2)


def dsplit(a, indices_or_sections):
    from .numpy import split
    return split(a, indices_or_sections, axis=2)


def block(arrays):
    """np.block: nested lists of tensors assembled by concatenation along the last axes."""
    def depth(x):
        return 1 + depth(x[0]) if isinstance(x, list) else 0
    d = depth(arrays)

    def assemble(x, level):
        if not isinstance(x, list):
            x = _lift(x)
            return _sh.reshape(x, (1,) * (d - x.ndim) + x.shape) if x.ndim < d else x
        parts = [assemble(item, level + 1) for item in x]
        rank = max(p.ndim for p in parts)
        parts = [_sh.reshape(p, (1,) * (rank - p.ndim) + p.shape) for p in parts]
        return _sh.concatenate(parts, axis=-(d - level))           # innermost lists: the last axis
    return assemble(arrays, 0)


def delete(arr, obj, axis=None):
    """arr without the entries `obj` (static indices, a slice or a mask) along `axis`."""
    a = _lift(arr)
    if axis is None:
        a, axis = _sh.reshape(a, (a.size,)), 0
    axis = _axis(axis, a.ndim, "delete")
    n = a.shape[axis]
    keep = _np.ones(n, dtype=bool)
    keep[_np.arange(n)[obj] if isinstance(obj, slice) else obj] = False
    return _sh.take(a, _np.flatnonzero(keep), axis)


def insert(arr, obj, values, axis=None):
    """arr with `values` inserted before the static index (or indices) `obj` along `axis`."""
    a = _lift(arr)
    if axis is None:
        a, axis = _sh.reshape(a, (a.size,)), 0
    axis = _axis(axis, a.ndim, "insert")
    n = a.shape[axis]
    where = _np.atleast_1d(_np.asarray(obj))
    if where.dtype.kind not in "iu":
        raise TypeError("insert: static integer positions")
    where = _np.where(where < 0, where + n, where)
    k = where.size
    moved = _sh.transpose(a, [axis] + [j for j in range(a.ndim) if j != axis])            # (n, rest)
    vals = _promote([values, a])[0]
    vals = _sh.broadcast_to(vals, (k,) + moved.shape[1:]) if vals.ndim <= moved.ndim - 1 or vals.shape[0] != k \
        else vals
    order = _np.argsort(_np.concatenate([_np.arange(n), where - 0.5]), kind="stable")   # new before old
    joined = _sh.take(_sh.concatenate([moved, _ew.cast(vals, a.dtype)], 0), order, 0)
    back = list(range(1, a.ndim))
    back.insert(axis, 0)
    return _sh.transpose(joined, back)


def resize(a, new_shape):
    """np.resize: a's entries repeated in order to fill `new_shape`."""
    a = _lift(a)
    new_shape = (new_shape,) if isinstance(new_shape, int) else tuple(new_shape)
    total = int(_np.prod(new_shape))
    if a.size == 0:
        return _sh.broadcast_to(_const(0.0, a.dtype), new_shape)
    flat = _sh.reshape(a, (a.size,))
    return _sh.reshape(_sh.take(flat, _np.arange(total) % a.size, 0), new_shape)


def diagflat(v, k=0):
    from .numpy import diag
    v = _lift(v)
    return diag(_sh.reshape(v, (v.size,)), k)


def choose(a, choices, mode="raise"):
    """choices[a] entry by entry (a holds integers; mode 'clip' or 'wrap' as NumPy)."""
    a = _lift(a)
    choices = _promote(list(choices))
    n = len(choices)
    if mode == "clip":
        a = _ew.clip(a, 0, n - 1)
    elif mode == "wrap":
        a = a - n * _ew.floor(a / n)
    out = choices[-1]
    for j in range(n - 2, -1, -1):
        out = _ew.where(a < j + 0.5, choices[j], out)
    return out


def compress(condition, a, axis=None):
    """The slices of a where the static `condition` holds (np.compress)."""
    cond = _np.asarray(condition, dtype=bool)
    a = _lift(a)
    if axis is None:
        a, axis = _sh.reshape(a, (a.size,)), 0
    return _sh.take(a, _np.flatnonzero(cond), _axis(axis, a.ndim, "compress"))


def piecewise(x, condlist, funclist, *args, **kw):
    """np.piecewise: funclist[i](x) where condlist[i] holds (a last extra function for
    where none does, else 0); constants in funclist stand for themselves."""
    (x,) = _promote([x])
    single = hasattr(condlist, "op") or isinstance(condlist, _np.ndarray) and condlist.shape == x.shape
    conds = [condlist] if single else list(condlist)
    funcs = list(funclist)
    if len(funcs) not in (len(conds), len(conds) + 1):
        raise ValueError(f"piecewise: {len(conds)} conditions for {len(funcs)} functions")

    def value(f):
        return f(x, *args, **kw) if callable(f) else _ew.mul(x, 0.0) + f
    out = value(funcs[-1]) if len(funcs) == len(conds) + 1 else _ew.mul(x, 0.0)
    for cond, f in zip(conds, funcs):
        out = _ew.where(cond, value(f), out)
    return out


def put_along_axis(arr, indices, values, axis, inplace=False):
    """A new tensor with `values` written at `indices` along `axis` (jax.numpy's form:
    inplace must be False; a repeated index keeps its last value)."""
    from .index_update import IndexUpdateHelper
    if inplace:
        raise ValueError("put_along_axis: tensors are immutable; pass inplace=False (as jax.numpy asks)")
    a = _lift(arr)
    axis = _axis(axis, a.ndim, "put_along_axis")
    idx = _np.asarray(indices)
    if hasattr(indices, "op") or idx.dtype.kind not in "iu":
        raise NotImplementedError("put_along_axis with computed indices (use x.at[i].set for the first axis)")
    grids = list(_np.ix_(*[_np.arange(s) for s in idx.shape]))
    grids[axis] = idx
    full = tuple(_np.broadcast_arrays(*grids))
    return IndexUpdateHelper(a)[full].set(values)


def ix_(*args):
    """Open meshes of static index arrays (np.ix_), for indexing with a tuple of them."""
    return _np.ix_(*args)


def ravel_multi_index(multi_index, dims, mode="raise"):
    """Flat indices of coordinates `multi_index` in an array of shape `dims` (float64)."""
    coords = _promote(list(multi_index))
    strides = [int(_np.prod(dims[k + 1:])) for k in range(len(dims))]
    out = coords[0] * strides[0]
    for c, s in zip(coords[1:], strides[1:]):
        out = out + c * s
    if mode == "raise":
        inside = None
        for c, d in zip(coords, dims):
            ok = (c >= 0) & (c < d)
            inside = ok if inside is None else inside & ok
        out = _ew.where(inside, out, _np.nan)          # NaN: an IndexError wherever it indexes
    return out
