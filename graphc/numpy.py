"""`graphc.numpy`: NumPy's names over graphc tensors, as `jax.numpy` is for JAX.

    import graphc.numpy as gnp
    (x,), y = gc.trace(lambda x: gnp.sum(gnp.tanh(x) ** 2), ((3,), "float64"))

Every function builds graph nodes (so it differentiates and compiles); each is a
primitive of graphc or a composite of them. A NumPy name that is not here raises
NotImplementedError naming it, never a wrong answer. `gnp.var` is the variance and
`gnp.trace` the diagonal sum (the graph-building `gc.var` and `gc.trace` stay at the top).
"""
import builtins
import math

import numpy as _np

from . import linalg  # noqa: F401  (gnp.linalg)
from .ops import elementwise as _ew, linalg as _la, reduce as _red, shape as _sh
from .ops.core import cast as _cast, const as _const, lift as _lift, lift_promoted as _promote

float64, float32 = _np.float64, _np.float32
pi, e, inf, nan, newaxis = _np.pi, _np.e, _np.inf, _np.nan, None

# ---------------------------------------------------------------- elementwise
exp, log, sqrt, sin, cos, tan, tanh = _ew.exp, _ew.log, _ew.sqrt, _ew.sin, _ew.cos, _ew.tan, _ew.tanh
log1p, expm1, sign, square = _ew.log1p, _ew.expm1, _ew.sign, _ew.square
absolute = abs = fabs = _ew.abs_                                     # noqa: A001
maximum, minimum, power, where, clip = _ew.maximum, _ew.minimum, _ew.power, _ew.where, _ew.clip
add, subtract, multiply = _ew.add, _ew.sub, _ew.mul
divide = true_divide = _ew.div
negative = _ew.neg
less, less_equal, greater, greater_equal = _ew.less, _ew.less_equal, _ew.greater, _ew.greater_equal
equal, not_equal = _ew.equal, _ew.not_equal


def reciprocal(x):
    return 1.0 / _promote([x])[0]


def sinh(x):
    x = _promote([x])[0]
    return (exp(x) - exp(-x)) * 0.5


def cosh(x):
    x = _promote([x])[0]
    return (exp(x) + exp(-x)) * 0.5


def exp2(x):
    return exp(_promote([x])[0] * math.log(2.0))


def log2(x):
    return log(x) * (1 / math.log(2.0))


def log10(x):
    return log(x) * (1 / math.log(10.0))


def logaddexp(x, y):
    """log(e**x + e**y), stably: max + log1p(e**-|x - y|)."""
    x, y = _promote([x, y])
    return maximum(x, y) + log1p(exp(-abs(x - y)))


def logaddexp2(x, y):
    ln2 = math.log(2.0)
    return logaddexp(_promote([x])[0] * ln2, _promote([y])[0] * ln2) * (1 / ln2)


def deg2rad(x):
    return _promote([x])[0] * (math.pi / 180)


def rad2deg(x):
    return _promote([x])[0] * (180 / math.pi)


def fmax(x, y):
    return maximum(x, y)


def fmin(x, y):
    return minimum(x, y)


# ---------------------------------------------------------------- reductions
sum, mean, prod = _red.sum, _red.mean, _red.prod                     # noqa: A001
max = amax = _red.max                                                # noqa: A001
min = amin = _red.min                                                # noqa: A001


def var(x, axis=None, ddof=0, keepdims=False):
    """The variance (NumPy's, with `ddof`)."""
    x = _promote([x])[0]
    axes = tuple(range(x.ndim)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    n = math.prod(x.shape[a] for a in axes)
    d = x - mean(x, axis=axis, keepdims=True)
    return sum(d * d, axis=axis, keepdims=keepdims) / (n - ddof)


def std(x, axis=None, ddof=0, keepdims=False):
    return sqrt(var(x, axis=axis, ddof=ddof, keepdims=keepdims))


# ---------------------------------------------------------------- shapes
reshape, transpose, broadcast_to = _sh.reshape, _sh.transpose, _sh.broadcast_to
concatenate, stack, expand_dims, squeeze = _sh.concatenate, _sh.stack, _sh.expand_dims, _sh.squeeze


def ravel(x):
    return _sh.reshape(x, -1)


def flip(x, axis=None):
    x = _lift(x)
    return _sh.rev(x, tuple(range(x.ndim)) if axis is None else axis)


def fliplr(x):
    return flip(x, 1)


def flipud(x):
    return flip(x, 0)


def swapaxes(x, a, b):
    x = _lift(x)
    perm = list(range(x.ndim))
    perm[a], perm[b] = perm[b], perm[a]
    return transpose(x, perm)


def moveaxis(x, source, destination):
    x = _lift(x)
    source, destination = source % x.ndim, destination % x.ndim
    perm = [k for k in range(x.ndim) if k != source]
    perm.insert(destination, source)
    return transpose(x, perm)


def atleast_1d(x):
    x = _lift(x)
    return reshape(x, (1,)) if x.ndim == 0 else x


def atleast_2d(x):
    x = _lift(x)
    return reshape(x, (1,) * (2 - x.ndim) + x.shape) if x.ndim < 2 else x


def atleast_3d(x):
    x = _lift(x)
    if x.ndim == 0:
        return reshape(x, (1, 1, 1))
    if x.ndim == 1:
        return reshape(x, (1, x.shape[0], 1))
    if x.ndim == 2:
        return reshape(x, x.shape + (1,))
    return x


def hstack(xs):
    xs = [atleast_1d(x) for x in xs]
    return concatenate(xs, axis=0 if xs[0].ndim == 1 else 1)


def vstack(xs):
    return concatenate([atleast_2d(x) for x in xs], axis=0)


def column_stack(xs):
    return concatenate([reshape(x, (-1, 1)) if _lift(x).ndim == 1 else x for x in xs], axis=1)


def append(x, values, axis=None):
    if axis is None:
        return concatenate([ravel(x), ravel(values)])
    return concatenate([x, values], axis=axis)


def roll(x, shift, axis=None):
    x = _lift(x)
    if axis is None:
        return reshape(roll(ravel(x), shift, 0), x.shape)
    n = x.shape[axis]
    s = shift % n if n else 0
    if s == 0:
        return x
    return concatenate([_sh.slice_axis(x, axis, n - s, n), _sh.slice_axis(x, axis, 0, n - s)], axis=axis)


def tile(x, reps):
    x = _lift(x)
    reps = (reps,) if isinstance(reps, int) else tuple(reps)
    nd = builtins.max(x.ndim, len(reps))
    x = reshape(x, (1,) * (nd - x.ndim) + x.shape)
    reps = (1,) * (nd - len(reps)) + reps
    expanded = reshape(x, tuple(d for pair in zip((1,) * nd, x.shape) for d in pair))
    tiled = broadcast_to(expanded, tuple(d for pair in zip(reps, x.shape) for d in pair))
    return reshape(tiled, tuple(r * d for r, d in zip(reps, x.shape)))


def repeat(x, repeats, axis=None):
    x = _lift(x)
    if axis is None:
        x, axis = ravel(x), 0
    if not isinstance(repeats, int):
        raise NotImplementedError("repeat: per-element repeat counts")
    axis %= x.ndim
    expanded = expand_dims(x, axis + 1)
    shape = list(expanded.shape)
    shape[axis + 1] = repeats
    out = list(x.shape)
    out[axis] *= repeats
    return reshape(broadcast_to(expanded, tuple(shape)), tuple(out))


# ---------------------------------------------------------------- matrices
matmul, dot, outer = _la.matmul, _la.dot, _la.outer


def eye(n, m=None, dtype=float64):
    if m is not None and m != n:
        raise NotImplementedError("eye: rectangular")
    return _sh.eye(n, dtype)


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = _lift(x)
    if (offset, axis1, axis2) != (0, 0, 1) or x.ndim != 2:
        raise NotImplementedError("diagonal: only the main diagonal of a matrix")
    n = builtins.min(x.shape)
    return sum(x[:n, :n] * _sh.eye(n, x.dtype), axis=1)


def diag(v, k=0):
    v = _lift(v)
    if k != 0:
        raise NotImplementedError("diag: k != 0")
    if v.ndim == 1:
        return reshape(v, (1, -1)) * _sh.eye(v.shape[0], v.dtype)
    return diagonal(v)


def trace(x):
    return sum(diagonal(x))


def _triangle(x, k, lower):
    x = _lift(x)
    rows = _sh.iota(x.shape[-2:], 0, x.dtype)
    cols = _sh.iota(x.shape[-2:], 1, x.dtype)
    keep = (cols <= rows + k) if lower else (cols >= rows + k)
    return where(keep, x, 0)


def tril(x, k=0):
    return _triangle(x, k, True)


def triu(x, k=0):
    return _triangle(x, k, False)


def asarray(x, dtype=None):
    return _const(x, dtype) if not hasattr(x, "op") else (x if dtype is None else _cast(x, dtype))


array = asarray


def __getattr__(name):
    if hasattr(_np, name):
        raise NotImplementedError(f"graphc.numpy.{name} is not implemented (NumPy has it; graphc does not yet)")
    raise AttributeError(f"module 'graphc.numpy' has no attribute {name!r}")
