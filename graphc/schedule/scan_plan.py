"""Checkpoint plans for a scan and its reverse: which carries to keep, what to recompute.

A scan of T steps differentiated in reverse mode needs, for step s, the values its
adjoint reads (its *tape*: residuals and carries). Storing every step's tape ("none")
costs T tapes. A plan keeps instead a few carries (*snapshots*) and a tape of k steps,
recomputing the rest from the snapshots: Griewank and Walther's binomial checkpointing
over *segments* of k steps, each reversed from its tape.

Actions, in the scan's processing order s = 0 … T-1:
    ("store", slot)              copy the current carry into snapshot `slot`
    ("restore", slot)            continue from snapshot `slot`
    ("advance", s0, s1, tape)    run steps s0 … s1-1; steps s >= tape (if tape >= 0) are
                                 recorded on the tape at s - tape
    ("fill", slot, s1, s0)       the tape's entry for step s1-1's result, s1 - s0, copied
                                 from snapshot `slot` (which holds that carry) instead of
                                 running the step; the entry for s0 too when s1 = s0 + 1
    ("reverse", s0, s1)          the reverse steps s1-1 … s0, reading the tape
The forward loop runs the actions before the first "reverse" (it reaches T, so the scan's
results are ready), the reverse loop the rest.

Strategies: "sqrt" (Chen et al. 2016): segments of ⌈√T⌉ steps (the first one shorter when
they do not divide T), a snapshot at each; the last segment's tape is recorded by the
forward loop, so T - ⌈√T⌉ steps are recomputed: Chen's algorithm as published, each
segment rerun whole from its snapshot. "revolve" and "auto", which minimise recomputation,
also copy a segment's last step from a snapshot when the tape is the carries alone (no
residuals): its result, the next segment's first carry, is still in a snapshot slot
("fill"). At a given memory that makes uniform segments with a snapshot each optimal to
within a step (T - M + 2 recomputed for M carries of memory), which "auto" finds. "revolve": single-step segments and
s snapshots, the binomial schedule (`schedule.revolve`); its step count, counting only
advances outside the taped steps, is p(l, s). "auto": the segment length and snapshot
count of least recomputation whose memory fits a budget.
"""
import math
from dataclasses import dataclass

from . import revolve

SHORTLIST = 16         # "auto" candidates whose steps are counted exactly


@dataclass
class ScanPlan:
    strategy: str
    length: int            # T
    segment: int           # k: steps per taped segment
    slots: int             # snapshots kept at once
    actions: list
    split: int             # actions[:split] run in the forward loop
    steps: int             # forward step evaluations in total (T of them are the first sweep)
    reused: int = 0        # taped steps whose result was copied from a snapshot instead

    @property
    def recomputed(self):
        return self.steps - self.length

    def memory(self, carry_bytes, tape_bytes):
        """Bytes of the snapshots and the tape (carry_bytes per state, tape_bytes per step)."""
        return self.slots * carry_bytes + self.segment * tape_bytes + (self.segment + 1) * carry_bytes


def segmented(T, k, s, strategy, reuse=False):
    """Binomial checkpointing over ⌈T/k⌉ segments of k steps with s snapshots. A short
    segment comes first: the last one, reversed from the tape the forward loop records,
    is never recomputed, so it should be a whole one. With `reuse` (the tape holds only
    carries), a segment's last step is copied from a snapshot slot still holding its
    result (stored, or freed and not yet overwritten) rather than run."""
    l = -(-T // k)
    s = max(1, min(s, l))
    bounds = [max(T - (l - i) * k, 0) for i in range(l + 1)]
    actions, slot_of, free, pos = [], {}, [], 0
    used, held, reused = 0, {}, 0           # held: slot -> the segment boundary it holds
    for action, value in revolve.schedule(l, s):
        if action == "store":
            slot = free.pop() if free else used
            used = max(used, slot + 1)
            slot_of[value] = slot
            held[slot] = value
            actions.append(("store", slot))
        elif action == "restore":
            actions.append(("restore", slot_of[value]))
            pos = value
        elif action == "free":
            free.append(slot_of.pop(value))
        elif action == "advance":
            actions.append(("advance", bounds[pos], bounds[pos + value], -1))
            pos += value
        else:
            s0, s1 = bounds[value], bounds[value + 1]
            slot = next((j for j, v in held.items() if v == value + 1), None) if reuse else None
            if slot is None:
                actions += [("advance", s0, s1, s0), ("reverse", s0, s1)]
                continue
            if s1 - 1 > s0:
                actions.append(("advance", s0, s1 - 1, s0))
            actions += [("fill", slot, s1, s0), ("reverse", s0, s1)]
            reused += 1
    split = next(i for i, a in enumerate(actions) if a[0] == "reverse")
    steps = sum(a[2] - a[1] for a in actions if a[0] == "advance")
    return ScanPlan(strategy, T, k, used, actions, split, steps, reused)


def sqrt_plan(T):
    k = math.isqrt(T - 1) + 1 if T > 1 else 1           # ⌈√T⌉
    return segmented(T, k, -(-T // k), "sqrt")


def revolve_plan(T, snapshots, reuse=False):
    return segmented(T, 1, snapshots, "revolve", reuse)


def auto_plan(T, carry_bytes, tape_bytes, budget):
    """The plan of least recomputation whose snapshots and tape fit in `budget` bytes, or None.

    Every segment length k gets the most snapshots that fit (a tape of no residuals,
    tape_bytes 0, lets snapshots stand in for segments' last steps); candidates are ranked by the
    step count of equal segments (p(l, s)·k), and the best SHORTLIST of them are built to
    count their steps exactly (the short first segment makes some cheaper)."""
    candidates = []
    for k in _segment_lengths(T):
        l = -(-T // k)
        room = budget - k * tape_bytes - (k + 1) * carry_bytes
        s = min(l, room // max(carry_bytes, 1))
        if s >= 1:
            candidates.append((revolve.forward_steps(l, s) * k + T, k, s))
    if not candidates:
        return None
    plans = [segmented(T, k, s, "auto", tape_bytes == 0) for _, k, s in sorted(candidates)[:SHORTLIST]]
    return min(plans, key=lambda p: (p.steps, p.segment, p.slots))


def _segment_lengths(T):
    """Segment lengths worth trying: every k giving a distinct segment count."""
    ks = set()
    k = 1
    while k <= T:
        ks.add(k)
        l = -(-T // k)
        k = max(k + 1, -(-T // max(l - 1, 1)) if l > 1 else T + 1)
    return sorted(ks)
