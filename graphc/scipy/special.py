"""`graphc.scipy.special`: the differentiable special functions of `scipy.special` (and
`jax.scipy.special`) over graphc tensors. erf and erfc are primitives (libm's, vectorised
where glibc's libmvec is), gammaln (libm's lgamma) too, and digamma and polygamma (ours,
csrc/special.c) give its derivatives to any order; the rest are composites written to avoid cancellation and
overflow where the textbook formula has them."""
import math

from .. import nn as _nn
from ..ops import elementwise as _ew, reduce as _red
from ..ops.core import lift_promoted as _promote

erf, erfc = _ew.erf, _ew.erfc
gammaln, digamma, polygamma = _ew.gammaln, _ew.digamma, _ew.polygamma
psi = digamma
expit = _ew.sigmoid
log_expit = _nn.log_sigmoid
logsumexp, softmax = _red.logsumexp, _red.softmax


def logit(p):
    """log(p / (1 − p)), the inverse of expit."""
    p = _promote([p])[0]
    return _ew.log(p) - _ew.log1p(-p)


def log_softmax(x, axis=None):
    """x − logsumexp(x) over `axis` (all axes when None, as SciPy)."""
    return _nn.log_softmax(x, axis=axis)


def xlogy(x, y):
    """x · log(y), 0 where x == 0 (also when y is 0), as SciPy; its derivatives are those of
    x log y where x ≠ 0."""
    x, y = _promote([x, y])
    safe = _ew.where(x == 0, 1.0, y)
    return _ew.where(x == 0, 0.0, x * _ew.log(safe))


def xlog1py(x, y):
    """x · log1p(y), 0 where x == 0."""
    x, y = _promote([x, y])
    safe = _ew.where(x == 0, 0.0, y)
    return _ew.where(x == 0, 0.0, x * _ew.log1p(safe))


def entr(x):
    """−x log x for x > 0, 0 at 0, −inf for x < 0 (the elementwise entropy)."""
    x = _promote([x])[0]
    positive = _ew.where(x > 0, x, 1.0)
    return _ew.where(x > 0, -(x * _ew.log(positive)), _ew.where(x == 0, 0.0, -math.inf))


def betaln(a, b):
    """log |B(a, b)| = gammaln(a) + gammaln(b) − gammaln(a + b)."""
    a, b = _promote([a, b])
    return gammaln(a) + gammaln(b) - gammaln(a + b)


def multigammaln(a, d):
    """The log of the multivariate gamma function of dimension d (as SciPy)."""
    (a,) = _promote([a])
    total = a * 0.0 + d * (d - 1) / 4 * math.log(math.pi)
    for j in range(d):
        total = total + gammaln(a - j / 2)
    return total


def ndtr(x):
    """The standard normal distribution function Φ(x) = erfc(−x/√2) / 2 (accurate in the
    lower tail, where 1 + erf would cancel)."""
    return 0.5 * _ew.erfc(_promote([x])[0] * (-1 / math.sqrt(2)))
