"""Batching (vmap): rewrite a graph so that some inputs carry an extra leading axis.

Jacobians use it to push all n basis tangents (or pull all m basis cotangents) through
one graph instead of n copies: the batch axis rides through each op by its batch rule.
"""
from ..ir import toposort
from ..ops.shape import broadcast_to


def batch_graph(outputs, replacements: dict, size: int) -> list:
    """`outputs` with each node id in `replacements` replaced by a batched tensor
    (leading axis of length `size`); every output gets that leading axis."""
    order = toposort(outputs)
    value = {}
    batched = set()
    for node in order:
        if node.id in replacements:
            value[node.id] = replacements[node.id]
            batched.add(node.id)
            continue
        flags = [i.id in batched for i in node.inputs]
        if not any(flags):
            value[node.id] = node
            continue
        args = [value[i.id] for i in node.inputs]
        value[node.id] = node.op.batch(args, flags, **node.params)
        batched.add(node.id)
    results = []
    for out in outputs:
        v = value[out.id]
        results.append(v if out.id in batched else broadcast_to(v, (size,) + out.shape))
    return results
