"""A cheap schedule under a memory budget for DAGs of any size (model: `dag`).

`heuristic`: a greedy in the manner of DTR (Kirisame et al., "Dynamic
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

import numpy as np

from .dag import _consumers, _operands, _scratch, memory_profile, simulate, topological

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
