"""More of NumPy's mathematical functions for `graphc.numpy`: rounding, copysign,
heaviside, fmod, floor_divide, float_power, radians/degrees, ldexp, modf, unwrap,
real/imag/conj (graphc is real), vdot, convolve, correlate and the polynomial functions
(polyval, polyadd, polysub, polymul, polyder, polyint, polyfit).
Composites of graphc's primitives (rint and copysign are primitives), differentiable
wherever NumPy's function is."""
import math

import numpy as _np

from .ops import elementwise as _ew, reduce as _red, shape as _sh
from .ops.core import lift_promoted as _promote

rint, copysign = _ew.rint, _ew.copysign


def round(x, decimals=0):                            # noqa: A001  (NumPy's name)
    """To `decimals` places, halves to even (NumPy's round: rint of x·10^decimals)."""
    (x,) = _promote([x])
    if decimals == 0:
        return rint(x)
    scale = 10.0 ** decimals
    return rint(x * scale) / scale


around = round


def fix(x):
    """Round towards zero."""
    (x,) = _promote([x])
    return _ew.where(x < 0, _ew.ceil(x), _ew.floor(x))


trunc = fix


def positive(x):
    return _promote([x])[0] + 0.0


def heaviside(x, h0):
    """0 for x < 0, h0 at 0, 1 for x > 0 (derivative 0)."""
    x, h0 = _promote([x, h0])
    return _ew.where(x < 0, 0.0, _ew.where(x > 0, 1.0, h0))


def fmod(x, y):
    """x − trunc(x / y)·y: the remainder with the dividend's sign (C's fmod)."""
    x, y = _promote([x, y])
    return x - fix(x / y) * y


def floor_divide(x, y):
    x, y = _promote([x, y])
    return _ew.floor(x / y)


def float_power(x, y):
    """x ** y computed in float64."""
    x, y = _promote([x, y])
    return _ew.power(_ew.cast(x, "float64"), _ew.cast(y, "float64"))


def radians(x):
    return _promote([x])[0] * (math.pi / 180)


def degrees(x):
    return _promote([x])[0] * (180 / math.pi)


def polyval(p, x):
    """p[0]·x^(n−1) + … + p[n−1] by Horner's rule; p a sequence or a 1-D tensor."""
    coefficients = [p[k] for k in range(p.shape[0])] if hasattr(p, "shape") else list(p)
    (x,) = _promote([x])
    if not coefficients:
        return x * 0.0
    result = x * 0.0 + coefficients[0]
    for c in coefficients[1:]:
        result = result * x + c
    return result


def vdot(a, b):
    """Σ a·b over the flattened arrays."""
    a, b = _promote([a, b])
    if a.size != b.size:
        raise ValueError(f"vdot: the inputs must have the same size, got {a.shape} and {b.shape}")
    return _red.sum(_sh.reshape(a, (a.size,)) * _sh.reshape(b, (b.size,)))


FUSED_TAPS = 128       # up to this many taps a convolution is one loop over shifted slices


def convolve(a, v, mode="full"):
    """The discrete linear convolution of two 1-D sequences (numpy.convolve): out[i] =
    Σⱼ v[j]·a[i − j] over the outputs `mode` keeps, in O(n·m) work and no n × n matrix.
    Up to FUSED_TAPS taps it is a sum of shifted slices of the zero-padded longer input
    (one fused loop); beyond, a loop over the taps, each adding its shifted copy (a
    gather), so that the C does not grow with outputs × taps (its gradient keeps each
    tap's shifted copy: outputs × taps numbers, which a checkpoint strategy bounds)."""
    a, v = _promote([a, v])
    if a.ndim != 1 or v.ndim != 1 or a.size == 0 or v.size == 0:
        raise ValueError(f"convolve: two non-empty 1-D inputs are expected, got {a.shape} and {v.shape}")
    if v.size > a.size:
        a, v = v, a
    n, m = a.size, v.size
    if mode == "full":
        lo, hi = 0, n + m - 1
    elif mode == "same":
        lo = (m - 1) // 2
        hi = lo + n
    elif mode == "valid":
        lo, hi = m - 1, n
    else:
        raise ValueError(f"convolve: mode must be 'full', 'same' or 'valid', got {mode!r}")
    padded = _sh.pad_zeros(a, [m - 1], [m - 1]) if m > 1 else a     # padded[k + m − 1] = a[k]
    # out[i] = Σⱼ v[j]·padded[i + m − 1 − j] for i in [lo, hi)
    if m <= FUSED_TAPS:
        out = None
        for j in range(m):
            start = lo + m - 1 - j
            term = v[j] * _sh.slice_axis(padded, 0, start, start + hi - lo)
            out = term if out is None else out + term
        return out
    from .ops.indexing import gather
    from .ops.scan import scan
    positions = _sh.iota((hi - lo,), 0, a.dtype) + float(lo + m - 1)     # padded's index of tap 0

    def tap(total, vj_j):                 # tap j: v[j] times padded shifted by j, added in
        vj, j = vj_j
        return total + vj * gather(padded, positions - j), None
    total, _ = scan(tap, _sh.zeros((hi - lo,), a.dtype), (v, _sh.iota((m,), 0, a.dtype)))
    return total


def real(x):
    """x itself: graphc's tensors are real."""
    return _promote([x])[0]


conj = conjugate = real


def imag(x):
    (x,) = _promote([x])
    return x * 0.0


def ldexp(x, e):
    """x · 2^e."""
    x, e = _promote([x, e])
    return x * _ew.exp2(e)


def modf(x):
    """(fractional part, integral part), both with x's sign."""
    (x,) = _promote([x])
    whole = _ew.where(x < 0, _ew.ceil(x), _ew.floor(x))
    return x - whole, whole


def unwrap(p, discont=None, axis=-1, period=2 * math.pi):
    """Phases with jumps larger than discont (period/2) taken back by multiples of period."""
    (p,) = _promote([p])
    axis = axis % p.ndim
    n = p.shape[axis]
    if n < 2:
        return p
    discont = period / 2 if discont is None else discont
    from .numpy import cumsum
    d = _sh.slice_axis(p, axis, 1, n) - _sh.slice_axis(p, axis, 0, n - 1)
    low = -period / 2
    dd = (d - low) - period * _ew.floor((d - low) / period) + low            # d brought into [low, −low)
    dd = _ew.where((dd == low) & (d > 0), period / 2, dd)
    correction = _ew.where(_ew.abs_(d) < discont, 0.0, dd - d)
    lo = [0] * p.ndim
    lo[axis] = 1
    return p + _sh.pad_zeros(cumsum(correction, axis=axis), lo, [0] * p.ndim)


def correlate(a, v, mode="valid"):
    """np.correlate: Σₙ a[n + k]·v[n] (convolve with v reversed; a longer v, as NumPy,
    correlates the other way round and reverses the result)."""
    a, v = _promote([a, v])
    if a.ndim == 1 and v.ndim == 1 and v.size > a.size:
        return _sh.rev(correlate(v, a, mode), (0,))
    return convolve(a, _sh.rev(v, (0,)), mode=mode)


def polyadd(a, b):
    a, b = _promote([a, b])
    n = max(a.shape[0], b.shape[0])
    return _sh.pad_zeros(a, [n - a.shape[0]], [0]) + _sh.pad_zeros(b, [n - b.shape[0]], [0])


def polysub(a, b):
    a, b = _promote([a, b])
    return polyadd(a, -b)


def polymul(a, b):
    a, b = _promote([a, b])
    return convolve(a, b)


def polyder(p, m=1):
    (p,) = _promote([p])
    for _ in range(m):
        n = p.shape[0] - 1
        if n <= 0:
            return p[:0] * 0.0 if n < 0 else _sh.reshape(p * 0.0, (1,))
        p = p[:n] * _np.arange(n, 0, -1, dtype=float)
    return p


def polyint(p, m=1, k=None):
    (p,) = _promote([p])
    ks = _np.zeros(m) if k is None else _np.broadcast_to(_np.asarray(k, dtype=float), (m,))
    for j in range(m):
        n = p.shape[0]
        p = _sh.concatenate([p / _np.arange(n, 0, -1, dtype=float), _sh.reshape(_promote([ks[j], p])[0], (1,))], 0)
    return p


def polyfit(x, y, deg):
    """Least-squares polynomial coefficients, highest power first (np.polyfit without weights)."""
    from .ops.qr import lstsq
    x, y = _promote([x, y])
    vander = _sh.stack([x ** k for k in range(deg, -1, -1)], axis=-1) if deg else _sh.reshape(x * 0.0 + 1.0, (-1, 1))
    return lstsq(vander, y)[0]
