"""`gc.vmap`: JAX's vmap over graphc tensors. The function is traced once on per-example
placeholders and the resulting graph is batched by each op's batch rule (the machinery
Jacobians use), so the mapped function is one graph with no loop."""
import functools

from ..dtypes import FLOATS
from ..ir import Tensor
from ..ops.core import cast, lift, var
from ..ops.shape import transpose
from .batching import batch_graph


def _move_axis(x, source, destination):
    perm = [k for k in range(x.ndim) if k != source]
    perm.insert(destination, source)
    return x if perm == list(range(x.ndim)) else transpose(x, tuple(perm))


def _per_item(spec, count, what):
    """`spec` (an int, None, or one entry per item) as a list of `count` entries."""
    if spec is None or isinstance(spec, int) and not isinstance(spec, bool):
        return [spec] * count
    if isinstance(spec, (list, tuple)) and len(spec) == count and \
            all(s is None or isinstance(s, int) and not isinstance(s, bool) for s in spec):
        return list(spec)
    raise ValueError(f"vmap: {what} must be an int, None, or a sequence of {count} of them, got {spec!r}")


def _axis(axis, ndim, what):
    if not -ndim <= axis < ndim:
        raise ValueError(f"vmap: axis {axis} is out of range for {what} of {ndim} dimensions")
    return axis % ndim


def vmap(fn, in_axes=0, out_axes=0):
    """`fn` mapped over an axis of its arguments, as jax.vmap: `vmap(fn)(*args)` equals
    stacking `fn` applied to each slice of the arguments along `in_axes` (an int or None
    for every argument, or one per argument; None passes the argument whole), with the
    results' mapped axis at `out_axes` (an int, or one per output). `fn` takes and returns
    tensors (a tuple or list of them for several outputs) and may use any graphc op,
    transform (per-example gradients: `vmap(lambda x: gc.grad(loss(x), x))`) or closure."""
    if not callable(fn):
        raise TypeError(f"vmap: expected a function, got {type(fn).__name__}")

    @functools.wraps(fn)
    def mapped(*args):
        if not args:
            raise ValueError("vmap: the function needs at least one argument to map over")
        for k, a in enumerate(args):
            if isinstance(a, (list, tuple)) and any(isinstance(v, Tensor) for v in a):
                raise TypeError(f"vmap: argument {k} is a {type(a).__name__} of tensors; graphc's vmap maps "
                                "tensors and arrays, so pass its members as separate arguments")
        args = [a if isinstance(a, Tensor) else lift(a) for a in args]
        axes = _per_item(in_axes, len(args), "in_axes")
        size, inner, replacements = None, [], {}
        for i, (a, axis) in enumerate(zip(args, axes)):
            if axis is None:
                inner.append(a)
                continue
            if a.ndim == 0:
                raise ValueError(f"vmap: argument {i} is a scalar; it cannot be mapped over axis {axis}")
            axis = _axis(axis, a.ndim, f"argument {i} (shape {a.shape})")
            if size is not None and a.shape[axis] != size:
                raise ValueError(f"vmap: mapped axes differ in length: argument {i} (shape {a.shape}) has "
                                 f"{a.shape[axis]} along axis {axis}, earlier arguments {size}")
            size = a.shape[axis]
            shape = a.shape[:axis] + a.shape[axis + 1:]
            slice_ = var(f"vmap_arg{i}", shape, a.dtype) if a.dtype in FLOATS else \
                cast(var(f"vmap_arg{i}", shape), a.dtype)       # a mask: a fresh node all the same
            replacements[slice_.id] = _move_axis(a, axis, 0)
            inner.append(slice_)
        if size is None:
            raise ValueError("vmap: no argument is mapped (every entry of in_axes is None)")
        out = fn(*inner)
        single = not isinstance(out, (list, tuple))
        outs = [out] if single else list(out)
        outs = [o if isinstance(o, Tensor) else lift(o) for o in outs]
        batched = batch_graph(outs, replacements, size)
        out_spec = _per_item(out_axes, len(outs), "out_axes")
        if any(a is None for a in out_spec):
            raise ValueError("vmap: out_axes of None (an unmapped output) is not supported; give an axis")
        results = [_move_axis(b, 0, _axis(a, b.ndim, f"output {k} (shape {b.shape})"))
                   for k, (b, a) in enumerate(zip(batched, out_spec))]
        return results[0] if single else type(out)(results)
    return mapped
