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

from . import linalg  # noqa: F401  (gnp.linalg: the same namespace as gc.linalg)
from .ops import elementwise as _ew, linalg as _la, reduce as _red, shape as _sh
from .ops.core import cast as _cast, const as _const, lift as _lift, lift_promoted as _promote

float64, float32 = _np.float64, _np.float32
pi, e, inf, nan, newaxis = _np.pi, _np.e, _np.inf, _np.nan, None

# ---------------------------------------------------------------- elementwise
exp, log, sqrt, sin, cos, tan, tanh = _ew.exp, _ew.log, _ew.sqrt, _ew.sin, _ew.cos, _ew.tan, _ew.tanh
log1p, expm1, sign, square = _ew.log1p, _ew.expm1, _ew.sign, _ew.square
arcsin, arccos, arctan, floor, ceil = _ew.arcsin, _ew.arccos, _ew.arctan, _ew.floor, _ew.ceil
sinh, cosh, arcsinh, arccosh, arctanh = _ew.sinh, _ew.cosh, _ew.arcsinh, _ew.arccosh, _ew.arctanh
exp2, log2, log10, cbrt, arctan2, hypot = _ew.exp2, _ew.log2, _ew.log10, _ew.cbrt, _ew.arctan2, _ew.hypot
absolute = abs = fabs = _ew.abs_                                     # noqa: A001
maximum, minimum, power, clip = _ew.maximum, _ew.minimum, _ew.power, _ew.clip
add, subtract, multiply = _ew.add, _ew.sub, _ew.mul
divide = true_divide = _ew.div
negative = _ew.neg
less, less_equal, greater, greater_equal = _ew.less, _ew.less_equal, _ew.greater, _ew.greater_equal
equal, not_equal = _ew.equal, _ew.not_equal

# Creation, logic, more math and statistics live in modules of their own.
from . import numpy_arrays as _arrays  # noqa: E402
from .numpy_arrays import (block, broadcast_arrays, broadcast_shapes, choose, compress, copy,  # noqa: E402,F401
                           delete, diagflat, dsplit, dstack, insert, isscalar, ix_, ndim, piecewise,
                           put_along_axis, ravel_multi_index, resize, result_type, rollaxis)
from .numpy_creation import (arange, diag_indices, empty, empty_like, full, full_like, geomspace,  # noqa: E402,F401
                             identity, linspace, logspace, meshgrid, ones, ones_like, tri, tril_indices,
                             triu_indices, vander, zeros, zeros_like)
from .numpy_logic import (all, allclose, any, array_equal, bitwise_and, bitwise_not, bitwise_or,  # noqa: E402,F401,A004
                          bitwise_xor, count_nonzero, invert, isclose, isfinite, isin, isinf, isnan, isneginf,
                          isposinf, logical_and, logical_not, logical_or, logical_xor, signbit)
from .numpy_math import (around, conj, conjugate, convolve, copysign, correlate, degrees, fix,  # noqa: E402,F401
                         float_power, floor_divide, fmod, heaviside, imag, ldexp, modf, polyadd, polyder,
                         polyfit, polyint, polymul, polysub, polyval, positive, radians, real, rint, round,
                         trunc, unwrap, vdot)
from .numpy_indexing import (argmax, argmin, argsort, bincount, digitize, interp, nanargmax,  # noqa: E402,F401
                             nanargmin, searchsorted, select, sort, take, take_along_axis, unravel_index)
from .numpy_selection import (argpartition, argwhere, flatnonzero, histogram, lexsort,  # noqa: E402,F401
                              nonzero, partition, unique)
from .numpy_sorting import median, percentile, quantile  # noqa: E402,F401
from .numpy_statistics import (average, corrcoef, cov, cumulative_sum, ediff1d, gradient,  # noqa: E402,F401
                               nancumprod, nancumsum, nanmax, nanmean, nanmedian, nanmin, nanpercentile,
                               nanprod, nanquantile, nanstd, nansum, nanvar, ptp, trapezoid, trapz)


def where(condition, x=None, y=None, *, size=None, fill_value=None):
    """np.where: x where condition holds, else y; with the condition alone, its nonzero
    indices (jax.numpy's size= required)."""
    if x is None and y is None:
        return nonzero(condition, size=size, fill_value=fill_value)
    if x is None or y is None:
        raise ValueError("where: either both x and y or neither")
    return _ew.where(condition, x, y)


def reciprocal(x):
    return 1.0 / _promote([x])[0]


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
    """The larger, ignoring a NaN (maximum propagates NaN; fmax does not)."""
    x, y = _promote([x, y])
    return where(x != x, y, where(y != y, x, maximum(x, y)))


def fmin(x, y):
    """The smaller, ignoring a NaN."""
    x, y = _promote([x, y])
    return where(x != x, y, where(y != y, x, minimum(x, y)))


def rot90(x, k=1, axes=(0, 1)):
    """Rotate by 90° k times in the plane of `axes` (as numpy.rot90)."""
    x = _lift(x)
    k %= 4
    a, b = axes
    if k == 0:
        return x
    if k == 2:
        return flip(flip(x, a), b)
    if k == 1:
        return swapaxes(flip(x, b), a, b)
    return flip(swapaxes(x, a, b), b)


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


moveaxis = _sh.moveaxis


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
    axis %= x.ndim
    if not isinstance(repeats, int):
        counts = _np.broadcast_to(_np.asarray(repeats, dtype=int), (x.shape[axis],))
        return _sh.take(x, _np.repeat(_np.arange(x.shape[axis]), counts), axis)
    expanded = expand_dims(x, axis + 1)
    target = list(expanded.shape)
    target[axis + 1] = repeats
    out = list(x.shape)
    out[axis] *= repeats
    return reshape(broadcast_to(expanded, tuple(target)), tuple(out))


# ---------------------------------------------------------------- matrices
matmul, dot, outer = _la.matmul, _la.dot, _la.outer


def eye(n, m=None, dtype=float64):
    if m is not None and m != n:
        raise NotImplementedError("eye: rectangular")
    return _sh.eye(n, dtype)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal at `offset` of the (axis1, axis2) planes, as a last axis (numpy.diagonal)."""
    x = _lift(x)
    a1, a2 = axis1 % x.ndim, axis2 % x.ndim
    rest = [k for k in range(x.ndim) if k not in (a1, a2)]
    y = transpose(x, rest + [a1, a2])
    n, m = y.shape[-2:]
    on = _sh.iota((n, m), 1, x.dtype) - _sh.iota((n, m), 0, x.dtype) == offset
    picked = sum(where(on, y, 0.0), axis=-1)                      # row i: its element (i, i + offset)
    lo, hi = builtins.max(0, -offset), builtins.max(0, builtins.min(n, m - offset))
    return _sh.slice_axis(picked, picked.ndim - 1, lo, builtins.max(lo, hi))


def diag(v, k=0):
    v = _lift(v)
    if v.ndim == 1:
        n = v.shape[0] + builtins.abs(k)
        rows = _sh.iota((n, n), 0, v.dtype)
        cols = _sh.iota((n, n), 1, v.dtype)
        padded = pad(v, (0, builtins.abs(k)))           # for k ≥ 0 row i holds v[i]; else column j v[j]
        source = reshape(padded, (n, 1)) if k >= 0 else reshape(padded, (1, n))
        return where(cols - rows == k, broadcast_to(source, (n, n)), 0.0)
    return diagonal(v, k)


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
    if hasattr(_np, name) and not name.startswith("__"):   # dunders: Python's own probes
        raise NotImplementedError(f"graphc.numpy.{name} is not implemented (NumPy has it; graphc does not yet)")
    raise AttributeError(f"module 'graphc.numpy' has no attribute {name!r}")


# ---------------------------------------------------------------- more composites

def inner(a, b):
    a, b = _promote([a, b])
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return tensordot(a, b, axes=([a.ndim - 1], [b.ndim - 1]))


def tensordot(a, b, axes=2):
    """Sum over the given axes of a and b (NumPy's tensordot), as one matrix product."""
    a, b = _promote([a, b])
    if isinstance(axes, int):
        axes_a, axes_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        axes_a, axes_b = [list(x) if isinstance(x, (list, tuple)) else [x] for x in axes]
    axes_a = [k % a.ndim for k in axes_a]
    axes_b = [k % b.ndim for k in axes_b]
    free_a = [k for k in range(a.ndim) if k not in axes_a]
    free_b = [k for k in range(b.ndim) if k not in axes_b]
    k = math.prod(a.shape[i] for i in axes_a)
    a2 = reshape(transpose(a, free_a + axes_a), (-1, k))
    b2 = reshape(transpose(b, axes_b + free_b), (k, -1))
    return reshape(matmul(a2, b2), tuple(a.shape[i] for i in free_a) + tuple(b.shape[i] for i in free_b))


def kron(a, b):
    """The Kronecker product (numpy.kron), any dimensions."""
    a, b = _promote([a, b])
    nd = builtins.max(a.ndim, b.ndim)
    a = reshape(a, (1,) * (nd - a.ndim) + a.shape)
    b = reshape(b, (1,) * (nd - b.ndim) + b.shape)
    ai = reshape(a, tuple(d for k in a.shape for d in (k, 1)))
    bi = reshape(b, tuple(d for k in b.shape for d in (1, k)))
    return reshape(ai * bi, tuple(p * q for p, q in zip(a.shape, b.shape)))


def cross(a, b, axis=-1):
    a, b = _promote([a, b])
    ax = axis % a.ndim
    if a.shape[ax] == 2 and b.shape[axis % b.ndim] == 2:
        c = [_sh.slice_axis(a, ax, i, i + 1) for i in range(2)]
        d = [_sh.slice_axis(b, axis % b.ndim, i, i + 1) for i in range(2)]
        return squeeze(c[0] * d[1] - c[1] * d[0], axis=ax)
    if a.shape[ax] != 3 or b.shape[axis % b.ndim] != 3:
        raise NotImplementedError("cross: vectors of 2 or 3 components")
    c = [_sh.slice_axis(a, ax, i, i + 1) for i in range(3)]
    d = [_sh.slice_axis(b, ax % b.ndim, i, i + 1) for i in range(3)]
    return concatenate([c[1] * d[2] - c[2] * d[1], c[2] * d[0] - c[0] * d[2], c[0] * d[1] - c[1] * d[0]],
                       axis=ax)


def diff(x, n=1, axis=-1):
    x = _lift(x)
    for _ in range(n):
        ax = axis % x.ndim
        m = x.shape[ax]
        x = _sh.slice_axis(x, ax, 1, m) - _sh.slice_axis(x, ax, 0, m - 1)
    return x


def cumsum(x, axis=None, dtype=None):
    """Running sums along `axis` (of the flattened x when None): one C loop adding in order,
    as NumPy does."""
    from .ops.cumulative import linear_recurrence
    x = _promote([x])[0]
    if dtype is not None:
        x = _cast(x, dtype)
    if axis is None:
        x, axis = ravel(x), 0
    return linear_recurrence(_const(1.0, x.dtype), x, axis=axis)


def array_split(x, sections, axis=0):
    x = _lift(x)
    ax = axis % x.ndim
    n = x.shape[ax]
    if isinstance(sections, int):
        q, r = divmod(n, sections)
        cuts, start = [], 0
        for k in range(sections):
            start += q + (1 if k < r else 0)
            cuts.append(start)
        cuts = cuts[:-1]
    else:
        cuts = list(sections)
    bounds = [0] + cuts + [n]
    return [_sh.slice_axis(x, ax, a, b) for a, b in zip(bounds[:-1], bounds[1:])]


def split(x, sections, axis=0):
    x = _lift(x)
    if isinstance(sections, int) and x.shape[axis] % sections:
        raise ValueError("split: array split does not result in an equal division")
    return array_split(x, sections, axis)


def hsplit(x, sections):
    return split(x, sections, axis=1 if _lift(x).ndim > 1 else 0)


def vsplit(x, sections):
    return split(x, sections, axis=0)


def pad(x, pad_width, mode="constant", constant_values=0):
    """numpy.pad: 'constant' (any value), and the index-mapping modes 'edge', 'reflect',
    'symmetric' and 'wrap'."""
    x = _lift(x)
    width = _np.broadcast_to(_np.asarray(pad_width, dtype=int), (x.ndim, 2))
    if mode == "constant":
        lo, hi = tuple(int(w) for w in width[:, 0]), tuple(int(w) for w in width[:, 1])
        y = _sh.pad_zeros(x, lo, hi)
        if constant_values != 0:
            inside = _sh.pad_zeros(_sh.broadcast_to(_const(1.0, x.dtype), x.shape), lo, hi)
            y = y + (1 - inside) * constant_values
        return y
    if mode not in ("edge", "reflect", "symmetric", "wrap"):
        raise NotImplementedError(f"pad: mode={mode!r}")
    for axis in range(x.ndim):
        lo, hi = int(width[axis, 0]), int(width[axis, 1])
        if lo or hi:                      # x itself between its two borders' gathers
            n = x.shape[axis]
            idx = _np.pad(_np.arange(n), (lo, hi), mode=mode)
            parts = ([_sh.take(x, idx[:lo], axis)] if lo else []) + [x] + \
                ([_sh.take(x, idx[lo + n:], axis)] if hi else [])
            x = _sh.concatenate(parts, axis)
    return x


def einsum(subscripts, *operands):
    """Einstein summation, by broadcasting every operand to all indices, multiplying, and
    summing the indices not in the output (explicit '->' form or NumPy's implicit rule;
    '...' for broadcast axes; a repeated index within an operand takes its diagonal)."""
    ops = _promote(list(operands))
    spec = subscripts.replace(" ", "")
    inputs, arrow, output = spec.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(ops):
        raise ValueError(f"einsum: {len(terms)} subscripts for {len(ops)} operands")
    # '...' stands for the leading axes an operand has beyond its letters
    spare = [ch for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if ch not in spec]
    n_ell = builtins.max([x.ndim - len(t.replace("...", "")) for t, x in zip(terms, ops) if "..." in t] or [0])
    ell = "".join(spare[:n_ell])
    terms = [t.replace("...", ell[n_ell - (x.ndim - len(t.replace("...", ""))):]) if "..." in t else t
             for t, x in zip(terms, ops)]
    letters = []
    for t in terms:
        for ch in t:
            if ch not in letters:
                letters.append(ch)
    if arrow:
        output = output.replace("...", ell)
    else:
        counts = {ch: builtins.sum(t.count(ch) for t in terms) for ch in letters}
        output = ell + "".join(sorted(ch for ch in letters if counts[ch] == 1 and ch not in ell))
    sizes = {}
    for t, x in zip(terms, ops):
        if len(t) != x.ndim:
            raise ValueError(f"einsum: subscripts {t!r} for an operand of shape {x.shape}")
        for ch, d in zip(t, x.shape):
            if d != 1 or ch not in sizes:
                if sizes.get(ch, 1) not in (1, d):
                    raise _shape_error(f"einsum: index {ch!r} has sizes {sizes[ch]} and {d}")
                sizes[ch] = d
    if len(ops) == 2 and builtins.all(len(set(t)) == len(t) for t in terms) and \
            builtins.all(x.shape == tuple(sizes[ch] for ch in t) for t, x in zip(terms, ops)):
        return _contract_pair(terms[0], ops[0], terms[1], ops[1], output, sizes)
    order = list(output) + [ch for ch in letters if ch not in output]
    full_shape = tuple(sizes[ch] for ch in order)
    product = None
    for t, x in zip(terms, ops):
        while len(set(t)) != len(t):         # a repeated index takes a diagonal: 'ii->i'
            ch = next(c for c in t if t.count(c) > 1)
            p = t.index(ch)
            q = t.index(ch, p + 1)
            n = x.shape[p]
            on = _sh.iota((n, n), 0, x.dtype) == _sh.iota((n, n), 1, x.dtype)
            dims = [1] * x.ndim
            dims[p] = dims[q] = n
            x = sum(where(reshape(on, tuple(dims)), x, 0.0), axis=q)
            t = t[:q] + t[q + 1:]
        perm = sorted(range(len(t)), key=lambda k: order.index(t[k]))
        xt = transpose(x, perm) if perm else x
        own = {ch: d for ch, d in zip(t, x.shape)}
        term = reshape(xt, tuple(own.get(ch, 1) for ch in order))
        product = term if product is None else product * term
    product = broadcast_to(product, full_shape)
    summed = tuple(range(len(output), len(order)))
    return sum(product, axis=summed) if summed else product


def _contract_pair(ta, a, tb, b, output, sizes):
    """einsum of two operands as one matrix product (jnp.einsum's dot_general): indices in
    both and the output are batch axes, in both and not the output contracted, in one and
    the output free; an index in one operand alone and not the output is summed first."""
    def own_sum(t, x, other):
        gone = [k for k, ch in enumerate(t) if ch not in output and ch not in other]
        return ("".join(ch for ch in t if ch in output or ch in other),
                sum(x, axis=tuple(gone)) if gone else x)
    ta, a = own_sum(ta, a, tb)
    tb, b = own_sum(tb, b, ta)
    batch = [ch for ch in output if ch in ta and ch in tb]
    contract = [ch for ch in ta if ch in tb and ch not in output]
    free_a = [ch for ch in ta if ch not in tb]
    free_b = [ch for ch in tb if ch not in ta]
    size = lambda chars: math.prod(sizes[ch] for ch in chars)       # noqa: E731
    lead = (size(batch),) if batch else ()
    am = reshape(transpose(a, [ta.index(ch) for ch in batch + free_a + contract]),
                 lead + (size(free_a), size(contract)))
    bm = reshape(transpose(b, [tb.index(ch) for ch in batch + contract + free_b]),
                 lead + (size(contract), size(free_b)))
    letters = batch + free_a + free_b
    product = reshape(_la.matmul(am, bm), tuple(sizes[ch] for ch in letters))
    return transpose(product, [letters.index(ch) for ch in output]) if letters != list(output) else product


def _shape_error(message):
    from .errors import ShapeError
    return ShapeError(message)


def mod(x, y):
    """x − floor(x / y)·y: the remainder with the divisor's sign, as NumPy."""
    x, y = _promote([x, y])
    return x - floor(x / y) * y


remainder = mod


def sinc(x):
    """sin(πx)/(πx), 1 at 0."""
    x = _promote([x])[0]
    safe = where(x == 0, 1.0, x) * math.pi
    return where(x == 0, 1.0, sin(safe) / safe)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _promote([x])[0]
    big = float(_np.finfo(x.dtype).max)
    x = where(x != x, nan, x)
    x = where(x == _np.inf, big if posinf is None else posinf, x)
    return where(x == -_np.inf, -big if neginf is None else neginf, x)


def cumprod(x, axis=None, dtype=None):
    """Running products: the recurrence y[k] = x[k]·y[k−1] from y[0] = x[0] (one C loop,
    NumPy's order; exact derivatives with zeros, nothing divided)."""
    from .ops.cumulative import linear_recurrence
    x = _promote([x])[0]
    if dtype is not None:
        x = _cast(x, dtype)
    if axis is None:
        x, axis = ravel(x), 0
    ax = axis % x.ndim
    first = _cast(_sh.iota(x.shape, ax, x.dtype) == 0, x.dtype)          # b: x[0], then zeros
    return linear_recurrence(x, x * first, axis=ax)


shape, size = _arrays.shape, _arrays.size
