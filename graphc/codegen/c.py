"""Program -> C99 text. Renders the decisions of `lower` and `schedule.memory`; decides nothing.

One entry point per program, CasADi's calling convention without Python headers:
    int NAME(const void *const *arg, void *const *res, void *work);
`arg[i]` points at input i, `res[j]` at output j (C-contiguous), `work` at
NAME_WORK_BYTES bytes of scratch (64-byte aligned). Returns 0, or an error code
(1 singular matrix, 2 matrix not positive definite, 3 SVD did not converge).
"""
import math
import numpy as np

from .. import dtypes
from ..affine import Affine, Clamped, broadcast_index, clamp, offset
from . import csrc

REDUCE_INIT = {"reduce_sum": 0, "reduce_prod": 1, "reduce_max": -np.inf, "reduce_min": np.inf}
REDUCE_COMBINE = {
    "reduce_sum": lambda acc, v: f"{acc} += {v};",
    "reduce_prod": lambda acc, v: f"{acc} *= {v};",
    "reduce_max": lambda acc, v: f"if ({v} > {acc} || {v} != {v}) {acc} = {v};",
    "reduce_min": lambda acc, v: f"if ({v} < {acc} || {v} != {v}) {acc} = {v};",
}
PARALLEL_ELEMENTS = 65536   # loops writing at least this many elements use threads
UNROLL = 4           # loops this short are written out
CHUNK = 100          # instructions per C function in long programs
ERRORS = {1: "singular matrix", 2: "matrix is not positive definite", 3: "SVD did not converge"}
_SFX = {dtypes.float64: "_f64", dtypes.float32: "_f32"}


def literal(value, dtype) -> str:
    """A C literal of `dtype` that reads back exactly."""
    dtype = np.dtype(dtype)
    if dtype == dtypes.bool_:
        return "1" if value else "0"
    v = float(value)
    if np.isnan(v):
        text = "NAN"
    elif np.isinf(v):
        text = "INFINITY" if v > 0 else "(-INFINITY)"
        return f"(({dtypes.ctype(dtype)}){text})"
    else:
        text = repr(float(np.asarray(v, dtype=dtype)))
        if dtype == dtypes.float32:
            text += "f"
    if text == "NAN":
        return f"(({dtypes.ctype(dtype)})NAN)"
    return f"({text})" if text.startswith("-") else text


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
        self.flat_key, self.flat_var = flat_key, flat_var
        self.count = 0
        self.uses_index = False
        self.need = lambda helper, dtype: None  # set by the Emitter: records csrc routines used

    def read(self, buf, shape, index):
        if buf.kind == "local":
            return buf.name
        off = offset(index, shape)
        self.offsets.append(off)
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
        local = f"v{self.count}"
        self.count += 1
        T = dtypes.ctype(node.dtype)
        self.lines.append(f"const {T} {local} = ({' && '.join(conds)}) ? {value} : ({T})0;")
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
        if name == "const":
            return literal(node.params["value"].array.reshape(-1)[0], node.dtype)
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
            template = node.op.c(node.params["dtype"]) if callable(node.op.c) else node.op.c
            math_dtype = node.inputs[0].dtype if node.inputs else node.dtype
            text = template.format(*args, f="f" if math_dtype == dtypes.float32 else "",
                                   T=dtypes.ctype(node.dtype), v=_SFX.get(math_dtype, ""))
            if "{v}" in template:
                self.need("vmath", math_dtype)
            local = f"v{self.count}"
            self.count += 1
            self.lines.append(f"const {dtypes.ctype(node.dtype)} {local} = {text};")
            result = local
        self.memo[key] = result
        return result


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


class Emitter:
    def __init__(self, program, name, blas=False):
        self.program, self.name, self.blas = program, name, blas
        # OpenMP threads only where no BLAS call runs: OpenBLAS's own threads spin after
        # each call, and two busy pools on two cores cost milliseconds.
        self.threads = not (blas and any(i.kind in ("call", "lu") for i in program.instrs))
        self.helpers = {}            # (csrc name, dtype name) -> True, in order of first use
        self.refs = {}
        for b in program.buffers:
            self.refs[b.name] = {"input": b.name, "output": b.name, "const": b.name,
                                 "local": b.name, "arena": f"w_{b.name}", "scratch": f"w_{b.name}"}[b.kind]

    def body(self, **options):
        b = Body(self.program, self.refs, **options)
        b.need = self.need
        return b

    def need(self, helper, dtype):
        if self.blas and helper in ("lu", "cholesky", "svd"):
            helper = "lapack"                    # one file serves all three
        self.helpers[(helper, np.dtype(dtype).name)] = True

    def piv(self, buf):
        """The pivot array argument: LAPACK takes the `long` buffer as it is; the portable
        csrc/lu.c takes `int *` (the buffer is sized for longs, so ints fit)."""
        return self.ref(buf) if self.blas else f"(int *){self.ref(buf)}"

    # ------------------------------------------------------------ instructions

    def _comment(self, ins):
        node = ins.node
        if node is None:
            return []
        from ..printing import type_str
        args = ", ".join(f"%{i.id}" for i in node.inputs)
        label = f" '{sanitize_comment(node.name)}'" if node.name is not None else ""
        return [f"/* %{node.id} = {node.op.name}{label} {args} : {type_str(node)} */"]

    def store_body(self, ins, shape, make_store):
        """A loop over `shape` whose body computes via `make_store(body, index)`;
        flattened to a single loop when every access is the identity, and split into
        segments along an axis where inlined pads switch between operand and zero."""
        opens, closes, index = _loops(shape, "i")
        body = self.body()
        store_offset = make_store(body, index)
        split = _pad_segments(body.pad_conditions, shape)
        if split is not None:
            return self.segmented(shape, make_store, *split), False
        size = math.prod(shape)
        flat = len(opens) > 1 and store_offset is not None and not body.uses_index and all(
            isinstance(o, Affine) and (not o.terms or o.key() == store_offset.key()) for o in body.offsets)
        if flat:
            body = self.body(flat_key=store_offset.key())
            make_store(body, index)
            opens = [f"for (int i = 0; i < {size}; ++i) {{"]
            closes = ["}"]
        if opens and store_offset is not None and size >= PARALLEL_ELEMENTS and self.threads:
            opens = ["GC_PARALLEL_FOR"] + opens     # each iteration writes its own elements
        return opens + _indent(body.lines, 1) + closes if opens else body.lines, flat

    def segmented(self, shape, make_store, axis, segments):
        """Loops over `shape` with the loop of `axis` split into `segments`
        ([(start, stop, pad_state)]), each with its own body."""
        index = [Affine() if d == 1 else Affine.var(f"i{k}") for k, d in enumerate(shape)]
        outer = [f"for (int i{k} = 0; i{k} < {d}; ++i{k}) {{" for k, d in enumerate(shape[:axis]) if d != 1]
        lines = []
        rest = math.prod(shape[axis + 1:])
        for start, stop, state in segments:
            body = self.body(pad_state=state)
            make_store(body, index)
            inner = [f"for (int i{k} = 0; i{k} < {d}; ++i{k}) {{" for k, d in enumerate(shape) if k > axis and d != 1]
            if not outer and (stop - start) * rest >= PARALLEL_ELEMENTS and self.threads:
                lines.append("GC_PARALLEL_FOR")
            lines += [f"for (int i{axis} = {start}; i{axis} < {stop}; ++i{axis}) {{"] + \
                _indent(inner + _indent(body.lines, 1) + ["}"] * len(inner), 1) + ["}"]
        return outer + _indent(lines, 1) + ["}"] * len(outer) if outer else lines

    def emit_loop(self, ins):
        node, out = ins.node, ins.outs[0]

        def store(body, index):
            value = body.gen(node, index, root=True)
            if out.kind == "local":
                body.lines.append(f"{out.name} = {value};")
                return None
            off = offset(index, node.shape)
            text = body.flat_var if body.flat_key is not None else off.c()
            body.lines.append(f"o[{text}] = {value};")
            return off
        lines, _ = self.store_body(ins, node.shape, store)
        if node.size == 1:
            return _collapse_scalar(lines, out, self.refs)
        return self.with_out(out, lines)

    def emit_copy(self, ins):
        node, out = ins.node, ins.outs[0]

        def store(body, index):
            value = body.gen(node, index)
            off = offset(index, node.shape)
            text = body.flat_var if body.flat_key is not None else off.c()
            body.lines.append(f"o[{text}] = {value};")
            return off
        lines, _ = self.store_body(ins, node.shape, store)
        return self.with_out(out, lines)

    def with_out(self, out, lines):
        if out.kind == "local":
            return ["{"] + _indent(lines, 1) + ["}"]
        return ["{", f"    {out.ctype} *restrict o = {self.refs[out.name]};"] + _indent(lines, 1) + ["}"]

    def emit_reduce(self, ins):
        node, out = ins.node, ins.outs[0]
        x = node.inputs[0]
        axes = node.params["axes"]
        T = dtypes.ctype(node.dtype)
        op = node.op.name
        init = literal(REDUCE_INIT[op], node.dtype)
        combine = REDUCE_COMBINE[op]
        kept = [k for k in range(x.ndim) if k not in axes]
        body = self.body()
        if x.ndim - 1 in axes or out.kind == "local":
            # kept axes outside, reduced axes inside, a register accumulator
            o_open, o_close, o_index = _loops([x.shape[k] for k in kept], "i")
            r_open, r_close, r_index = _loops([x.shape[k] for k in axes], "r")
            full = [None] * x.ndim
            for k, i in zip(kept, o_index):
                full[k] = i
            for k, i in zip(axes, r_index):
                full[k] = i
            value = body.gen(x, full)
            body.lines.append(combine("acc", value))
            pragma = ["GC_SIMD_SUM"] if op == "reduce_sum" and r_open else []
            target = out.name if out.kind == "local" else f"o[{offset(o_index, node.shape).c()}]"
            inner = [f"{T} acc = {init};"] + r_open[:-1] + pragma + r_open[-1:] + \
                _indent(body.lines, 1) + r_close + [f"{target} = acc;"]
            lines = o_open + _indent(inner, 1) + o_close if o_open else inner
            return self.with_out(out, lines)
        # the last axis is kept: accumulate into the output, walking x in memory order
        opens, closes, index = _loops(x.shape, "i")
        value = body.gen(x, index)
        o_off = offset([index[k] for k in kept], node.shape).c()
        body.lines.append(combine(f"o[{o_off}]", value))
        fill = [f"for (int i = 0; i < {node.size}; ++i) o[i] = {init};"]
        return self.with_out(out, fill + opens + _indent(body.lines, 1) + closes)

    def emit_reduce_group(self, ins):
        """Sibling reductions over one operand shape: one loop nest, one body (their common
        subexpressions computed once), each accumulating into its own output."""
        members = ins.extra["members"]
        shape = max((m.node.inputs[0].shape for m in members), key=len)
        unroll = shape[-1] <= UNROLL                # a short last axis is written out
        opens, closes, index = _loops(shape[:-1] if unroll else shape, "i")
        indices = [index + [Affine.of(c)] for c in range(shape[-1])] if unroll else [index]
        body = self.body()
        lines = []
        for j, m in enumerate(members):
            out, node = m.outs[0], m.node
            axes = node.params["axes"]
            lines.append(f"{out.ctype} *restrict o{j} = {self.refs[out.name]};")
            lines.append(f"for (int i = 0; i < {node.size}; ++i) o{j}[i] = "
                         f"{literal(REDUCE_INIT[node.op.name], node.dtype)};")
        inner_var = opens[-1].split()[2] if opens else None
        hoisted = []                     # (accumulator, target): sums over the innermost loop
        for c, idx in enumerate(indices):
            for j, m in enumerate(members):
                node = m.node
                ndim = node.inputs[0].ndim
                if ndim < len(shape) and c > 0:
                    continue                 # an operand without the written-out axis: once
                own = idx[:ndim]
                kept = [k for k in range(ndim) if k not in node.params["axes"]]
                value = body.gen(node.inputs[0], own)
                off = offset([own[k] for k in kept], node.shape)
                target = f"o{j}[{off.c()}]"
                if node.op.name == "reduce_sum" and inner_var and inner_var not in dict(off.terms):
                    acc = f"acc{len(hoisted)}"
                    hoisted.append((acc, target))
                    target = acc
                body.lines.append(REDUCE_COMBINE[node.op.name](target, value))
        if hoisted:
            # register accumulators around the innermost loop, which then vectorises
            T = dtypes.ctype(members[0].node.dtype)
            names = ", ".join(a for a, _ in hoisted)
            loop = [f"{T} {a} = 0;" for a, _ in hoisted] + [f"GC_SIMD_REDUCE({names})", opens[-1]] + \
                _indent(body.lines, 1) + ["}"] + [f"{t} += {a};" for a, t in hoisted]
            nest = opens[:-1]
            code = nest + _indent(loop, 1) + ["}"] * len(nest) if nest else loop
        else:
            code = opens + _indent(body.lines, 1) + closes
        return ["{"] + _indent(lines + code, 1) + ["}"]

    def comment(self, ins):
        if ins.kind == "reduce_group":
            return [line for m in ins.extra["members"] for line in self.comment(m)]
        return self._comment(ins)

    def emit_pad(self, ins):
        node, out = ins.node, ins.outs[0]
        x = node.inputs[0]
        p = node.params
        opens, closes, index = _loops(x.shape, "i")
        body = self.body()
        value = body.gen(x, index)
        target = [lo + (interior + 1) * i for lo, interior, i in zip(p["lo"], p["interior"], index)]
        body.lines.append(f"o[{offset(target, node.shape).c()}] = {value};")
        fill = [f"memset(o, 0, sizeof({out.ctype}) * {node.size});"]
        return self.with_out(out, fill + opens + _indent(body.lines, 1) + closes)

    def emit_concat(self, ins):
        node, out = ins.node, ins.outs[0]
        axis = node.params["axis"]
        lines, start = [], 0
        for x in node.inputs:
            opens, closes, index = _loops(x.shape, "i")
            body = self.body()
            value = body.gen(x, index)
            target = list(index)
            target[axis] = Affine.of(target[axis]) + start
            body.lines.append(f"o[{offset(target, node.shape).c()}] = {value};")
            lines += ["{"] + _indent(opens + _indent(body.lines, 1) + closes, 1) + ["}"]
            start += x.shape[axis]
        return self.with_out(out, lines)

    # ------------------------------------------------------------ calls

    def ref(self, buf):
        return f"&{buf.name}" if buf.kind == "local" else self.refs[buf.name]

    def batch_loops(self, batch_shape):
        opens, closes, index = _loops(batch_shape, "n")
        return opens, closes, index

    def emit_lu(self, ins):
        a_node = ins.node
        lu, piv = ins.outs
        (a,) = ins.reads
        n = a_node.shape[-1]
        sfx = _SFX[a_node.dtype]
        self.need("lu", a_node.dtype)
        opens, closes, index = self.batch_loops(a_node.shape[:-2])
        off = offset(index, a_node.shape[:-2])
        body = [f"memcpy({self.ref(lu)} + ({off.c()}) * {n * n}, {self.ref(a)} + ({off.c()}) * {n * n}, "
                f"sizeof({lu.ctype}) * {n * n});",
                f"(void)gc_lu_factor{sfx}({n}, {self.ref(lu)} + ({off.c()}) * {n * n}, "
                f"{self.piv(piv)} + ({off.c()}) * {n});"]
        return ["{"] + _indent(opens + _indent(body, 1) + closes, 1) + ["}"]

    def emit_call(self, ins):
        return getattr(self, "call_" + ins.node.op.name)(ins)

    def call_matmul(self, ins):
        node = ins.node
        a, b = ins.reads
        ta, tb = ins.extra["ta"], ins.extra["tb"]
        out = ins.outs[0]
        a_node, b_node = node.inputs
        m, n = node.shape[-2:]
        k = a_node.shape[-1]
        sfx = _SFX[node.dtype]
        self.need("gemm_blas" if self.blas else "gemm", node.dtype)
        batch = node.shape[:-2]
        opens, closes, index = self.batch_loops(batch)
        oa = offset(broadcast_index(index, a_node.shape[:-2], batch), a_node.shape[:-2])
        ob = offset(broadcast_index(index, b_node.shape[:-2], batch), b_node.shape[:-2])
        oc = offset(index, batch)
        lda = m if ta else k
        ldb = k if tb else n
        call = (f"gc_gemm{sfx}({m}, {n}, {k}, {self.ref(a)} + ({oa.c()}) * {m * k}, {lda}, {int(ta)}, "
                f"{self.ref(b)} + ({ob.c()}) * {k * n}, {ldb}, {int(tb)}, 0, "
                f"{self.ref(out)} + ({oc.c()}) * {m * n}, {n});")
        return ["{"] + _indent(opens + _indent([call], 1) + closes, 1) + ["}"]

    def _lu_parts(self, ins):
        e = ins.extra
        return e["lu"], e["piv"], e["a_shape"], int(e["trans"])

    def _singular_check(self, lu, n, off):
        return [f"for (int d = 0; d < {n}; ++d) if ({self.ref(lu)}[({off.c()}) * {n * n} + d * {n + 1}] == 0) "
                "return 1;"]

    def call_solve(self, ins):
        node, out = ins.node, ins.outs[0]
        lu, piv, a_shape, trans = self._lu_parts(ins)
        b_node = node.inputs[1]
        b = ins.reads[2]
        n, nrhs = node.shape[-2:]
        sfx = _SFX[node.dtype]
        batch = node.shape[:-2]
        opens, closes, index = self.batch_loops(batch)
        oa = offset(broadcast_index(index, a_shape[:-2], batch), a_shape[:-2])
        ob = offset(broadcast_index(index, b_node.shape[:-2], batch), b_node.shape[:-2])
        oc = offset(index, batch)
        body = self._singular_check(lu, n, oa) + [
            f"memcpy({self.ref(out)} + ({oc.c()}) * {n * nrhs}, {self.ref(b)} + ({ob.c()}) * {n * nrhs}, "
            f"sizeof({out.ctype}) * {n * nrhs});",
            f"gc_lu_solve{sfx}({n}, {nrhs}, {self.ref(lu)} + ({oa.c()}) * {n * n}, "
            f"{self.piv(piv)} + ({oa.c()}) * {n}, {trans}, {self.ref(out)} + ({oc.c()}) * {n * nrhs});"]
        return ["{"] + _indent(opens + _indent(body, 1) + closes, 1) + ["}"]

    def call_inv(self, ins):
        node, out = ins.node, ins.outs[0]
        lu, piv, a_shape, trans = self._lu_parts(ins)
        n = node.shape[-1]
        sfx = _SFX[node.dtype]
        opens, closes, index = self.batch_loops(node.shape[:-2])
        o = offset(index, node.shape[:-2])
        body = self._singular_check(lu, n, o) + [
            f"{out.ctype} *x = {self.ref(out)} + ({o.c()}) * {n * n};",
            f"for (int d = 0; d < {n * n}; ++d) x[d] = 0;",
            f"for (int d = 0; d < {n}; ++d) x[d * {n + 1}] = 1;",
            f"gc_lu_solve{sfx}({n}, {n}, {self.ref(lu)} + ({o.c()}) * {n * n}, "
            f"{self.piv(piv)} + ({o.c()}) * {n}, {trans}, x);"]
        return ["{"] + _indent(opens + _indent(body, 1) + closes, 1) + ["}"]

    def call_det(self, ins):
        node, out = ins.node, ins.outs[0]
        lu, piv, a_shape, _ = self._lu_parts(ins)
        n = a_shape[-1]
        sfx = _SFX[node.dtype]
        opens, closes, index = self.batch_loops(node.shape)
        o = offset(index, node.shape)
        body = [f"{self.ref(out)}[{o.c()}] = gc_lu_det{sfx}({n}, {self.ref(lu)} + ({o.c()}) * {n * n}, "
                f"{self.piv(piv)} + ({o.c()}) * {n});"]
        if out.kind == "local":
            body = [f"{out.name} = gc_lu_det{sfx}({n}, {self.ref(lu)}, {self.piv(piv)});"]
        return ["{"] + _indent(opens + _indent(body, 1) + closes, 1) + ["}"]

    def call_slogdet(self, ins):
        node = ins.node
        sign, logdet = ins.outs
        lu, piv, a_shape, _ = self._lu_parts(ins)
        n = a_shape[-1]
        sfx = _SFX[node.inputs[0].dtype]
        opens, closes, index = self.batch_loops(a_shape[:-2])
        o = offset(index, a_shape[:-2])
        body = [f"gc_lu_slogdet{sfx}({n}, {self.ref(lu)} + ({o.c()}) * {n * n}, {self.piv(piv)} + ({o.c()}) * {n}, "
                f"{self.ref(sign)} + ({o.c()}), {self.ref(logdet)} + ({o.c()}));"]
        return ["{"] + _indent(opens + _indent(body, 1) + closes, 1) + ["}"]

    def call_cholesky(self, ins):
        node, out = ins.node, ins.outs[0]
        (a,) = ins.reads
        n = node.shape[-1]
        sfx = _SFX[node.dtype]
        self.need("cholesky", node.dtype)
        opens, closes, index = self.batch_loops(node.shape[:-2])
        o = offset(index, node.shape[:-2])
        body = [f"if (gc_cholesky{sfx}({n}, {self.ref(a)} + ({o.c()}) * {n * n}, "
                f"{self.ref(out)} + ({o.c()}) * {n * n})) return 2;"]
        return ["{"] + _indent(opens + _indent(body, 1) + closes, 1) + ["}"]

    def call_svd(self, ins):
        node = ins.node
        u, s, vt = ins.outs
        (a,) = ins.reads
        (work,) = ins.scratch
        a_node = node.inputs[0]
        m, n = a_node.shape[-2:]
        k = min(m, n)
        sfx = _SFX[a_node.dtype]
        self.need("svd", a_node.dtype)
        if node.params["full_matrices"] and m != n:
            raise NotImplementedError("compiling svd with full_matrices=True (use full_matrices=False)")
        opens, closes, index = self.batch_loops(a_node.shape[:-2])
        o = offset(index, a_node.shape[:-2])
        body = [f"if (gc_svd{sfx}({m}, {n}, {self.ref(a)} + ({o.c()}) * {m * n}, {self.ref(u)} + ({o.c()}) * {m * k}, "
                f"{self.ref(s)} + ({o.c()}) * {k}, {self.ref(vt)} + ({o.c()}) * {k * n}, {self.ref(work)})) return 3;"]
        return ["{"] + _indent(opens + _indent(body, 1) + closes, 1) + ["}"]

    # ------------------------------------------------------------ the file

    def render(self) -> str:
        p = self.program
        for ins in p.instrs:
            if ins.kind == "lu":
                self.need("lu", ins.node.dtype)
            elif ins.kind == "call" and ins.node.op.name in ("solve", "inv", "det", "slogdet"):
                self.need("lu", ins.node.inputs[0].dtype)
        body_parts, instr_parts = [[]], [[]]
        has_locals = any(b.kind == "local" for b in p.buffers)
        for k, ins in enumerate(p.instrs):
            if k and k % CHUNK == 0 and not has_locals:
                body_parts.append([])
                instr_parts.append([])
            instr_parts[-1].append(ins)
            body_parts[-1] += self.comment(ins)
            body_parts[-1] += getattr(self, "emit_" + ins.kind)(ins)
        head = ["/* Generated by graphc. Entry point:",
                f" *   int {self.name}(const void *const *arg, void *const *res, void *work);",
                f" * work: {self.name.upper()}_WORK_BYTES bytes, 64-byte aligned. */",
                "#include <math.h>", "#include <float.h>", "#include <string.h>", "#include <stddef.h>", "",
                "/* Sums may be vectorised (reassociated) when built with -DGRAPHC_SIMD -fopenmp-simd. */",
                "#define GC_PRAGMA(x) _Pragma(#x)", "#if defined(GRAPHC_SIMD)",
                "#define GC_SIMD_SUM GC_PRAGMA(omp simd reduction(+:acc))",
                "#define GC_SIMD_REDUCE(...) GC_PRAGMA(omp simd reduction(+:__VA_ARGS__))",
                "#else", "#define GC_SIMD_SUM", "#define GC_SIMD_REDUCE(...)",
                "#endif",
                "/* Large loops are shared among threads when built with -fopenmp. */",
                "#if defined(_OPENMP)", "#define GC_PARALLEL_FOR GC_PRAGMA(omp parallel for schedule(static))",
                "#else", "#define GC_PARALLEL_FOR",
                "#endif", csrc.PRELUDE]
        for helper, dtype in self.helpers:
            head += [f"/* ---- csrc/{helper}.c ({dtype}) ---- */", csrc.instantiate(helper, dtype), ""]
        for b in p.buffers:
            if b.kind == "const":
                values = ", ".join(literal(v, b.dtype) for v in b.value.reshape(-1))
                head.append(f"static const {b.ctype} {b.name}[{b.size}] = {{{values}}};")
        decl = [f"#define {self.name.upper()}_WORK_BYTES {p.arena_bytes}",
                f"size_t {self.name}_work_bytes(void) {{ return {p.arena_bytes}; }}", ""]
        def setup_for(instrs):
            used = {b.name for ins in instrs for b in ins.outs + ins.reads + ins.scratch}
            for ins in instrs:          # lu/solve operands named in extra
                used |= {v.name for v in ins.extra.values() if hasattr(v, "name") and hasattr(v, "kind")}
            lines = []
            for b in p.buffers:
                if b.kind == "input":
                    lines.append(f"const {b.ctype} *{b.name} = (const {b.ctype} *)arg[{b.index}];")
                elif b.kind == "output":
                    lines.append(f"{b.ctype} *{b.name} = ({b.ctype} *)res[{b.index}];")
                elif b.kind == "arena" and b.offset is not None and b.name in used:
                    lines.append(f"{b.ctype} *w_{b.name} = ({b.ctype} *)((char *)work + {b.offset});")
                elif b.kind == "local":
                    lines.append(f"{b.ctype} {b.name};")
            lines += [f"(void){b.name};" for b in p.buffers if b.kind in ("input", "output")]
            lines += [f"(void)w_{b.name};" for b in p.buffers
                      if b.kind == "arena" and b.offset is not None and b.name in used]
            return lines + ["(void)work;"]
        signature = "(const void *const *arg, void *const *res, void *work)"
        if len(body_parts) == 1:
            functions = [f"int {self.name}{signature}", "{"] + \
                _indent(setup_for(p.instrs) + body_parts[0] + ["return 0;"], 1) + ["}"]
        else:
            # Long straight-line programs are split into functions of CHUNK instructions:
            # gcc's register allocation grows faster than linearly with function size.
            functions = []
            for j, part in enumerate(body_parts):
                functions += [f"static int {self.name}_part{j}{signature}", "{"] + \
                    _indent(setup_for(instr_parts[j]) + part + ["return 0;"], 1) + ["}", ""]
            calls = [f"if ((code = {self.name}_part{j}(arg, res, work)) != 0) return code;"
                     for j in range(len(body_parts))]
            functions += [f"int {self.name}{signature}", "{", "    int code;"] + _indent(calls + ["return 0;"], 1) + ["}"]
        return "\n".join(head + [""] + decl + functions + [""])


def render(program, name, blas=False) -> str:
    """The C source of `program` with entry point `name` (a C identifier); matrix
    products call an optimised BLAS when `blas`, else the portable csrc/gemm.c."""
    return Emitter(program, name, blas).render()
