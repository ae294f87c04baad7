"""What the forward and reverse drivers share: which nodes lie on a path from the
inputs of interest, seeds checked against their inputs, and symbolic zeros."""
from ..errors import ShapeError
from ..ir import Tensor
from .. import dtypes
from ..ops.core import cast, lift
from ..ops.shape import zeros


def as_list(xs, what):
    """(list, was_single) for a tensor or a list/tuple of tensors."""
    if isinstance(xs, Tensor):
        return [xs], True
    if isinstance(xs, (list, tuple)):
        for x in xs:
            if not isinstance(x, Tensor):
                raise TypeError(f"{what} must be graphc tensors, got {type(x).__name__}")
        return list(xs), False
    raise TypeError(f"{what} must be a graphc tensor or a list of them, got {type(xs).__name__}")


def depends_on(order, sources) -> set:
    """Ids of the nodes in `order` (topological) that depend on any of `sources`."""
    live = {s.id for s in sources}
    for n in order:
        if n.id not in live and any(i.id in live for i in n.inputs):
            live.add(n.id)
    return live


def seed(value, like, what):
    """A tangent or cotangent for `like`: lifted, of its exact shape and its dtype."""
    t = lift(value)
    if t.shape != like.shape:
        raise ShapeError(f"{what}: expected shape {like.shape} (that of {_label(like)}), got {t.shape}")
    return t if t.dtype == like.dtype else cast(t, like.dtype)


def zeros_like(x):
    """A symbolic zero of `x`'s shape (a broadcast scalar, never a stored array)."""
    return zeros(x.shape, x.dtype if x.dtype in dtypes.FLOATS else dtypes.float64)


def _label(x):
    return repr(x.name) if x.name is not None else f"%{x.id} ({x.op.name})"
