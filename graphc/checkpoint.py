"""Checkpointing at compile time: lower the graph under a strategy and a memory budget,
and describe the result (`Plan`, printed by `print(f.plan)`).

Loops (`gc.scan`) are scheduled by `schedule.scan_plan` (segments and snapshots); the
memory planner then measures the real peak of the whole program, which is what
`f.peak_bytes` reports and what a budget is checked against.
"""
import math
from dataclasses import dataclass, field

from . import rematerialize
from .ad.reverse import is_backward
from .errors import MemoryBudgetError
from .lower import lower
from .schedule import remat, scan_plan
from .schedule.memory import assign_buffers


EXACT_LIMIT = 40        # instructions up to which "auto" also solves the exact MILP


@dataclass
class Plan:
    """What a compiled function keeps and recomputes."""
    strategy: str
    peak_bytes: int
    baseline_bytes: int                 # the peak with checkpoint="none"
    budget: int = None
    loops: list = field(default_factory=list)          # one ScanPlan per checkpointed scan
    recomputed: dict = field(default_factory=dict)     # op name -> extra evaluations (graph level)
    extra_flops: int = 0
    kept: int = 0                       # values of the forward pass stored for the reverse pass

    def __str__(self):
        lines = [f"checkpoint plan: strategy {self.strategy!r}" +
                 (f", budget {_mib(self.budget)}" if self.budget is not None else ""),
                 f"  peak working memory: {_mib(self.peak_bytes)} ({self.peak_bytes} bytes; "
                 f"{_mib(self.baseline_bytes)} storing everything)",
                 f"  extra FLOPs from recomputation: {self.extra_flops:,}"]
        for p in self.loops:
            lines.append(f"  loop of {p.length} steps: {p.slots} snapshots, tape of {p.segment} steps, "
                         f"{p.steps} step evaluations ({p.recomputed} recomputed, "
                         f"{p.recomputed / p.length:.2f} per step" +
                         (f"; {p.reused} copied from snapshots" if p.reused else "") + ")")
        if self.recomputed:
            parts = ", ".join(f"{name} ×{n}" for name, n in sorted(self.recomputed.items()))
            lines.append(f"  recomputed values: {parts}")
        if self.kept:
            lines.append(f"  forward values kept for the reverse pass: {self.kept}")
        return "\n".join(lines)


def _mib(n):
    return f"{n / 2**20:.3f} MiB"


def plan_program(inputs, outputs, strategy, budget):
    """(program, Plan): `outputs` lowered with checkpointing `strategy` whose peak fits
    `budget` (bytes) when one is given; MemoryBudgetError names the least budget met."""
    baseline = lower(inputs, outputs)
    base_peak = assign_buffers(baseline)
    if strategy == "none":
        if budget is not None and base_peak > budget:
            raise MemoryBudgetError(f"compile: checkpoint='none' needs {base_peak} bytes, more than "
                                    f"memory_budget={budget}; use checkpoint='auto'")
        return baseline, Plan("none", base_peak, base_peak, budget)
    if strategy == "sqrt":
        plan_for = lambda T, cb, tb: scan_plan.sqrt_plan(T)            # noqa: E731
    elif strategy == "revolve":
        plan_for = lambda T, cb, tb: scan_plan.revolve_plan(           # noqa: E731
            T, _revolve_snapshots(T, cb, tb, budget), tb == 0)
    else:
        _, loops = _auto(inputs, outputs, budget if budget is not None else base_peak)
        plan_for = _replay(loops)
    program, loops = _lower_with(inputs, outputs, plan_for)
    seq = _flat_schedule(program, strategy, budget, lambda: _lower_with(inputs, outputs, _replay(loops))[0])
    counts, flops = {}, 0
    if seq is not None:
        counts, flops = rematerialize.recomputed(program, seq)
        program = rematerialize.apply(program, seq)
    peak = program.arena_bytes
    if budget is not None and peak > budget:
        raise MemoryBudgetError(f"compile: no {strategy!r} schedule fits memory_budget={budget} bytes; "
                                f"the least this graph can run in is {_least(inputs, outputs)} bytes")
    return program, _describe(strategy, program, loops, base_peak, budget, counts, flops)


def _replay(loops):
    """A plan_for giving the plans `loops`, in order (lowering is deterministic)."""
    plans = iter(loops)
    return lambda T, cb, tb: next(plans)


def _flat_schedule(program, strategy, budget, fresh):
    """The instruction sequence with recomputations for the straight-line part of
    `program`, or None to keep it as it is."""
    dag = rematerialize.program_dag(program)
    forward = rematerialize.forward_flags(program, is_backward)
    order = rematerialize.memory_order(dag)
    if strategy in ("sqrt", "revolve"):
        keep = (rematerialize.sqrt_keep if strategy == "sqrt" else rematerialize.revolve_keep)(dag, forward)
        seq = rematerialize.keep_schedule(dag, forward, keep, order)
        trial = rematerialize.apply(fresh(), seq)
        return seq if trial.arena_bytes < program.arena_bytes else order
    in_order = rematerialize.apply(fresh(), order)
    if budget is None or in_order.arena_bytes <= budget:
        return order
    sorted_dag = rematerialize.permuted(dag, order)
    target = budget
    for _ in range(8):
        found = remat.solve(sorted_dag, target, exact_limit=EXACT_LIMIT)
        if found is None:
            return None
        seq = [order[i] for i in found]
        trial = rematerialize.apply(fresh(), seq)
        if trial.arena_bytes <= budget:
            return seq
        target -= trial.arena_bytes - budget
    return None


def _least(inputs, outputs):
    """The smallest peak found: the least-memory loop plans and the heuristic's floor."""
    program, _ = _lower_with(inputs, outputs, lambda T, cb, tb: scan_plan.revolve_plan(T, 1))
    dag = rematerialize.program_dag(program)
    order = rematerialize.memory_order(dag)
    sorted_dag = rematerialize.permuted(dag, order)
    floor = remat.min_peak(sorted_dag)
    found = remat.heuristic(sorted_dag, floor)
    if found is None:
        return program.arena_bytes
    return min(program.arena_bytes, rematerialize.apply(program, [order[i] for i in found]).arena_bytes)


def _lower_with(inputs, outputs, plan_for):
    loops = []

    def record(T, cb, tb):
        plan = plan_for(T, cb, tb)
        loops.append(plan)
        return plan
    program = lower(inputs, outputs, plan_for=record)
    assign_buffers(program)
    return program, loops


def _revolve_snapshots(T, carry_bytes, tape_bytes, budget):
    """Snapshots for "revolve": ⌈√T⌉, or as many as `budget` holds."""
    if budget is None:
        return math.isqrt(T - 1) + 1 if T > 1 else 1
    return max(1, min(T, (budget - tape_bytes - 2 * carry_bytes) // max(carry_bytes, 1)))


def _auto(inputs, outputs, budget):
    """Each loop's plan gets the budget the rest of the program leaves it; the real peak,
    measured, corrects the estimate until it fits."""
    room = budget
    best = None
    for _ in range(12):
        def choose(T, cb, tb, room=room):
            plan = scan_plan.auto_plan(T, cb, tb, room)
            return plan if plan is not None else scan_plan.revolve_plan(T, 1)
        program, loops = _lower_with(inputs, outputs, choose)
        if not loops:
            return program, loops
        if best is None or program.arena_bytes <= budget and (
                best[0].arena_bytes > budget or _steps(loops) < _steps(best[1])) or \
                best[0].arena_bytes > budget and program.arena_bytes < best[0].arena_bytes:
            best = (program, loops)
        if program.arena_bytes <= budget:
            if program.arena_bytes > budget * 0.98 or room >= budget:
                break
            room += (budget - program.arena_bytes) // 2
        else:
            room -= program.arena_bytes - budget
        if room <= 0:
            break
    return best


def _steps(loops):
    return sum(p.steps for p in loops)


def _describe(strategy, program, loops, base_peak, budget, counts, flops):
    from .cost import graph_flops
    kept = 0
    for ins in program.instrs:
        if ins.kind == "scan_forward":
            p = ins.extra["pair"]["plan"]
            flops += p.recomputed * graph_flops(ins.node.params["body"].order)
    return Plan(strategy, program.arena_bytes, base_peak, budget, loops, counts, flops, kept)
