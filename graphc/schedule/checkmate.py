"""The least-cost schedule under a memory budget, exactly, for small DAGs.

`solve_exact`: the mixed-integer program of Checkmate (Jain et al.,
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
"""
import math

import numpy as np

from .dag import _consumers, _operands, _scratch, simulate


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
