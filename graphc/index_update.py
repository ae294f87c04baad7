"""`x.at[index].set(v)` and its siblings, JAX's functional index updates: a new tensor
equal to x except at `index`.

Static indices (ints, slices, None, Ellipsis, integer or boolean arrays) are resolved when
the graph is built: NumPy selects the flat positions, and each update becomes selects and
static gathers that fuse into one loop. Repeated positions follow JAX: `add` and
`multiply` combine every update, `set` keeps the last, `min`/`max` all of them. A tensor
index along the first axis (computed at run time) takes `get`, `set` (a repeated index
keeps its last update) and `add` (a gather, a select of the last writers, a scatter-add). Everything differentiates with respect to x and the updates."""
import math

import numpy as np

from .ops import elementwise as ew, shape as sh
from .ops.core import const, lift, lift_promoted


class IndexUpdateHelper:
    """x.at: indexing it gives the updater of those positions."""

    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x

    def __getitem__(self, index):
        return IndexUpdateRef(self.x, index)


class IndexUpdateRef:
    __slots__ = ("x", "index")

    def __init__(self, x, index):
        self.x, self.index = x, index

    def get(self):
        return self.x[self.index]

    def set(self, values):
        return self._apply(values, "set")

    def add(self, values):
        return self._apply(values, "add")

    def subtract(self, values):
        return self._apply(-lift(values) if hasattr(values, "op") else -np.asarray(values), "add")

    def multiply(self, values):
        return self._apply(values, "multiply")

    def divide(self, values):
        return self._apply(values, "divide")

    def min(self, values):
        return self._apply(values, "min")

    def max(self, values):
        return self._apply(values, "max")

    def power(self, values):
        return self._apply(values, "power")

    def _apply(self, values, how):
        x = self.x
        index = self.index if isinstance(self.index, tuple) else (self.index,)
        if any(hasattr(item, "op") for item in index):
            return _dynamic(x, index, values, how)
        positions = np.arange(x.size).reshape(x.shape)[self.index]     # NumPy's selection, static
        values = sh.broadcast_to(lift_promoted([values, x])[0], positions.shape)
        flat = sh.reshape(x, (x.size,))
        updates = sh.reshape(ew.cast(values, x.dtype) if values.dtype != x.dtype else values, (positions.size,))
        out = _static(flat, updates, positions.reshape(-1), how)
        return sh.reshape(out, x.shape)


_COMBINE = {"add": ew.add, "multiply": ew.mul, "divide": ew.div, "min": ew.minimum, "max": ew.maximum,
            "power": ew.power}
_NEUTRAL = {"add": 0.0, "multiply": 1.0, "divide": 1.0, "min": math.inf, "max": -math.inf, "power": 1.0}


def _static(flat, updates, pos, how):
    """flat (n,) updated at static positions `pos` by `updates` (m,)."""
    n, m = flat.shape[0], pos.size
    if m == 0:
        return flat
    padded = sh.concatenate([updates, sh.reshape(const(_NEUTRAL.get(how, 0.0), updates.dtype), (1,))], 0)
    if how == "set":                                         # the last update of each slot wins
        table = np.full(n, m)
        table[pos] = np.arange(m)                            # NumPy's assignment: the last one stays
        return ew.where(table < m, sh.take(padded, table), flat)
    out = flat
    for table in sh.occurrence_rounds(pos, n):               # each round: one update per slot, in order
        out = ew.where(table < m, _COMBINE[how](out, sh.take(padded, table)), out)
    return out


def _dynamic(x, index, values, how):
    """x.at[i] with a computed index tensor i along the first axis."""
    from .ops.indexing import scatter_add, scatter_extremum, scatter_set
    if len(index) != 1:
        raise NotImplementedError("x.at[...] with a computed index: only a single index tensor along the first "
                                  "axis (x.at[i])")
    if how not in ("add", "subtract", "set", "min", "max"):
        raise NotImplementedError(f"x.at[i].{how}(...) with a computed index i: graphc has get(), set(), add(), "
                                  "subtract(), min() and max()")
    idx = lift(index[0])
    values = sh.broadcast_to(lift_promoted([values, x])[0], idx.shape + x.shape[1:])
    values = ew.cast(values, x.dtype) if values.dtype != x.dtype else values
    if how == "set":
        return scatter_set(x, idx, values)
    if how in ("min", "max"):
        return scatter_extremum(x, values, idx, maximum=how == "max")
    return x + scatter_add(-values if how == "subtract" else values, idx, x.shape[0])
