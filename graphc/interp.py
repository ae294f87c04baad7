"""The reference interpreter: runs a graph with each primitive's NumPy implementation.

This is the executable specification that compiled code is tested against.
"""
import numpy as np

from .ir import Tensor, toposort


def resolve_feed(variables, feed) -> dict:
    """Map each variable's id to its value from `feed` (keyed by Tensor or by name)."""
    if not isinstance(feed, dict):
        raise TypeError(f"feed must be a dict mapping inputs (or their names) to values, "
                        f"got {type(feed).__name__}")
    by_name = {}
    for v in variables:
        by_name.setdefault(v.name, []).append(v)
    values = {}
    for key, value in feed.items():
        if isinstance(key, Tensor):
            values[key.id] = value
        elif isinstance(key, str):
            matches = by_name.get(key, [])
            if len(matches) > 1:
                raise ValueError(f"feed: several inputs are named {key!r}; key the feed by tensor")
            for v in matches:
                values[v.id] = value
        else:
            raise TypeError(f"feed keys must be input tensors or names, got {key!r}")
    resolved = {}
    for v in variables:
        if v.id not in values:
            raise ValueError(f"feed: no value for input {v.name!r} (shape {v.shape})")
        resolved[v.id] = check_value(v, values[v.id])
    return resolved


def check_value(v, value) -> np.ndarray:
    """`value` as an array of `v`'s dtype and exact shape; ValueError naming the input."""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"input {v.name!r}: expected numbers, got an array of dtype {array.dtype}")
    if array.shape != v.shape:
        raise ValueError(f"input {v.name!r}: expected shape {v.shape}, got shape {array.shape}")
    return array.astype(v.dtype, copy=False)


def evaluate(outputs, feed):
    """Evaluate `outputs` (a tensor, or a list/tuple of them) given `feed` for the inputs.

    >>> gc.evaluate(gc.sin(x) * 2, {x: 0.5})
    array(0.95885108)
    """
    single = not isinstance(outputs, (list, tuple))
    outs = [outputs] if single else list(outputs)
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(f"evaluate: outputs must be graphc tensors, got {type(o).__name__}")
    order = toposort(outs)
    variables = [n for n in order if n.op.name == "var"]
    values = resolve_feed(variables, feed)
    remaining = {}
    for n in order:
        for i in n.inputs:
            remaining[i.id] = remaining.get(i.id, 0) + 1
    keep = {o.id for o in outs}
    with np.errstate(all="ignore"):
        for n in order:
            if n.id not in values:
                args = [values[i.id] for i in n.inputs]
                values[n.id] = n.op.ref(*args, **n.params)
            for i in n.inputs:         # free a value once its last reader has run
                remaining[i.id] -= 1
                if remaining[i.id] == 0 and i.id not in keep:
                    del values[i.id]
    results = [_as_output(values[o.id], o) for o in outs]
    return results[0] if single else type(outputs)(results) if isinstance(outputs, tuple) else results


def _as_output(value, node):
    if node.op.multiple_results:
        return tuple(np.asarray(v, dtype=d) for v, d in zip(value, node.dtype))
    return np.asarray(value, dtype=node.dtype)
