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
from ..affine import Affine, offset
from . import csrc, vector_math
from .calls import CallEmitter
from .expr import (REDUCE_COMBINE, REDUCE_INIT, UNROLL, Body, _collapse_scalar, _indent, _loops,
                   _pad_segments, literal, literals, outer_range, sanitize_comment)

PARALLEL_ELEMENTS = 65536   # loops writing at least this many elements use threads
POOL_WORK = 262144          # elements x per-element cost (cost.py) of a loop that BLAS's pool shares
CHUNK = 100          # instructions per C function in long programs
# csrc files behind each routine when linked to LAPACK, in pasting order (a LAPACK-backed
# file after the portable routine it hands small matrices to), and in portable code
LAPACK_FILES = {"lu": ("triangular", "gemv", "lapack_lu", "lu_det"), "triangular": ("triangular", "gemv", "lapack_lu"),
                "cholesky": ("gemv", "lapack_cholesky"), "qr": ("gemv", "householder", "lapack_qr"), "svd": ("svd", "lapack_svd"),
                "eigh": ("eigh", "lapack_eigh")}
PORTABLE_FILES = {"lu": ("triangular", "lu", "lu_det"), "qr": ("householder", "qr")}
POOLED_FILES = {"lapack_lu", "lapack_cholesky"}   # csrc files that use csrc/pool.c when it comes first
ERRORS = {1: "singular matrix", 2: "matrix is not positive definite", 3: "SVD did not converge",
          4: "eigendecomposition did not converge", 5: "index out of range"}
INDEX_ERROR = 5              # raised as IndexError, the others as numpy.linalg.LinAlgError

class Emitter(CallEmitter):
    signature = "(const void *const *arg, void *const *res, void *work)"
    team = False                 # a loop body run by every thread of a team (codegen/team.py)

    def __init__(self, program, name, blas=False, threads=None, pool=False):
        self.program, self.name, self.blas = program, name, blas
        # OpenMP threads only where no BLAS call runs: OpenBLAS's own threads spin after
        # each call, and two busy pools on two cores cost milliseconds. Loop bodies take
        # the decision of the whole program.
        self.threads = not (blas and calls_blas(program)) if threads is None else threads
        # Where the BLAS runs, costly loops are shared by its pool instead (csrc/pool.c)
        self.pool = pool and not self.threads
        self.spanning = False        # whether the instruction being emitted may become a span
        self.span = None             # the span count its loop got (store_body)
        self.spans = 0               # span functions made so far
        self.helpers = {}            # (csrc name, dtype name) -> True, in order of first use
        self.declarations = {}       # file-scope tables and constants, by name (loop bodies add theirs)
        self.functions = []          # static functions (loop bodies) placed before the entry point
        self.emitted = set()         # names of the functions in `functions`
        self.rebind = {}             # buffers of the instruction being emitted that a recomputation replaced
        self.refs = {}
        for b in program.buffers:
            self.refs[b.name] = {"input": b.name, "output": b.name, "const": b.name,
                                 "local": b.name, "arena": f"w_{b.name}", "scratch": f"w_{b.name}"}[b.kind]

    def body(self, **options):
        b = Body(self.program, self.refs, **options)
        b.need = self.need
        b.rebind = self.rebind
        return b

    def need(self, helper, dtype):
        """Paste csrc/<helper>.c for `dtype`; with the BLAS, a factorisation's LAPACK-backed
        file after the portable one it falls back to for small matrices, and after
        csrc/pool.c where the kernel may use OpenBLAS's threads (its blocked LU, triangular
        solves and Cholesky then share their updates on them)."""
        dtype = np.dtype(dtype).name
        files = (LAPACK_FILES if self.blas else PORTABLE_FILES).get(helper, (helper,))
        if self.blas and self.pool and any(name in POOLED_FILES for name in files):
            self.helpers[("pool", "float64")] = True
        for name in files:
            self.helpers[(name, dtype)] = True

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
        if opens and store_offset is not None and self.team:
            opens = self.shared(opens, body, store_offset, size)   # the thread's share of the loop
        elif opens and store_offset is not None and self.spanning and size * body.cost >= POOL_WORK:
            opens = self.spanned(opens)
        elif opens and store_offset is not None and size >= PARALLEL_ELEMENTS and self.threads:
            opens = ["GC_PARALLEL_FOR"] + opens     # each iteration writes its own elements
        return opens + _indent(body.lines, 1) + closes if opens else body.lines, flat

    def spanned(self, opens):
        """The loop `opens` with its outer loop cut to the span [gc_lo, gc_hi)."""
        cut = outer_range(opens, "(int)gc_lo", "(int)gc_hi")
        if cut is None:
            return opens
        self.span, _, loop = cut
        return loop

    def pooled(self, ins):
        """The lines of loop instruction `ins`, as a span function run by the BLAS's pool
        when its loop is costly enough, else inline."""
        reads_locals = any(b.kind == "local" for b in ins.reads + ins.outs) or ins.extra.get("rebind")
        self.spanning, self.span = not reads_locals, None
        lines = getattr(self, "emit_" + ins.kind)(ins)
        self.spanning = False
        if self.span is None:
            return lines
        fn = f"{self.name}_span{self.spans}"
        self.spans += 1
        self.need("pool", "float64")
        self.functions += [f"static GC_UNUSED void {fn}(void *gc_p)", "{",
                           "    const gc_span *gc_s = (const gc_span *)gc_p;",
                           "    const void *const *arg = gc_s->arg;", "    void *const *res = gc_s->res;",
                           "    void *work = gc_s->work;", "    const long gc_lo = gc_s->lo, gc_hi = gc_s->hi;",
                           "    (void)arg; (void)res;"] + \
            _indent(self.setup_lines([ins]) + lines, 1) + ["}", ""]
        return [f"gc_pool_run({fn}, arg, res, work, {self.span});"]

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
        # an accumulator updated in place is read through its input pointer too: no restrict
        qualifier = "" if out.kind == "output" and out.index in self.program.inplace else "restrict "
        return ["{", f"    {out.ctype} *{qualifier}o = {self.refs[out.name]};"] + _indent(lines, 1) + ["}"]

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

    def emit_scan(self, ins):
        """The loop of a scan: per step, pointers to the step's slices and carries, and a
        call of the body's function (a program of its own, rendered into this file)."""
        from .scan_loop import emit_scan
        return emit_scan(self, ins)

    def emit_scan_forward(self, ins):
        from .scan_loop import emit_forward_pair
        return emit_forward_pair(self, ins)

    def emit_scan_reverse(self, ins):
        from .scan_loop import emit_reverse_pair
        return emit_reverse_pair(self, ins)

    def sub_emitter(self, program, name, kind=None):
        """An Emitter (or a `kind` of one) for a loop body: its helpers, tables and
        functions join this file's."""
        sub = (kind or Emitter)(program, name, self.blas, self.threads)
        sub.helpers, sub.declarations, sub.functions = self.helpers, self.declarations, self.functions
        sub.pool = self.pool and not sub.team
        sub.emitted = self.emitted
        return sub

    def function_lines(self, static=False):
        """The C function(s) of the program: the entry point, split into parts when long."""
        p = self.program
        for ins in p.instrs:
            if ins.kind == "lu":
                self.need("lu", ins.node.dtype)
            elif ins.kind == "call" and ins.node.op.name in ("solve", "inv", "det", "slogdet"):
                self.need("lu", ins.node.inputs[0].dtype)
        body_parts, instr_parts = [[]], [[]]
        whole = self.team or any(b.kind == "local" for b in p.buffers)
        for k, ins in enumerate(p.instrs):
            if k and k % CHUNK == 0 and not whole:
                body_parts.append([])
                instr_parts.append([])
            instr_parts[-1].append(ins)
            self.rebind = ins.extra.get("rebind", {})
            body_parts[-1] += self.instruction_lines(ins)
        from ..ir import toposort
        from ..ops.shape import table_name
        for n in toposort(p.outputs):
            if n.op.name == "take":
                tname, values = table_name(n.params["indices"]), n.params["indices"]
                self.declarations[tname] = \
                    f"static const int {tname}[{len(values)}] = {{{', '.join(map(str, values))}}};"
        for b in p.buffers:
            if b.kind == "const":
                self.declarations[b.name] = constant_declaration(b)

        signature = self.signature
        linkage = "static " if static else ""
        if len(body_parts) == 1:
            return [f"{linkage}int {self.name}{signature}", "{"] + \
                _indent(self.setup_lines(p.instrs) + body_parts[0] + ["return 0;"], 1) + ["}"]
        # Long straight-line programs are split into functions of CHUNK instructions:
        # gcc's register allocation grows faster than linearly with function size. Their
        # file can be built as GC_UNITS translation units at once (build.py: compile_units).
        n = len(body_parts)
        functions = [f"GC_PART int {self.name}_part{j}{signature};" for j in range(n)] + [""]
        for j, part in enumerate(body_parts):
            functions += [f"#if GC_IN_UNIT({j}, {n})", f"GC_PART int {self.name}_part{j}{signature}", "{"] + \
                _indent(self.setup_lines(instr_parts[j]) + part + ["return 0;"], 1) + ["}", "#endif", ""]
        calls = [f"if ((code = {self.name}_part{j}(arg, res, work)) != 0) return code;" for j in range(n)]
        return functions + ["#if GC_IN_UNIT(0, 1)", f"{linkage}int {self.name}{signature}", "{", "    int code;"] + \
            _indent(calls + ["return 0;"], 1) + ["}", "#endif"]

    def setup_lines(self, instrs):
        """A function's declarations of the buffers `instrs` use, from arg, res and work."""
        p = self.program
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

    def instruction_lines(self, ins):
        """The C of one instruction, after its comment."""
        if self.pool and ins.kind in ("loop", "copy"):
            return self.comment(ins) + self.pooled(ins)
        return self.comment(ins) + getattr(self, "emit_" + ins.kind)(ins)

    def render(self) -> str:
        p = self.program
        entry = self.function_lines()
        head = ["/* Generated by graphc. Entry point:",
                f" *   int {self.name}(const void *const *arg, void *const *res, void *work);",
                f" * work: {self.name.upper()}_WORK_BYTES bytes, 64-byte aligned. */",
                "#include <math.h>", "#include <float.h>", "#include <string.h>", "#include <stddef.h>", "",
                "/* Sums may be vectorised (reassociated) when built with -DGRAPHC_SIMD -fopenmp-simd. */",
                "#define GC_PRAGMA(x) _Pragma(#x)", "#if defined(GRAPHC_SIMD)",
                "#define GC_SIMD_SUM GC_PRAGMA(omp simd reduction(+:acc))",
                "#define GC_SIMD_REDUCE(...) GC_PRAGMA(omp simd reduction(+:__VA_ARGS__))",
                "#define GC_SIMD GC_PRAGMA(omp simd)",
                "#else", "#define GC_SIMD_SUM", "#define GC_SIMD_REDUCE(...)", "#define GC_SIMD",
                "#endif",
                "/* Large loops are shared among threads when built with -fopenmp. */",
                "#if defined(_OPENMP)", "#define GC_PARALLEL_FOR GC_PRAGMA(omp parallel for schedule(static))",
                "#else", "#define GC_PARALLEL_FOR",
                "#endif",
                "/* A long program's parts: built as GC_UNITS translation units compiled at once, unit",
                " * GC_UNIT holding parts j with j * GC_UNITS / n == GC_UNIT (unit 0 the entry point);",
                " * as one file when GC_UNITS is not defined. */",
                "#if defined(GC_UNITS)",
                "#define GC_IN_UNIT(j, n) ((j) * GC_UNITS / (n) == GC_UNIT)",
                "#if defined(__GNUC__)",
                "#define GC_PART __attribute__((visibility(\"hidden\")))",
                "#else", "#define GC_PART", "#endif",
                "#else", "#define GC_IN_UNIT(j, n) 1", "#define GC_PART static", "#endif",
                vector_math.PRELUDE, csrc.PRELUDE]
        for helper, dtype in self.helpers:
            head += [f"/* ---- csrc/{helper}.c ({dtype}) ---- */", csrc.instantiate(helper, dtype), ""]
        head += list(self.declarations.values())
        code = "\n".join(self.functions + entry)
        # loop-free programs keep libm's scalar calls (and compile faster)
        head.append(vector_math.declarations(vector_math.used(code), vector="for (" in code))
        decl = [f"#define {self.name.upper()}_WORK_BYTES {p.arena_bytes}", "#if GC_IN_UNIT(0, 1)",
                f"size_t {self.name}_work_bytes(void) {{ return {p.arena_bytes}; }}", "#endif", ""]
        return "\n".join(head + [""] + decl + self.functions + entry + [""])


def calls_blas(program) -> bool:
    """Whether running `program` calls the BLAS or LAPACK (loop bodies included): matrix
    products other than matrix-vector ones (csrc/gemv.c) and the factorisations."""
    for ins in program.instrs:
        if ins.kind == "lu":
            return True
        if ins.kind == "call" and ins.node.op.name in ("matmul", "matmul_add"):
            if 1 not in ins.node.shape[-2:]:
                return True
        elif ins.kind == "call":
            return True
        bodies = [ins.extra.get("body")] + ([ins.extra["pair"]["sub"]] if "pair" in ins.extra else [])
        if any(b is not None and calls_blas(b) for b in bodies):
            return True
    return False


BLOB_ELEMENTS = 16384       # float constants from this size are stored as bytes, not literals


def constant_declaration(b) -> str:
    """The C declaration of constant buffer `b`: its literals, or, for a large float array,
    its bytes in one string literal read through a union (gcc turns 10⁶ double literals
    into data in ~4 s, the same bytes as a string in ~0.7 s). The bytes are little-endian
    IEEE 754; a compiler for another byte order stops with #error."""
    if b.size < BLOB_ELEMENTS or b.ctype not in ("double", "float"):
        return f"static const {b.ctype} {b.name}[{b.size}] = {{{literals(b.value, b.dtype)}}};"
    raw = np.ascontiguousarray(b.value, dtype=np.dtype(b.dtype).newbyteorder("<")).tobytes()
    text = "".join(map(_OCTAL.__getitem__, raw))
    chunks = "\n".join(f'"{text[k:k + 4000]}"' for k in range(0, len(text), 4000))
    return "\n".join([
        "#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__",
        "#error graphc: the constants of this program are stored as little-endian bytes",
        "#endif",
        "#if defined(__GNUC__)", "#pragma GCC diagnostic push",
        '#pragma GCC diagnostic ignored "-Woverlength-strings"', "#endif",
        f"static const union {{ unsigned char bytes[{len(raw)}]; {b.ctype} values[{b.size}]; }} {b.name}_blob = {{",
        chunks, "};",
        "#if defined(__GNUC__)", "#pragma GCC diagnostic pop", "#endif",
        f"static const {b.ctype} *const {b.name} = {b.name}_blob.values;"])


_OCTAL = ["\\%03o" % k for k in range(256)]


def render(program, name, blas=False, pool=False) -> str:
    """The C source of `program` with entry point `name` (a C identifier); matrix
    products call an optimised BLAS when `blas`, else the portable csrc/gemm.c; with
    `pool` (the BLAS exports its thread pool) costly loops of BLAS-calling programs run
    on that pool."""
    return Emitter(program, name, blas, pool=pool).render()
