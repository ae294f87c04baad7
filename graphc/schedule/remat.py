"""Rematerialization (checkpointing): keep some values, recompute others, under a budget.

The model and its simulation are in `dag` (a `Dag`, `simulate`, `memory_profile`), the
exact solver, Checkmate's mixed-integer program, in `checkmate`, and the greedy
heuristic for DAGs of any size in `greedy`; `solve` takes the cheaper of the two.
"""
from .checkmate import solve_exact
from .dag import Dag, _scratch, memory_profile, simulate, topological
from .greedy import _Prune, heuristic, min_peak

__all__ = ["Dag", "heuristic", "memory_profile", "min_peak", "simulate", "solve", "solve_exact", "topological",
           "_scratch"]


def solve(dag, budget, exact_limit=40, time_limit=60):
    """The cheaper of the heuristic's schedule and, for DAGs of at most `exact_limit`
    nodes, the pruned MILP optimum (`time_limit` seconds); None when neither fits."""
    found = [heuristic(dag, budget)]
    if len(dag.sizes) <= exact_limit:
        exact = solve_exact(dag, budget, time_limit)
        found.append(exact and _Prune(dag, exact, budget).run())
    found = [seq for seq in found if seq is not None]
    return min(found, key=lambda seq: simulate(dag, seq)[1], default=None)
