"""Nested containers of tensors (JAX's pytrees, restricted to tuples, lists, dicts and
None): flattened to a list of leaves and a picklable description of the structure, so
that `gc.grad(loss, params)` with a dict of parameters returns a dict, and a compiled
function returns (and takes) the structures it was built with."""
from .ir import Tensor


def flatten(tree):
    """(leaves, treedef): the leaves in order (dict entries in insertion order) and the
    structure as nested tuples: ("leaf",), ("none",), ("tuple" | "list", children),
    ("dict", keys, children)."""
    leaves = []

    def walk(t):
        if t is None:
            return ("none",)
        if isinstance(t, (tuple, list)):
            return ("tuple" if isinstance(t, tuple) else "list", tuple(walk(c) for c in t))
        if isinstance(t, dict):
            keys = tuple(t)
            return ("dict", keys, tuple(walk(t[k]) for k in keys))
        leaves.append(t)
        return ("leaf",)
    return leaves, walk(tree)


def unflatten(treedef, leaves):
    """The structure `treedef` filled with `leaves` (in order)."""
    it = iter(leaves)

    def build(d):
        kind = d[0]
        if kind == "leaf":
            return next(it)
        if kind == "none":
            return None
        if kind == "dict":
            return {k: build(c) for k, c in zip(d[1], d[2])}
        children = [build(c) for c in d[1]]
        return tuple(children) if kind == "tuple" else children
    result = build(treedef)
    if next(it, None) is not None:
        raise ValueError("unflatten: more leaves than the structure holds")
    return result


def flatten_like(treedef, tree) -> list:
    """The leaves of `tree` read by the structure `treedef` (a leaf position takes whatever
    is there: an array, a number, a list of numbers); raises on a mismatch."""
    leaves = []

    def walk(d, t):
        kind = d[0]
        if kind == "leaf":
            leaves.append(t)
        elif kind == "none":
            if t is not None:
                raise ValueError(f"expected None, got {type(t).__name__}")
        elif kind == "dict":
            if not isinstance(t, dict) or set(t) != set(d[1]):
                raise ValueError(f"expected a dict with keys {list(d[1])}, got "
                                 f"{list(t) if isinstance(t, dict) else type(t).__name__}")
            for k, c in zip(d[1], d[2]):
                walk(c, t[k])
        else:
            if not isinstance(t, (tuple, list)) or len(t) != len(d[1]):
                raise ValueError(f"expected a sequence of {len(d[1])}, got "
                                 f"{len(t) if isinstance(t, (tuple, list)) else type(t).__name__}")
            for c, x in zip(d[1], t):
                walk(c, x)
    walk(treedef, tree)
    return leaves


def is_flat(tree) -> bool:
    """A tensor, or a list or tuple of tensors: the shapes graphc's API always took."""
    return isinstance(tree, Tensor) or (isinstance(tree, (tuple, list)) and
                                        all(isinstance(t, Tensor) for t in tree))


def describe(treedef) -> str:
    """A short text of a structure, for error messages."""
    kind = treedef[0]
    if kind == "leaf":
        return "*"
    if kind == "none":
        return "None"
    if kind == "dict":
        return "{" + ", ".join(f"{k!r}: {describe(c)}" for k, c in zip(treedef[1], treedef[2])) + "}"
    inner = ", ".join(describe(c) for c in treedef[1])
    return f"({inner}{',' if len(treedef[1]) == 1 else ''})" if kind == "tuple" else f"[{inner}]"
