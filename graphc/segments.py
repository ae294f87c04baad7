"""Segment reductions, as jax.ops: the rows of `data` reduced by the segment each one belongs
to (`segment_ids`, computed by the graph or constant) into `num_segments` rows — message
passing in graph networks, per-group sums and maxima. As in JAX, ids outside
[0, num_segments) are dropped, and an empty segment holds the reduction's identity (0 for
a sum, −inf for a max, +inf for a min). The derivative of a max or min goes to the entries
that attain it, shared equally among ties (JAX's rule)."""
import numpy as np

from . import dtypes
from .ops import elementwise as ew, shape as sh
from .ops.core import const, lift
from .ops.indexing import _as_indices, scatter_add, scatter_extremum


def segment_sum(data, segment_ids, num_segments=None, indices_are_sorted=False, unique_indices=False,
                bucket_size=None, mode=None):
    """Σ of the rows of `data` in each segment: shape (num_segments,) + data.shape[1:]."""
    data, dropped, n = _segments("segment_sum", data, segment_ids, num_segments, mode)
    return scatter_add(data, dropped, n + 1)[:n]


def segment_max(data, segment_ids, num_segments=None, indices_are_sorted=False, unique_indices=False,
                bucket_size=None, mode=None):
    """The largest row entry of each segment (−inf for an empty one; NaN if any is NaN)."""
    return _extremum("segment_max", data, segment_ids, num_segments, mode, maximum=True)


def segment_min(data, segment_ids, num_segments=None, indices_are_sorted=False, unique_indices=False,
                bucket_size=None, mode=None):
    """The smallest row entry of each segment (+inf for an empty one; NaN if any is NaN)."""
    return _extremum("segment_min", data, segment_ids, num_segments, mode, maximum=False)


def _extremum(op, data, segment_ids, num_segments, mode, maximum):
    data, dropped, n = _segments(op, data, segment_ids, num_segments, mode)
    identity = -np.inf if maximum else np.inf
    start = sh.broadcast_to(const(np.array(identity, dtype=data.dtype)), (n + 1,) + data.shape[1:])
    return scatter_extremum(start, data, dropped, maximum=maximum)[:n]


def _segments(op, data, segment_ids, num_segments, mode):
    """data as a float tensor, the ids with those out of range sent to an extra row n (cut
    off afterwards), and n."""
    if mode is not None:
        raise NotImplementedError(f"{op}: mode={mode!r} (ids out of range are dropped, JAX's default)")
    data, ids = lift(data), _as_indices(segment_ids)
    if data.dtype not in dtypes.FLOATS:
        data = ew.cast(data, dtypes.float64)
    if ids.ndim != 1 or data.ndim == 0 or data.shape[0] != ids.shape[0]:
        raise ValueError(f"{op}: segment_ids must be 1-d with one id per row of data; got ids of shape "
                         f"{ids.shape} for data of shape {data.shape}")
    if num_segments is None:
        if ids.op.name != "const":
            raise ValueError(f"{op}: pass num_segments= (an int): with ids computed by the graph the number of "
                             "segments is known only at run time")
        values = ids.params["value"].array
        num_segments = int(values.max()) + 1 if values.size else 0
    n = int(num_segments)
    if n < 0:
        raise ValueError(f"{op}: num_segments must be non-negative, got {num_segments}")
    dropped = ew.where((ids < 0) | (ids >= n), float(n), ids)
    return data, dropped, n
