"""The matrix exponential (scipy.linalg.expm, jax.scipy.linalg.expm): scaling and squaring
with Padé approximants of degree 3 to 13, in NumPy here (the reference) and in csrc/expm.c.
The JVP is the Fréchet derivative L(A, Ȧ) and the VJP L(Aᵀ, Ḡ), a primitive of its own
computed alongside the Padé approximant (Al-Mohy and Higham 2009); L's derivatives follow
from the block-triangular identity expm([[A, E], [0, A]]) = [[expm(A), L(A, E)], [0, expm(A)]]
as L of a 2n×2n matrix, so derivatives of any order follow."""
import numpy as np

from .core import Primitive, lift_promoted
from .linalg import _square
from .shape import broadcast_to, concatenate, matrix_transpose as mT, slice_axis

PADE = ((120.0, 60.0, 12.0, 1.0),
        (30240.0, 15120.0, 3360.0, 420.0, 30.0, 1.0),
        (17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0, 1.0),
        (17643225600.0, 8821612800.0, 2075673600.0, 302702400.0, 30270240.0, 2162160.0, 110880.0, 3960.0, 90.0,
         1.0),
        (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
         10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0,
         1.0))
# the largest ‖A‖₁ at which the [m/m] Padé approximant, m = 3, 5, 7, 9, 13, is accurate to double precision
THETA = (1.495585217958292e-2, 2.539398330063230e-1, 9.504178996162932e-1, 2.097847961257068, 5.371920351148152)


def _pade(a, e=None):
    """(e^a, L(a, e)) by the algorithm of csrc/expm.c, step for step (Higham 2005 for e^a,
    Al-Mohy and Higham 2009, algorithm 6.4, for L alongside); L is None without e."""
    norm = np.abs(a).sum(axis=0).max()
    if not np.isfinite(norm) or e is not None and not np.all(np.isfinite(e)):
        nan = np.full_like(a, np.nan)
        return nan, None if e is None else nan
    degree = next((d for d in range(4) if norm <= THETA[d]), 4)
    s = 0
    while degree == 4 and norm > THETA[4] and s < 2100:
        norm /= 2
        s += 1
    scale = a.dtype.type(np.ldexp(1.0, -s))
    x, y = a * scale, None if e is None else e * scale
    b = PADE[degree]
    eye = np.eye(a.shape[-1], dtype=a.dtype)
    zero = np.zeros_like(a)
    a2 = x @ x
    m2 = None if y is None else x @ y + y @ x
    a4 = a2 @ a2 if degree >= 1 else None
    m4 = a2 @ m2 + m2 @ a2 if degree >= 1 and y is not None else None
    a6 = a4 @ a2 if degree >= 2 else None
    m6 = a4 @ m2 + m4 @ a2 if degree >= 2 and y is not None else None
    if degree == 4:
        w1 = b[13] * a6 + b[11] * a4 + b[9] * a2
        z1 = b[12] * a6 + b[10] * a4 + b[8] * a2
        w = a6 @ w1 + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye
        v = a6 @ z1 + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
        if y is not None:
            lw = a6 @ (b[13] * m6 + b[11] * m4 + b[9] * m2) + m6 @ w1 + b[7] * m6 + b[5] * m4 + b[3] * m2
            lu = x @ lw + y @ w
            lv = a6 @ (b[12] * m6 + b[10] * m4 + b[8] * m2) + m6 @ z1 + b[6] * m6 + b[4] * m4 + b[2] * m2
    else:
        powers = [eye, a2, a4, a6, a4 @ a4 if degree == 3 else None][:degree + 2]     # A^0, A^2, …, A^(m−1)
        w = sum(b[2 * j + 1] * pw for j, pw in enumerate(powers))
        v = sum(b[2 * j] * pw for j, pw in enumerate(powers))
        if y is not None:
            mpow = [zero, m2, m4, m6, a4 @ m4 + m4 @ a4 if degree == 3 else None][:degree + 2]
            lu = x @ sum(b[2 * j + 1] * mp for j, mp in enumerate(mpow)) + y @ w
            lv = sum(b[2 * j] * mp for j, mp in enumerate(mpow))
    u = x @ w
    r = np.linalg.solve(v - u, v + u)
    l = None if y is None else np.linalg.solve(v - u, lu + lv + (lu - lv) @ r)
    for _ in range(s):
        if l is not None:
            l = r @ l + l @ r
        r = r @ r
    return r.astype(a.dtype), None if l is None else l.astype(a.dtype)


def _stacked(fn, *arrays):
    """fn over the matrices of broadcast stacks."""
    arrays = np.broadcast_arrays(*arrays)
    flat = [x.reshape((-1,) + x.shape[-2:]) for x in arrays]
    return np.stack([fn(*ms) for ms in zip(*flat)]).reshape(arrays[0].shape)


def _ref_expm(a):
    return _stacked(lambda m: _pade(m)[0], a)


def _ref_frechet(a, e):
    return _stacked(lambda m, d: _pade(m, d)[1], a, e)


def _block(a, e):
    """[[a, e], [0, a]] for stacks of n×n matrices (their stack axes broadcast)."""
    shape = np.broadcast_shapes(a.shape, e.shape)
    a, e = broadcast_to(a, shape), broadcast_to(e, shape)
    zero = a * 0
    return concatenate([concatenate([a, e], axis=-1), concatenate([zero, a], axis=-1)], axis=-2)


def _corner(x, rows, cols):
    """Block (rows, cols) ∈ {0, 1}² of a stack of 2n×2n matrices."""
    n = x.shape[-1] // 2
    return slice_axis(slice_axis(x, x.ndim - 2, rows * n, rows * n + n), x.ndim - 1, cols * n, cols * n + n)


def _infer_expm(a):
    _square("expm", a)
    return a.shape, a.dtype


def _infer_frechet(a, e):
    from .linalg import _infer_solve
    _square("expm_frechet", a)
    _infer_solve(a, e, "expm_frechet")
    return np.broadcast_shapes(a.shape, e.shape), a.dtype


def _frechet_vjp_a(g, out, a, e):
    # Ȧ ↦ L(a, e) along Ȧ is the top-right block of L(B, diag(Ȧ, Ȧ)), B = [[a, e], [0, a]]:
    # its adjoint takes the two diagonal blocks of L(Bᵀ, [[0, ḡ], [0, 0]])
    w = expm_frechet_p.bind(mT(_block(a, e)), _block(g * 0, g))          # [[0, ḡ], [0, 0]]
    return _corner(w, 0, 0) + _corner(w, 1, 1)


expm_p = Primitive(
    "expm", nin=1, infer=_infer_expm, ref=_ref_expm,
    jvp=[lambda t, out, a: expm_frechet_p.bind(a, t)],
    vjp=[lambda g, out, a: expm_frechet_p.bind(mT(a), g)],
    doc="Matrix exponential (scaling and squaring, Padé approximants).")

expm_frechet_p = Primitive(
    "expm_frechet", nin=2, infer=_infer_frechet, ref=_ref_frechet,
    # linear in e; along a, the top-right block of the Fréchet derivative of [[a, e], [0, a]]
    jvp=[lambda t, out, a, e: _corner(expm_frechet_p.bind(_block(a, e), _block(t, t * 0)), 0, 1),
         lambda t, out, a, e: expm_frechet_p.bind(a, t)],
    vjp=[_frechet_vjp_a, lambda g, out, a, e: expm_frechet_p.bind(mT(a), g)],
    doc="L(a, e): the Fréchet derivative of expm at a in the direction e (Al-Mohy and Higham 2009).")


def expm(a):
    """e^a for a square matrix (or each of a stack), as scipy.linalg.expm."""
    return expm_p.bind(lift_promoted([a])[0])


def expm_frechet(a, e):
    """The Fréchet derivative of expm at a in the direction e, as scipy.linalg.expm_frechet
    with compute_expm=False: about three times expm's cost."""
    a, e = lift_promoted([a, e])
    return expm_frechet_p.bind(a, e)
