"""Logic and floating-point classification for `graphc.numpy`: isnan, isfinite, isinf,
isposinf, isneginf, logical_and/or/xor/not, any, all, count_nonzero, signbit, isclose,
allclose, array_equal, isin. Boolean tensors in and out (a
float operand counts as true where nonzero, as NumPy); no derivatives flow through them.
"""
import math

from .ops import elementwise as _ew, reduce as _red, shape as _sh
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


def isposinf(x):
    return _lift(x) == math.inf


def isneginf(x):
    return _lift(x) == -math.inf


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|a − b| ≤ atol + rtol·|b|, infinities equal only to themselves (NumPy's rule)."""
    from .ops.core import lift_promoted
    a, b = lift_promoted([a, b])
    finite = _ew.abs_(a - b) <= atol + rtol * _ew.abs_(b)
    close = _ew.where(isfinite(a) & isfinite(b), finite, a == b)
    return close | (isnan(a) & isnan(b)) if equal_nan else close


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return all(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def array_equal(a1, a2, equal_nan=False):
    """Whether the shapes agree (known when the graph is built) and every entry does."""
    a1, a2 = _lift(a1), _lift(a2)
    if a1.shape != a2.shape:
        return _lift(False)
    same = a1 == a2
    return all(same | (isnan(a1) & isnan(a2)) if equal_nan else same)


def isin(element, test_elements, invert=False):
    """Whether each entry of `element` is among `test_elements` (compared against each)."""
    element = _lift(element)
    tests = _lift(test_elements)
    hit = any(_sh.expand_dims(element, -1) == _sh.reshape(tests, (tests.size,)), axis=-1)
    return logical_not(hit) if invert else hit
