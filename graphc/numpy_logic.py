"""Logic and floating-point classification for `graphc.numpy`: isnan, isfinite, isinf,
logical_and/or/xor/not, any, all, count_nonzero, signbit. Boolean tensors in and out (a
float operand counts as true where nonzero, as NumPy); no derivatives flow through them.
"""
import math

from .ops import elementwise as _ew, reduce as _red
from .ops.core import lift as _lift


def _bool(x):
    x = _lift(x)
    return x if x.dtype.kind == "b" else x != 0


def isnan(x):
    x = _lift(x)
    return x != x


def isinf(x):
    return _ew.abs_(_lift(x)) == math.inf


def isfinite(x):
    return _ew.abs_(_lift(x)) < math.inf            # False for NaN too


def signbit(x):
    """Whether the sign bit is set: true for −0.0 and negative numbers (by 1/x for zeros)."""
    x = _lift(x)
    return _ew.where(x == 0, 1.0 / _ew.where(x == 0, x, 1.0) < 0, x < 0)


def logical_not(x):
    return _bool(x) == False                          # noqa: E712  (a graph node, not a Python test)


def logical_and(x, y):
    return _ew.where(_bool(x), _bool(y), False)


def logical_or(x, y):
    return _ew.where(_bool(x), True, _bool(y))


def logical_xor(x, y):
    return _bool(x) != _bool(y)


def any(x, axis=None, keepdims=False):                # noqa: A001  (NumPy's name)
    return _red.max(_ew.cast(_bool(x), "float64"), axis=axis, keepdims=keepdims) > 0


def all(x, axis=None, keepdims=False):                # noqa: A001
    return _red.min(_ew.cast(_bool(x), "float64"), axis=axis, keepdims=keepdims) > 0


def count_nonzero(x, axis=None, keepdims=False):
    return _red.sum(_ew.cast(_bool(x), "float64"), axis=axis, keepdims=keepdims)


def _boolean(name, fn):
    """NumPy's bitwise operator on booleans (the only dtype graphc has it for)."""
    def op(*xs):
        xs = [_lift(x) for x in xs]
        for x in xs:
            if x.dtype.kind != "b":
                raise TypeError(f"{name}: graphc has it for boolean tensors only, got {x.dtype}")
        return fn(*xs)
    op.__name__ = name
    return op


bitwise_and = _boolean("bitwise_and", logical_and)
bitwise_or = _boolean("bitwise_or", logical_or)
bitwise_xor = _boolean("bitwise_xor", logical_xor)
invert = bitwise_not = _boolean("invert", logical_not)
