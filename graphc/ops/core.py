"""Primitives: each defined once with its shape/dtype rule, NumPy reference, derivative
rules and (later) C emitter, and registered by name so passes look rules up as data.

Also the lifting of Python numbers and NumPy arrays into constants, with NumPy's
promotion rules (Python scalars weakly typed), and NumPy broadcasting of shapes.
"""
import math
import numbers
import operator

import numpy as np

from .. import dtypes
from ..errors import ShapeError
from ..ir import Tensor, make_node

REGISTRY: dict = {}


FOLD_ELEMENTS = 4096          # folded constants beyond this size must be smaller than their inputs


class Primitive:
    """One operation of the graph.

    infer(*inputs, **attrs) -> (shape, dtype), or tuples of them with `multiple_results`;
        it validates the operands and raises ShapeError/TypeError naming the op.
        An op on constants alone is folded into a constant when that does not grow it,
        and, beyond FOLD_ELEMENTS, only when it shrinks it: folding the transpose or the
        double of a 10⁶-entry constant would store (and compile) a second one.
    ref(*arrays, **attrs) -> array (or tuple): the NumPy reference semantics.
    jvp[i](t, out, *inputs, **attrs) -> tangent of the output(s) from input i's tangent.
    vjp[i](ct, out, *inputs, **attrs) -> cotangent of input i; the reverse driver sums it
        back to input i's shape (unbroadcasts) and accumulates over uses.
    A rule list of None marks the op as not differentiable (zero derivative); a None
    entry marks one input as such; for variadic ops a rule list may be a function of the
    input's index.
    batch(inputs, batched, **attrs) -> the op applied to operands of which those flagged
        in `batched` carry an extra leading batch axis (the vmap rule); the default fits
        ops that act on trailing axes and see leading axes as a stack. `c` is the C spelling of an elementwise op: a template, or a function of the
    attributes giving one. `view` (set by view ops) maps an output index to the index
    read from the operand, so the code generator can fuse views into loops.
    """

    def __init__(self, name, *, infer, ref, jvp=None, vjp=None, batch=None, c=None, nin=None,
                 multiple_results=False, interned=True, doc=""):
        if name in REGISTRY:
            raise ValueError(f"primitive {name!r} defined twice")
        self.name = name
        self.infer = infer
        self.ref = ref
        self.jvp = jvp
        self.vjp = vjp
        self.batch = batch if batch is not None else trailing_batch(self)
        self.c = c
        self.view = None            # index map of a view op: (node, out_index) -> in_index
        self.identities = ()        # (operand position, neutral scalar): op(x, neutral) is x
        self.nin = nin
        self.multiple_results = multiple_results
        self.interned = interned
        self.foldable = interned and not multiple_results and name != "const"
        self.user_rule = False      # outputs passing its first inputs through under a user's derivative rule
        self.__doc__ = doc
        REGISTRY[name] = self

    def bind(self, *inputs, **attrs) -> Tensor:
        """The (interned) node applying this primitive to tensors `inputs`."""
        if self.nin is not None and len(inputs) != self.nin:
            raise TypeError(f"{self.name} takes {self.nin} operands, got {len(inputs)}")
        shape, dtype = self.infer(*inputs, **attrs)
        if self.c is not None and inputs:
            simpler = self._simplify(inputs, attrs, shape, dtype)
            if simpler is not None:
                return simpler
        if self.foldable and inputs and all(i.op is const_p for i in inputs):
            size = math.prod(shape)
            largest = max(i.size for i in inputs)
            if size <= max(64, largest) and (size <= FOLD_ELEMENTS or size < largest):
                value = self.ref(*(i.attrs[0][1].array for i in inputs), **attrs)
                return const(np.asarray(value, dtype=dtype))
        return make_node(self, tuple(inputs), tuple(sorted(attrs.items())), shape, dtype)

    def _simplify(self, inputs, attrs, shape, dtype):
        """Elementwise algebra at construction: an op on broadcast scalar constants is
        one broadcast constant; x*1, 1*x, x+0, 0+x, x-0, x/1, x**1 are x."""
        scalars = [scalar_value(i) for i in inputs]
        if all(s is not None for s in scalars):
            value = np.asarray(self.ref(*(np.asarray(s, dtype=i.dtype) for s, i in zip(scalars, inputs)),
                                        **attrs), dtype=dtype)
            return _broadcast_const(value, shape)
        for position, neutral in self.identities:
            other = inputs[1 - position]
            if scalars[position] is not None and scalars[position] == neutral and other.dtype == dtype:
                return other if other.shape == shape else REGISTRY["broadcast_to"].bind(other, shape=shape)
        return None

    def rule(self, kind, index):
        """The `kind` ("jvp" or "vjp") rule for input `index`, or None (a zero derivative)."""
        rules = self.jvp if kind == "jvp" else self.vjp
        if rules is None:
            return None
        return rules(index) if callable(rules) else rules[index]

    def __repr__(self):
        return f"<primitive {self.name}>"


def trailing_batch(prim):
    """Batch rule of an op whose operands are stacks over leading axes (unary ops,
    linear-algebra ops on the last two axes): a leading batch axis just rides along."""
    def rule(inputs, batched, **attrs):
        return prim.bind(*inputs, **attrs)
    return rule


def broadcasting_batch(prim):
    """Batch rule of an op that broadcasts its operands right-aligned (elementwise ops,
    matmul, solve): batched operands get size-1 axes after the batch axis, so that the
    batch axis leads the result and never meets an unbatched operand's axes."""
    def rule(inputs, batched, **attrs):
        from .shape import reshape
        rank = max(x.ndim - b for x, b in zip(inputs, batched))
        args = [reshape(x, x.shape[:1] + (1,) * (rank - x.ndim + 1) + x.shape[1:]) if b else x
                for x, b in zip(inputs, batched)]
        return prim.bind(*args, **attrs)
    return rule


class ConstValue:
    """A constant's array as a hashable attribute (hash and equality by dtype, shape, bytes)."""

    __slots__ = ("array", "_key")

    def __init__(self, array: np.ndarray):
        array = np.array(array, order="C")           # a private copy (0-d stays 0-d)
        array.setflags(write=False)
        self.array = array
        self._key = (array.dtype.str, array.shape, array.tobytes())

    def __hash__(self):
        return hash(self._key)

    def __eq__(self, other):
        return isinstance(other, ConstValue) and self._key == other._key

    def __lt__(self, other):          # attrs are sorted by key; values never compared
        return False

    def __repr__(self):
        a = self.array
        if a.size <= 6:
            return np.array2string(a, separator=", ").replace("\n", "")
        return f"array<{'x'.join(map(str, a.shape))}>"


def scalar_value(t):
    """The value of a constant scalar or of a broadcast constant scalar, else None."""
    if t.op is const_p and t.size == 1:
        return t.attrs[0][1].array.reshape(-1)[0]
    if t.op.name == "broadcast_to" and t.inputs[0].op is const_p and t.inputs[0].size == 1:
        return t.inputs[0].attrs[0][1].array.reshape(-1)[0]
    return None


def _broadcast_const(value, shape):
    c = const(value.reshape(-1)[0] if value.size else value, value.dtype)
    if shape == ():
        return c
    return REGISTRY["broadcast_to"].bind(c, shape=shape)


# ---------------------------------------------------------------- leaves

def _ref_var(**attrs):
    raise RuntimeError("a variable has no value until it is fed")


var_p = Primitive("var", infer=None, ref=_ref_var, nin=0, interned=False,
                  doc="A symbolic input (gc.var).")
const_p = Primitive("const", infer=None, ref=lambda value: value.array, nin=0,
                    doc="A constant array (gc.const); interned by value.")


def var(name, shape=(), dtype="float64") -> Tensor:
    """A symbolic input named `name` with static `shape` and float `dtype`."""
    if name is not None and not isinstance(name, str):
        raise TypeError(f"a variable's name must be a string, got {type(name).__name__}")
    shape = normalize_shape(shape, what=f"shape of variable {name!r}")
    return make_node(var_p, (), (), shape, dtypes.canonical_float(dtype), name=name)


def const(value, dtype=None) -> Tensor:
    """A constant tensor holding `value` (a number or array), as float64/float32/bool."""
    if isinstance(value, Tensor):
        return value if dtype is None else cast(value, dtype)
    array = np.asarray(value)
    if dtype is not None:
        target = dtypes.canonical(dtype)
    elif array.dtype in dtypes.SUPPORTED:
        target = array.dtype
    elif array.dtype.kind in "iuf":
        target = dtypes.float64
    else:
        raise TypeError(f"cannot make a graphc constant of dtype {array.dtype}")
    array = array.astype(target)
    return make_node(const_p, (), (("value", ConstValue(array)),), array.shape, target)


def normalize_shape(shape, what="shape") -> tuple:
    if isinstance(shape, (numbers.Integral, np.integer)):
        shape = (shape,)
    try:
        shape = tuple(int(operator.index(d)) for d in shape)
    except TypeError:
        raise TypeError(f"{what} must be a tuple of ints, got {shape!r}") from None
    if any(d < 0 for d in shape):
        raise ShapeError(f"{what} has a negative dimension: {shape}")
    return shape


# ---------------------------------------------------------------- lifting and promotion

def lift(x, dtype=None) -> Tensor:
    """A tensor for `x`: tensors pass through; numbers and arrays become constants."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (numbers.Number, np.ndarray, np.generic, list, tuple)):
        return const(x, dtype)
    raise TypeError(f"expected a graphc Tensor, a number or an array, got {type(x).__name__}")


def lift_promoted(xs, *, floats=True) -> list:
    """Lift `xs` to tensors of one common dtype (NumPy promotion, Python scalars weak).

    With `floats`, bool operands become the common float dtype (arithmetic on masks).
    """
    first = xs[0] if xs else None
    if isinstance(first, Tensor) and first.dtype in dtypes.FLOATS and \
            all(isinstance(x, Tensor) and x.dtype == first.dtype for x in xs):
        return list(xs)                          # the common case: nothing to convert
    strong = []
    for x in xs:
        if isinstance(x, Tensor):
            strong.append(x.dtype)
        elif not isinstance(x, (int, float, bool)):
            strong.append(lift(x).dtype)
    target = dtypes.result_type(*strong)
    if not floats and strong and all(d == dtypes.bool_ for d in strong):
        target = dtypes.bool_
    out = []
    for x in xs:
        t = lift(x, target if isinstance(x, (int, float, bool)) else None)
        out.append(t if t.dtype == target else cast(t, target))
    return out


def cast(x, dtype) -> Tensor:
    """x converted to `dtype` (a no-op when it already has it)."""
    x = lift(x)
    dtype = dtypes.canonical(dtype)
    if x.dtype == dtype:
        return x
    if x.op is const_p:
        return const(x.params["value"].array, dtype)
    return cast_p.bind(x, dtype=dtype)


cast_p = Primitive(
    "cast", nin=1,
    infer=lambda x, dtype: (x.shape, dtype),
    ref=lambda x, dtype: x.astype(dtype),
    jvp=[lambda t, out, x, dtype: cast(t, dtype) if dtype in dtypes.FLOATS else None],
    vjp=[lambda ct, out, x, dtype: cast(ct, x.dtype) if x.dtype in dtypes.FLOATS else None],
    doc="Convert to another dtype.",
    c=lambda dtype: "({0} != 0)" if dtype == dtypes.bool_ else "(({T}){0})")


# ---------------------------------------------------------------- shape helpers

def broadcast_shapes(op_name, *shapes) -> tuple:
    """NumPy broadcasting of `shapes`; ShapeError naming `op_name` and the shapes."""
    ndim = max((len(s) for s in shapes), default=0)
    result = []
    for axis in range(-ndim, 0):
        size = 1
        for s in shapes:
            d = s[axis] if -axis <= len(s) else 1
            if d != 1:
                if size not in (1, d):
                    listed = " and ".join(str(tuple(s)) for s in shapes)
                    raise ShapeError(f"{op_name}: operands could not be broadcast together "
                                     f"with shapes {listed}")
                size = d
        result.append(size)
    return tuple(result)


def normalize_axis(axis, ndim, op_name) -> int:
    if not isinstance(axis, (numbers.Integral, np.integer)):
        raise TypeError(f"{op_name}: axis must be an int, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ShapeError(f"{op_name}: axis {axis} is out of bounds for a tensor of {ndim} dimensions")
    return int(axis) % ndim


def normalize_axes(axis, ndim, op_name) -> tuple:
    """A sorted tuple of distinct non-negative axes; None means all."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (list, tuple)):
        axes = tuple(normalize_axis(a, ndim, op_name) for a in axis)
        if len(set(axes)) != len(axes):
            raise ValueError(f"{op_name}: repeated axis in {axis!r}")
        return tuple(sorted(axes))
    return (normalize_axis(axis, ndim, op_name),)


def require_float(op_name, *xs):
    for x in xs:
        if x.dtype not in dtypes.FLOATS:
            raise TypeError(f"{op_name}: expected a float tensor, got {x.dtype.name} "
                            f"(cast it with gc.cast or .astype)")


def same_dtype(op_name, *xs):
    kinds = {x.dtype for x in xs}
    if len(kinds) > 1:
        raise TypeError(f"{op_name}: operand dtypes differ: {', '.join(d.name for d in kinds)}")
    return xs[0].dtype
