"""Array creation for `graphc.numpy` (zeros, ones, full, linspace, arange, meshgrid, ...).

Shapes are static, so every result is a constant of the graph (or, for the *_like forms
and meshgrid of tensors, built from the tensor's static shape); NumPy's own functions
compute the values, so they agree with NumPy exactly.
"""
import numpy as _np

from .dtypes import float64
from .ir import Tensor
from .ops import shape as _sh
from .ops.core import const as _const, lift_promoted as _promote


def _float(dtype):
    dt = _np.dtype(float64 if dtype is None else dtype)
    if dt not in (_np.float64, _np.float32, _np.bool_):
        raise TypeError(f"graphc.numpy: dtype {dt} is not supported (float64, float32 or bool)")
    return dt


def full(shape, fill_value, dtype=None):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return _const(_np.full(shape, fill_value, dtype=_float(dtype)))


def zeros(shape, dtype=None):
    return full(shape, 0, dtype)


def ones(shape, dtype=None):
    return full(shape, 1, dtype)


empty = zeros


def _like(x, dtype):
    x = x if isinstance(x, Tensor) else _np.asarray(x)
    return x.shape, (x.dtype if dtype is None else dtype)


def full_like(x, fill_value, dtype=None, shape=None):
    like_shape, like_dtype = _like(x, dtype)
    return full(like_shape if shape is None else shape, fill_value, like_dtype)


def zeros_like(x, dtype=None, shape=None):
    return full_like(x, 0, dtype, shape)


def ones_like(x, dtype=None, shape=None):
    return full_like(x, 1, dtype, shape)


empty_like = zeros_like


def identity(n, dtype=None):
    return _const(_np.identity(n, dtype=_float(dtype)))


def tri(n, m=None, k=0, dtype=None):
    return _const(_np.tri(n, m, k, dtype=_float(dtype)))


def linspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    return _const(_np.linspace(start, stop, num, endpoint=endpoint, dtype=_float(dtype), axis=axis))


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    return _const(_np.logspace(start, stop, num, endpoint=endpoint, base=base, dtype=_float(dtype), axis=axis))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    return _const(_np.geomspace(start, stop, num, endpoint=endpoint, dtype=_float(dtype), axis=axis))


def arange(start, stop=None, step=None, dtype=None):
    """NumPy's arange as a float constant (graphc's tensors are floating point or bool)."""
    values = _np.arange(start, stop, step) if step is not None else \
        _np.arange(start, stop) if stop is not None else _np.arange(start)
    return _const(values.astype(_float(dtype)))


def meshgrid(*xs, indexing="xy", sparse=False):
    """Coordinate grids from 1-D tensors or arrays (numpy.meshgrid; broadcasts, so
    differentiable in every input)."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    xs = _promote(list(xs)) if xs else []
    for k, x in enumerate(xs):
        if x.ndim != 1:
            raise ValueError(f"meshgrid: input {k} must be 1-D, got shape {x.shape}")
    n = len(xs)
    sizes = [x.shape[0] for x in xs]
    if indexing == "xy" and n >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    grids = []
    for k, x in enumerate(xs):
        axis = (1 if k == 0 else 0 if k == 1 else k) if indexing == "xy" and n >= 2 else k
        shape = tuple(sizes[a] if a == axis else 1 for a in range(n))
        grid = _sh.reshape(x, shape)
        grids.append(grid if sparse else _sh.broadcast_to(grid, tuple(sizes)))
    return grids


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of a 1-D x: columns x**(N-1), ..., x, 1 (or increasing)."""
    (x,) = _promote([x])
    if x.ndim != 1:
        raise ValueError(f"vander: x must be 1-D, got shape {x.shape}")
    n = x.shape[0] if N is None else int(N)
    columns, power = [], None
    for k in range(n):
        columns.append(ones_like(x) if k == 0 else x if k == 1 else power * x)
        power = columns[-1]
    if not increasing:
        columns.reverse()
    return _sh.stack(columns, axis=1) if columns else zeros((x.shape[0], 0), x.dtype)


def tril_indices(n, k=0, m=None):
    return _np.tril_indices(n, k, m)


def triu_indices(n, k=0, m=None):
    return _np.triu_indices(n, k, m)


def diag_indices(n, ndim=2):
    return _np.diag_indices(n, ndim)
