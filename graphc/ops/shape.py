"""Shape primitives (reshape, transpose, broadcast_to, concatenate, slice, pad, rev) and
the composites on them (expand_dims, squeeze, stack, indexing). All shapes are static."""
import math
import numbers

import numpy as np

from .. import dtypes
from ..errors import ShapeError
from .core import (Primitive, const, lift, lift_promoted, normalize_axes, normalize_axis,
                   normalize_shape)


def _size(shape):
    return math.prod(shape)


# ---------------------------------------------------------------- reshape

def _infer_reshape(x, shape):
    if _size(shape) != x.size:
        raise ShapeError(f"reshape: cannot reshape a tensor of shape {x.shape} "
                         f"({x.size} elements) into shape {shape}")
    return shape, x.dtype


reshape_p = Primitive(
    "reshape", nin=1, infer=_infer_reshape,
    ref=lambda x, shape: np.reshape(x, shape),
    jvp=[lambda t, out, x, shape: reshape(t, shape)],
    vjp=[lambda g, out, x, shape: reshape(g, x.shape)],
    doc="The same elements (row-major) under a new shape.",
    batch=lambda xs, batched, shape: reshape(xs[0], xs[0].shape[:1] + shape))


def reshape(x, *shape):
    """`x` under a new shape (one dimension may be -1, as in NumPy)."""
    x = lift(x)
    if len(shape) == 1 and not isinstance(shape[0], (numbers.Integral, np.integer)):
        shape = shape[0]
    shape = tuple(int(d) for d in shape)
    if shape.count(-1) > 1:
        raise ShapeError(f"reshape: at most one dimension may be -1, got {shape}")
    if -1 in shape:
        known = _size([d for d in shape if d != -1])
        if known == 0 or x.size % known:
            raise ShapeError(f"reshape: cannot reshape a tensor of shape {x.shape} into shape {shape}")
        shape = tuple(x.size // known if d == -1 else d for d in shape)
    shape = normalize_shape(shape, "reshape: shape")
    if shape == x.shape:
        return x
    if x.op is reshape_p:               # reshape of a reshape is one reshape
        x = x.inputs[0]
        if shape == x.shape:
            return x
    return reshape_p.bind(x, shape=shape)


# ---------------------------------------------------------------- transpose

def _infer_transpose(x, perm):
    return tuple(x.shape[p] for p in perm), x.dtype


transpose_p = Primitive(
    "transpose", nin=1, infer=_infer_transpose,
    ref=lambda x, perm: np.transpose(x, perm),
    jvp=[lambda t, out, x, perm: transpose(t, perm)],
    vjp=[lambda g, out, x, perm: transpose(g, tuple(np.argsort(perm)))],
    doc="Permute the axes.",
    batch=lambda xs, batched, perm: transpose_p.bind(xs[0], perm=(0,) + tuple(p + 1 for p in perm)))


def transpose(x, axes=None):
    """`x` with its axes permuted (reversed by default), as np.transpose."""
    x = lift(x)
    if axes is None:
        perm = tuple(range(x.ndim))[::-1]
    else:
        perm = tuple(normalize_axis(a, x.ndim, "transpose") for a in axes)
        if sorted(perm) != list(range(x.ndim)):
            raise ShapeError(f"transpose: axes {tuple(axes)} are not a permutation of the "
                             f"{x.ndim} axes of a tensor of shape {x.shape}")
    if x.op is transpose_p:                 # a transpose of a transpose is one (or none)
        perm = tuple(x.params["perm"][p] for p in perm)
        x = x.inputs[0]
    if perm == tuple(range(x.ndim)):
        return x
    return transpose_p.bind(x, perm=tuple(int(p) for p in perm))


def moveaxis(x, source, destination):
    """x with axis `source` moved to position `destination` (np.moveaxis; no node when it
    stays where it is)."""
    x = lift(x)
    source, destination = source % x.ndim, destination % x.ndim
    perm = [k for k in range(x.ndim) if k != source]
    perm.insert(destination, source)
    return transpose(x, perm) if perm != list(range(x.ndim)) else x


def matrix_transpose(x):
    """Swap the last two axes (batched matrix transpose)."""
    x = lift(x)
    if x.ndim < 2:
        raise ShapeError(f"matrix_transpose: needs at least 2 dimensions, got shape {x.shape}")
    perm = list(range(x.ndim))
    perm[-2], perm[-1] = perm[-1], perm[-2]
    return transpose(x, perm)


# ---------------------------------------------------------------- broadcast_to

def _infer_broadcast(x, shape):
    if len(shape) < x.ndim or any(d not in (1, s) for d, s in zip(x.shape, shape[len(shape) - x.ndim:])):
        raise ShapeError(f"broadcast_to: cannot broadcast a tensor of shape {x.shape} to shape {shape}")
    return shape, x.dtype


broadcast_to_p = Primitive(
    "broadcast_to", nin=1, infer=_infer_broadcast,
    ref=lambda x, shape: np.broadcast_to(x, shape).copy(),
    jvp=[lambda t, out, x, shape: broadcast_to(t, shape)],
    vjp=[lambda g, out, x, shape: g],           # the reverse driver sums back to x.shape
    doc="Repeat along new or size-1 axes (NumPy broadcasting).",
    batch=lambda xs, batched, shape: _batch_broadcast(xs[0], shape))


def _batch_broadcast(x, shape):
    b, logical = x.shape[0], x.shape[1:]
    x = reshape(x, (b,) + (1,) * (len(shape) - len(logical)) + logical)
    return broadcast_to(x, (b,) + shape)


def broadcast_to(x, shape):
    """`x` broadcast to `shape` (NumPy rules)."""
    x = lift(x)
    shape = normalize_shape(shape, "broadcast_to: shape")
    if shape == x.shape:
        return x
    return broadcast_to_p.bind(x, shape=shape)


# ---------------------------------------------------------------- concatenate

def _infer_concatenate(*xs, axis):
    first = xs[0]
    for x in xs:
        if x.dtype != first.dtype:
            raise TypeError("concatenate: operand dtypes differ")
        if x.ndim != first.ndim or any(a != b for i, (a, b) in enumerate(zip(x.shape, first.shape))
                                       if i != axis):
            raise ShapeError(f"concatenate: shapes {first.shape} and {x.shape} differ "
                             f"outside axis {axis}")
    shape = list(first.shape)
    shape[axis] = builtins_sum(x.shape[axis] for x in xs)
    return tuple(shape), first.dtype


builtins_sum = sum


def _concat_vjp(i):
    def rule(g, out, *xs, axis):
        start = builtins_sum(x.shape[axis] for x in xs[:i])
        return slice_axis(g, axis, start, start + xs[i].shape[axis])
    return rule


def _concat_jvp(i):
    def rule(t, out, *xs, axis):
        parts = [zeros(x.shape, x.dtype) for x in xs]
        parts[i] = broadcast_to(t, xs[i].shape)
        return concatenate(parts, axis)
    return rule


concatenate_p = Primitive(
    "concatenate", infer=_infer_concatenate,
    ref=lambda *xs, axis: np.concatenate(xs, axis=axis),
    jvp=_concat_jvp, vjp=_concat_vjp, doc="Join tensors along an existing axis.",
    batch=lambda xs, batched, axis: _batch_concatenate(xs, batched, axis))


def _batch_concatenate(xs, batched, axis):
    b = next(x.shape[0] for x, f in zip(xs, batched) if f)
    xs = [x if f else broadcast_to(x, (b,) + x.shape) for x, f in zip(xs, batched)]
    return concatenate_p.bind(*xs, axis=axis + 1)


def concatenate(xs, axis=0):
    """Join the tensors `xs` along `axis` (NumPy semantics)."""
    xs = lift_promoted(list(xs), floats=False)
    if not xs:
        raise ValueError("concatenate: needs at least one tensor")
    if xs[0].ndim == 0:
        raise ShapeError("concatenate: zero-dimensional tensors cannot be concatenated")
    axis = normalize_axis(axis, xs[0].ndim, "concatenate")
    if len(xs) == 1:
        return xs[0]
    return concatenate_p.bind(*xs, axis=axis)


def stack(xs, axis=0):
    """Join tensors of one shape along a new `axis`."""
    xs = lift_promoted(list(xs), floats=False)
    if not xs:
        raise ValueError("stack: needs at least one tensor")
    shapes = {x.shape for x in xs}
    if len(shapes) > 1:
        raise ShapeError(f"stack: all tensors must have the same shape, got {' and '.join(map(str, shapes))}")
    axis = normalize_axis(axis, xs[0].ndim + 1, "stack")
    return concatenate([expand_dims(x, axis) for x in xs], axis)


def expand_dims(x, axis):
    """`x` with new size-1 axes inserted at `axis` (int or tuple)."""
    x = lift(x)
    axes = normalize_axes(axis, x.ndim + (len(axis) if isinstance(axis, (tuple, list)) else 1),
                          "expand_dims")
    shape = list(x.shape)
    for a in axes:
        shape.insert(a, 1)
    return reshape(x, tuple(shape))


def squeeze(x, axis=None):
    """`x` without its size-1 axes (or just those in `axis`, which must have size 1)."""
    x = lift(x)
    if axis is None:
        axes = tuple(i for i, d in enumerate(x.shape) if d == 1)
    else:
        axes = normalize_axes(axis, x.ndim, "squeeze")
        for a in axes:
            if x.shape[a] != 1:
                raise ShapeError(f"squeeze: axis {a} of a tensor of shape {x.shape} has size "
                                 f"{x.shape[a]}, not 1")
    return reshape(x, tuple(d for i, d in enumerate(x.shape) if i not in axes))


# ---------------------------------------------------------------- slice, pad, rev

def _slice_len(start, stop, step):
    return max(0, -(-(stop - start) // step))


def _infer_slice(x, start, stop, step):
    for d, a, b, s in zip(x.shape, start, stop, step, strict=True):
        if not (0 <= a <= d and 0 <= b <= d and s >= 1):
            raise ShapeError(f"slice: bounds {start}:{stop}:{step} do not fit shape {x.shape}")
    return tuple(_slice_len(a, b, s) for a, b, s in zip(start, stop, step)), x.dtype


slice_p = Primitive(
    "slice", nin=1, infer=_infer_slice,
    ref=lambda x, start, stop, step: x[tuple(slice(a, b, s) for a, b, s in zip(start, stop, step))].copy(),
    jvp=[lambda t, out, x, start, stop, step: slice_p.bind(broadcast_to(t, x.shape), start=start,
                                                           stop=stop, step=step)],
    vjp=[lambda g, out, x, start, stop, step: _unslice(g, x.shape, start, step)],
    doc="A static strided window (positive steps).",
    batch=lambda xs, batched, start, stop, step: slice_p.bind(
        xs[0], start=(0,) + start, stop=xs[0].shape[:1] + stop, step=(1,) + step))


def _unslice(g, shape, start, step):
    lo, hi, interior = [], [], []
    for d, a, s, n in zip(shape, start, step, g.shape):
        lo.append(a)
        interior.append(s - 1)
        used = a + (n - 1) * s + 1 if n else a
        hi.append(d - used)
    return pad_zeros(g, tuple(lo), tuple(hi), tuple(interior))


def _infer_pad(x, lo, hi, interior):
    shape = tuple(a + n + max(n - 1, 0) * i + b for n, a, b, i in zip(x.shape, lo, hi, interior, strict=True))
    return shape, x.dtype


def _ref_pad(x, lo, hi, interior):
    out = np.zeros(_infer_pad(x, lo, hi, interior)[0], dtype=x.dtype)
    out[tuple(slice(a, a + (n - 1) * (i + 1) + 1 if n else a, i + 1)
              for a, n, i in zip(lo, x.shape, interior))] = x
    return out


pad_p = Primitive(
    "pad", nin=1, infer=_infer_pad, ref=_ref_pad,
    jvp=[lambda t, out, x, lo, hi, interior: pad_zeros(broadcast_to(t, x.shape), lo, hi, interior)],
    vjp=[lambda g, out, x, lo, hi, interior: slice_p.bind(
        g, start=lo, stop=tuple(a + (n - 1) * (i + 1) + 1 if n else a
                                for a, n, i in zip(lo, x.shape, interior)),
        step=tuple(i + 1 for i in interior))],
    doc="Surround with zeros (lo/hi per axis) and put `interior` zeros between elements.",
    batch=lambda xs, batched, lo, hi, interior: pad_p.bind(
        xs[0], lo=(0,) + lo, hi=(0,) + hi, interior=(0,) + interior))


def pad_zeros(x, lo, hi, interior=None):
    """`x` padded with zeros: lo[i] before, hi[i] after, interior[i] between elements."""
    x = lift(x)
    interior = interior or (0,) * x.ndim
    if not any(lo) and not any(hi) and not any(interior):
        return x
    return pad_p.bind(x, lo=tuple(lo), hi=tuple(hi), interior=tuple(interior))


rev_p = Primitive(
    "rev", nin=1, infer=lambda x, axes: (x.shape, x.dtype),
    ref=lambda x, axes: np.flip(x, axes).copy(),
    jvp=[lambda t, out, x, axes: rev(broadcast_to(t, x.shape), axes)],
    vjp=[lambda g, out, x, axes: rev(g, axes)],
    doc="Reverse the order of elements along `axes`.",
    batch=lambda xs, batched, axes: rev_p.bind(xs[0], axes=tuple(a + 1 for a in axes)))


def rev(x, axes):
    x = lift(x)
    axes = normalize_axes(axes, x.ndim, "rev")
    return rev_p.bind(x, axes=axes) if axes else x


def slice_axis(x, axis, start, stop, step=1):
    """x[..., start:stop:step, ...] along one axis."""
    starts = [0] * x.ndim
    stops = list(x.shape)
    steps = [1] * x.ndim
    starts[axis], stops[axis], steps[axis] = start, stop, step
    return strided_slice(x, starts, stops, steps)


def strided_slice(x, start, stop, step):
    if list(start) == [0] * x.ndim and list(stop) == list(x.shape) and list(step) == [1] * x.ndim:
        return x
    return slice_p.bind(x, start=tuple(start), stop=tuple(stop), step=tuple(step))


def _infer_take(x, indices, axis):
    shape = list(x.shape)
    shape[axis] = len(indices)
    return tuple(shape), x.dtype


def occurrence_rounds(indices, n) -> list:
    """Static positions `indices` (k of them, into n slots) as rounds of gathers: round r
    maps each slot to the position of its r-th occurrence among the indices, in order (k
    where it has none), so each round reads every slot at most once."""
    idx = np.asarray(indices, dtype=np.int64)
    k = idx.size
    if k == 0:
        return []
    order = np.argsort(idx, kind="stable")                      # positions j, grouped by slot
    slots = idx[order]
    rank = np.arange(k) - np.searchsorted(slots, slots)          # j's occurrence number in its slot
    rounds = []
    for r in range(int(rank.max()) + 1):
        table = np.full(n, k, dtype=np.int64)
        table[slots[rank == r]] = order[rank == r]
        rounds.append(table)
    return rounds


UNTAKE_FUSED = 65536         # slots × indices up to which take's adjoint is one fused reduction


def _untake(g, indices, axis, n):
    """The adjoint of take: g scattered and summed into n slots along `axis`. When no slot
    is taken more than a few times and the k indices are not few against n (a permutation,
    a reflection), gathers: slot i reads the r-th g that came from it (or a zero), summed
    over r — O(n) work. Otherwise, for small n·k, Σⱼ where(indices[j] == i, g[j], 0), exact
    and fused into one reduction; beyond, a scatter-add of g at the constant indices (one
    C loop, O(k)): x[np.arange(n) // 7 * 7] at n = 2·10⁴ took n·k comparisons, 210 ms a call."""
    from .elementwise import where
    from .indexing import scatter_add_p
    from .reduce import reduce_sum_p
    k = len(indices)
    counts = np.bincount(np.asarray(indices, dtype=np.int64), minlength=n)
    if k and counts.max() <= 4 and 4 * k >= n:           # tables of n slots: worth it when k is not ≪ n
        padded = pad_zeros(g, [0] * g.ndim, [int(a == axis) for a in range(g.ndim)])   # slot k: a zero
        total = None
        for table in occurrence_rounds(indices, n):
            part = take_p.bind(padded, indices=tuple(int(t) for t in table), axis=axis)
            total = part if total is None else total + part
        return total
    moved = transpose(g, (axis,) + tuple(a for a in range(g.ndim) if a != axis))     # (k, rest)
    rest = moved.shape[1:]
    if n * k > UNTAKE_FUSED:
        summed = scatter_add_p.bind(moved, const(np.asarray(indices, dtype=np.float64)), n=n, batch_dims=0)
    else:
        hit = iota((n, k), 0, g.dtype) == reshape(const(np.asarray(indices, dtype=float), g.dtype), (1, k))
        picked = where(reshape(hit, (n, k) + (1,) * len(rest)), reshape(moved, (1, k) + rest), 0)
        summed = reduce_sum_p.bind(picked, axes=(1,))                               # (n, rest)
    back = list(range(1, summed.ndim))
    back.insert(axis, 0)
    return transpose(summed, tuple(back))


take_p = Primitive(
    "take", nin=1, infer=_infer_take,
    ref=lambda x, indices, axis: np.take(x, indices, axis=axis),
    jvp=[lambda t, out, x, indices, axis: take_p.bind(t, indices=indices, axis=axis)],
    vjp=[lambda g, out, x, indices, axis: _untake(g, indices, axis, x.shape[axis])],
    batch=lambda xs, batched, indices, axis: take_p.bind(xs[0], indices=indices, axis=axis + 1),
    doc="Elements at static integer `indices` along `axis` (integer-array indexing).")


def take(x, indices, axis=0):
    """x's elements at the static integer `indices` along `axis` (np.take)."""
    x = lift(x)
    axis = normalize_axis(axis, x.ndim, "take")
    n = x.shape[axis]
    idx = np.asarray(indices)
    if idx.dtype == np.bool_:
        if idx.shape != (n,):
            raise IndexError(f"take: a boolean index of shape {idx.shape} for an axis of length {n}")
        idx = np.nonzero(idx)[0]
    if idx.ndim != 1 or idx.dtype.kind not in "iu":
        raise NotImplementedError("indexing with a multi-dimensional or non-integer index array")
    if ((idx < -n) | (idx >= n)).any():
        raise IndexError(f"index {idx[(idx < -n) | (idx >= n)][0]} is out of bounds for axis {axis} "
                         f"with size {n}")
    return take_p.bind(x, indices=tuple(int(i) % n for i in idx), axis=axis)


def table_name(indices) -> str:
    """The C name of the static index table of a take (stable across runs)."""
    import hashlib
    return "gc_idx_" + hashlib.sha1(repr(indices).encode()).hexdigest()[:12]


def _infer_iota(shape, axis, dtype):
    return shape, dtype


iota_p = Primitive(
    "iota", nin=0, infer=_infer_iota,
    ref=lambda shape, axis, dtype: np.broadcast_to(
        np.arange(shape[axis], dtype=dtype).reshape([-1 if k == axis else 1 for k in range(len(shape))]),
        shape).copy(),
    doc="The index along `axis` at every position of `shape` (computed, never stored).")


def iota(shape, axis, dtype=dtypes.float64):
    """0, 1, 2, ... along `axis`, broadcast over `shape`."""
    return iota_p.bind(shape=tuple(shape), axis=int(axis), dtype=dtypes.canonical(dtype))


def eye(n, dtype=dtypes.float64):
    """The n×n identity, as an expression of indices (no stored constant)."""
    from .core import cast
    return cast(iota((n, n), 0, dtype) == iota((n, n), 1, dtype), dtype)


def zeros(shape, dtype=dtypes.float64):
    """A tensor of zeros (a broadcast scalar constant, never a stored array)."""
    return broadcast_to(const(0.0, dtype), shape)


# ---------------------------------------------------------------- indexing

def getitem(x, index):
    """Static NumPy basic indexing: ints, slices (any step), None and Ellipsis."""
    x = lift(x)
    if not isinstance(index, tuple):
        index = (index,)
    arrays = [k for k, item in enumerate(index) if isinstance(item, (list, np.ndarray)) or hasattr(item, "op")]
    if len(arrays) > 1:
        if any(hasattr(index[k], "op") for k in arrays):
            raise NotImplementedError("indexing with a computed index and another index array")
        positions = np.arange(x.size).reshape(x.shape)[index]      # NumPy's selection, resolved now
        return reshape(take(reshape(x, (x.size,)), positions.reshape(-1), 0), positions.shape)
    if arrays:
        k = arrays[0]
        basic = index[:k] + (slice(None),) + index[k + 1:]
        y = getitem(x, basic)
        axis = sum(1 for item in index[:k] if item is not Ellipsis and not isinstance(item, (numbers.Integral, np.integer)))
        if Ellipsis in [i for i in index[:k] if i is Ellipsis]:
            axis = y.ndim - sum(1 for item in index[k + 1:] if not isinstance(item, (numbers.Integral, np.integer))) - 1
        if hasattr(index[k], "op") or np.ndim(index[k]) != 1:      # computed indices, or an index array
            from .indexing import take_along                        # of any rank: a gather
            return take_along(y, index[k], axis)
        return take(y, index[k], axis)
    for item in index:
        if not (item is None or item is Ellipsis or isinstance(item, (slice, numbers.Integral, np.integer))):
            raise TypeError(f"index: unsupported index {item!r}")
    if builtins_sum(1 for i in index if i is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = builtins_sum(1 for i in index if i is not None and i is not Ellipsis)
    if used > x.ndim:
        raise IndexError(f"too many indices for a tensor of shape {x.shape}: {len(index)} given")
    if Ellipsis in [i for i in index if i is Ellipsis]:
        at = next(k for k, i in enumerate(index) if i is Ellipsis)
        index = index[:at] + (slice(None),) * (x.ndim - used) + index[at + 1:]
    else:
        index = index + (slice(None),) * (x.ndim - used)

    start, stop, step, flip, out_shape = [], [], [], [], []
    axis = 0
    for item in index:
        if item is None:
            out_shape.append(1)
            continue
        n = x.shape[axis]
        if isinstance(item, slice):
            r = range(*item.indices(n))
            if r.step > 0 or len(r) == 0:
                a = r.start if len(r) else 0
                start.append(a), stop.append(r.stop if len(r) else 0), step.append(max(r.step, 1) if len(r) else 1)
            else:
                start.append(r[-1]), stop.append(r[0] + 1), step.append(-r.step)
                flip.append(axis)
            out_shape.append(len(r))
        else:
            i = int(item)
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n} "
                                 f"(tensor of shape {x.shape})")
            i %= n
            start.append(i), stop.append(i + 1), step.append(1)
        axis += 1
    y = strided_slice(x, start, stop, step)
    y = rev(y, tuple(flip))
    return reshape(y, tuple(out_shape))


# ---------------------------------------------------------------- index maps of the views
# (used by the code generator to fold views into the loops that read them)

def _view_broadcast(node, index):
    from ..affine import broadcast_index
    return broadcast_index(index, node.inputs[0].shape, node.shape)


def _view_transpose(node, index):
    result = [None] * len(index)
    for k, p in enumerate(node.params["perm"]):
        result[p] = index[k]
    return result


def _view_slice(node, index):
    p = node.params
    return [a + s * i for a, s, i in zip(p["start"], p["step"], index)]


def _view_rev(node, index):
    axes, shape = node.params["axes"], node.shape
    return [(shape[k] - 1) - i if k in axes else i for k, i in enumerate(index)]


def unit_reshape_map(in_shape, out_shape):
    """For a reshape that only adds or removes size-1 axes: out axis -> in axis (or None)."""
    if [d for d in in_shape if d != 1] != [d for d in out_shape if d != 1]:
        return None
    in_axes = [k for k, d in enumerate(in_shape) if d != 1]
    out_axes = [k for k, d in enumerate(out_shape) if d != 1]
    return dict(zip(in_axes, out_axes))


def _view_reshape(node, index):
    from ..affine import Affine
    mapping = unit_reshape_map(node.inputs[0].shape, node.shape)
    return [index[mapping[k]] if k in mapping else Affine() for k in range(node.inputs[0].ndim)]


broadcast_to_p.view = _view_broadcast
transpose_p.view = _view_transpose
slice_p.view = _view_slice
rev_p.view = _view_rev


def _view_take(node, index):
    from ..affine import Affine, Clamped
    result = list(index)
    a = node.params["axis"]
    result[a] = Clamped(f"{table_name(node.params['indices'])}[{Affine.of(index[a]).c()}]")
    return result


take_p.view = _view_take
reshape_p.view = _view_reshape          # valid only where unit_reshape_map is not None
