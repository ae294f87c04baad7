"""The matrix exponential (scipy.linalg.expm, jax.scipy.linalg.expm): scaling and squaring
with Padé approximants of degree 3 to 13, in NumPy here (the reference) and in csrc/expm.c.
Derivatives by the block-triangular identity
    expm([[A, E], [0, A]]) = [[expm(A), L(A, E)], [0, expm(A)]],
L the Fréchet derivative: the JVP is L(A, Ȧ) and the VJP L(Aᵀ, Ḡ); both are expm nodes
themselves, so derivatives of any order follow."""
import numpy as np

from .core import Primitive, lift_promoted
from .linalg import _square
from .shape import concatenate, matrix_transpose as mT, slice_axis

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


def _ref_one(a):
    """The algorithm of csrc/expm.c, step for step."""
    norm = np.abs(a).sum(axis=0).max()
    if not np.isfinite(norm):
        return np.full_like(a, np.nan)
    degree = next((d for d in range(4) if norm <= THETA[d]), 4)
    s = 0
    while degree == 4 and norm > THETA[4] and s < 2100:
        norm /= 2
        s += 1
    x = a * a.dtype.type(np.ldexp(1.0, -s))
    b = PADE[degree]
    eye = np.eye(a.shape[-1], dtype=a.dtype)
    a2 = x @ x
    a4 = a2 @ a2 if degree >= 1 else None
    a6 = a4 @ a2 if degree >= 2 else None
    if degree == 4:
        u = x @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
        v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    else:
        powers = [eye, a2, a4, a6, a4 @ a4 if degree == 3 else None][:degree + 2]     # A^0, A^2, …, A^(m−1)
        u = x @ sum(b[2 * j + 1] * pw for j, pw in enumerate(powers))
        v = sum(b[2 * j] * pw for j, pw in enumerate(powers))
    r = np.linalg.solve(v - u, v + u)
    for _ in range(s):
        r = r @ r
    return r.astype(a.dtype)


def _ref_expm(a):
    flat = a.reshape((-1,) + a.shape[-2:])
    return np.stack([_ref_one(m) for m in flat]).reshape(a.shape)


def _block(a, e):
    """[[a, e], [0, a]] for stacks of n×n matrices."""
    zero = a * 0
    return concatenate([concatenate([a, e], axis=-1), concatenate([zero, a], axis=-1)], axis=-2)


def frechet(a, e):
    """L(a, e): the derivative of expm at a in the direction e (the top-right block)."""
    n = a.shape[-1]
    big = expm_p.bind(_block(a, e))
    return slice_axis(slice_axis(big, big.ndim - 2, 0, n), big.ndim - 1, n, 2 * n)


def _infer_expm(a):
    _square("expm", a)
    return a.shape, a.dtype


expm_p = Primitive(
    "expm", nin=1, infer=_infer_expm, ref=_ref_expm,
    jvp=[lambda t, out, a: frechet(a, t)],
    vjp=[lambda g, out, a: frechet(mT(a), g)],
    doc="Matrix exponential (scaling and squaring, Padé approximants).")


def expm(a):
    """e^a for a square matrix (or each of a stack), as scipy.linalg.expm."""
    return expm_p.bind(lift_promoted([a])[0])
