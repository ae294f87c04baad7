"""numpy.linalg's composite functions: norms (`norm`, `vector_norm`, `matrix_norm`),
`pinv`, `cond`, `matrix_power`, `multi_dot` (the product order chosen from the static
shapes), `matrix_rank`, `tensorsolve`, `tensorinv`, NumPy 2's `vecdot`, and SciPy's
`cho_factor`/`cho_solve` (NumPy 2's last-two-axes `trace` and `diagonal` are graphc.numpy's,
in graphc/linalg.py). Built from the
primitives, so each is differentiable in both modes and compiles."""
import numpy as np

from ..errors import ShapeError
from .core import const, lift_promoted
from .elementwise import abs_, power, sqrt
from .linalg import _row, inv, matmul, svd, svdvals
from .reduce import max as max_, min as min_, sum as sum_
from .shape import broadcast_to, matrix_transpose as mT, reshape, transpose


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector and matrix norms as numpy.linalg.norm: the 2-norm of a vector and the
    Frobenius norm of a matrix by default; vector `ord` in {inf, -inf, 0, 1, 2, p}, matrix
    `ord` in {'fro', 'nuc', 1, -1, 2, -2, inf, -inf}; `axis` an int (vectors) or a pair
    (matrices)."""
    from .elementwise import not_equal
    from .core import cast
    x = lift_promoted([x])[0]
    if axis is None:
        if ord is None:
            y = sqrt(sum_(x * x))
            return reshape(y, (1,) * x.ndim) if keepdims else y
        if x.ndim not in (1, 2):
            raise ValueError(f"norm: ord={ord!r} needs a vector or a matrix, got shape {x.shape}")
        axis = (0,) if x.ndim == 1 else (0, 1)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(a % x.ndim for a in axes)
    if len(axes) == 1:
        a = axes[0]
        if ord is None or ord == 2:
            y = sqrt(sum_(x * x, axis=a, keepdims=keepdims))
        elif ord == np.inf:
            y = max_(abs_(x), axis=a, keepdims=keepdims)
        elif ord == -np.inf:
            y = min_(abs_(x), axis=a, keepdims=keepdims)
        elif ord == 0:
            y = sum_(cast(not_equal(x, 0), x.dtype), axis=a, keepdims=keepdims)
        elif ord == 1:
            y = sum_(abs_(x), axis=a, keepdims=keepdims)
        elif isinstance(ord, str):
            raise ValueError(f"norm: ord={ord!r} is a matrix norm; give two axes")
        else:
            y = power(sum_(power(abs_(x), ord), axis=a, keepdims=keepdims), 1.0 / ord)
        return y
    if len(axes) != 2 or axes[0] == axes[1]:
        raise ValueError(f"norm: axis must be an int or a pair of distinct ints, got {axis!r}")
    r, c = axes
    if ord is None or ord == "fro":
        y = sqrt(sum_(x * x, axis=axes, keepdims=keepdims))
        return y
    if ord in (1, -1, np.inf, -np.inf):
        inner_axis, outer = (r, c) if ord in (1, -1) else (c, r)
        sums = sum_(abs_(x), axis=inner_axis, keepdims=True)
        pick = max_ if ord in (1, np.inf) else min_
        y = pick(sums, axis=outer, keepdims=True)
    elif ord in (2, -2, "nuc"):
        rest = [k for k in range(x.ndim) if k not in axes]
        s = svdvals(transpose(x, rest + [r, c]))
        y = sum_(s, axis=-1) if ord == "nuc" else (max_ if ord == 2 else min_)(s, axis=-1)
        if keepdims:
            shape = list(x.shape)
            shape[r] = shape[c] = 1
            return reshape(y, tuple(shape))
        return y
    else:
        raise ValueError(f"norm: invalid norm order {ord!r} for matrices")
    if keepdims:
        return y
    return reshape(y, tuple(d for k, d in enumerate(x.shape) if k not in axes))


def pinv(a, rcond=1e-15):
    """The Moore–Penrose pseudo-inverse, by the SVD (singular values below rcond·max cut)."""
    from .elementwise import where
    a = lift_promoted([a])[0]
    u, s, vt = svd(a)
    cutoff = max_(s, axis=-1, keepdims=True) * rcond
    s_inv = where(s > cutoff, 1.0 / where(s > cutoff, s, 1.0), 0.0)
    return matmul(mT(vt) * _row(s_inv), mT(u))


def vector_norm(x, ord=2, axis=None, keepdims=False):
    """numpy.linalg.vector_norm: `axis` None takes the norm of all entries."""
    x = lift_promoted([x])[0]
    if axis is None:
        y = norm(reshape(x, (-1,)), ord=ord)
        return reshape(y, (1,) * x.ndim) if keepdims else y
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    if len(axes) == 1:
        return norm(x, ord=ord, axis=axes[0], keepdims=keepdims)
    axes = tuple(a % x.ndim for a in axes)            # several axes: moved last and flattened
    rest = [k for k in range(x.ndim) if k not in axes]
    flat = reshape(transpose(x, rest + list(axes)), tuple(x.shape[k] for k in rest) + (-1,))
    y = norm(flat, ord=ord, axis=-1)
    if keepdims:
        return reshape(y, tuple(1 if k in axes else d for k, d in enumerate(x.shape)))
    return y


def matrix_norm(x, ord="fro", keepdims=False):
    """numpy.linalg.matrix_norm: the norm of each matrix of a stack (the last two axes)."""
    x = lift_promoted([x])[0]
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def cond(x, p=None):
    """numpy.linalg.cond: σ_max/σ_min for p None or 2 (−2 the reciprocal), else
    ‖x‖_p ‖x⁻¹‖_p for p in {'fro', 'nuc', 1, −1, inf, −inf}."""
    x = lift_promoted([x])[0]
    if p is None or p in (2, -2):
        s = svdvals(x)
        big, small = max_(s, axis=-1), min_(s, axis=-1)
        return big / small if p != -2 else small / big
    return norm(x, ord=p, axis=(-2, -1)) * norm(inv(x), ord=p, axis=(-2, -1))


def matrix_power(a, n):
    """numpy.linalg.matrix_power: a to the integer power n by repeated squaring (n < 0
    through the inverse, n = 0 the identity)."""
    a = lift_promoted([a])[0]
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"matrix_power: the exponent must be an integer, got {n!r}")
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ShapeError(f"matrix_power: expected a square matrix (or a stack of them), got shape {a.shape}")
    if n == 0:
        return broadcast_to(const(np.eye(a.shape[-1]), a.dtype), a.shape)
    base, n = (inv(a), -n) if n < 0 else (a, n)
    result = None
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


def multi_dot(arrays):
    """numpy.linalg.multi_dot: the product of a chain of matrices in the order of fewest
    multiplications (the classic dynamic programme, on the static shapes); a 1-D first or
    last operand is a row or a column vector."""
    xs = lift_promoted(list(arrays))
    if len(xs) < 2:
        raise ValueError("multi_dot: needs at least two arrays")
    first, last = xs[0].ndim == 1, xs[-1].ndim == 1
    if first:
        xs[0] = reshape(xs[0], (1, -1))
    if last:
        xs[-1] = reshape(xs[-1], (-1, 1))
    for i, x in enumerate(xs):
        if x.ndim != 2:
            raise ShapeError(f"multi_dot: operand {i} must be 2-D (1-D only first or last), got shape {x.shape}")
    dims = [xs[0].shape[0]] + [x.shape[1] for x in xs]
    for i in range(len(xs) - 1):
        if xs[i].shape[1] != xs[i + 1].shape[0]:
            raise ShapeError(f"multi_dot: operands {i} and {i + 1} of shapes {xs[i].shape} and "
                             f"{xs[i + 1].shape} are not aligned")
    count = len(xs)
    cost = [[0] * count for _ in range(count)]
    split = [[0] * count for _ in range(count)]
    for length in range(1, count):
        for i in range(count - length):
            j = i + length
            cost[i][j], split[i][j] = min((cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1], k)
                                          for k in range(i, j))

    def product(i, j):
        return xs[i] if i == j else matmul(product(i, split[i][j]), product(split[i][j] + 1, j))
    y = product(0, count - 1)
    if first and last:
        return reshape(y, ())
    if first or last:
        return reshape(y, (-1,))
    return y


def vecdot(x1, x2, axis=-1):
    """numpy.linalg.vecdot (real): the dot product along `axis`, broadcasting the rest."""
    x1, x2 = lift_promoted([x1, x2])
    return sum_(x1 * x2, axis=axis)


def matrix_rank(a, tol=None, hermitian=False, *, rtol=None):
    """numpy.linalg.matrix_rank: the number of singular values above `tol` (default
    s_max · max(m, n) · eps, or s_max · rtol), as a float tensor (graphc's tensors are
    floating point; not differentiable). `hermitian` is accepted for NumPy's signature."""
    from .core import cast
    a = lift_promoted([a])[0]
    if a.ndim < 2:
        return cast(sum_(abs_(a)) > 0, a.dtype)               # NumPy: a vector has rank 1 unless zero
    s = svdvals(a)
    if tol is None:
        factor = rtol if rtol is not None else max(a.shape[-2:]) * np.finfo(a.dtype).eps
        tol = max_(s, axis=-1, keepdims=True) * factor
    return sum_(cast(s > tol, a.dtype), axis=-1)


def tensorsolve(a, b, axes=None):
    """numpy.linalg.tensorsolve: x with tensordot(a, x, x.ndim) = b, by one solve on a
    reshaped to a square matrix."""
    a, b = lift_promoted([a, b])
    if axes is not None:
        axes = [ax % a.ndim for ax in axes]
        a = transpose(a, [k for k in range(a.ndim) if k not in axes] + axes)
    x_shape = a.shape[b.ndim:]
    rows, cols = int(np.prod(b.shape)), int(np.prod(x_shape))
    if a.shape[:b.ndim] != b.shape or rows != cols:
        raise ShapeError(f"tensorsolve: a of shape {a.shape} and b of shape {b.shape} do not make a square system")
    from .linalg import solve
    return reshape(solve(reshape(a, (rows, cols)), reshape(b, (rows,))), x_shape)


def tensorinv(a, ind=2):
    """numpy.linalg.tensorinv: the inverse of `a` as a map from its first `ind` axes' space
    to the rest, shaped a.shape[ind:] + a.shape[:ind]."""
    a = lift_promoted([a])[0]
    rows, cols = int(np.prod(a.shape[:ind])), int(np.prod(a.shape[ind:]))
    if ind <= 0 or rows != cols:
        raise ShapeError(f"tensorinv: shape {a.shape} split after axis {ind} is not square ({rows} × {cols})")
    return reshape(inv(reshape(a, (rows, cols))), a.shape[ind:] + a.shape[:ind])


def cho_factor(a, lower=False):
    """scipy.linalg.cho_factor: (c, lower) with c the Cholesky factor of a (L, or U = Lᵀ
    when not `lower`), for `cho_solve`. Unlike SciPy's, c's other triangle is zero."""
    from .linalg import cholesky
    factor = cholesky(a)
    return (factor, True) if lower else (mT(factor), False)


def cho_solve(c_and_lower, b):
    """scipy.linalg.cho_solve: x with A x = b from `cho_factor`'s (c, lower): two
    triangular solves, n² each per right-hand side."""
    from .linalg import solve_triangular
    c, lower = c_and_lower
    if lower:                                   # A = L Lᵀ
        return solve_triangular(c, solve_triangular(c, b, lower=True), lower=True, trans=1)
    return solve_triangular(c, solve_triangular(c, b, trans=1), lower=False)      # A = Uᵀ U
