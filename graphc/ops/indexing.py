"""Data-dependent indexing: gather, scatter-add and scatter-max/min at indices computed by
the graph, a stable argsort and searchsorted. Each is one C routine (csrc/indexing.c) called on
stored operands.

graphc computes in floats, so indices are float64 tensors holding integers (exact up to
2⁵³), as CasADi's are doubles: an index is rounded to the nearest integer, a negative one
counts from the end, and one out of range (or NaN) raises IndexError when the compiled
function runs (the interpreter raises it too). Indices carry no derivative.

Operands are stacks: `batch_dims` leading axes that table and indices share (the vmap rule
adds one); gather reads axis `batch_dims` of the table.
"""
import numpy as np

from .. import dtypes
from ..errors import ShapeError
from .core import Primitive, const, lift


def _indices_array(idx, n, op):
    """NumPy integer indices from float `idx` in an axis of length n (the C routines' rule)."""
    idx = np.asarray(idx, dtype=np.float64)
    bad = ~((idx > -n - 0.5) & (idx < n - 0.5))
    if bad.any():
        raise IndexError(f"{op}: index {float(idx[bad].flat[0])!r} is out of range for an axis of length {n}")
    k = np.where(idx < 0, np.trunc(idx - 0.5), np.trunc(idx + 0.5)).astype(np.int64)
    return np.where(k < 0, k + n, k)


def _check_stacks(op, a, b, batch_dims, a_what, b_what):
    if a.shape[:batch_dims] != b.shape[:batch_dims]:
        raise ShapeError(f"{op}: {a_what} of shape {a.shape} and {b_what} of shape {b.shape} differ in "
                         f"their {batch_dims} leading (batch) axes")


def _check_index_dtype(op, idx):
    if idx.dtype != dtypes.float64:
        raise TypeError(f"{op}: indices must be float64 tensors holding integers, got {idx.dtype.name}")


def _float(x):
    if x.dtype not in dtypes.FLOATS:
        raise TypeError(f"expected a float tensor, got {x.dtype.name}")


# ---------------------------------------------------------------- gather

def _infer_gather(table, idx, batch_dims):
    _check_index_dtype("gather", idx)
    if table.ndim <= batch_dims or idx.ndim < batch_dims:
        raise ShapeError(f"gather: a table of shape {table.shape} and indices of shape {idx.shape} with "
                         f"{batch_dims} batch axes")
    _check_stacks("gather", table, idx, batch_dims, "table", "indices")
    return idx.shape + table.shape[batch_dims + 1:], table.dtype


def _ref_gather(table, idx, batch_dims):
    k = _indices_array(idx, table.shape[batch_dims], "gather")
    nb, ni = int(np.prod(idx.shape[:batch_dims])), int(np.prod(idx.shape[batch_dims:]))
    t = table.reshape((nb,) + table.shape[batch_dims:])
    out = t[np.arange(nb)[:, None], k.reshape(nb, ni)]               # (nb, ni, rest...)
    return out.reshape(idx.shape + table.shape[batch_dims + 1:])


def _batch_both(prim, table_free=False):
    """vmap rule of a primitive over (stack, indices) pairs: the unbatched operand is
    broadcast along the batch axis, which becomes one more batch axis. With `table_free`,
    an unbatched first operand (a table, a sorted array) without batch axes is shared by
    the batched indices as it is."""
    def rule(xs, batched, batch_dims, **attrs):
        from .shape import broadcast_to
        if table_free and batch_dims == 0 and not batched[0]:
            return prim.bind(*xs, batch_dims=0, **attrs)
        size = next(x.shape[0] for x, b in zip(xs, batched) if b)
        xs = [x if b else broadcast_to(x, (size,) + x.shape) for x, b in zip(xs, batched)]
        return prim.bind(*xs, batch_dims=batch_dims + 1, **attrs)
    return rule


gather_p = Primitive(
    "gather", nin=2, infer=_infer_gather, ref=_ref_gather,
    jvp=[lambda t, out, table, idx, batch_dims: gather_p.bind(t, idx, batch_dims=batch_dims), None],
    vjp=[lambda g, out, table, idx, batch_dims: scatter_add_p.bind(g, idx, n=table.shape[batch_dims],
                                                                   batch_dims=batch_dims), None],
    doc="table[..., idx, :]: the rows of the table at computed (float) indices.")


def _infer_scatter_add(upd, idx, n, batch_dims):
    _check_index_dtype("scatter_add", idx)
    _check_stacks("scatter_add", upd, idx, batch_dims, "updates", "indices")
    if upd.shape[:idx.ndim] != idx.shape:
        raise ShapeError(f"scatter_add: updates of shape {upd.shape} do not start with the indices' shape "
                         f"{idx.shape}")
    return idx.shape[:batch_dims] + (n,) + upd.shape[idx.ndim:], upd.dtype


def _ref_scatter_add(upd, idx, n, batch_dims):
    k = _indices_array(idx, n, "scatter_add")
    batch = idx.shape[:batch_dims]
    rest = upd.shape[idx.ndim:]
    nb = int(np.prod(batch, dtype=np.int64))
    out = np.zeros((nb, n) + rest, upd.dtype)
    kk, uu = k.reshape(nb, -1), upd.reshape((nb, -1) + rest)
    for b in range(nb):
        np.add.at(out[b], kk[b], uu[b])
    return out.reshape(batch + (n,) + rest)


scatter_add_p = Primitive(
    "scatter_add", nin=2, infer=_infer_scatter_add, ref=_ref_scatter_add,
    jvp=[lambda t, out, upd, idx, n, batch_dims: scatter_add_p.bind(t, idx, n=n, batch_dims=batch_dims), None],
    vjp=[lambda g, out, upd, idx, n, batch_dims: gather_p.bind(g, idx, batch_dims=batch_dims), None],
    doc="Zeros of n rows with each update added into the row its index names (the adjoint of gather).")
gather_p.batch = _batch_both(gather_p, table_free=True)
scatter_add_p.batch = _batch_both(scatter_add_p)


def _infer_scatter_extremum(x, upd, idx, maximum, batch_dims):
    op = "scatter_max" if maximum else "scatter_min"
    _check_index_dtype(op, idx)
    _check_stacks(op, x, idx, batch_dims, "the operand", "indices")
    if x.ndim <= batch_dims or upd.shape != idx.shape + x.shape[batch_dims + 1:] or upd.dtype != x.dtype:
        raise ShapeError(f"{op}: updates of shape {upd.shape} ({upd.dtype.name}) for an operand of shape "
                         f"{x.shape} ({x.dtype.name}) at indices of shape {idx.shape} with {batch_dims} batch "
                         f"axes: expected {idx.shape + x.shape[batch_dims + 1:]} ({x.dtype.name})")
    return x.shape, x.dtype


def _ref_scatter_extremum(x, upd, idx, maximum, batch_dims):
    n = x.shape[batch_dims]
    k = _indices_array(idx, n, "scatter_max" if maximum else "scatter_min")
    nb = int(np.prod(idx.shape[:batch_dims], dtype=np.int64))
    rest = x.shape[batch_dims + 1:]
    out = np.array(x, copy=True).reshape((nb, n) + rest)
    kk, uu = k.reshape(nb, -1), upd.reshape((nb, -1) + rest)
    ufunc = np.maximum if maximum else np.minimum           # NaN propagates, as in C
    for b in range(nb):
        ufunc.at(out[b], kk[b], uu[b])
    return out.reshape(x.shape)


def _extremum_shares(out, x, upd, idx, batch_dims):
    """Which entries of x and of the updates equal the result they went into, each weighted by
    1 / the number of entries tied there (the derivative is shared among ties, as JAX's)."""
    from .elementwise import astype, equal, greater, where
    n = x.shape[batch_dims]
    in_x = equal(x, out)
    in_upd = equal(upd, gather_p.bind(out, idx, batch_dims=batch_dims))
    ones = scatter_add_p.bind(astype(in_upd, x.dtype), idx, n=n, batch_dims=batch_dims)
    count = astype(in_x, x.dtype) + ones
    return in_x, in_upd, where(greater(count, 0), count, 1)     # a NaN result: nothing equals it


def _extremum_jvp_x(t, out, x, upd, idx, maximum, batch_dims):
    from .elementwise import where
    in_x, _, count = _extremum_shares(out, x, upd, idx, batch_dims)
    return where(in_x, t, 0.0) / count


def _extremum_jvp_upd(t, out, x, upd, idx, maximum, batch_dims):
    from .elementwise import where
    _, in_upd, count = _extremum_shares(out, x, upd, idx, batch_dims)
    return scatter_add_p.bind(where(in_upd, t, 0.0), idx, n=x.shape[batch_dims], batch_dims=batch_dims) / count


def _extremum_vjp_x(g, out, x, upd, idx, maximum, batch_dims):
    from .elementwise import where
    in_x, _, count = _extremum_shares(out, x, upd, idx, batch_dims)
    return where(in_x, g / count, 0.0)


def _extremum_vjp_upd(g, out, x, upd, idx, maximum, batch_dims):
    from .elementwise import where
    _, in_upd, count = _extremum_shares(out, x, upd, idx, batch_dims)
    return where(in_upd, gather_p.bind(g / count, idx, batch_dims=batch_dims), 0.0)


scatter_extremum_p = Primitive(
    "scatter_extremum", nin=3, infer=_infer_scatter_extremum, ref=_ref_scatter_extremum,
    jvp=[_extremum_jvp_x, _extremum_jvp_upd, None], vjp=[_extremum_vjp_x, _extremum_vjp_upd, None],
    doc="x with each update combined by max (or min) into the row its index names; NaNs propagate, "
        "and the derivative is shared equally among the entries tied for a result.")
scatter_extremum_p.batch = _batch_both(scatter_extremum_p)


def gather(table, idx, batch_dims=0):
    """table's rows (axis `batch_dims`) at the computed indices `idx`: shape
    idx.shape + table.shape[batch_dims + 1:]. Constant indices become a static take."""
    table, idx = lift(table), _as_indices(idx)
    if idx.op.name == "const" and batch_dims == 0:
        from .shape import reshape, take
        n = table.shape[0] if table.ndim else 0
        k = _indices_array(idx.params["value"].array, n, "gather").reshape(-1)
        return reshape(take(table, k, 0), idx.shape + table.shape[1:])
    return gather_p.bind(table, idx, batch_dims=batch_dims)


def take_along(x, idx, axis):
    """x's entries at indices `idx` (computed or static) along `axis`, whose shape replaces
    that axis (np.take)."""
    from .shape import transpose
    front = transpose(x, [axis] + [k for k in range(x.ndim) if k != axis]) if axis else x
    out = gather(front, idx)                               # idx.shape + the other axes
    if axis == 0:
        return out
    k = out.ndim - (x.ndim - 1)                            # the indices' rank
    return transpose(out, list(range(k, k + axis)) + list(range(k)) + list(range(k + axis, out.ndim)))


def scatter_add(updates, idx, n, batch_dims=0):
    """Zeros of shape idx.shape[:batch_dims] + (n,) + updates.shape[idx.ndim:], with each
    update added into the row its index names (repeated indices add up)."""
    updates, idx = lift(updates), _as_indices(idx)
    return scatter_add_p.bind(updates, idx, n=int(n), batch_dims=batch_dims)


def scatter_extremum(x, updates, idx, maximum=True):
    """x (rows along its first axis) with each update combined by max (or min) into the row
    its computed index names: x.at[idx].max(updates)."""
    x, idx = lift(x), _as_indices(idx)
    return scatter_extremum_p.bind(x, lift(updates), idx, maximum=bool(maximum), batch_dims=0)


def _as_indices(idx):
    """Indices as a float64 tensor (integer arrays and float32 tensors converted)."""
    from .core import cast
    if not hasattr(idx, "op"):
        arr = np.asarray(idx)
        if arr.dtype.kind not in "iuf":
            raise TypeError(f"indices must be integers or a float tensor of integers, got {arr.dtype}")
        return const(arr.astype(np.float64))
    if idx.dtype == dtypes.bool_:
        raise IndexError("a boolean tensor cannot index: its number of True entries is known only at run "
                         "time (use gnp.where to select)")
    return cast(idx, dtypes.float64) if idx.dtype != dtypes.float64 else idx


def _infer_last_writer(idx, n, batch_dims):
    _check_index_dtype("last_writer", idx)
    return idx.shape[:batch_dims] + (n,), dtypes.float64


def _ref_last_writer(idx, n, batch_dims):
    k = _indices_array(idx, n, "last_writer")
    nb = int(np.prod(idx.shape[:batch_dims]))
    kk = k.reshape(nb, -1)
    out = np.full((nb, n), float(kk.shape[1]))
    for b in range(nb):
        out[b, kk[b]] = np.arange(kk.shape[1])        # NumPy's assignment: the last one stays
    return out.reshape(idx.shape[:batch_dims] + (n,))


last_writer_p = Primitive(
    "last_writer", nin=1, infer=_infer_last_writer, ref=_ref_last_writer, jvp=None, vjp=None,
    batch=lambda xs, batched, n, batch_dims: last_writer_p.bind(xs[0], n=n, batch_dims=batch_dims + 1),
    doc="For each of n rows, the position of the last index naming it (the number of indices when "
        "none does): which update an overwriting scatter keeps.")


def scatter_set(x, idx, updates):
    """x with the rows (first axis) that `idx` names replaced by `updates` (one row per
    index; a repeated index keeps its last update, as NumPy's assignment)."""
    from .elementwise import where
    from .shape import concatenate, reshape, zeros
    idx = _as_indices(idx)
    m, rest = idx.size, x.shape[1:]
    rows = reshape(updates, (m,) + rest)
    padded = concatenate([rows, zeros((1,) + rest, rows.dtype)], 0)        # row m: no update
    writer = last_writer_p.bind(reshape(idx, (m,)), n=x.shape[0], batch_dims=0)
    kept = reshape(writer < m, (x.shape[0],) + (1,) * len(rest))
    return where(kept, gather(padded, writer), x)


# ---------------------------------------------------------------- argsort, searchsorted

def _ref_argsort(x, descending):
    """Stable, NaNs last; descending sorts -x (NaNs still last, ties in index order)."""
    return np.argsort(-x if descending else x, axis=-1, kind="stable").astype(np.float64)


def _infer_argsort(x, descending):
    _float(x)
    if x.ndim == 0:
        raise ShapeError("argsort: a 0-d tensor has no axis to sort along")
    if x.shape[-1] >= 2 ** 31:
        raise ShapeError(f"argsort: rows of {x.shape[-1]} entries (at most 2³¹ − 1)")
    return x.shape, dtypes.float64


argsort_p = Primitive(
    "argsort", nin=1, infer=_infer_argsort, ref=_ref_argsort, jvp=None, vjp=None,
    doc="The stable sorting permutation of each row (last axis), NaNs last, as float64 indices.")


def _infer_searchsorted(a, v, right, batch_dims):
    _float(a), _float(v)
    if a.ndim != batch_dims + 1:
        raise ShapeError(f"searchsorted: the sorted array must be 1-d (per batch), got shape {a.shape}")
    _check_stacks("searchsorted", a, v, batch_dims, "the sorted array", "the values")
    return v.shape, dtypes.float64


def _ref_searchsorted(a, v, right, batch_dims):
    side = "right" if right else "left"
    if batch_dims == 0:
        return np.searchsorted(a, v, side=side).astype(np.float64)
    aa = a.reshape(-1, a.shape[-1])
    vv = v.reshape(aa.shape[0], -1)
    out = np.stack([np.searchsorted(aa[b], vv[b], side=side) for b in range(aa.shape[0])])
    return out.astype(np.float64).reshape(v.shape)


searchsorted_p = Primitive(
    "searchsorted", nin=2, infer=_infer_searchsorted, ref=_ref_searchsorted, jvp=None, vjp=None,
    doc="Where each value goes in a sorted array (NumPy's searchsorted), as float64 indices.")
searchsorted_p.batch = _batch_both(searchsorted_p, table_free=True)


def argsort(x, descending=False):
    """Stable sorting permutation along the last axis (float64 indices), NaNs last."""
    from .core import lift_promoted
    (x,) = lift_promoted([x])
    return argsort_p.bind(x, descending=bool(descending))


def searchsorted(a, v, side="left"):
    """Indices where the values `v` would be inserted into the sorted 1-d `a`."""
    from .core import lift_promoted
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    a, v = lift_promoted([a, v])
    return searchsorted_p.bind(a, v, right=side == "right", batch_dims=0)
