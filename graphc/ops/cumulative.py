"""Running sums along the last axis: one C loop (csrc/cumulative.c), O(n), adding in
order as NumPy does. The JVP is the running sum of the tangent, the VJP the running sum
of the cotangent from the other end."""
from .. import dtypes
from ..errors import ShapeError
from .core import Primitive


def _infer(x, reverse):
    if x.dtype not in dtypes.FLOATS:
        raise TypeError(f"cumsum: expected a float tensor, got {x.dtype.name}")
    if x.ndim == 0:
        raise ShapeError("cumsum: a 0-d tensor has no axis to sum along")
    return x.shape, x.dtype


def _ref(x, reverse):
    import numpy as np
    return np.flip(np.cumsum(np.flip(x, -1), axis=-1), -1) if reverse else np.cumsum(x, axis=-1)


cumsum_p = Primitive(
    "cumsum", nin=1, infer=_infer, ref=_ref,
    jvp=[lambda t, out, x, reverse: cumsum_p.bind(t, reverse=reverse)],
    vjp=[lambda g, out, x, reverse: cumsum_p.bind(g, reverse=not reverse)],
    doc="Running sums along the last axis (from its end with reverse=True).")


def cumsum_last(x, reverse=False):
    return cumsum_p.bind(x, reverse=bool(reverse))
