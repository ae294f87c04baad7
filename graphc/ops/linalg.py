"""Linear algebra: matmul (NumPy batching), solve, solve_triangular, inv, det, slogdet,
cholesky, svd, eigh, and the composites dot, outer, svdvals, eigvalsh (norms and other
composites: matrix_functions.py; QR: qr.py). Primitives act on stacks of matrices
(the last two axes); batch axes broadcast as in NumPy and the reverse driver sums them back.
Decompositions with several results (svd, slogdet) are one node, projected by `tuple_get`.
"""
import numpy as np

from ..errors import ShapeError
from .core import (Primitive, broadcast_shapes, broadcasting_batch, const, lift_promoted, require_float,
                   same_dtype)
from .reduce import sum as sum_
from .shape import broadcast_to, matrix_transpose as mT, reshape, transpose


# ---------------------------------------------------------------- multiple results

def _infer_tuple_get(x, index):
    return x.shape[index], x.dtype[index]


tuple_get_p = Primitive(
    "tuple_get", nin=1, infer=_infer_tuple_get, ref=lambda x, index: x[index],
    doc="Result `index` of a primitive with several results (the AD drivers route its rules).")


def results(node):
    """The projections of every result of a multiple-result node."""
    return tuple(tuple_get_p.bind(node, index=i) for i in range(len(node.shape)))


# ---------------------------------------------------------------- matmul

def _infer_matmul(a, b):
    require_float("matmul", a, b)
    dtype = same_dtype("matmul", a, b)
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-2]:
        raise ShapeError(f"matmul: shapes {a.shape} and {b.shape} are not aligned "
                         f"({a.shape[-1:]} vs {b.shape[-2:-1]})")
    batch = broadcast_shapes("matmul", a.shape[:-2], b.shape[:-2])
    return batch + (a.shape[-2], b.shape[-1]), dtype


matmul_p = Primitive(
    "matmul", nin=2, infer=_infer_matmul, ref=np.matmul,
    jvp=[lambda t, out, a, b: matmul(t, b), lambda t, out, a, b: matmul(a, t)],
    vjp=[lambda g, out, a, b: matmul(g, mT(b)), lambda g, out, a, b: matmul(mT(a), g)],
    doc="Matrix product of stacks of matrices (batch axes broadcast).")
def _is_identity(x):
    """Whether square matrix `x` is the identity, known without inputs (an eye built from
    indices, as Jacobians' basis vectors are): such a product is skipped."""
    from ..ir import toposort
    if x.ndim != 2 or x.shape[0] != x.shape[1] or x.size > 1 << 20:
        return False
    nodes = toposort([x])
    if any(n.op.name == "var" for n in nodes) or not any(n.op.name == "iota" for n in nodes):
        return False
    from ..interp import evaluate
    return bool(np.array_equal(evaluate(x, {}), np.eye(x.shape[0])))


def _diagonal(x):
    """d when square matrix `x` is known to be diag(d) (an identity from indices times a
    vector, through transposes and size-1 reshapes, as reverse-mode Jacobians build)."""
    if x.ndim != 2 or x.shape[0] != x.shape[1]:
        return None
    m = x.shape[0]
    while x.op.name in ("transpose", "reshape") and [d for d in x.inputs[0].shape if d != 1] == [m, m]:
        x = x.inputs[0]                      # diag(d)ᵀ = diag(d); unit axes change nothing
    if x.op.name != "mul" or [d for d in x.shape if d != 1] != [m, m]:
        return None
    for eye_like, w in (x.inputs, x.inputs[::-1]):
        square = reshape(eye_like, (m, m)) if eye_like.size == m * m else None
        if square is not None and w.size in (1, m) and _is_identity(square):
            return broadcast_to(reshape(w, (-1,)), (m,)) if w.size == 1 else reshape(w, (m,))
    return None


def _product(a, b):
    """matmul_p on 2-D-or-more operands; a product with an identity or a diagonal matrix
    built from indices is written as what it is (a copy or a scaling)."""
    if b.ndim == 2 and a.dtype == b.dtype:
        if _is_identity(b):
            return a
        d = _diagonal(b)
        if d is not None:
            return a * reshape(d, (1, -1))
    if a.ndim == 2 and a.dtype == b.dtype:
        if _is_identity(a):
            return b
        d = _diagonal(a)
        if d is not None:
            return reshape(d, (-1, 1)) * b
    return matmul_p.bind(a, b)


def _batch_matmul(inputs, batched, **attrs):
    """vmap of a matrix product with one side unbatched: one large product instead of a
    stack of small ones (Jacobians push all basis vectors through a single GEMM)."""
    (a, b), (fa, fb) = inputs, batched
    if fb and not fa and a.ndim == 2:
        k, n = b.shape[-2:]
        perm = (b.ndim - 2,) + tuple(range(b.ndim - 2)) + (b.ndim - 1,)
        y = _product(a, reshape(transpose(b, perm), (k, -1)))               # (m, B·…·n)
        y = reshape(y, (a.shape[0],) + b.shape[:-2] + (n,))
        return transpose(y, tuple(range(1, y.ndim - 1)) + (0, y.ndim - 1))   # (B, …, m, n)
    if fa and not fb and b.ndim == 2:
        y = _product(reshape(a, (-1, a.shape[-1])), b)
        return reshape(y, a.shape[:-1] + (b.shape[-1],))
    return broadcasting_batch(matmul_p)(inputs, batched, **attrs)


matmul_p.batch = _batch_matmul


def matmul(a, b):
    """a @ b with NumPy's rules: 1-D operands are promoted to matrices and the added axis removed."""
    a, b = lift_promoted([a, b])
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(f"matmul: operands must not be scalars, got shapes {a.shape} and {b.shape}")
    a2 = reshape(a, (1,) + a.shape) if a.ndim == 1 else a
    b2 = reshape(b, b.shape + (1,)) if b.ndim == 1 else b
    if a2.shape[-1] != b2.shape[-2]:
        raise ShapeError(f"matmul: shapes {a.shape} and {b.shape} are not aligned "
                         f"({a.shape[-1]} vs {b2.shape[-2]})")
    if a2.shape[-1] == 1:
        y = a2 * b2                 # an outer product: elementwise, so it fuses (and is exact)
    else:
        y = _product(a2, b2)
    if a.ndim == 1:
        y = reshape(y, y.shape[:-2] + y.shape[-1:])
    if b.ndim == 1:
        y = reshape(y, y.shape[:-1])
    return y


def dot(a, b):
    """np.dot: a product for scalars, matmul up to 2-D, else a sum over a's last and b's second-to-last axis."""
    a, b = lift_promoted([a, b])
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if b.ndim <= 2:
        return matmul(a, b)
    k = b.shape[-2]
    if a.shape[-1] != k:
        raise ShapeError(f"dot: shapes {a.shape} and {b.shape} are not aligned ({a.shape[-1]} vs {k})")
    perm = (b.ndim - 2,) + tuple(i for i in range(b.ndim) if i != b.ndim - 2)
    b2 = reshape(transpose(b, perm), (k, -1))
    y = matmul(reshape(a, (-1, k)), b2)
    return reshape(y, a.shape[:-1] + b.shape[:-2] + b.shape[-1:])


def outer(a, b):
    """The outer product of the flattened `a` and `b`."""
    a, b = lift_promoted([a, b])
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


# ---------------------------------------------------------------- solve, inv, det

def _square(name, a):
    require_float(name, a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ShapeError(f"{name}: expected a square matrix (or a stack of them), got shape {a.shape}")


def _infer_solve(a, b, name="solve"):
    _square(name, a)
    dtype = same_dtype(name, a, b)
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise ShapeError(f"{name}: a of shape {a.shape} and b of shape {b.shape} do not fit")
    batch = broadcast_shapes(name, a.shape[:-2], b.shape[:-2])
    return batch + b.shape[-2:], dtype


solve_p = Primitive(
    "solve", nin=2, infer=_infer_solve, ref=np.linalg.solve,
    jvp=[lambda t, out, a, b: solve(a, -matmul(t, out)), lambda t, out, a, b: solve(a, t)],
    # b̄ = A⁻ᵀ x̄ and Ā = −b̄ xᵀ; the code generator reuses A's factorisation for A⁻ᵀ.
    vjp=[lambda g, out, a, b: -matmul(solve(mT(a), g), mT(out)),
         lambda g, out, a, b: solve(mT(a), g)],
    doc="x with a x = b, for stacks of square a and of matrices b.")
solve_p.batch = broadcasting_batch(solve_p)


def solve(a, b):
    """The solution x of a x = b (b a vector if 1-D, else a stack of matrices, as NumPy 2)."""
    a, b = lift_promoted([a, b])
    _square("solve", a)
    if b.ndim == 1:
        if b.shape[0] != a.shape[-1]:
            raise ShapeError(f"solve: a of shape {a.shape} and b of shape {b.shape} do not fit")
        y = solve_p.bind(a, reshape(b, b.shape + (1,)))
        return reshape(y, y.shape[:-1])
    return solve_p.bind(a, b)


# ---------------------------------------------------------------- triangular solves

def _triangle(a, lower, unit):
    """The triangle of `a` (a stack) a triangular solve reads, unit diagonal put in."""
    t = np.tril(a) if lower else np.triu(a)
    if unit:
        t = t.copy()
        d = np.arange(a.shape[-1])
        t[..., d, d] = 1
    return t


def _ref_solve_triangular(a, b, lower, trans, unit):
    """Substitution row by row (an LU with pivoting would lose accuracy that substitution
    keeps on ill-conditioned triangles)."""
    m = _triangle(a, lower, unit)
    m = np.swapaxes(m, -1, -2) if trans else m
    batch = np.broadcast_shapes(m.shape[:-2], b.shape[:-2])
    m = np.broadcast_to(m, batch + m.shape[-2:])
    x = np.array(np.broadcast_to(b, batch + b.shape[-2:]))
    n = m.shape[-1]
    d = np.arange(n)
    diag = m[..., d, d]
    if not np.all(diag):
        raise np.linalg.LinAlgError("solve_triangular: singular matrix (a zero on the diagonal)")
    off = m.copy()
    off[..., d, d] = 0                      # the unsolved entries meet zeros only
    for i in (range(n) if lower != trans else range(n - 1, -1, -1)):
        x[..., i, :] = (x[..., i, :] - (off[..., i:i + 1, :] @ x)[..., 0, :]) / diag[..., i, None]
    return x


def _triangle_mask(a, lower, unit):
    """Ones on the entries a triangular solve reads: the derivative w.r.t. a lives there."""
    n = a.shape[-1]
    return const(np.tril(np.ones((n, n)), -int(unit)) if lower else np.triu(np.ones((n, n)), int(unit)), a.dtype)


def _op(x, trans):
    return mT(x) if trans else x


def _solve_triangular_jvp_a(t, out, a, b, lower, trans, unit):
    # ẋ = −op(T)⁻¹ op(Ṫ) x, Ṫ the tangent's entries in the triangle read
    return solve_triangular_p.bind(a, -matmul(_op(t * _triangle_mask(a, lower, unit), trans), out),
                                   lower=lower, trans=trans, unit=unit)


def _solve_triangular_vjp_b(g, out, a, b, lower, trans, unit):
    return solve_triangular_p.bind(a, g, lower=lower, trans=not trans, unit=unit)       # op(T)⁻ᵀ ḡ


def _solve_triangular_vjp_a(g, out, a, b, lower, trans, unit):
    # op(T)̄ = −b̄ xᵀ, transposed back when op is the transpose, kept on the triangle read
    gb = _solve_triangular_vjp_b(g, out, a, b, lower, trans, unit)
    grad = matmul(out, mT(gb)) if trans else matmul(gb, mT(out))
    return -(grad * _triangle_mask(a, lower, unit))


solve_triangular_p = Primitive(
    "solve_triangular", nin=2, infer=lambda a, b, **_: _infer_solve(a, b, "solve_triangular"), ref=_ref_solve_triangular,
    jvp=[_solve_triangular_jvp_a,
         lambda t, out, a, b, lower, trans, unit: solve_triangular_p.bind(a, t, lower=lower, trans=trans, unit=unit)],
    vjp=[_solve_triangular_vjp_a, _solve_triangular_vjp_b],
    doc="x with op(T) x = b, T the lower or upper triangle of a (unit diagonal if `unit`), op(T) = Tᵀ "
        "if `trans`; the other triangle is never read.")
solve_triangular_p.batch = broadcasting_batch(solve_triangular_p)

_TRANS = {0: False, 1: True, 2: True, "N": False, "T": True, "C": True}


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False):
    """x with op(T) x = b for T the lower (`lower`) or upper triangle of a, as
    scipy.linalg.solve_triangular and jax.scipy.linalg.solve_triangular: `trans` 0/"N"
    solves T x = b, 1/"T" (or 2/"C", the same for reals) Tᵀ x = b; with `unit_diagonal`
    the diagonal is taken as ones. The other triangle is never read (nor differentiated).
    b a vector if 1-D, else a stack of matrices; the cost is n² per right-hand side."""
    if not isinstance(trans, (int, str)) or isinstance(trans, bool) or trans not in _TRANS:
        raise ValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', got {trans!r}")
    a, b = lift_promoted([a, b])
    _square("solve_triangular", a)
    attrs = dict(lower=bool(lower), trans=_TRANS[trans], unit=bool(unit_diagonal))
    if b.ndim == 1:
        if b.shape[0] != a.shape[-1]:
            raise ShapeError(f"solve_triangular: a of shape {a.shape} and b of shape {b.shape} do not fit")
        y = solve_triangular_p.bind(a, reshape(b, b.shape + (1,)), **attrs)
        return reshape(y, y.shape[:-1])
    return solve_triangular_p.bind(a, b, **attrs)


def _infer_square_same(name):
    def infer(a):
        _square(name, a)
        return a.shape, a.dtype
    return infer


inv_p = Primitive(
    "inv", nin=1, infer=_infer_square_same("inv"), ref=np.linalg.inv,
    jvp=[lambda t, out, a: -matmul(matmul(out, t), out)],
    vjp=[lambda g, out, a: -matmul(matmul(mT(out), g), mT(out))],
    doc="Matrix inverse.")


def inv(a):
    """The inverse of a square matrix (or of each in a stack)."""
    return inv_p.bind(lift_promoted([a])[0])


def _expand2(x):
    return reshape(x, x.shape + (1, 1))


def _infer_det(a):
    _square("det", a)
    return a.shape[:-2], a.dtype


det_p = Primitive(
    "det", nin=1, infer=_infer_det, ref=np.linalg.det,
    jvp=[lambda t, out, a: out * sum_(mT(inv(a)) * t, axis=(-2, -1))],
    vjp=[lambda g, out, a: _expand2(g * out) * mT(inv(a))],
    doc="Determinant.")


def det(a):
    """The determinant of a square matrix (or of each in a stack)."""
    return det_p.bind(lift_promoted([a])[0])


def _infer_slogdet(a):
    _square("slogdet", a)
    return (a.shape[:-2], a.shape[:-2]), (a.dtype, a.dtype)


def _slogdet_vjp(g, out, a):
    _, g_logdet = g
    return None if g_logdet is None else _expand2(g_logdet) * mT(inv(a))


slogdet_p = Primitive(
    "slogdet", nin=1, infer=_infer_slogdet, multiple_results=True,
    ref=lambda a: tuple(np.asarray(r, dtype=a.dtype) for r in np.linalg.slogdet(a)),
    jvp=[lambda t, out, a: (None, sum_(mT(inv(a)) * t, axis=(-2, -1)))],
    vjp=[_slogdet_vjp],
    doc="(sign, log|det|) of a square matrix.")


def slogdet(a):
    """(sign, log|det a|): the determinant without overflow."""
    return results(slogdet_p.bind(lift_promoted([a])[0]))


# ---------------------------------------------------------------- cholesky

def _phi_mask(n, dtype):
    """Lower triangle with the diagonal halved: Φ of the Cholesky derivative, as a mask."""
    return const(np.tril(np.ones((n, n))) - 0.5 * np.eye(n), dtype)


def _sym(x):
    return (x + mT(x)) * 0.5


def _cholesky_jvp(t, out, a):
    # L̇ = L Φ(L⁻¹ sym(Ȧ) L⁻ᵀ)
    tmp = solve_triangular(out, _sym(t), lower=True)            # L⁻¹ Ṡ
    m = mT(solve_triangular(out, mT(tmp), lower=True))         # L⁻¹ Ṡ L⁻ᵀ
    return matmul(out, m * _phi_mask(a.shape[-1], a.dtype))


def _cholesky_vjp(g, out, a):
    # The transpose of the JVP: Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹)
    p = matmul(mT(out), g) * _phi_mask(a.shape[-1], a.dtype)
    s = solve_triangular(out, p, trans=1, lower=True)           # L⁻ᵀ P
    s = mT(solve_triangular(out, mT(s), trans=1, lower=True))  # L⁻ᵀ P L⁻¹
    return _sym(s)


cholesky_p = Primitive(
    "cholesky", nin=1, infer=_infer_square_same("cholesky"),
    ref=lambda a: np.linalg.cholesky((a + np.swapaxes(a, -1, -2)) / 2),
    jvp=[_cholesky_jvp], vjp=[_cholesky_vjp],
    doc="Lower Cholesky factor of the symmetric part (A + Aᵀ)/2 (as JAX's symmetrize_input).")


def cholesky(a):
    """The lower-triangular L with L Lᵀ = a, for symmetric positive definite a."""
    return cholesky_p.bind(lift_promoted([a])[0])


# ---------------------------------------------------------------- svd

def _infer_svd(a, full_matrices):
    require_float("svd", a)
    if a.ndim < 2:
        raise ShapeError(f"svd: expected a matrix (or a stack of them), got shape {a.shape}")
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    mu, nv = (m, n) if full_matrices else (k, k)
    return (batch + (m, mu), batch + (k,), batch + (nv, n)), (a.dtype,) * 3


def _ref_svd(a, full_matrices):
    """NumPy's SVD with a canonical sign: the largest-magnitude entry of each u_i is positive."""
    u, s, vt = np.linalg.svd(a, full_matrices=full_matrices)
    k = s.shape[-1]
    uk = u[..., :, :k]
    pick = np.take_along_axis(uk, np.argmax(np.abs(uk), axis=-2)[..., None, :], axis=-2)
    flip = np.where(pick < 0, -1.0, 1.0).astype(a.dtype)       # (..., 1, k)
    u = u.copy()
    u[..., :, :k] *= flip
    vt = vt.copy()
    vt[..., :k, :] *= np.swapaxes(flip, -1, -2)
    return u, s, vt


def _svd_F(s):
    # F_ij = 1 / (s_j² − s_i²) off the diagonal, 0 on it.
    s2 = s * s
    diff = reshape(s2, s2.shape[:-1] + (1, -1)) - reshape(s2, s2.shape + (1,))
    eye = const(np.eye(s.shape[-1]), s.dtype)
    return (1 - eye) / (diff + eye)


def _row(v):
    return reshape(v, v.shape[:-1] + (1, -1))


def _svd_vjp(g, out, a, full_matrices):
    if full_matrices:
        raise NotImplementedError("svd: derivatives need full_matrices=False")
    gu, gs, gvt = g
    u, s, vt = out
    m, n = a.shape[-2:]
    result = 0
    if gs is not None:
        result = matmul(u * _row(gs), vt)                              # U diag(s̄) Vᵀ
    if gu is None and gvt is None:
        return result
    v = mT(vt)
    F = _svd_F(s)
    inner = 0
    if gu is not None:
        ut_gu = matmul(mT(u), gu)
        inner = inner + (F * (ut_gu - mT(ut_gu))) * _row(s)            # (F∘(UᵀŪ − ŪᵀU)) S
        if m > n:
            proj = gu - matmul(u, ut_gu)                              # (I − UUᵀ) Ū
            result = result + matmul(proj / _row(s), vt)
    if gvt is not None:
        gv = mT(gvt)
        vt_gv = matmul(vt, gv)
        inner = inner + reshape(s, s.shape + (1,)) * (F * (vt_gv - mT(vt_gv)))   # S (F∘(VᵀV̄ − V̄ᵀV))
        if n > m:
            proj = gv - matmul(v, vt_gv)                              # (I − VVᵀ) V̄
            result = result + matmul(u / _row(s), mT(proj))
    return result + matmul(matmul(u, inner), vt)


def _svd_jvp(t, out, a, full_matrices):
    if full_matrices:
        raise NotImplementedError("svd: derivatives need full_matrices=False")
    u, s, vt = out
    v = mT(vt)
    m, n = a.shape[-2:]
    ds_mat = matmul(matmul(mT(u), t), v)                              # Uᵀ Ȧ V
    eye = const(np.eye(s.shape[-1]), s.dtype)
    ds = sum_(ds_mat * eye, axis=-1)
    F = _svd_F(s)
    s_row = _row(s)
    s_col = reshape(s, s.shape + (1,))
    dss = ds_mat * s_row                                              # dS diag(s)
    sds = s_col * ds_mat                                              # diag(s) dS
    du = matmul(u, F * (dss + mT(dss)))
    dv = matmul(v, F * (sds + mT(sds)))
    if m > n:
        dav = matmul(t, v)
        du = du + (dav - matmul(u, matmul(mT(u), dav))) / s_row
    if n > m:
        dahu = matmul(mT(t), u)
        dv = dv + (dahu - matmul(v, matmul(vt, dahu))) / s_row
    return du, ds, mT(dv)


svd_p = Primitive(
    "svd", nin=1, infer=_infer_svd, ref=_ref_svd, multiple_results=True,
    jvp=[_svd_jvp], vjp=[_svd_vjp],
    doc="Singular value decomposition (U, S, Vt), S descending, signs canonical. "
        "Derivatives assume distinct nonzero singular values.")


def svd(a, full_matrices=False):
    """(U, S, Vt) with a = U diag(S) Vt and S descending.

    Each singular vector pair's sign is fixed so that the largest-magnitude entry of u_i is
    positive (so compiled and reference results agree). The derivatives of U and Vt are
    those of the standard formula and are undefined where singular values repeat or vanish.
    """
    a = lift_promoted([a])[0]
    return results(svd_p.bind(a, full_matrices=bool(full_matrices)))


def svdvals(a):
    """The singular values of `a`, descending (the derivative is U diag(s̄) Vᵀ)."""
    return svd(a)[1]


# ---------------------------------------------------------------- eigh

def _infer_eigh(a):
    _square("eigh", a)
    return (a.shape[:-1], a.shape), (a.dtype, a.dtype)


def _ref_eigh(a):
    """NumPy's eigh of the symmetric part, eigenvectors with the canonical sign (the
    largest-magnitude entry of each is positive), as the C routines give them."""
    w, v = np.linalg.eigh((a + np.swapaxes(a, -1, -2)) / 2)
    pick = np.take_along_axis(v, np.argmax(np.abs(v), axis=-2)[..., None, :], axis=-2)
    return w.astype(a.dtype), (v * np.where(pick < 0, -1.0, 1.0)).astype(a.dtype)


def _eigh_F(w):
    # F_ij = 1 / (w_j − w_i) off the diagonal, 0 on it
    diff = _row(w) - reshape(w, w.shape + (1,))
    eye = const(np.eye(w.shape[-1]), w.dtype)
    return (1 - eye) / (diff + eye)


def _eigh_jvp(t, out, a):
    w, v = out
    m = matmul(matmul(mT(v), _sym(t)), v)                       # Vᵀ Ṡ V
    eye = const(np.eye(a.shape[-1]), a.dtype)
    return sum_(m * eye, axis=-1), matmul(v, _eigh_F(w) * m)


def _eigh_vjp(g, out, a):
    gw, gv = g
    w, v = out
    inner = 0
    if gw is not None:
        inner = _row(gw) * const(np.eye(a.shape[-1]), a.dtype)
    if gv is not None:
        inner = inner + _eigh_F(w) * matmul(mT(v), gv)
    return _sym(matmul(matmul(v, inner), mT(v)))


eigh_p = Primitive(
    "eigh", nin=1, infer=_infer_eigh, ref=_ref_eigh, multiple_results=True,
    jvp=[_eigh_jvp], vjp=[_eigh_vjp],
    doc="Eigenvalues (ascending) and eigenvectors of the symmetric part (A + Aᵀ)/2. "
        "Derivatives assume distinct eigenvalues.")


def eigh(a):
    """(w, V): eigenvalues ascending and orthonormal eigenvectors (columns) of the symmetric
    part of `a`, each eigenvector's largest-magnitude entry positive."""
    return results(eigh_p.bind(lift_promoted([a])[0]))


def eigvalsh(a):
    """Eigenvalues (ascending) of the symmetric part of `a`, as numpy.linalg.eigvalsh;
    compiled without eigenvectors unless a derivative needs them."""
    return eigh(a)[0]
