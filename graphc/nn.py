"""`graphc.nn`: the activation and normalisation functions of `jax.nn`, over graphc tensors.

    import graphc.nn as gnn
    h = gnn.gelu(x @ W + b)

Each is a composite of graphc's primitives, written to stay finite where the naive
formula overflows (elu never evaluates e**x for large x, log_sigmoid never log(0)), so
it differentiates in both modes and compiles like any other op; the derivative at a kink
is JAX's (relu'(0) = 0).
"""
import math

import numpy as np

from .ir import Tensor
from .ops import elementwise as _ew, reduce as _red, shape as _sh
from .ops.core import cast as _cast, lift_promoted as _promote

relu, sigmoid, softplus = _ew.relu, _ew.sigmoid, _ew.softplus
softmax, logsumexp = _red.softmax, _red.logsumexp

_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _one(x):
    return _promote([x])[0]


def relu6(x):
    """min(max(x, 0), 6)."""
    return _ew.minimum(_ew.maximum(_one(x), 0.0), 6.0)


def log_sigmoid(x):
    """log(sigmoid(x)) = −softplus(−x), finite for every finite x."""
    return -_ew.softplus(-_one(x))


def soft_sign(x):
    """x / (|x| + 1)."""
    x = _one(x)
    return x / (_ew.abs_(x) + 1.0)


def silu(x):
    """x · sigmoid(x) (also called swish)."""
    x = _one(x)
    return x * _ew.sigmoid(x)


swish = silu


def gelu(x, approximate=True):
    """Gaussian error linear unit: x Φ(x), by the tanh approximation by default (as JAX),
    exactly (through erfc) with approximate=False."""
    x = _one(x)
    if approximate:
        return 0.5 * x * (1.0 + _ew.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * (x * x * x))))
    return 0.5 * x * _ew.erfc(x * (-1 / math.sqrt(2)))


def elu(x, alpha=1.0):
    """x for x > 0, alpha (e**x − 1) otherwise."""
    x = _one(x)
    return _ew.where(x > 0, x, alpha * _ew.expm1(_ew.minimum(x, 0.0)))


def selu(x):
    """Scaled elu with the self-normalising constants of Klambauer et al. (2017)."""
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def celu(x, alpha=1.0):
    """x for x > 0, alpha (e**(x / alpha) − 1) otherwise."""
    x = _one(x)
    return _ew.where(x > 0, x, alpha * _ew.expm1(_ew.minimum(x, 0.0) * (1.0 / alpha)))


def leaky_relu(x, negative_slope=0.01):
    """x for x ≥ 0, negative_slope · x otherwise."""
    x = _one(x)
    return _ew.where(x >= 0, x, negative_slope * x)


def hard_tanh(x):
    """x clipped to [−1, 1]."""
    return _ew.clip(_one(x), -1.0, 1.0)


def hard_sigmoid(x):
    """relu6(x + 3) / 6."""
    return relu6(_one(x) + 3.0) * (1 / 6)


def hard_silu(x):
    """x · hard_sigmoid(x) (also called hard_swish)."""
    x = _one(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def mish(x):
    """x · tanh(softplus(x))."""
    x = _one(x)
    return x * _ew.tanh(_ew.softplus(x))


def log_softmax(x, axis=-1):
    """x − logsumexp(x) along `axis`, without forming softmax (no log of an underflowed 0)."""
    x = _one(x)
    return x - _red.logsumexp(x, axis=axis, keepdims=True)


def standardize(x, axis=-1, epsilon=1e-5):
    """(x − mean) / √(variance + epsilon) along `axis` (layer normalisation without scale)."""
    x = _one(x)
    centred = x - _red.mean(x, axis=axis, keepdims=True)
    return centred / _ew.sqrt(_red.mean(centred * centred, axis=axis, keepdims=True) + epsilon)


def glu(x, axis=-1):
    """Gated linear unit: the first half of `axis` times sigmoid of the second."""
    from .numpy import split
    a, b = split(_one(x), 2, axis=axis)
    return a * _ew.sigmoid(b)


def one_hot(x, num_classes, dtype="float64", axis=-1):
    """1 where the class index in `x` equals the position along a new axis of length
    `num_classes` (placed at `axis`), else 0. `x`: a NumPy integer array, or a float tensor
    holding whole numbers; an index outside [0, num_classes) gives a row of zeros."""
    x = _promote([np.asarray(x, dtype=np.float64) if not isinstance(x, Tensor) else x])[0]
    axis = axis % (x.ndim + 1)
    classes = np.arange(num_classes, dtype=x.dtype).reshape(
        tuple(num_classes if k == axis else 1 for k in range(x.ndim + 1)))
    return _cast(_sh.expand_dims(x, axis) == classes, dtype)
