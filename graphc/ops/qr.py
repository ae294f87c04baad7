"""QR decomposition (Householder, LAPACK's sign convention, as NumPy's) with derivatives in
both modes, and least squares through it. One node with two results (Q, R), projected by
`tuple_get` as the SVD's are.
"""
import numpy as np

from ..errors import ShapeError
from .core import Primitive, cast, const, lift_promoted, require_float
from .linalg import matmul, results, solve_triangular, svdvals
from .reduce import max as max_, sum as sum_
from .shape import concatenate, matrix_transpose as mT, reshape, slice_axis


def _infer_qr(a):
    require_float("qr", a)
    if a.ndim < 2:
        raise ShapeError(f"qr: expected a matrix (or a stack of them), got shape {a.shape}")
    m, n = a.shape[-2:]
    k = min(m, n)
    return (a.shape[:-2] + (m, k), a.shape[:-2] + (k, n)), (a.dtype, a.dtype)


def _ref_qr(a):
    q, r = np.linalg.qr(a)
    return q.astype(a.dtype), r.astype(a.dtype)


def _mask(n, k, dtype):
    """Ones on the diagonals k and above of an n×n matrix (np.triu's mask)."""
    return const(np.triu(np.ones((n, n)), k), dtype)


def _cols(x, start, stop):
    """Columns [start, stop) of a stack of matrices."""
    return slice_axis(x, x.ndim - 1, start, stop)


def _tall_jvp(t, q, r):
    """(Q̇, Ṙ) for m ≥ n: with D = Ȧ R⁻¹ and X = Qᵀ D, Qᵀ Q̇ = C is skew (C's strict lower
    triangle is X's), Ṙ = (X − C) R and Q̇ = D − Q (X − C)."""
    n = r.shape[-1]
    d = mT(solve_triangular(r, mT(t), trans=1))          # Ȧ R⁻¹ = (R⁻ᵀ Ȧᵀ)ᵀ
    x = matmul(mT(q), d)
    x_minus_c = x * _mask(n, 0, x.dtype) + mT(x * mT(_mask(n, 1, x.dtype)))
    return d - matmul(q, x_minus_c), matmul(x_minus_c, r)


def _tall_vjp(gq, gr, q, r):
    """Ā for m ≥ n, the transpose of `_tall_jvp`: with M = R̄ Rᵀ − Qᵀ Q̄ and N its upper
    triangle mirrored, Ā = (Q̄ + Q N) R⁻ᵀ."""
    if gq is None and gr is None:
        return None
    n = r.shape[-1]
    parts = ([matmul(gr, mT(r))] if gr is not None else []) + ([-matmul(mT(q), gq)] if gq is not None else [])
    m_ = parts[0] if len(parts) == 1 else parts[0] + parts[1]
    sym = m_ * _mask(n, 0, r.dtype) + mT(m_ * _mask(n, 1, r.dtype))
    y = matmul(q, sym) if gq is None else matmul(q, sym) + gq
    return mT(solve_triangular(r, mT(y)))                # Y R⁻ᵀ


def _qr_jvp(t, out, a):
    q, r = out
    m, n = a.shape[-2:]
    if m >= n:
        return _tall_jvp(t, q, r)
    # wide: A = Q [R₁ R₂] with (Q, R₁) the QR of the square A₁, and R₂ = Qᵀ A₂
    r1, a2, t2 = _cols(r, 0, m), _cols(a, m, n), _cols(t, m, n)
    dq, dr1 = _tall_jvp(_cols(t, 0, m), q, r1)
    dr2 = matmul(mT(dq), a2) + matmul(mT(q), t2)
    return dq, concatenate([dr1, dr2], axis=-1)


def _qr_vjp(g, out, a):
    gq, gr = g
    q, r = out
    m, n = a.shape[-2:]
    if m >= n:
        return _tall_vjp(gq, gr, q, r)
    if gr is None:
        return concatenate([_tall_vjp(gq, None, q, _cols(r, 0, m)), 0 * _cols(a, m, n)], axis=-1)
    gr1, gr2, a2 = _cols(gr, 0, m), _cols(gr, m, n), _cols(a, m, n)
    gq_all = matmul(a2, mT(gr2)) + (gq if gq is not None else 0)       # R₂ = Qᵀ A₂ reads Q
    return concatenate([_tall_vjp(gq_all, gr1, q, _cols(r, 0, m)), matmul(q, gr2)], axis=-1)


qr_p = Primitive(
    "qr", nin=1, infer=_infer_qr, ref=_ref_qr, multiple_results=True,
    jvp=[_qr_jvp], vjp=[_qr_vjp],
    doc="Reduced QR decomposition (Q, R), LAPACK's (and NumPy's) Householder signs. "
        "Derivatives assume the leading min(m, n) columns have full rank.")


def qr(a, mode="reduced"):
    """(Q, R) with a = Q R, Q's columns orthonormal, R upper triangular, as np.linalg.qr:
    mode "reduced" (Q m×k, R k×n, k = min(m, n)), "r" (R alone) or "complete" (where it
    equals "reduced": m ≤ n). Signs are LAPACK's (R's diagonal may be negative), as NumPy's.
    Differentiable in both modes where the leading k columns of a are independent."""
    a = lift_promoted([a])[0]
    if mode not in ("reduced", "r", "complete"):
        raise ValueError(f"qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    if mode == "complete" and a.ndim >= 2 and a.shape[-2] > a.shape[-1]:
        raise NotImplementedError(f"qr: mode='complete' of a tall matrix (shape {a.shape}); use 'reduced'")
    q, r = results(qr_p.bind(a))
    return r if mode == "r" else (q, r)


def lstsq(a, b, rcond=None):
    """numpy.linalg.lstsq: (x, residuals, rank, s) for a of full column rank (m ≥ n), x the
    least-squares solution of a x ≈ b through a's QR (x = R⁻¹ Qᵀ b, about a fifth of an
    SVD's cost at 100×50). residuals are the squared residual norms per column of b (shape
    (1,) for a vector b, empty when m = n), rank counts the singular values above
    rcond·s_max (rcond None: machine epsilon × max(m, n)), s the singular values; unused
    parts cost nothing (nodes nobody reads are never computed). For rank-deficient a use
    `gc.linalg.pinv(a) @ b`, the minimum-norm solution NumPy's lstsq gives there."""
    a, b = lift_promoted([a, b])
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ShapeError(f"lstsq: a of shape {a.shape} and b of shape {b.shape} do not fit")
    m, n = a.shape
    if m < n:
        raise ShapeError(f"lstsq: a of shape {a.shape} has more columns than rows (underdetermined); "
                         "use gc.linalg.pinv(a) @ b for the minimum-norm solution")
    q, r = qr(a)
    x = solve_triangular(r, matmul(mT(q), b))
    if m > n:
        misfit = matmul(a, x) - b
        residuals = sum_(misfit * misfit, axis=0)
        residuals = reshape(residuals, (1,)) if b.ndim == 1 else residuals
    else:
        residuals = const(np.zeros((0,)), a.dtype)
    s = svdvals(a)
    tol = (np.finfo(a.dtype).eps * max(m, n) if rcond is None else rcond) * max_(s)
    rank = sum_(cast(s > tol, a.dtype))
    return x, residuals, rank, s
