"""The public transforms of API.md §2: jvp, vjp, grad, value_and_grad, jacobian,
hessian and hvp. Each returns tensors of the same graph, so they compose."""
import numpy as np

from .. import dtypes, pytree
from ..ops.core import const, var
from ..ops.shape import eye, reshape, transpose, zeros
from .batching import batch_graph
from .common import as_list, seed, zeros_like
from .forward import push_tangents
from .reverse import pull_cotangents


def _check_unique(xs, what):
    if len({x.id for x in xs}) != len(xs):
        raise ValueError(f"{what}: the same tensor appears twice")


def _float_outputs(ys, what):
    for y in ys:
        if y.dtype not in dtypes.FLOATS:
            raise TypeError(f"{what}: cannot differentiate a {y.dtype.name} output")


def jvp(ys, xs, tangents):
    """Forward mode: the Jacobian of `ys` w.r.t. `xs` times `tangents` (one per x).

    >>> dy = gc.jvp(y, x, v)     # directional derivative of y along v
    """
    ys_l, single_y = as_list(ys, "jvp: outputs")
    xs_l, single_x = as_list(xs, "jvp: inputs")
    ts_l = [tangents] if single_x else list(tangents)
    if len(ts_l) != len(xs_l):
        raise ValueError(f"jvp: {len(xs_l)} inputs but {len(ts_l)} tangents")
    _check_unique(xs_l, "jvp")
    seeds = {x.id: seed(t, x, "jvp: tangent") for x, t in zip(xs_l, ts_l)}
    tangent = push_tangents(ys_l, seeds)
    out = [tangent[y.id] if tangent[y.id] is not None else zeros_like(y) for y in ys_l]
    return out[0] if single_y else out


def vjp(ys, xs, cotangents):
    """Reverse mode: `cotangents` (one per y) times the Jacobian of `ys` w.r.t. `xs`."""
    ys_l, single_y = as_list(ys, "vjp: outputs")
    xs_l, single_x = as_list(xs, "vjp: inputs")
    cts_l = [cotangents] if single_y else list(cotangents)
    if len(cts_l) != len(ys_l):
        raise ValueError(f"vjp: {len(ys_l)} outputs but {len(cts_l)} cotangents")
    _float_outputs(ys_l, "vjp")
    _check_unique(xs_l, "vjp")
    seeds = {}
    for y, c in zip(ys_l, cts_l):
        c = seed(c, y, "vjp: cotangent")
        seeds[y.id] = c if y.id not in seeds else seeds[y.id] + c
    ct = pull_cotangents(seeds, ys_l, xs_l)
    out = [ct[x.id] if ct[x.id] is not None else zeros_like(x) for x in xs_l]
    return out[0] if single_x else out


def grad(y, wrt):
    """Reverse-mode gradient of scalar `y`: a tensor shaped like `wrt`, or a list for a list
    or tuple of tensors; for a nested structure (a dict of parameters, say) the same
    structure of gradients."""
    if not hasattr(y, "shape") or y.shape != ():
        raise ValueError(f"grad: the output must be a scalar, got shape {getattr(y, 'shape', y)}; "
                         "use gc.vjp or gc.jacobian for non-scalar outputs")
    if not pytree.is_flat(wrt):
        leaves, treedef = pytree.flatten(wrt)
        return pytree.unflatten(treedef, vjp(y, leaves, const(1.0, y.dtype)) if leaves else [])
    return vjp(y, wrt if not isinstance(wrt, tuple) else list(wrt), const(1.0, y.dtype))


def value_and_grad(y, wrt):
    """(y, gc.grad(y, wrt))."""
    return y, grad(y, wrt)


def _basis(n, shape, dtype):
    """The n unit vectors of `shape` stacked along a leading axis, (n,) + shape: an
    expression of indices, so no n×n constant is stored in the generated code."""
    return reshape(eye(n, dtype), (n,) + shape)


def choose_mode(y, x) -> str:
    """The mode "auto" picks: forward when x has fewer elements than y, else reverse."""
    return "forward" if x.size < y.size else "reverse"


def jacobian(y, x, mode="auto"):
    """The Jacobian of `y` w.r.t. `x`, of shape y.shape + x.shape (a list for a list of x).

    Forward mode pushes all x.size basis tangents through one batched graph, reverse
    mode pulls all y.size basis cotangents through one; "auto" takes the cheaper.
    """
    if isinstance(x, (list, tuple)):
        return [jacobian(y, xi, mode) for xi in x]
    ys_l, _ = as_list(y, "jacobian: output")
    _float_outputs(ys_l, "jacobian")
    if mode == "auto":
        mode = choose_mode(y, x)
    if mode == "forward":
        return _jacobian_forward(y, x)
    if mode == "reverse":
        return _jacobian_reverse(y, x)
    raise ValueError(f"jacobian: mode must be 'forward', 'reverse' or 'auto', got {mode!r}")


def pushforwards(y, x, tangents):
    """The JVPs of y along each of the stacked `tangents` ((c,) + x.shape), as one batched
    graph of shape (c,) + y.shape; None when y does not depend on x."""
    placeholder = var("tangent", x.shape, x.dtype)
    ty = push_tangents([y], {x.id: placeholder})[y.id]
    if ty is None:
        return None
    return batch_graph([ty], {placeholder.id: tangents}, tangents.shape[0])[0]


def pullbacks(y, x, cotangents):
    """The VJPs of x for each of the stacked `cotangents` ((c,) + y.shape), as one batched
    graph of shape (c,) + x.shape; None when y does not depend on x."""
    placeholder = var("cotangent", y.shape, y.dtype)
    cx = pull_cotangents({y.id: placeholder}, [y], [x])[x.id]
    if cx is None:
        return None
    return batch_graph([cx], {placeholder.id: cotangents}, cotangents.shape[0])[0]


def _jacobian_forward(y, x):
    n = x.size
    if n == 1:
        return reshape(jvp(y, x, const(np.ones(x.shape), x.dtype)), y.shape + x.shape)
    stacked = pushforwards(y, x, _basis(n, x.shape, x.dtype))
    if stacked is None:
        return zeros(y.shape + x.shape, y.dtype)
    moved = transpose(stacked, tuple(range(1, stacked.ndim)) + (0,))     # y.shape + (n,)
    return reshape(moved, y.shape + x.shape)


def _jacobian_reverse(y, x):
    m = y.size
    if m == 1:
        return reshape(vjp(y, x, const(np.ones(y.shape), y.dtype)), y.shape + x.shape)
    stacked = pullbacks(y, x, _basis(m, y.shape, y.dtype))
    if stacked is None:
        return zeros(y.shape + x.shape, x.dtype)
    return reshape(stacked, y.shape + x.shape)


def hessian(y, x):
    """The Hessian of scalar `y` w.r.t. `x`, shape x.shape + x.shape (forward over reverse)."""
    if y.shape != ():
        raise ValueError(f"hessian: the output must be a scalar, got shape {y.shape}")
    if isinstance(x, (list, tuple)):
        return [[jacobian(gi, xj, "forward") for xj in x] for gi in grad(y, list(x))]
    return jacobian(grad(y, x), x, mode="forward")


def hvp(y, x, v):
    """The Hessian of scalar `y` times `v`, by forward over reverse: no Hessian is built."""
    if y.shape != ():
        raise ValueError(f"hvp: the output must be a scalar, got shape {y.shape}")
    if isinstance(x, (list, tuple)):
        return jvp(grad(y, list(x)), list(x), list(v))
    return jvp(grad(y, x), x, v)
