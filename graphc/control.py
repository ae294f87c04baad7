"""JAX's structured control flow over a static graph: `cond`, `switch`, `map` and
`while_loop`.

A graph is data-independent, so `cond` and `switch` compute every branch and select the
result per entry (what JAX's `cond` becomes under `vmap`): they take branch functions
and operands as JAX does, a Python bool picks its branch at build time, and derivatives
flow only through the selected branch (guard values a branch must not see, as with
`gc.where`: a NaN in the other branch does not reach the value, but log(0)'s infinite
slope times zero still is NaN). `map` is a scan without a carry: one C loop.
`while_loop` needs a bound (`max_iterations`): it is a loop of that many steps whose
step leaves the state as it is once the condition fails, so it runs the same steps
whatever the data, and differentiates in both modes (JAX's cannot be reverse-differentiated)."""
import numbers

import numpy as np

from . import pytree
from .errors import ShapeError
from .ops import elementwise as ew
from .ops.core import lift
from .ops.scan import scan, stopping_scan


def _select(pred, on_true, on_false, what):
    t_leaves, t_tree = pytree.flatten(on_true)
    f_leaves, f_tree = pytree.flatten(on_false)
    if t_tree != f_tree:
        raise TypeError(f"{what}: the branches return different structures: {pytree.describe(t_tree)} and "
                        f"{pytree.describe(f_tree)}")
    out = []
    for k, (a, b) in enumerate(zip(t_leaves, f_leaves)):
        a, b = lift(a), lift(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            raise ShapeError(f"{what}: output {k} of the branches differs: {a.shape} {a.dtype.name} and "
                             f"{b.shape} {b.dtype.name}")
        out.append(ew.where(pred, a, b))
    return pytree.unflatten(t_tree, out)


def _scalar_predicate(pred, what):
    pred = lift(pred)
    if pred.shape != ():
        raise ShapeError(f"{what}: the predicate must be a scalar, got shape {pred.shape}")
    return pred if pred.dtype == np.bool_ else pred != 0


def cond(pred, true_fun, false_fun, *operands):
    """true_fun(*operands) where `pred` holds, else false_fun(*operands) (jax.lax.cond)."""
    if isinstance(pred, (bool, np.bool_, numbers.Number)) and not hasattr(pred, "op"):
        return (true_fun if pred else false_fun)(*operands)
    return _select(_scalar_predicate(pred, "cond"), true_fun(*operands), false_fun(*operands), "cond")


def switch(index, branches, *operands):
    """branches[index](*operands), the index clamped into range (jax.lax.switch)."""
    branches = list(branches)
    if not branches:
        raise ValueError("switch: no branches")
    if isinstance(index, numbers.Number) and not hasattr(index, "op"):
        return branches[min(max(int(index), 0), len(branches) - 1)](*operands)
    index = lift(index)
    if index.shape != ():
        raise ShapeError(f"switch: the index must be a scalar, got shape {index.shape}")
    result = branches[-1](*operands)
    for k in range(len(branches) - 2, -1, -1):         # index ≤ k picks branch k (clamped below)
        result = _select(index < k + 0.5, branches[k](*operands), result, "switch")
    return result


def map(f, xs):                                        # noqa: A001  (jax.lax.map's name)
    """f over the leading axis of xs (a tensor or tuple of tensors), stacking the results:
    jax.lax.map, one loop in C."""
    _, ys = scan(lambda carry, x: (carry, f(x)), (), xs)
    return ys


def while_loop(cond_fun, body_fun, init_val, *, max_iterations=None):
    """body_fun applied to the state while cond_fun(state) holds, at most `max_iterations`
    times (jax.lax.while_loop with the bound a static graph needs). The state is a tensor
    or a nested tuple/list/dict of them.

    Each step is masked (the state frozen once the condition fails), so the loop is
    differentiable in both modes; a flag carried beside the state (cond_fun of the state
    reached) lets the compiled loop stop at the first step that leaves it at 0 when nothing
    needs the later steps (a loop computing values only, not under vmap)."""
    if not isinstance(max_iterations, int) or isinstance(max_iterations, bool) or max_iterations < 0:
        raise ValueError("while_loop: pass max_iterations= (a non-negative int): the graph is static, so the "
                         "loop runs that many masked steps")
    leaves, tree = pytree.flatten(init_val)
    leaves = [lift(v) for v in leaves]

    def holds(state):
        return _scalar_predicate(cond_fun(pytree.unflatten(tree, list(state))), "while_loop")

    def step(state, _):
        *state, flag = state
        current = pytree.unflatten(tree, state)
        going = flag != 0
        new_leaves, new_tree = pytree.flatten(body_fun(current))
        if new_tree != tree:
            raise TypeError(f"while_loop: body_fun returns {pytree.describe(new_tree)}, the state is "
                            f"{pytree.describe(tree)}")
        out = []
        for k, (old, new) in enumerate(zip(state, new_leaves)):
            new = lift(new)
            if new.shape != old.shape or new.dtype != old.dtype:
                raise ShapeError(f"while_loop: state {k} enters as {old.shape} {old.dtype.name} and leaves as "
                                 f"{new.shape} {new.dtype.name}")
            out.append(ew.where(going, new, old))
        flag = ew.where(going & holds(out), 1.0, 0.0)       # 0 from here on: every later step is idle
        return tuple(out) + (flag,), None
    if not max_iterations:
        return pytree.unflatten(tree, leaves)
    start = ew.where(holds(leaves), 1.0, 0.0)
    final, _ = stopping_scan(step, tuple(leaves) + (start,), length=max_iterations, stop=len(leaves))
    return pytree.unflatten(tree, list(final[:-1]))
