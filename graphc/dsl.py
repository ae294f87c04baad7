"""The user-facing graph language: Tensor operators and methods, and `trace`, which turns
a plain Python function into a graph. The operators are attached to `ir.Tensor` here so
that the node type stays a small data structure and the language lives in one place."""
import numbers

from .index_update import IndexUpdateHelper
from .ir import Tensor
from .ops import core, elementwise as ew, linalg, reduce, shape


def _binary(fn):
    return lambda self, other: fn(self, other)


def _reflected(fn):
    return lambda self, other: fn(other, self)


def _logic(name):
    """A boolean operator of graphc.numpy_logic (imported when first used: it needs the ops)."""
    def op(*xs):
        from . import numpy_logic
        return getattr(numpy_logic, name)(*xs)
    return op


_OPERATORS = {
    "__add__": _binary(ew.add), "__radd__": _reflected(ew.add),
    "__sub__": _binary(ew.sub), "__rsub__": _reflected(ew.sub),
    "__mul__": _binary(ew.mul), "__rmul__": _reflected(ew.mul),
    "__truediv__": _binary(ew.div), "__rtruediv__": _reflected(ew.div),
    "__pow__": _binary(ew.power), "__rpow__": _reflected(ew.power),
    "__matmul__": _binary(linalg.matmul), "__rmatmul__": _reflected(linalg.matmul),
    "__lt__": _binary(ew.less), "__le__": _binary(ew.less_equal),
    "__gt__": _binary(ew.greater), "__ge__": _binary(ew.greater_equal),
    "__eq__": _binary(ew.equal), "__ne__": _binary(ew.not_equal),
    "__neg__": lambda self: ew.neg(self),
    "__pos__": lambda self: self,
    "__abs__": lambda self: ew.abs_(self),
    "__getitem__": shape.getitem,
    "__and__": _binary(_logic("bitwise_and")), "__rand__": _reflected(_logic("bitwise_and")),
    "__or__": _binary(_logic("bitwise_or")), "__ror__": _reflected(_logic("bitwise_or")),
    "__xor__": _binary(_logic("bitwise_xor")), "__rxor__": _reflected(_logic("bitwise_xor")),
    "__invert__": lambda self: _logic("invert")(self),
}

_METHODS = {
    "reshape": shape.reshape,
    "sum": reduce.sum, "mean": reduce.mean, "max": reduce.max, "min": reduce.min,
    "prod": reduce.prod,
    "transpose": lambda self, *axes: shape.transpose(
        self, axes[0] if len(axes) == 1 and not isinstance(axes[0], numbers.Integral)
        else (axes or None)),
    "astype": ew.astype,
    "ravel": lambda self: shape.reshape(self, -1),
    "flatten": lambda self: shape.reshape(self, -1),
    "squeeze": shape.squeeze,
    "dot": linalg.dot,
}


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """NumPy ufuncs called on tensors (np.exp(x), array + x) build graphc nodes."""
    from . import numpy as gnp
    if method != "__call__" or kwargs:
        raise NotImplementedError(f"numpy.{ufunc.__name__}.{method} with {sorted(kwargs)} on graphc tensors")
    return getattr(gnp, ufunc.__name__)(*inputs)


def _array_function(self, func, types, args, kwargs):
    """NumPy functions called on tensors (np.sum(x), np.linalg.norm(x)) dispatch to graphc.numpy."""
    from . import numpy as gnp
    namespace = gnp.linalg if func.__module__.endswith("linalg") else gnp
    return getattr(namespace, func.__name__)(*args, **kwargs)


def _install():
    for name, fn in {**_OPERATORS, **_METHODS}.items():
        setattr(Tensor, name, fn)
    Tensor.at = property(lambda self: IndexUpdateHelper(self),
                         doc="Functional index updates, as JAX's: x.at[i].set(v), .add(v), .get(), ...")
    Tensor.__array_ufunc__ = _array_ufunc
    Tensor.__array_function__ = _array_function
    Tensor.T = property(lambda self: shape.transpose(self))
    Tensor.mT = property(lambda self: shape.matrix_transpose(self))


_install()


def trace(fn, *specs):
    """Call `fn` on fresh variables built from `specs` and return (inputs, outputs).

    Each spec is a `gc.var`, a `(shape, dtype)` pair, or a shape tuple (float64).
    `outputs` is what `fn` returned, with numbers and arrays lifted to constants.
    >>> (x,), y = gc.trace(lambda x: gc.sin(x) * 2, ((3,), "float64"))
    """
    inputs = []
    for i, spec in enumerate(specs):
        if isinstance(spec, Tensor):
            if spec.op is not core.var_p:
                raise TypeError(f"trace: spec {i} is a computed tensor, not a gc.var")
            inputs.append(spec)
            continue
        if (isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], (tuple, list))
                and not isinstance(spec[1], (tuple, list, numbers.Integral))):
            shp, dtype = spec
        elif isinstance(spec, (tuple, list, numbers.Integral)):
            shp, dtype = spec, "float64"
        else:
            raise TypeError(f"trace: spec {i} must be a gc.var, a (shape, dtype) pair or a shape, "
                            f"got {spec!r}")
        name = _param_name(fn, i)
        inputs.append(core.var(name, shp, dtype))
    outputs = fn(*inputs)
    if isinstance(outputs, (list, tuple)):
        outputs = type(outputs)(core.lift(o) for o in outputs)
    else:
        outputs = core.lift(outputs)
    return inputs, outputs


def _param_name(fn, i):
    import inspect
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return params[i] if i < len(params) else f"arg{i}"
