"""Forward mode: push tangents from inputs to outputs through each op's JVP rule.

Tangents are tensors of the same graph, so the result can be differentiated again or
compiled with the values. A tangent known to be zero is `None` (a symbolic zero) and
costs nothing; only the outputs' zeros are instantiated, as broadcast scalars.
"""
from .. import dtypes
from ..ops.shape import broadcast_to
from ..ops.core import cast
from ..ir import toposort
from .common import depends_on


def push_tangents(outputs, seeds: dict) -> dict:
    """Map node id -> tangent (or None) for every node of `outputs`' graph.

    `seeds` maps a node id to its tangent. A seeded intermediate node adds its seed to
    the tangent flowing in from its inputs, so that the result is Σᵢ (∂y/∂xᵢ)·tᵢ with
    total derivatives, matching the adjoints of reverse mode.
    """
    order = toposort(outputs)
    seeded = [n for n in order if n.id in seeds]
    live = depends_on(order, seeded)
    tangent = {}
    for node in order:
        if node.id not in live or node.dtype not in dtypes.FLOATS and not node.op.multiple_results:
            t = None
        elif node.op.name == "tuple_get":
            parent = tangent[node.inputs[0].id]
            t = None if parent is None else parent[node.params["index"]]
        else:
            t = _jvp_node(node, [tangent[i.id] for i in node.inputs])
        if node.id in seeds:
            t = seeds[node.id] if t is None else t + seeds[node.id]
        tangent[node.id] = t
    return tangent


def _jvp_node(node, tangents):
    """The tangent of `node` from its inputs' tangents, summed over the inputs."""
    op, params = node.op, node.params
    out = _results(node) if op.multiple_results else node
    if getattr(op, "jvp_all", None) is not None:       # one rule for all operands (scan)
        parts = op.jvp_all(tangents, out, *node.inputs, **params)
        return tuple(None if p is None else _fit(p, o) for p, o in zip(parts, out))
    total = None
    for i, t in enumerate(tangents):
        rule = op.rule("jvp", i) if t is not None else None
        if rule is None:
            continue
        part = rule(t, out, *node.inputs, **params)
        if op.multiple_results:
            part = tuple(None if p is None else _fit(p, o) for p, o in zip(part, out))
            total = part if total is None else tuple(
                a if b is None else b if a is None else a + b for a, b in zip(total, part))
        else:
            part = _fit(part, node)
            total = part if total is None else total + part
    return total


def _fit(t, like):
    """A rule's tangent brought to the node's shape (broadcast) and dtype."""
    if t.dtype != like.dtype:
        t = cast(t, like.dtype)
    return broadcast_to(t, like.shape) if t.shape != like.shape else t


def _results(node):
    from ..ops.linalg import results
    return results(node)
