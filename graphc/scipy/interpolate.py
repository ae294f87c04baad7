"""`graphc.scipy.interpolate`: lookup tables on rectangular grids, as
`jax.scipy.interpolate` and CasADi's `interpolant` (linear): `RegularGridInterpolator`
and `interpn`, multilinear or nearest-neighbour.

Each query locates its cell per axis (searchsorted), and its value is the weighted sum of
the cell's 2^d corners (gathers from the flattened table), so it differentiates with
respect to the query points (the cell's slopes), the table's values and the grid. Grids
are increasing; tables may carry trailing value axes. Out of the grid a query gives
`fill_value` (NaN by default; None extrapolates from the edge cell); with
`bounds_error=True` it raises IndexError when the compiled function runs."""
import itertools
import math

import numpy as np

from ..ops import elementwise as ew, reduce as red, shape as sh
from ..ops.core import lift_promoted
from ..ops.indexing import gather, searchsorted

__all__ = ["RegularGridInterpolator", "interpn"]


class RegularGridInterpolator:
    """f(xi) for xi of shape (..., d): `values` (n₁ × … × n_d, then any value axes) given at
    the grid `points` (d increasing 1-d sequences)."""

    def __init__(self, points, values, method="linear", bounds_error=False, fill_value=math.nan):
        if method not in ("linear", "nearest"):
            raise ValueError(f"RegularGridInterpolator: method must be 'linear' or 'nearest', got {method!r}")
        points = tuple(points)
        tensors = lift_promoted([*points, values])
        self.points, self.values = tensors[:-1], tensors[-1]
        d = len(self.points)
        if self.values.ndim < d:
            raise ValueError(f"RegularGridInterpolator: {d} grid axes for values of shape {self.values.shape}")
        for k, p in enumerate(self.points):
            if p.ndim != 1 or p.shape[0] != self.values.shape[k]:
                raise ValueError(f"RegularGridInterpolator: grid {k} of shape {p.shape} for values of shape "
                                 f"{self.values.shape} (axis {k} has {self.values.shape[k]} points)")
            if p.shape[0] < (2 if method == "linear" else 1):
                raise ValueError(f"RegularGridInterpolator: grid {k} has {p.shape[0]} point(s)")
            if p.op.name == "const" and not np.all(np.diff(p.params["value"].array) > 0):
                raise ValueError(f"RegularGridInterpolator: the points of grid {k} must be strictly ascending")
        self.method, self.bounds_error, self.fill_value = method, bounds_error, fill_value

    def __call__(self, xi, method=None):
        method = method or self.method
        (xi,) = lift_promoted([xi, self.values])[:1]
        d = len(self.points)
        if xi.ndim == 0 or xi.shape[-1] != d:
            raise ValueError(f"RegularGridInterpolator: query points of shape {xi.shape} for a {d}-d grid "
                             f"(the last axis holds the coordinates)")
        grid_shape = self.values.shape[:d]
        trailing = self.values.shape[d:]
        table = sh.reshape(self.values, (math.prod(grid_shape),) + trailing)
        strides = [math.prod(grid_shape[k + 1:]) for k in range(d)]
        cells, weights, outside = [], [], None
        for k, grid in enumerate(self.points):
            q = xi[..., k]
            n = grid.shape[0]
            if n == 1:
                i, t = ew.mul(q, 0.0), ew.mul(q, 0.0)
            else:
                i = ew.clip(searchsorted(grid, q, side="right") - 1, 0, n - 2)     # grid[i] <= q < grid[i+1]
                lo, hi = gather(grid, i), gather(grid, i + 1)
                t = (q - lo) / (hi - lo)
            cells.append(i)
            weights.append(t)
            out_k = (q < grid[0]) | (q > grid[n - 1])
            outside = out_k if outside is None else outside | out_k
        if method == "nearest":
            flat = sum(ew.where(t <= 0.5, i, i + 1) * s for i, t, s in zip(cells, weights, strides))
            value = gather(table, self._guard(flat, outside))
            nan = sh.reshape(red.max(ew.cast(xi != xi, xi.dtype), axis=-1) > 0, outside.shape + (1,) * len(trailing))
            value = ew.where(nan, math.nan, value)          # a NaN coordinate reads no neighbour
        else:
            value = None
            for corner in itertools.product((0, 1), repeat=d):
                flat = sum((i + c) * s if c else i * s for i, c, s in zip(cells, corner, strides))
                w = None
                for c, t in zip(corner, weights):
                    f = t if c else 1 - t
                    w = f if w is None else w * f
                term = gather(table, self._guard(flat, outside)) * sh.reshape(w, w.shape + (1,) * len(trailing))
                value = term if value is None else value + term
        if self.fill_value is not None and not self.bounds_error:
            mask = sh.reshape(outside, outside.shape + (1,) * len(trailing))
            value = ew.where(mask, self.fill_value, value)
        return value

    def _guard(self, flat, outside):
        """With bounds_error, a NaN index (an IndexError at run time) for queries outside."""
        return ew.where(outside, math.nan, flat) if self.bounds_error else flat


def interpn(points, values, xi, method="linear", bounds_error=False, fill_value=math.nan):
    """scipy.interpolate.interpn: `values` on the grid `points`, read at `xi` (..., d)."""
    return RegularGridInterpolator(points, values, method, bounds_error, fill_value)(xi)
