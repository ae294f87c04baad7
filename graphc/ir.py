"""The graph: immutable, interned nodes (`Tensor`) and iterative walks over them.

Building the same op on the same operands with the same attributes twice returns the
same node, so common subexpressions merge at construction and `a is b` means
structural equality. Variables are never merged: each `gc.var` call is a new input.
Every walk is iterative, so 100,000-node chains need no recursion.
"""
import itertools
import math
import weakref

_serial = itertools.count()
_interned: "weakref.WeakValueDictionary" = weakref.WeakValueDictionary()


class Tensor:
    """A node of the graph: `op` applied to `inputs` with static `attrs`.

    `shape` is a tuple of ints and `dtype` a np.dtype. A primitive with several results
    (svd, slogdet) has a tuple of shapes and a tuple of dtypes; users only ever see the
    `tuple_get` nodes that project it. Hashable by identity; operators live in `dsl`.
    """

    __slots__ = ("op", "inputs", "attrs", "shape", "dtype", "name", "id", "size", "__weakref__")
    __hash__ = object.__hash__
    __array_ufunc__ = None          # NumPy defers to Tensor (dsl installs the dispatch to graphc.numpy)

    def __init__(self, op, inputs, attrs, shape, dtype, name=None):
        init = object.__setattr__
        init(self, "op", op)
        init(self, "inputs", inputs)
        init(self, "attrs", attrs)
        init(self, "shape", shape)
        init(self, "dtype", dtype)
        init(self, "name", name)
        init(self, "id", next(_serial))
        init(self, "size", 0 if op.multiple_results else math.prod(shape))   # element count

    @property
    def params(self) -> dict:
        """The static attributes as a dict (the keyword arguments of the op's rules)."""
        return dict(self.attrs)

    @property
    def multiple_results(self) -> bool:
        return self.op.multiple_results

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __bool__(self):
        raise TypeError(
            f"the truth value of a symbolic tensor ({self!r}) is unknown until it is "
            "evaluated; use gc.where for a data-dependent choice")

    def __setattr__(self, key, value):
        raise AttributeError("graphc tensors are immutable")

    def __repr__(self):
        from .printing import type_str
        name = f" {self.name!r}" if self.name is not None else ""
        args = ", ".join(f"%{i.id}" for i in self.inputs)
        return f"<Tensor %{self.id} = {self.op.name}({args}){name} : {type_str(self)}>"

    def __reduce__(self):
        raise TypeError("graphc tensors cannot be pickled on their own; pickle a compiled function")


def next_id() -> int:
    """A fresh serial number: every node created after this call has a larger id."""
    return next(_serial)


def make_node(op, inputs, attrs, shape, dtype, name=None) -> Tensor:
    """The interned node for `op(inputs; attrs)`; `name` only labels a new leaf."""
    if op.interned:
        key = (op.name, tuple(i.id for i in inputs), attrs)
        node = _interned.get(key)
        if node is None:
            node = Tensor(op, inputs, attrs, shape, dtype, name)
            _interned[key] = node
        return node
    return Tensor(op, inputs, attrs, shape, dtype, name)


def toposort(outputs) -> list:
    """All nodes the `outputs` depend on, each after its inputs; deterministic, iterative."""
    order, seen = [], set()
    for out in outputs:
        if out.id in seen:
            continue
        seen.add(out.id)
        stack = [(out, iter(out.inputs))]
        while stack:
            node, pending = stack[-1]
            for inp in pending:
                if inp.id not in seen:
                    seen.add(inp.id)
                    stack.append((inp, iter(inp.inputs)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def leaves(outputs, op_name="var") -> list:
    """The nodes of op `op_name` (by default the variables) that `outputs` depend on."""
    return [n for n in toposort(outputs) if n.op.name == op_name]


def users(order) -> dict:
    """Map node id -> list of nodes (within `order`) that read it."""
    result = {n.id: [] for n in order}
    for n in order:
        for i in n.inputs:
            result[i.id].append(n)
    return result


def substitute(outputs, mapping) -> list:
    """`outputs` rebuilt with the nodes of `mapping` (node id -> Tensor) replaced; nodes
    downstream of a replacement are rebuilt with the same op and attributes."""
    built = dict(mapping)
    for n in toposort(outputs):
        if n.id in built:
            continue
        inputs = tuple(built.get(i.id, i) for i in n.inputs)
        if any(a is not b for a, b in zip(inputs, n.inputs)):
            built[n.id] = make_node(n.op, inputs, n.attrs, n.shape, n.dtype, n.name)
    return [built.get(o.id, o) for o in outputs]
