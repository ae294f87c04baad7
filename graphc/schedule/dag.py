"""The rematerialization model: a program as a DAG of sized, costed values, and what a
schedule (an order of evaluations with repeats) costs in memory and time.

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

Solvers: `checkmate.solve_exact` (exact, small DAGs), `greedy.heuristic` (any size);
`remat.solve` takes the cheaper.
"""
import operator
from dataclasses import dataclass, field


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
