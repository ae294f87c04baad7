"""Reverse mode: pull cotangents from outputs to inputs through each op's VJP rule.

The two shared concerns live here and only here: a cotangent is summed over every use
of a node, and a cotangent of a broadcast operand is summed back to the operand's shape
(unbroadcast). Zero cotangents are `None` and never become arrays.
"""
from .. import dtypes
from ..ir import next_id, toposort
from ..ops.core import cast
from ..ops.reduce import reduce_sum_p
from ..ops.shape import reshape
from .common import depends_on


def pull_cotangents(seeds: dict, outputs, wrt) -> dict:
    """Map node id -> accumulated cotangent for `wrt`'s nodes (None for a zero).

    `seeds` maps an output node id to its cotangent. For an intermediate node of `wrt`
    the result is its adjoint: the total derivative through everything downstream of it.
    """
    first = next_id()
    try:
        return _pull(seeds, outputs, wrt)
    finally:
        BACKWARD_RANGES.append((first, next_id()))


BACKWARD_RANGES = []     # (first, last) node ids created by each pull: the reverse passes


def is_backward(node_id) -> bool:
    """Whether the node was created by a reverse-mode pull (a checkpointing hint)."""
    return any(a < node_id < b for a, b in BACKWARD_RANGES)


def _pull(seeds, outputs, wrt):
    order = toposort(outputs)
    live = depends_on(order, wrt)
    keep = {w.id for w in wrt}
    ct = {}
    for node_id, value in seeds.items():
        ct[node_id] = _accumulate(ct.get(node_id), value)
    for node in reversed(order):
        g = ct.get(node.id)
        if g is None or node.id not in live:
            continue
        if node.op.name == "tuple_get":
            parent = node.inputs[0]
            slots = ct.get(parent.id) or [None] * len(parent.shape)
            index = node.params["index"]
            slots = list(slots)
            slots[index] = _accumulate(slots[index], g)
            ct[parent.id] = slots
            continue
        if any(i.id in live for i in node.inputs):
            _vjp_node(node, g, ct, live)
        if node.id not in keep:
            del ct[node.id]             # no longer needed: keeps the map small
    return {w.id: ct.get(w.id) for w in wrt}


def _vjp_node(node, g, ct, live):
    op, params = node.op, node.params
    if op.multiple_results:
        from ..ops.linalg import results
        out, g = results(node), tuple(g)
    else:
        out = node
    parts = {}                      # an operand used twice (x * x) sums its parts first
    together = None
    if getattr(op, "vjp_all", None):                   # one rule for all operands (scan)
        wanted = [x.id in live and x.dtype in dtypes.FLOATS for x in node.inputs]
        together = op.vjp_all(g, out, *node.inputs, wanted=wanted, **params)
    for i, x in enumerate(node.inputs):
        if x.id not in live or x.dtype not in dtypes.FLOATS:
            continue
        if together is not None:
            part = together[i]
        else:
            rule = op.rule("vjp", i)
            if rule is None:
                continue
            part = rule(g, out, *node.inputs, **params)
        if part is not None:
            parts[x.id] = (x, _accumulate(parts.get(x.id, (x, None))[1], unbroadcast(part, x)))
    for x_id, (x, part) in parts.items():
        ct[x_id] = _accumulate(ct.get(x_id), part)


def _accumulate(total, part):
    if total is None:
        return part
    if isinstance(total, list):
        return [a if b is None else b if a is None else a + b for a, b in zip(total, part)]
    return total + part


def unbroadcast(g, x):
    """Sum cotangent `g` over the axes along which `x` was broadcast; cast to x's dtype."""
    if g.dtype != x.dtype:
        g = cast(g, x.dtype)
    if g.shape == x.shape:
        return g
    lead = g.ndim - x.ndim
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(x.shape)
                                      if d == 1 and g.shape[lead + i] != 1)
    if axes:
        g = reduce_sum_p.bind(g, axes=axes)
    return reshape(g, x.shape)
