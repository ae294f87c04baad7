"""Graphs as plain data (for pickling compiled functions by graph, not by pointer)."""
from .ir import make_node, toposort
from .ops import REGISTRY


def dump_graph(inputs, outputs) -> dict:
    order = toposort(list(outputs) + list(inputs))
    position = {n.id: k for k, n in enumerate(order)}
    nodes = [(n.op.name, [position[i.id] for i in n.inputs], n.attrs, n.shape, n.dtype, n.name)
             for n in order]
    return {"nodes": nodes, "inputs": [position[v.id] for v in inputs],
            "outputs": [position[o.id] for o in outputs]}


def load_graph(data):
    built = []
    for op_name, operands, attrs, shape, dtype, name in data["nodes"]:
        built.append(make_node(REGISTRY[op_name], tuple(built[k] for k in operands), attrs, shape, dtype, name))
    return [built[k] for k in data["inputs"]], [built[k] for k in data["outputs"]]
