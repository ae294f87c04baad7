"""Static cost estimates: floating-point operations of each node (for `f.flops`)."""
import math

_LINALG = {
    "matmul": lambda n: 2 * n.size * n.inputs[0].shape[-1],
    "solve": lambda n: _batch(n.inputs[0]) * (2 * n.inputs[0].shape[-1] ** 3 // 3) + 2 * n.size * n.shape[-2],
    "inv": lambda n: _batch(n) * 2 * n.shape[-1] ** 3,
    "det": lambda n: _batch(n.inputs[0]) * 2 * n.inputs[0].shape[-1] ** 3 // 3,
    "slogdet": lambda n: _batch(n.inputs[0]) * 2 * n.inputs[0].shape[-1] ** 3 // 3,
    "solve_triangular": lambda n: n.size * n.shape[-2],
    "cholesky": lambda n: _batch(n) * n.shape[-1] ** 3 // 3,
    "expm": lambda n: _batch(n) * 16 * n.shape[-1] ** 3,
    "expm_frechet": lambda n: _batch(n) * 44 * n.shape[-1] ** 3,
    "qr": lambda n: _batch(n.inputs[0]) * 4 * max(n.inputs[0].shape[-2:]) * min(n.inputs[0].shape[-2:]) ** 2,
    "svd": lambda n: _batch(n.inputs[0]) * 12 * max(n.inputs[0].shape[-2:]) * min(n.inputs[0].shape[-2:]) ** 2,
}
_FREE = {"var", "const", "reshape", "transpose", "broadcast_to", "slice", "rev", "tuple_get", "pad",
         "concatenate", "stop_gradient", "optimization_barrier"}


def _batch(x):
    return math.prod(x.shape[:-2])


def node_flops(node) -> int:
    """Estimated floating-point operations to compute `node` once."""
    name = node.op.name
    if name in _FREE:
        return 0
    if name in _LINALG:
        return int(_LINALG[name](node))
    if name.startswith("reduce_"):
        return node.inputs[0].size
    return node.size


def graph_flops(order) -> int:
    return sum(node_flops(n) for n in order)


# Relative cost of one element of an elementwise op, for deciding whether to recompute
# a value inside each loop that reads it rather than store it.
_ELEMENT_COST = {"add": 1, "sub": 1, "mul": 1, "neg": 1, "abs": 1, "sign": 1, "where": 1, "cast": 1,
                 "maximum": 1, "minimum": 1, "stop_gradient": 0, "optimization_barrier": 0, "lt": 1, "le": 1, "gt": 1, "ge": 1,
                 "eq": 1, "ne": 1, "pad": 1, "div": 4, "sqrt": 6}


def element_cost(node) -> int:
    """Cost of computing one element of elementwise `node` from its operands."""
    return _ELEMENT_COST.get(node.op.name, 20)
