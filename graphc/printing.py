"""Seeing a graph: a numbered SSA listing (`format`) and Graphviz DOT text (`to_dot`).

Nodes are numbered locally, in topological order, so a listing is the same in every run.
"""
from . import dtypes
from .ir import toposort


def type_str(node) -> str:
    """'f64[3,4]' (or a tuple of them for a node with several results)."""
    if node.op.multiple_results:
        return "(" + ", ".join(_one_type(s, d) for s, d in zip(node.shape, node.dtype)) + ")"
    return _one_type(node.shape, node.dtype)


def _one_type(shape, dtype):
    return f"{dtypes.short(dtype)}[{','.join(map(str, shape))}]"


def _outputs(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def _attr_str(node) -> str:
    if node.op.name == "const":
        return " " + repr(node.attrs[0][1])
    if node.op.name == "var":
        return " " + repr(node.name)
    if not node.attrs:
        return ""
    return "[" + ", ".join(f"{k}={_short(v)}" for k, v in node.attrs) + "]"


def _short(value):
    return getattr(value, "name", None) if hasattr(value, "kind") else value


def format(outputs) -> str:  # noqa: A001 - the API's name
    """The graph of `outputs` as numbered SSA lines: `%i = op[attrs] %a, %b : type  # name`.

    >>> print(gc.format(y))
    %0 = var : f64[]  # w1
    %1 = log %0 : f64[]
    ...
    """
    outs = _outputs(outputs)
    order = toposort(outs)
    number = {n.id: i for i, n in enumerate(order)}
    lines = []
    for node in order:
        args = ", ".join(f"%{number[i.id]}" for i in node.inputs)
        text = f"%{number[node.id]} = {node.op.name}{_attr_str(node)}"
        if args:
            text += " " + args
        text += f" : {type_str(node)}"
        lines.append(text)
    lines.append("return " + ", ".join(f"%{number[o.id]}" for o in outs))
    return "\n".join(lines)


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def to_dot(outputs) -> str:
    """The graph of `outputs` as Graphviz DOT text (inputs as ellipses, outputs doubled)."""
    outs = _outputs(outputs)
    order = toposort(outs)
    number = {n.id: i for i, n in enumerate(order)}
    out_ids = {o.id for o in outs}
    lines = ["digraph graphc {", "  rankdir=TB;", '  node [fontname="monospace"];']
    for node in order:
        parts = [f"%{number[node.id]} {node.op.name}{_attr_str(node)}", type_str(node)]
        attrs = ['label="' + "\\n".join(_dot_escape(p) for p in parts) + '"']
        if node.op.name == "var":
            attrs.append("shape=ellipse")
        elif node.op.name == "const":
            attrs.append("shape=plaintext")
        else:
            attrs.append("shape=box")
        if node.id in out_ids:
            attrs.append("peripheries=2")
        lines.append(f"  n{number[node.id]} [{', '.join(attrs)}];")
        for i in node.inputs:
            lines.append(f"  n{number[i.id]} -> n{number[node.id]};")
    lines.append("}")
    return "\n".join(lines)
