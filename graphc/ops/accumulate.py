"""matmul_add: c + a @ b as one GEMM with beta = 1, for gradient accumulators.

A loop's weight gradient is a sum of one product per step; written as `acc + a @ b` it
would store the product and add it in a second pass. The code generator turns such an
update of an accumulator carried in place into this node: the product is added straight
into the accumulator (BLAS's C = A·B + C). Internal to lowering: never differentiated.
"""
import numpy as np

from ..errors import ShapeError
from .core import Primitive


def _infer(c, a, b):
    if not (a.ndim == b.ndim == c.ndim == 2 and a.shape[1] == b.shape[0] and c.shape == (a.shape[0], b.shape[1])):
        raise ShapeError(f"matmul_add: shapes {c.shape} + {a.shape} @ {b.shape} do not fit")
    if not a.dtype == b.dtype == c.dtype:
        raise TypeError(f"matmul_add: dtypes {c.dtype}, {a.dtype}, {b.dtype} differ")
    return c.shape, c.dtype


matmul_add_p = Primitive("matmul_add", nin=3, infer=_infer, ref=lambda c, a, b: c + np.matmul(a, b),
                         doc="c + a @ b (2-D), computed in place into c's storage when it dies.")


def swap(x):
    """xᵀ of a matrix, undoing a transpose instead of stacking a second one."""
    from .shape import transpose
    if x.op.name == "transpose" and x.params["perm"] == (1, 0):
        return x.inputs[0]
    return transpose(x, (1, 0))


def fused_update(acc, update):
    """`acc + update` as matmul_add when `update` is a 2-D product (or its transpose),
    else None."""
    y = update.inputs[0] if update.op.name == "transpose" else update
    factors = product_factors(update) if y.op.name == "matmul" else None
    if factors is None:
        return None
    p, q = factors                              # update = pᵀ q
    return matmul_add_p.bind(acc, swap(p), q)


def product_factors(update):
    """(p, q), 2-D with the summed axis first, such that update = pᵀ @ q: for a 2-D product
    a @ b (or its transpose) and for an outer product u[:, None] * v[None, :]; else None.
    A loop adding such products into an accumulator can stack the factors of several
    steps and add them with one GEMM (`lower_loops.accumulating`, `Deferred`)."""
    y, transposed = update, False
    if y.op.name == "transpose" and y.params["perm"] == (1, 0):
        y, transposed = y.inputs[0], True
    if y.ndim != 2 or len(y.inputs) != 2 or any(i.ndim != 2 for i in y.inputs):
        return None
    a, b = y.inputs
    if y.op.name == "matmul":
        p, q = swap(a), b
    elif y.op.name == "mul":
        if a.shape[1] != 1:
            a, b = b, a
        if a.shape != (y.shape[0], 1) or b.shape != (1, y.shape[1]):
            return None
        p, q = _row(a), _row(b)
    else:
        return None
    return (q, p) if transposed else (p, q)


def _row(x):
    """Vector-like `x` ((n, 1) or (1, n)) as a (1, n) row, through the reshapes and
    transposes that made it."""
    from .shape import reshape
    n = x.size
    while x.op.name in ("reshape", "transpose") and sum(d != 1 for d in x.inputs[0].shape) <= 1:
        x = x.inputs[0]
    return x if x.shape == (1, n) else reshape(x, (1, n))
