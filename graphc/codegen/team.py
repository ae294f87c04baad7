"""Loops run by one persistent OpenMP team.

A loop whose step is a matrix-vector product with a big matrix (an RNN's h <- tanh(W h + x))
spends its time in the product: about 3 us per step on each of two cores for a 256x256
float64 matrix. Opening a parallel region for every product costs half as much again, and
the elementwise work between the products runs on one thread. So such a loop runs inside
one parallel region: every thread walks the same steps and calls the same body function,
in which each instruction is

  - shared: an elementwise loop or a matrix-vector product, each thread doing its share
    (`gc_share`: the same rows every step, so each core keeps its part of the matrix in
    its own L2 cache);
  - redundant: a scalar held in a C local, computed by every thread for itself;
  - serial: anything else, done by thread 0.

A barrier goes before an instruction only where it touches memory that another thread may
have touched since the last barrier, one of the two writing: a loop reading a product's
output at the rows the same thread wrote waits for nobody. Every step ends with a barrier
(the loop drivers in scan_loop.py). Results do not depend on the schedule: each output
element is computed by one thread in a fixed order, so every checkpointing strategy (all
of which run their loops this way) stays bit-identical to "none".
"""
import math
import re
from dataclasses import dataclass

import numpy as np

from .c import PARALLEL_ELEMENTS, Emitter
from .calls import gemv_operands
from .expr import _SFX, outer_range

TEAM_WORK = 65536            # matrix elements of a step's matrix-vector product that pay for a team
SHARE = "gc_share_f64"       # the partition (its arithmetic does not depend on the dtype)
PARTIALS = 8 * 4096          # bytes of the team's partial sums (csrc/gemv.c: GC_PARTIALS doubles)
_FAILING = {"solve", "solve_triangular", "inv", "cholesky", "svd", "eigh", "gather", "scatter_add", "scatter_extremum",
            "last_writer"}    # calls returning error codes


@dataclass(frozen=True)
class Touch:
    """Bytes [start, stop) of a memory space (the work area, argument i, result j, the
    team's partial sums) read or written by an instruction; `share` None when any thread
    may touch any of it, else the partition by which each thread touches its own part."""
    space: object
    start: int
    stop: int
    write: bool
    share: tuple = None


def conflict(a, b) -> bool:
    """Whether touches a and b (different threads, no barrier between) may race."""
    if a.space != b.space or a.stop <= b.start or b.stop <= a.start or not (a.write or b.write):
        return False
    return not (a.share is not None and a.share == b.share and a.start == b.start)


def capable(sub) -> bool:
    """Whether every instruction of loop body `sub` can run in a team (none returns an
    error code, none is a loop of its own)."""
    for ins in sub.instrs:
        if ins.kind in ("scan", "scan_forward", "scan_reverse"):
            return False
        if ins.kind == "call" and ins.node.op.name in _FAILING:
            return False
        kinds = {b.kind == "local" for b in ins.outs}
        if len(kinds) > 1:
            return False
    return True


def worthy(sub) -> bool:
    """Whether a step of `sub` has enough shared work for a team."""
    for ins in sub.instrs:
        shape = _gemv_shape(ins)
        if shape is not None and shape[2] * max(shape[:2]) >= TEAM_WORK:
            return True
        if ins.kind in ("loop", "copy") and ins.node.size >= PARALLEL_ELEMENTS:
            return True
    return False


def runs_in_team(em, subs) -> bool:
    """Whether the loop whose bodies are `subs` runs in a team: threads are the program's
    to use (no BLAS), every body can, and one has the work."""
    return em.threads and not em.team and all(capable(s) for s in subs) and any(worthy(s) for s in subs)


def region(lines):
    """`lines` run by every thread of a team (private declarations in them stay private),
    after the team's shared area: its matrix-vector products' partial sums, its barrier."""
    return ["double gc_part[GC_TEAM_AREA];", "gc_team_start(gc_part);",
            "#if defined(_OPENMP)", "#pragma omp parallel", "#endif", "{",
            "    const int gc_tid = GC_THREAD_NUM, gc_nt = GC_NUM_THREADS;",
            "    (void)gc_tid; (void)gc_nt;"] + ["    " + line for line in lines] + ["}"]


def body_emitter(em, sub, name):
    """The emitter of a team body function `name` for loop body `sub` inside em's file."""
    team = em.sub_emitter(sub, name, TeamEmitter)
    team.need("gemv", np.dtype("float64"))       # gc_share, the barrier macros
    return team


def by_one_thread(lines, wait=False):
    """`lines` run by thread 0 alone; with `wait`, the others wait until it is done."""
    return ["if (gc_tid == 0) {"] + ["    " + line for line in lines] + ["}"] + (["GC_TEAM_BARRIER"] if wait else [])


def _gemv_shape(ins):
    """(m, n, k) of a matrix-vector product instruction without batch axes, else None."""
    if ins.kind != "call" or ins.node.op.name != "matmul" or len(ins.node.shape) != 2:
        return None
    m, n = ins.node.shape
    if (m != 1 and n != 1) or ins.outs[0].kind == "local":
        return None
    return m, n, ins.node.inputs[0].shape[-1]


class TeamEmitter(Emitter):
    """A loop body function called by every thread of a team: shared, redundant or serial
    instructions, barriers where the touches of two threads could race."""
    signature = ("(const void *const *arg, void *const *res, void *work, const int gc_tid, const int gc_nt, "
                 "void *gc_part)")
    team = True

    def __init__(self, program, name, blas, threads=False):
        super().__init__(program, name, blas, threads=False)     # the team is the threads
        self.pending = []            # touches since the last barrier
        self.sharing = False         # whether the instruction being emitted may share its loop
        self.share = None            # what `shared` did to it

    # ------------------------------------------------------------ memory

    def space(self, buf):
        """(space, start, stop) of buffer `buf`, or None for constants and C locals."""
        size = math.prod(buf.shape) * np.dtype(buf.dtype).itemsize
        if buf.kind in ("arena", "scratch"):
            return "work", buf.offset, buf.offset + size
        if buf.kind == "input":
            return ("arg", buf.index), 0, size
        if buf.kind == "output":
            arg = buf.index in self.program.inplace       # an accumulator: its input's memory
            return ("arg" if arg else "res", buf.index), 0, size
        return None

    def touch(self, buf, write, share=None):
        where = self.space(buf)
        return [] if where is None else [Touch(*where, write, share)]

    def whole(self, ins):
        return [t for b in ins.reads for t in self.touch(b, False)] + \
            [t for b in ins.outs + ins.scratch for t in self.touch(b, True)]

    # ------------------------------------------------------------ instructions

    def shared(self, opens, body, store_offset, size):
        """The store loop `opens` with its outer loop cut to this thread's share."""
        cut = outer_range(opens, "{var}_lo", "{var}_hi")
        if not self.sharing or cut is None:
            return opens
        n, var, loop = cut
        self.share = (n, size // n, body, store_offset)
        return [f"int {var}_lo, {var}_hi;", f"{SHARE}({n}, gc_tid, gc_nt, &{var}_lo, &{var}_hi);"] + loop

    def instruction_lines(self, ins):
        gemv = self.team_gemv(ins)
        if gemv is not None:
            lines, phases = gemv
        elif ins.outs and all(b.kind == "local" for b in ins.outs):
            lines, phases = super().instruction_lines(ins), [self.whole(ins)]
        else:
            self.sharing, self.share = ins.kind in ("loop", "copy"), None
            lines = super().instruction_lines(ins)
            self.sharing = False
            if self.share is not None:
                phases = [self.loop_touches(ins)]
            else:
                lines = by_one_thread(lines)
                phases = [self.whole(ins)]
        assert not any(re.search(r"\breturn [1-9]", line) for line in lines), "a team body cannot fail"
        barrier = []
        if any(conflict(a, b) for a in self.pending for b in phases[0]):
            barrier, self.pending = ["GC_TEAM_BARRIER"], []
        self.pending += phases[0]
        for phase in phases[1:]:
            self.pending = list(phase)
        return barrier + lines

    def loop_touches(self, ins):
        """A shared loop's touches: its output and the operands it reads element for element
        at the thread's share; anything else it reads, whole."""
        n, unit, body, store_offset = self.share
        size = n * unit
        out = ins.outs[0]
        touches = self.touch(out, True, ("rows", n, unit, np.dtype(out.dtype).itemsize))
        seen = set()
        for buf, off in body.accesses:
            seen.add(buf.name)
            aligned = math.prod(buf.shape) == size and off.key() == store_offset.key()
            share = ("rows", n, unit, np.dtype(buf.dtype).itemsize) if aligned else None
            touches += self.touch(buf, False, share)
        touches += [t for b in ins.reads if b.name not in seen for t in self.touch(b, False)]
        return touches + [t for b in ins.scratch for t in self.touch(b, True)]

    def team_gemv(self, ins):
        """(lines, phases) of a matrix-vector product shared by the team, else None."""
        shape = _gemv_shape(ins)
        if shape is None:
            return None
        m, n, k = shape
        node, out = ins.node, ins.outs[0]
        a, b = ins.reads
        ta, tb = ins.extra["ta"], ins.extra["tb"]
        trans, rows, cols, mat, lda, x, incx, incy = gemv_operands(m, n, k, a, m if ta else k, ta,
                                                                   b, k if tb else n, tb, n)
        sfx = _SFX[node.dtype]
        self.need("gemv", node.dtype)
        item = np.dtype(node.dtype).itemsize
        ctype = out.ctype
        lines = self.comment(ins) + [
            f"gc_gemv_team{sfx}({int(trans)}, {rows}, {cols}, {self.ref(mat)}, {lda}, {self.ref(x)}, {incx}, 0, "
            f"{self.ref(out)}, {incy}, gc_tid, gc_nt, ({ctype} *)gc_part);"]
        y_share = lambda count: ("rows", count, 1, item) if incy == 1 else None    # noqa: E731
        if not trans:
            return lines, [self.touch(mat, False) + self.touch(x, False) + self.touch(out, True, y_share(rows))]
        part = Touch("part", 0, PARTIALS, True, ("own", cols, item))
        x_share = ("rows", rows, 1, item) if incx == 1 else None
        first = self.touch(mat, False) + self.touch(x, False, x_share) + [part]
        second = [Touch("part", 0, PARTIALS, False)] + self.touch(x, False) + self.touch(out, True, y_share(cols))
        return lines, [first, second]
