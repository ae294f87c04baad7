"""Recomputation on the flat program: an instruction computed a second time writes a new
buffer, and the instructions after it read that one.

This runs after lowering (after CSE, fusion and storage decisions), where a copy of an
instruction stays a copy: in the interned graph it would merge back into its original.
Every strategy gives a *sequence* of instruction indices (repeats are recomputations,
`schedule.remat`'s model); `apply` turns it into a program, and the memory planner then
measures its real peak.

- "sqrt" (Chen et al. 2016): the forward values the reverse pass reads are the
  candidates; every ⌈√m⌉-th of the m candidates is kept, the others recomputed from the
  nearest kept ones when the reverse pass first needs them (a segment at a time).
- "revolve" on a straight-line program keeps the candidates that the binomial schedule
  (`schedule.revolve`, s = ⌈√m⌉ states) stores in its first sweep; recomputation is
  single-level (the multi-level binomial schedule is for loops, `gc.scan`).
- "auto": `schedule.remat.solve` — Checkmate's MILP for small programs, the heuristic
  beyond — for the budget, tightened until the measured peak fits.
"""
import math
from dataclasses import replace

from .cost import node_flops
from .schedule import remat, revolve
from .schedule.memory import assign_buffers

NO_RECOMPUTE = 10.0**15      # cost of instructions never recomputed (loops, factorizations)


def program_dag(program):
    """(Dag, forward flags) of the program's instructions."""
    producer = {}
    for k, ins in enumerate(program.instrs):
        for b in ins.outs:
            producer[id(b)] = k
    sizes, costs, deps, pinned, scratch = [], [], [], set(), []
    for k, ins in enumerate(program.instrs):
        sizes.append(sum(b.nbytes for b in ins.outs if b.kind == "arena"))
        fixed = ins.kind in ("scan", "scan_forward", "scan_reverse", "lu", "copy") or \
            any(b.kind == "output" for b in ins.outs)
        costs.append(NO_RECOMPUTE if fixed else float(_flops(ins) + 1))
        deps.append(sorted({producer[id(b)] for b in ins.reads if id(b) in producer and producer[id(b)] < k}))
        scratch.append(sum(b.nbytes for b in ins.scratch if b.kind == "arena"))
        if any(b.kind == "output" for b in ins.outs):
            pinned.add(k)
    return remat.Dag(sizes, costs, deps, pinned, scratch)


def _flops(ins):
    members = ins.extra.get("members")
    if members:
        return sum(node_flops(m.node) for m in members)
    return node_flops(ins.node) if ins.node is not None else 0


def forward_flags(program, backward_ids):
    """Which instructions belong to the forward pass: those not built by a reverse-mode
    pull (`backward_ids(node_id)` is True for nodes created while pulling cotangents)."""
    flags = []
    for ins in program.instrs:
        node = ins.node if ins.node is not None else ins.extra.get("members", [ins])[0].node
        flags.append(node is None or not backward_ids(node.id))
    return flags


def memory_order(dag):
    """A topological order that runs first, among the ready instructions, the one freeing
    the most bytes net (a weight gradient right after its cotangent, not at the end)."""
    n = len(dag.sizes)
    readers = [0] * n
    users = [[] for _ in range(n)]
    for k, ds in enumerate(dag.deps):
        for d in set(ds):
            readers[d] += 1
            users[d].append(k)
    waiting = [len(set(ds)) for ds in dag.deps]
    ready = [k for k in range(n) if waiting[k] == 0]
    order = []
    while ready:
        def gain(k):
            return sum(dag.sizes[d] for d in set(dag.deps[k]) if readers[d] == 1 and d not in dag.pinned) - \
                dag.sizes[k]
        k = max(ready, key=lambda k: (gain(k), -k))
        ready.remove(k)
        order.append(k)
        for d in set(dag.deps[k]):
            readers[d] -= 1
        for u in users[k]:
            waiting[u] -= 1
            if waiting[u] == 0:
                ready.append(u)
    return order


def keep_schedule(dag, forward, keep, order=None):
    """Recompute-on-demand (Chen): forward instructions in order, then each reverse
    instruction after recomputing the forward values it reads that are neither kept nor
    already recomputed (recursively, from kept values)."""
    seq, fresh = [], set()
    for k in order if order is not None else range(len(dag.sizes)):
        if forward[k]:
            seq.append(k)
            continue
        stack = [(d, False) for d in dag.deps[k]]
        while stack:
            d, ready = stack.pop()
            if not forward[d] or d in keep or d in fresh or d in dag.pinned or dag.costs[d] >= NO_RECOMPUTE:
                continue
            if ready:
                fresh.add(d)
                seq.append(d)
            else:
                stack.append((d, True))
                stack.extend((e, False) for e in reversed(dag.deps[d]) if e not in fresh)
        seq.append(k)
    return seq


def permuted(dag, order):
    """`dag` renumbered in `order` (a topological order), for solvers that want indices
    in topological order; map results back through `order`."""
    position = {k: i for i, k in enumerate(order)}
    return remat.Dag([dag.sizes[k] for k in order], [dag.costs[k] for k in order],
                     [sorted(position[d] for d in dag.deps[k]) for k in order],
                     {position[p] for p in dag.pinned}, [remat._scratch(dag)[k] for k in order])


def candidates(dag, forward):
    """Forward instructions whose values the reverse pass reads."""
    read_later = set()
    for k, ds in enumerate(dag.deps):
        if not forward[k]:
            read_later.update(d for d in ds if forward[d])
    return sorted(read_later)


def sqrt_keep(dag, forward):
    cand = [c for c in candidates(dag, forward) if dag.sizes[c] > 0]
    if not cand:
        return set()
    step = math.isqrt(len(cand) - 1) + 1
    return set(cand[step - 1::step])


def revolve_keep(dag, forward):
    cand = [c for c in candidates(dag, forward) if dag.sizes[c] > 0]
    m = len(cand)
    if m <= 1:
        return set(cand)
    s = math.isqrt(m - 1) + 1
    stored, position = set(), 0
    for action, value in revolve.schedule(m, s):
        if action == "reverse":
            break
        if action == "advance":
            position += value
        elif action == "store" and value > 0:
            stored.add(cand[value - 1])
    return stored


def apply(program, seq):
    """The program running instructions in `seq` order; a repeated instruction is a copy
    writing fresh arena buffers, and later instructions read the newest copy."""
    from .lower_program import Buffer
    current = {}                 # original buffer id -> the buffer holding its newest value
    seen, instrs = set(), []
    for k in seq:
        ins = program.instrs[k]
        if k in seen:
            fresh = {}
            for b in ins.outs + ins.scratch:
                if b.kind in ("arena", "local"):
                    copy = Buffer(f"{b.name}_r{len(program.buffers)}", b.shape, b.dtype, b.kind, ctype=b.ctype)
                    program.buffers.append(copy)
                    fresh[id(b)] = copy
            ins = _rebound(ins, {**current, **fresh})
            for b in program.instrs[k].outs:
                if id(b) in fresh:
                    current[id(b)] = fresh[id(b)]
        else:
            seen.add(k)
            ins = _rebound(ins, current)
        instrs.append(ins)
    program.instrs = instrs
    for b in program.buffers:
        if b.kind == "arena":
            b.offset = None
    assign_buffers(program)
    return program


def _rebound(ins, mapping):
    """`ins` reading (and writing) the buffers `mapping` substitutes."""
    if not mapping:
        return ins

    def sub(b):
        return mapping.get(id(b), b)
    extra = dict(ins.extra)
    for key, value in ins.extra.items():
        if hasattr(value, "kind") and hasattr(value, "shape"):
            extra[key] = sub(value)
    if "operands" in extra:
        extra["operands"] = [tuple(sub(v) if hasattr(v, "kind") and hasattr(v, "shape") else v for v in o)
                             for o in extra["operands"]]
    if "members" in extra:
        extra["members"] = [_rebound(m, mapping) for m in extra["members"]]
    rebind = dict(ins.extra.get("rebind", {}))
    for old_id, new in mapping.items():
        rebind[old_id] = new
    extra["rebind"] = rebind
    return replace(ins, outs=[sub(b) for b in ins.outs], reads=[sub(b) for b in ins.reads],
                   scratch=[sub(b) for b in ins.scratch], extra=extra)


def recomputed(program, seq):
    """(op name -> extra evaluations, extra FLOPs) of the instructions `seq` repeats."""
    counts, flops, seen = {}, 0, set()
    for k in seq:
        if k in seen:
            ins = program.instrs[k]
            name = ins.node.op.name if ins.node is not None else ins.kind
            counts[name] = counts.get(name, 0) + 1
            flops += _flops(ins)
        seen.add(k)
    return counts, flops
