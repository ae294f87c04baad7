"""Expressions inside generated loops: each node a `const` local, views folded into
affine indices, zero pads and short reductions written inline; C literals."""
import math
import re

import numpy as np

from .. import dtypes
from ..affine import Affine, Clamped, broadcast_index, clamp, offset
from ..cost import element_cost

REDUCE_INIT = {"reduce_sum": 0, "reduce_prod": 1, "reduce_max": -np.inf, "reduce_min": np.inf}
REDUCE_COMBINE = {
    "reduce_sum": lambda acc, v: f"{acc} += {v};",
    "reduce_prod": lambda acc, v: f"{acc} *= {v};",
    "reduce_max": lambda acc, v: f"if ({v} > {acc} || {v} != {v}) {acc} = {v};",
    "reduce_min": lambda acc, v: f"if ({v} < {acc} || {v} != {v}) {acc} = {v};",
}
UNROLL = 4           # loops this short are written out
_SFX = {dtypes.float64: "_f64", dtypes.float32: "_f32"}


def literal(value, dtype) -> str:
    """A C literal of `dtype` that reads back exactly."""
    dtype = np.dtype(dtype)
    if dtype == dtypes.bool_:
        return "1" if value else "0"
    v = float(value)
    if np.isnan(v) or np.isinf(v):
        text = "NAN" if np.isnan(v) else "INFINITY" if v > 0 else "(-INFINITY)"
        return f"(({dtypes.ctype(dtype)}){text})"
    return _finite(repr(float(np.asarray(v, dtype=dtype))), dtype)


def _finite(text, dtype) -> str:
    """The C literal of a finite number whose shortest repr is `text`."""
    text += "f" if dtype == dtypes.float32 else ""
    return f"({text})" if text[0] == "-" else text


def literals(array, dtype) -> str:
    """literal() of every element of `array`, comma-separated: the finite ones formatted
    in one pass (a 10⁶-entry constant took 9 s one literal() at a time)."""
    dtype = np.dtype(dtype)
    flat = np.asarray(array, dtype=dtype).reshape(-1)
    if dtype == dtypes.bool_ or not np.isfinite(flat).all():
        return ", ".join(literal(v, dtype) for v in flat)
    return ", ".join(_finite(t, dtype) for t in map(repr, flat.astype(np.float64).tolist()))


def sanitize_comment(text) -> str:
    """User text made safe inside a C comment: printable ASCII, no comment delimiters."""
    text = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in str(text))
    return text.replace("*/", "*?").replace("/*", "/?").replace("\\", "/")


class Body:
    """The statements of one loop body: each inlined node becomes one `const` local."""

    def __init__(self, program, refs, flat_key=None, flat_var="i", pad_state=None):
        self.program, self.refs = program, refs
        self.pad_state = pad_state or {}       # pad id -> operand in range (True) or zero
        self.pad_conditions = []               # (pad id, [(inner index, size)]) when unknown
        self.lines, self.memo, self.offsets = [], {}, []
        self.accesses = []                     # (buffer, offset) of every read
        self.flat_key, self.flat_var = flat_key, flat_var
        self.count = 0
        self.cost = 0                          # per-element cost of the inlined nodes (cost.py)
        self.uses_index = False
        self.need = lambda helper, dtype: None  # set by the Emitter: records csrc routines used
        self.rebind = {}                        # set by the Emitter: original buffer id -> copy

    def read(self, buf, shape, index):
        buf = self.rebind.get(id(buf), buf)      # a recomputed value lives in its copy
        if buf.kind == "local":
            return buf.name
        off = offset(index, shape)
        self.offsets.append(off)
        self.accesses.append((buf, off))
        text = self.flat_var if self.flat_key is not None and off.key() == self.flat_key else off.c()
        return f"{self.refs[buf.name]}[{text}]"

    def gen_pad(self, node, index):
        """A zero pad read inline, branch-free: the operand is read at a clamped (always
        valid) index and the result selected, so the loop still vectorises."""
        x = node.inputs[0]
        inner = [Affine.of(i) - lo for i, lo in zip(index, node.params["lo"])]
        if node.id in self.pad_state:             # this loop segment knows the answer
            return self.gen(x, inner) if self.pad_state[node.id] else literal(0, node.dtype)
        self.pad_conditions.append((node.id, list(zip(inner, x.shape))))
        conds, clamped = [], []
        for i, n in zip(inner, x.shape):
            if isinstance(i, Clamped) or i.terms or not 0 <= i.const < n:
                conds += [f"{i.c()} >= 0", f"{i.c()} < {n}"]
                clamped.append(clamp(i, n))
            else:
                clamped.append(i)
        value = self.gen(x, clamped)
        if not conds:
            return value
        self.uses_index = True                   # the conditions name the loop variables
        T = dtypes.ctype(node.dtype)
        # The read is a statement of its own, before the select: written inside the
        # conditional, gcc 12 turns it into a masked vector load and miscompiles the loop
        # when an inlined exp follows (-O3 -march=native -fno-trapping-math: pad then
        # exp(-x²) gave exp(0) on the whole first vector; the fusion property test found it).
        loaded, local = f"v{self.count}", f"v{self.count + 1}"
        self.count += 2
        self.lines.append(f"const {T} {loaded} = {value};")
        self.lines.append(f"const {T} {local} = ({' && '.join(conds)}) ? {loaded} : ({T})0;")
        return local

    def gen_reduce(self, node, index):
        """A reduction computed inline: a nested loop over the reduced axes, in a block of
        its own so that the operand's locals stay inside it."""
        x, axes = node.inputs[0], node.params["axes"]
        T = dtypes.ctype(node.dtype)
        local = f"v{self.count}"
        self.count += 1
        extent = math.prod([x.shape[k] for k in axes])
        if extent <= UNROLL:                      # a short reduction is written out
            kept = list(index)
            terms = []
            for combo in np.ndindex(*[x.shape[k] for k in axes]):
                full, it, ic = [None] * x.ndim, iter(kept), iter(combo)
                for k in range(x.ndim):
                    full[k] = Affine.of(int(next(ic))) if k in axes else next(it)
                terms.append(self.gen(x, full))
            self.lines.append(f"{T} {local} = {terms[0]};")
            for t in terms[1:]:
                self.lines.append(REDUCE_COMBINE[node.op.name](local, t))
            return local
        full, kept, opens = [None] * x.ndim, iter(index), []
        for k in range(x.ndim):
            if k in axes:
                var = f"r{local[1:]}x{k}"
                full[k] = Affine.var(var)
                opens.append(f"for (int {var} = 0; {var} < {x.shape[k]}; ++{var}) {{")
            else:
                full[k] = next(kept)
        saved_lines, saved_memo = self.lines, dict(self.memo)
        self.lines = []
        value = self.gen(x, full)
        inner = self.lines + [REDUCE_COMBINE[node.op.name](local, value)]
        self.lines, self.memo = saved_lines, saved_memo
        self.lines.append(f"{T} {local} = {literal(REDUCE_INIT[node.op.name], node.dtype)};")
        self.lines += opens + ["    " + line for line in inner] + ["}"] * len(opens)
        return local

    def gen(self, node, index, root=False):
        """C expression for `node` at `index` (a list of Affine), emitting its statements."""
        storage = self.program.storage
        if not root and node.id in storage:
            return self.read(storage[node.id], node.shape, index)
        name = node.op.name
        if name == "const":                      # a stored constant is read above; this one is a scalar
            flat = node.params["value"].array.reshape(-1)
            return literal(flat[0] if flat.size else 0, node.dtype)     # (an empty one's loop never runs)
        if name == "iota":
            self.uses_index = True               # the loop must keep its index variables
            return f"(({dtypes.ctype(node.dtype)})({Affine.of(index[node.params['axis']]).c()}))"
        key = (node.id, tuple(Affine.of(i).key() for i in index))
        if key in self.memo:
            return self.memo[key]
        if node.op.view is not None:
            result = self.gen(node.inputs[0], node.op.view(node, index))
        elif name == "pad":
            result = self.gen_pad(node, index)
        elif name in REDUCE_INIT:
            result = self.gen_reduce(node, index)
        else:
            args = [self.gen(x, broadcast_index(index, x.shape, node.shape)) for x in node.inputs]
            template = node.op.c(**node.params) if callable(node.op.c) else node.op.c
            math_dtype = node.inputs[0].dtype if node.inputs else node.dtype
            text = template.format(*args, f="f" if math_dtype == dtypes.float32 else "",
                                   T=dtypes.ctype(node.dtype), v=_SFX.get(math_dtype, ""))
            if "{v}" in template:
                self.need(getattr(node.op, "csrc", "vmath"), math_dtype)
            local = f"v{self.count}"
            self.count += 1
            self.cost += element_cost(node)
            self.lines.append(f"const {dtypes.ctype(node.dtype)} {local} = {text};")
            result = local
        self.memo[key] = result
        return result


_LOOP_HEAD = re.compile(r"for \(int (\w+) = 0; \1 < (\d+); \+\+\1\) \{")   # a head made by _loops


def outer_range(opens, lo, hi):
    """(n, variable, lines): loop nest `opens` (from _loops) with its outer loop over
    [lo, hi) instead of [0, n), for a thread's share of it; `lo` and `hi` may name the loop
    variable as {var}. None when the outer line is not such a loop."""
    head = _LOOP_HEAD.fullmatch(opens[0])
    if head is None:
        return None
    var, n = head.group(1), int(head.group(2))
    lo, hi = lo.format(var=var), hi.format(var=var)
    return n, var, [f"for (int {var} = {lo}; {var} < {hi}; ++{var}) {{"] + opens[1:]


def _loops(shape, var):
    """(opening lines, closing lines, index) of a row-major loop nest over `shape`."""
    opens, index = [], []
    for k, d in enumerate(shape):
        if d == 1:
            index.append(Affine())
            continue
        v = f"{var}{k}"
        opens.append(f"for (int {v} = 0; {v} < {d}; ++{v}) {{")
        index.append(Affine.var(v))
    return opens, ["}"] * len(opens), index


def _pad_segments(conditions, shape):
    """(axis, [(start, stop, pad_state)]) when every inlined pad's range condition is an
    interval of one loop variable, i{axis} + c; else None."""
    if not conditions:
        return None
    axis, intervals = None, {}
    for pad_id, dims in conditions:
        for inner, n in dims:
            if isinstance(inner, Clamped):
                return None
            if not inner.terms:
                if not 0 <= inner.const < n:
                    return None
                continue
            if len(inner.terms) != 1 or inner.terms[0][1] != 1:
                return None
            name = inner.terms[0][0]
            if not (name[0] == "i" and name[1:].isdigit()):
                return None
            var = int(name[1:])
            if axis not in (None, var) or pad_id in intervals:
                return None
            axis = var
            intervals[pad_id] = (-inner.const, n - inner.const)
    if axis is None:
        return None
    size = shape[axis]
    cuts = sorted({0, size} | {min(max(e, 0), size) for iv in intervals.values() for e in iv})
    segments = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        if a < b:
            segments.append((a, b, {p: lo <= a and b <= hi for p, (lo, hi) in intervals.items()}))
    return axis, segments


def _collapse_scalar(lines, out, refs):
    """`const T v = e; o[0] = v;` as one statement `target = e;` (scalar code stays short)."""
    target = out.name if out.kind == "local" else f"{refs[out.name]}[0]"
    if len(lines) == 2 and lines[0].startswith("const ") and lines[1].endswith(" = v0;"):
        expr = lines[0].split(" = ", 1)[1]
        return [f"{target} = {expr}"]
    body = [line.replace("o[0] = ", f"{target} = ", 1) if line.startswith("o[0] = ") else line for line in lines]
    return ["{"] + _indent(body, 1) + ["}"]


def _indent(lines, depth):
    return ["    " * depth + line for line in lines]
