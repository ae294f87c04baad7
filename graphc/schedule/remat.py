"""Rematerialization (checkpointing): keep some values, recompute others, under a budget.

Model. A `Dag` lists nodes in topological order: node i produces a value of `sizes[i]`
bytes at `costs[i]` per evaluation, reads the values of `deps[i]` (all < i) and needs
`scratch[i]` transient bytes while it runs. A *schedule* is a sequence of node indices;
repeats are recomputations. Each step computes its node from the most recent instance
of every operand (which must exist) and creates a new instance. An instance is live from
the step that creates it through the last step whose read binds to it; an instance of a
`pinned` node (a program output) lives to the end; an instance nobody reads lives only
during its own step. Memory at a step is the sum of the sizes of the live instances
(operands being read and the new instance included) plus the node's scratch; the peak is
the maximum over steps and the cost the sum of the costs of the steps. A schedule is
valid when every node is computed at least once and every pinned node exactly once.
`topological` (each node once, in order) is the baseline without recomputation.

Exact solver (`solve_exact`): the mixed-integer program of Checkmate (Jain et al.,
"Checkmate: Breaking the Memory Wall with Optimal Tensor Rematerialization", MLSys 2020)
solved by HiGHS. Stage t ends with the first evaluation of node t; R[t,i] = 1 when
stage t computes i (i <= t, R[t,t] = 1; a stage computes in increasing i), S[t,i] = 1
when an instance of i is carried into stage t (i < t), FREE[t,(i,k)] = 1 when the
instance of operand i dies right after stage t computes k. FREE is tied to its meaning
by the paper's hazard linearization: with h = 1 − R[t,k] + S[t+1,i] + Σ R[t,j] over the
consumers k < j <= t of i, FREE = 1 exactly when h = 0. U[t,k], the memory while stage t
computes k, follows U[t,0] = R[t,0]·M0 + Σ S[t,i]·Mi and U[t,k] = U[t,k−1] + R[t,k]·Mk −
the bytes freed after step k−1; U[t,k] + R[t,k]·scratch_k <= budget. Beyond the paper,
an instance is carried only when read later (S[t,i] <= S[t+1,i] + Σ R[t,j] over
consumers j <= t of i) and not into a stage that recomputes it (S[t,i] + R[t,i] <= 1),
a recomputation is read in its stage or carried on (R[t,i] <= S[t+1,i] + Σ R[t,j]), and
pinned nodes are carried to the end, never recomputed nor freed. So no instance outlives
its last read and U is exactly the memory `simulate` measures for the schedule read off
R, which `solve_exact` checks; these rows only exclude schedules that waste memory or
work. FREE <= R[t,k] and FREE <= 1 − each other hazard term tighten the LP relaxation.
The optimum is over schedules of this staged form (first evaluations in node order,
stages in increasing order). HiGHS needs about a second for 20 nodes, seconds to
minutes for 40 and often over a minute for 60; when `time_limit` stops it, the best
schedule found so far is returned.

Heuristic (`heuristic`): a greedy in the manner of DTR (Kirisame et al., "Dynamic
Tensor Rematerialization", ICLR 2021), run offline. First evaluations follow node order;
a missing operand is recomputed on demand (depth first, the operands of pending
evaluations locked), and before each evaluation present values are evicted until the new
value and its scratch fit. The victim is the least c/(size·d) among the first `width`
unlocked candidates of a heap ordered by farthest next use or by stalest access: c is
the cost of recomputing it now, its own cost plus that of its evicted ancestors reachable
through evicted nodes (DTR's evicted neighbourhood, upstream side; beyond `_REACH` nodes
it counts as the whole program), d the node steps to its next use (Belady) or the steps
since its last use (DTR's staleness); values with no use left in node order go first.
The greedy counts a value until it is evicted, `simulate` only until its last read, so
each greedy schedule is then pruned: an evaluation is dropped when the previous instance
of its node can serve its readers (kept alive longer) within the budget, or when nobody
reads it and the node is computed elsewhere, costlier evaluations first, on an
incrementally updated memory profile.
Pruning also moves first evaluations later, which the MILP's node-order stages cannot
express, so the heuristic sometimes beats `solve_exact`. Four variants (Belady, DTR with
three widths) run; a run costing over `_LIMIT` times the best so far is abandoned
(thrashing); the cheapest pruned schedule wins. Run time is proportional to the length of
the greedy schedules: tenths of a second per thousand nodes when recomputation is modest,
more near the least feasible budget. `min_peak` bisects budgets for the least one at
which some variant succeeds; as the greedy is not monotone in the budget, `heuristic`
falls back on the schedule for `min_peak` when every variant fails, so each budget from
`min_peak` up is met. `solve` takes the cheaper of the heuristic and, on small DAGs, the
pruned MILP optimum. Everything here is deterministic.
"""
import heapq
import math
import operator
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Dag:
    """A program for rematerialization: nodes in topological order (module docstring)."""
    sizes: list[int]
    costs: list[float]
    deps: list[list[int]]
    pinned: set[int] = field(default_factory=set)
    scratch: list[int] = None

    def __post_init__(self):
        n = len(self.sizes)
        if len(self.costs) != n or len(self.deps) != n or len(_scratch(self)) != n:
            raise ValueError("Dag: sizes, costs, deps and scratch differ in length")
        if any(x < 0 for x in (*self.sizes, *_scratch(self), *self.costs)):
            raise ValueError("Dag: negative size, scratch or cost")
        for i, ds in enumerate(self.deps):
            if any(not 0 <= d < i for d in ds):
                raise ValueError(f"Dag: node {i} reads a node that is not before it")
        if any(not 0 <= p < n for p in self.pinned):
            raise ValueError("Dag: pinned node out of range")


def _scratch(dag):
    """Transient bytes of every node (none when not given)."""
    return dag.scratch if dag.scratch is not None else [0] * len(dag.sizes)


def _operands(dag):
    """Distinct operands of every node, sorted: a node reads each operand once."""
    return [sorted(set(ds)) for ds in dag.deps]


def _consumers(ops):
    """For every node, the nodes reading it, in increasing order."""
    users = [[] for _ in ops]
    for k, ds in enumerate(ops):
        for d in ds:
            users[d].append(k)
    return users


# ---------------------------------------------------------------- simulation

def _last_reads(dag, seq):
    """Last step reading the instance created at each step (pinned: the last step)."""
    n, ops = len(dag.sizes), _operands(dag)
    latest, last = [-1] * n, []
    for k, v in enumerate(seq):
        v = operator.index(v)
        if not 0 <= v < n:
            raise ValueError(f"schedule step {k}: no node {v}")
        for d in ops[v]:
            if latest[d] < 0:
                raise ValueError(f"schedule step {k}: node {v} reads node {d} before it exists")
            last[latest[d]] = k
        latest[v] = k
        last.append(k)
    _check_counts(dag, seq)
    for p in dag.pinned:
        last[latest[p]] = len(seq) - 1
    return last


def _check_counts(dag, seq):
    """Every node computed at least once, every pinned node exactly once."""
    counts = [0] * len(dag.sizes)
    for v in seq:
        counts[v] += 1
    missing = [i for i, c in enumerate(counts) if c == 0]
    if missing:
        raise ValueError(f"schedule never computes nodes {missing[:10]}")
    repeated = sorted(p for p in dag.pinned if counts[p] != 1)
    if repeated:
        raise ValueError(f"schedule recomputes pinned nodes {repeated[:10]}")


def memory_profile(dag, seq) -> list:
    """Bytes in use at each step of a schedule; raises ValueError when it is invalid."""
    last, scratch = _last_reads(dag, seq), _scratch(dag)
    delta = [0] * (len(seq) + 1)
    for k, v in enumerate(seq):
        delta[k] += dag.sizes[v]
        delta[last[k] + 1] -= dag.sizes[v]
    used, out = 0, []
    for k, v in enumerate(seq):
        used += delta[k]
        out.append(used + scratch[v])
    return out


def simulate(dag, seq):
    """(peak bytes, cost) of a schedule; raises ValueError when it is invalid."""
    return max(memory_profile(dag, seq), default=0), sum(dag.costs[v] for v in seq)


def topological(dag) -> list:
    """Every node once in order: no recomputation, the baseline peak."""
    return list(range(len(dag.sizes)))


# ---------------------------------------------------------------- exact MILP

class _Milp:
    """Bounded variables and sparse rows collected for `scipy.optimize.milp`."""

    def __init__(self):
        self.lb, self.ub, self.integer, self.cost = [], [], [], []
        self.entries, self.row_lb, self.row_ub = [], [], []

    def var(self, lb, ub, integer=True, cost=0.0):
        """A new variable's index."""
        self.lb.append(lb)
        self.ub.append(ub)
        self.integer.append(1 if integer else 0)
        self.cost.append(cost)
        return len(self.lb) - 1

    def row(self, terms, lb, ub):
        """Add lb <= Σ coef·x <= ub for terms [(variable, coef)]."""
        r = len(self.row_lb)
        self.entries.extend((r, v, c) for v, c in terms)
        self.row_lb.append(lb)
        self.row_ub.append(ub)

    def solve(self, time_limit):
        """scipy's OptimizeResult from HiGHS."""
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import csr_array
        rows, cols, vals = zip(*self.entries) if self.entries else ((), (), ())
        a = csr_array((vals, (rows, cols)), shape=(len(self.row_lb), len(self.lb)))
        limits = [LinearConstraint(a, self.row_lb, self.row_ub)] if self.row_lb else None
        return milp(np.array(self.cost), integrality=np.array(self.integer),
                    bounds=Bounds(self.lb, self.ub), constraints=limits,
                    options={"time_limit": time_limit, "mip_rel_gap": 1e-7})


class _Checkmate:
    """Checkmate's program for one DAG and budget (module docstring); memory in units
    of the gcd of all sizes so that the coefficients stay small."""

    def __init__(self, dag, budget):
        self.n, self.pinned = len(dag.sizes), set(dag.pinned)
        self.ops = _operands(dag)
        self.users = _consumers(self.ops)
        self.unit = math.gcd(*dag.sizes, *_scratch(dag)) or 1
        self.mem = [s // self.unit for s in dag.sizes]
        self.scr = [s // self.unit for s in _scratch(dag)]
        self.cap = budget // self.unit
        self.m = _Milp()
        self._variables(dag.costs)
        self._carry_rows()
        self._operand_rows()
        self._free_rows()
        self._useful_rows()
        self._memory_rows()

    def _variables(self, costs):
        """R, S, U and FREE with their bounds: R[t,t] = 1, pinned nodes carried, never
        recomputed and never freed; no FREE for values of zero bytes."""
        n, m, pin = self.n, self.m, self.pinned
        self.R = {(t, i): m.var(int(i == t), int(i == t or i not in pin), cost=costs[i])
                  for t in range(n) for i in range(t + 1)}
        self.S = {(t, i): m.var(int(i in pin), 1) for t in range(1, n) for i in range(t)}
        self.U = {(t, k): m.var(0, self.cap, integer=False) for t in range(n) for k in range(t + 1)}
        self.F = {(t, i, k): m.var(0, 1) for t in range(n) for k in range(t + 1)
                  for i in self.ops[k] if self.mem[i] and i not in pin}

    def _carried(self, t, i):
        """S[t,i] as (terms, constant): after the last stage only pinned nodes remain."""
        return ([(self.S[t, i], 1)], 0) if t < self.n else ([], int(i in self.pinned))

    def _carry_rows(self):
        """An instance is carried only if it exists, is read later and is not replaced."""
        R, S, m = self.R, self.S, self.m
        for (t, i), s in S.items():
            m.row([(s, 1), (R[t, i], 1)], -math.inf, 1)
            if t + 1 < self.n:
                m.row([(S[t + 1, i], 1), (s, -1), (R[t, i], -1)], -math.inf, 0)
            later, const = self._carried(t + 1, i)
            readers = [(R[t, j], -1) for j in self.users[i] if j <= t]
            m.row([(s, 1)] + [(v, -c) for v, c in later] + readers, -math.inf, const)

    def _operand_rows(self):
        """Stage t computes k only with every operand recomputed or carried."""
        for (t, k), r in self.R.items():
            for i in self.ops[k]:
                self.m.row([(r, 1), (self.R[t, i], -1), (self.S[t, i], -1)], -math.inf, 0)

    def _free_rows(self):
        """FREE[t,(i,k)] = 1 iff the hazard count h is 0: the paper's two inequalities,
        plus FREE <= each term's complement (the same integer points, a tighter LP)."""
        for (t, i, k), f in self.F.items():
            later, const = self._carried(t + 1, i)
            readers = [(self.R[t, j], 1) for j in self.users[i] if k < j <= t]
            terms = [(self.R[t, k], -1)] + later + readers        # h = 1 + const + Σ terms
            most = 1 + len(later) + len(readers)
            self.m.row(terms + [(f, 1)], -const, math.inf)          # h + FREE >= 1
            self.m.row(terms + [(f, most)], -math.inf, most - 1 - const)  # h <= most·(1 − FREE)
            self.m.row([(f, 1), (self.R[t, k], -1)], -math.inf, 0)
            for v, _ in later + readers:
                self.m.row([(f, 1), (v, 1)], -math.inf, 1 - const)

    def _useful_rows(self):
        """A recomputation is read in its stage or carried on: no instance dies unread
        before the end of its stage, which the FREE of operand edges could not see."""
        for (t, i), r in self.R.items():
            if i < t:
                later, const = self._carried(t + 1, i)
                readers = [(self.R[t, j], -1) for j in self.users[i] if j <= t]
                self.m.row([(r, 1)] + [(v, -1) for v, _ in later] + readers, -math.inf, const)

    def _memory_rows(self):
        """U[t,k]: carried instances plus this stage's instances not yet freed."""
        R, S, U, mem, m = self.R, self.S, self.U, self.mem, self.m
        freed = {}
        for (t, i, k), f in self.F.items():
            freed.setdefault((t, k), []).append((f, mem[i]))
        for t in range(self.n):
            carried = [(S[t, i], -mem[i]) for i in range(t)]
            m.row([(U[t, 0], 1), (R[t, 0], -mem[0])] + carried, 0, 0)
            for k in range(1, t + 1):
                step = [(U[t, k], 1), (U[t, k - 1], -1), (R[t, k], -mem[k])]
                m.row(step + freed.get((t, k - 1), []), 0, 0)
            for k in range(t + 1):
                if self.scr[k]:
                    m.row([(U[t, k], 1), (R[t, k], self.scr[k])], -math.inf, self.cap)

    def schedule(self, x):
        """The sequence read off R: stage by stage, increasing node index."""
        return [i for (t, i), r in self.R.items() if x[r] > 0.5]

    def peak(self, x):
        """The program's peak memory in bytes at the computed steps."""
        return max((x[self.U[t, k]] + self.scr[k]) * self.unit
                   for (t, k), r in self.R.items() if x[r] > 0.5)


def solve_exact(dag, budget, time_limit=60):
    """Least-cost schedule with peak <= budget by Checkmate's MILP (HiGHS); None when
    infeasible or when no solution is found within `time_limit` seconds."""
    if budget < 0:
        return None
    if not dag.sizes:
        return []
    model = _Checkmate(dag, budget)
    res = model.m.solve(time_limit)
    if res.x is None:
        return None
    seq = model.schedule(res.x)
    peak, cost = simulate(dag, seq)
    if peak > budget or not math.isclose(cost, res.fun, rel_tol=1e-6, abs_tol=1e-6) \
            or abs(peak - model.peak(res.x)) > 1e-6 * max(budget, 1):
        raise RuntimeError(f"remat: MILP and simulation disagree (peak {peak} vs "
                           f"{model.peak(res.x)}, cost {cost} vs {res.fun})")
    return seq


# ---------------------------------------------------------------- heuristic

_INF = float("inf")
_LIMIT = 2       # a greedy run costing this many times the best schedule so far is thrashing
_REACH = 8       # evicted ancestors counted at most; beyond, recomputing counts as everything


class _Graph:
    """What every greedy run needs about a DAG, computed once."""

    def __init__(self, dag):
        self.n, self.sizes, self.costs = len(dag.sizes), dag.sizes, dag.costs
        self.scratch, self.pinned = _scratch(dag), set(dag.pinned)
        self.ops = _operands(dag)
        self.users = _consumers(self.ops)
        self.total = sum(dag.costs)


class _Run:
    """One greedy run: first evaluations in node order, operands recomputed on demand,
    values evicted by `policy` ("belady" or "dtr") when `budget` would be exceeded;
    abandoned once its cost exceeds `limit`."""

    def __init__(self, g, budget, policy, width, limit=_INF):
        self.g, self.budget, self.policy, self.width = g, budget, policy, width
        self.limit, self.cost = limit, 0.0
        self.present = [False] * g.n
        self.locks = [0] * g.n
        self.next_user = [0] * g.n          # index into g.users of the next first evaluation
        self.touched = [0] * g.n
        self.stamp = [0] * g.n
        self.heap, self.seq, self.used, self.now = [], [], 0, 0

    def run(self):
        """The schedule, or None when some evaluation cannot fit or it costs too much."""
        for s in range(self.g.n):
            self.now = s
            if not self._materialize(s):
                return None
            for d in self.g.ops[s]:
                self.next_user[d] += 1
                self._push(d)
        return self.seq

    def _materialize(self, target):
        """Compute target, first recomputing missing operands depth first."""
        frames = [(target, [])]
        while frames:
            v, held = frames[-1]
            for d in self.g.ops[v]:
                if self.present[d] and d not in held:
                    held.append(d)
                    self.locks[d] += 1
            missing = next((d for d in self.g.ops[v] if not self.present[d]), None)
            if missing is not None:
                frames.append((missing, []))
                continue
            if not self._compute(v):
                return False
            for d in held:
                self.locks[d] -= 1
            frames.pop()
        return True

    def _compute(self, v):
        """Evaluate v with its operands present, evicting to make room."""
        g = self.g
        self.cost += g.costs[v]
        if self.cost > self.limit or not self._make_room(g.sizes[v] + g.scratch[v]):
            return False
        self.seq.append(v)
        clock = len(self.seq)
        for d in g.ops[v]:
            self.touched[d] = clock
            if self.policy == "dtr":        # the key of belady does not change on reads
                self._push(d)
        self.present[v], self.touched[v] = True, clock
        self.used += g.sizes[v]
        self._push(v)
        return True

    def _next_use(self, v):
        """The next first evaluation reading v (infinity when none is left)."""
        users, i = self.g.users[v], self.next_user[v]
        return users[i] if i < len(users) else _INF

    def _push(self, v):
        """(Re)enter v in the candidate heap under its current key."""
        if v in self.g.pinned or not self.g.sizes[v] or not self.present[v]:
            return
        self.stamp[v] += 1
        key = -self._next_use(v) if self.policy == "belady" else self.touched[v]
        heapq.heappush(self.heap, (key, v, self.stamp[v]))

    def _make_room(self, need):
        """Evict until `need` more bytes fit; False when nothing evictable is left."""
        while self.used + need > self.budget:
            if not self._evict():
                return False
        return True

    def _evict(self):
        """Evict the best-scored of the first `width` unlocked candidates."""
        valid, found = [], []
        while self.heap and len(found) < self.width:
            entry = heapq.heappop(self.heap)
            _, v, stamp = entry
            if stamp != self.stamp[v] or not self.present[v]:
                continue
            valid.append(entry)
            if not self.locks[v]:
                found.append((self._score(v), v, entry))
        if not found:
            for entry in valid:
                heapq.heappush(self.heap, entry)
            return False
        _, victim, chosen = min(found)
        for entry in valid:
            if entry is not chosen:
                heapq.heappush(self.heap, entry)
        self.present[victim] = False
        self.used -= self.g.sizes[victim]
        return True

    def _recompute_cost(self, v):
        """Cost of v and of its absent ancestors reachable through absent nodes: what
        recomputing v would take now (DTR's evicted neighbourhood, upstream side)."""
        g, seen, todo, cost = self.g, {v}, [v], 0.0
        while todo:
            u = todo.pop()
            cost += g.costs[u]
            for d in g.ops[u]:
                if d not in seen and not self.present[d]:
                    seen.add(d)
                    todo.append(d)
            if len(seen) > _REACH:
                return g.total
        return cost

    def _score(self, v):
        """Lower is evicted first: recomputation cost per byte and per step of distance
        to the next use (belady) or since the last use (dtr); unused values first."""
        g, nxt = self.g, self._next_use(v)
        if nxt == _INF:
            return -g.sizes[v]
        if self.policy == "belady":
            distance = nxt - self.now
        else:
            distance = len(self.seq) - self.touched[v] + 1
        return self._recompute_cost(v) / (g.sizes[v] * distance)


class _Prune:
    """Drop evaluations of a valid schedule while its peak stays within `budget`: a
    recomputation whose reads go back to the previous instance (kept alive longer), or
    an evaluation nobody reads when another instance of the node exists. The memory
    profile is updated incrementally; costlier evaluations are tried first."""

    def __init__(self, dag, seq, budget):
        self.dag, self.seq, self.budget = dag, seq, budget
        self.mem = np.array(memory_profile(dag, seq), dtype=float)
        self.reads = [[] for _ in seq]       # instance (step) read by each step
        self.readers = [[] for _ in seq]     # steps reading each instance, increasing
        self.prev, self.next = [-1] * len(seq), [-1] * len(seq)
        self.pinned = [v in dag.pinned for v in seq]
        self._bind()

    def _bind(self):
        """Bind every read to its instance, link the instances of each node."""
        latest = {}
        ops = _operands(self.dag)
        for k, v in enumerate(self.seq):
            for d in ops[v]:
                self.reads[k].append(latest[d])
                self.readers[latest[d]].append(k)
            if v in latest:
                self.prev[k], self.next[latest[v]] = latest[v], k
            latest[v] = k

    def _end(self, j):
        """Last step at which instance j is live."""
        if self.pinned[j]:
            return len(self.seq) - 1
        return self.readers[j][-1] if self.readers[j] else j

    def _removable(self, p):
        """Whether dropping step p keeps every read bound and the peak within budget."""
        if self.pinned[p]:
            return False
        if not self.readers[p]:
            return self.prev[p] >= 0 or self.next[p] >= 0
        q = self.prev[p]
        if q < 0:
            return False
        gap = self.mem[self._end(q) + 1:p]
        return not gap.size or gap.max() + self.dag.sizes[self.seq[p]] <= self.budget

    def _drop(self, p):
        """Remove step p: its readers read the previous instance, its operands may die
        earlier; returns operand instances left unread."""
        q, size = self.prev[p], self.dag.sizes[self.seq[p]]
        if self.readers[p]:
            self.mem[self._end(q) + 1:p] += size
            for r in self.readers[p]:
                self.reads[r] = [q if j == p else j for j in self.reads[r]]
            self.readers[q].extend(self.readers[p])
        self.mem[p] = -_INF
        unread = []
        for j in self.reads[p]:
            old = self._end(j)
            self.readers[j].remove(p)
            self.mem[self._end(j) + 1:old + 1] -= self.dag.sizes[self.seq[j]]
            if not self.readers[j]:
                unread.append(j)
        if q >= 0:
            self.next[q] = self.next[p]
        if self.next[p] >= 0:
            self.prev[self.next[p]] = q
        return unread

    def run(self):
        """The pruned schedule."""
        costs = self.dag.costs
        order = sorted(range(len(self.seq)), key=lambda k: (-costs[self.seq[k]], k))
        alive = [True] * len(self.seq)
        work = list(reversed(order))
        while work:
            p = work.pop()
            if alive[p] and self._removable(p):
                alive[p] = False
                work.extend(self._drop(p))
        return [v for v, keep in zip(self.seq, alive) if keep]


_VARIANTS = (("belady", 16), ("dtr", 1), ("dtr", 4), ("dtr", 8))


def _greedy(g, budget, variant, limit=_INF):
    """One greedy run's schedule, or None."""
    return _Run(g, budget, *variant, limit=limit).run()


def _floor(g):
    """A lower bound on any peak with first evaluations in node order."""
    best, pinned_before = 0, 0
    for v in range(g.n):
        here = sum(g.sizes[d] for d in g.ops[v]) + g.sizes[v] + g.scratch[v]
        here += pinned_before - sum(g.sizes[d] for d in g.ops[v] if d in g.pinned)
        best = max(best, here)
        pinned_before += g.sizes[v] if v in g.pinned else 0
    return best


def _cheapest(dag, g, budget):
    """The cheapest pruned schedule of the variants within budget, or None."""
    best = (_INF, None)
    for variant in _VARIANTS:
        seq = _greedy(g, budget, variant, limit=_LIMIT * best[0])
        if seq is not None:
            seq = _Prune(dag, seq, budget).run()
            peak, cost = simulate(dag, seq)
            if peak > budget:
                raise RuntimeError(f"remat: pruned schedule peaks at {peak} > {budget}")
            best = min(best, (cost, seq))
    return best[1]


def heuristic(dag, budget):
    """A cheap schedule with peak <= budget by greedy eviction, on-demand recomputation
    and pruning (module docstring), or None below `min_peak`. The greedy is not monotone
    in the budget: when it fails, the schedule for `min_peak` serves if it fits."""
    base = topological(dag)
    if simulate(dag, base)[0] <= budget:
        return base
    g = _Graph(dag)
    found = _cheapest(dag, g, budget)
    if found is None:
        least = min_peak(dag)
        found = _cheapest(dag, g, least) if least < budget else None
    return found


def _fits(g, budget):
    """Whether some variant finds a schedule within budget (as `heuristic` does)."""
    return any(_greedy(g, budget, variant) is not None for variant in _VARIANTS)


def min_peak(dag) -> int:
    """The least budget at which `heuristic` finds a schedule, by bisection between a
    lower bound and the baseline peak: what can be promised (one byte less fails)."""
    g = _Graph(dag)
    lo, hi = _floor(g) - 1, simulate(dag, topological(dag))[0]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if _fits(g, mid) else (mid, hi)
    return hi


def solve(dag, budget, exact_limit=40, time_limit=60):
    """The cheaper of the heuristic's schedule and, for DAGs of at most `exact_limit`
    nodes, the pruned MILP optimum (`time_limit` seconds); None when neither fits."""
    found = [heuristic(dag, budget)]
    if len(dag.sizes) <= exact_limit:
        exact = solve_exact(dag, budget, time_limit)
        found.append(exact and _Prune(dag, exact, budget).run())
    found = [seq for seq in found if seq is not None]
    return min(found, key=lambda seq: simulate(dag, seq)[1], default=None)
