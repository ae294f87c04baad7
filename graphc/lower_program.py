"""The program `lower` makes: buffers, instructions, the program itself, and the
structural questions about nodes that both lowering and its parts ask."""
import math
from dataclasses import dataclass, field

import numpy as np

LU_USERS = {"solve", "inv", "det", "slogdet"}       # ops that read a matrix's LU factors


@dataclass(eq=False)
class Buffer:
    """Storage for one value: kind is input, output, const, local, arena or scratch."""
    name: str
    shape: tuple
    dtype: np.dtype
    kind: str
    index: int = None              # argument position (input/output)
    value: np.ndarray = None       # constants
    ctype: str = None              # element C type
    offset: int = None             # arena byte offset (schedule.memory)

    @property
    def size(self):
        return math.prod(self.shape)

    @property
    def nbytes(self):
        return self.size * (4 if self.ctype in ("int", "float") else 1 if self.ctype == "unsigned char" else 8)


@dataclass(eq=False)
class Instr:
    """One step of the program: `kind` in loop, reduce, pad, concat, copy, lu, call."""
    kind: str
    node: object                   # the node computed (None for lu)
    outs: list                     # buffers written
    reads: list = field(default_factory=list)     # buffers read
    scratch: list = field(default_factory=list)   # arena buffers used only inside
    extra: dict = field(default_factory=dict)


@dataclass(eq=False)
class Program:
    inputs: list                   # var nodes, in argument order
    outputs: list                  # output nodes, in result order
    instrs: list
    storage: dict                  # node id -> Buffer holding its value (materialized nodes)
    buffers: list                  # every buffer
    inlined: set                   # ids of nodes computed inside their consumers' loops
    arena_bytes: int = 0           # set by schedule.memory.assign_buffers
    inplace: set = field(default_factory=set)   # output positions that alias their input (scan bodies)

    def buffer_of(self, node):
        return self.storage.get(node.id)


def is_swap_last_two(node):
    """A transpose that swaps the last two axes only (a matrix transpose of a stack)."""
    if node.op.name != "transpose":
        return False
    perm = node.params["perm"]
    n = len(perm)
    return n >= 2 and perm == tuple(range(n - 2)) + (n - 1, n - 2)


def leading_window(x):
    """The element offset when `x` is a contiguous window x = y[a:b] along y's leading
    axis (other axes whole), which a loop can read in place; else None."""
    if x.op.name != "slice" or x.ndim == 0:
        return None
    p, y = x.params, x.inputs[0]
    whole = all(a == 0 and b == d and s == 1 for a, b, s, d in
                zip(p["start"][1:], p["stop"][1:], p["step"][1:], y.shape[1:]))
    return p["start"][0] * math.prod(y.shape[1:]) if whole and p["step"][0] == 1 else None
