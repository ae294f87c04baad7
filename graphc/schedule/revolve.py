"""Binomial checkpointing (Griewank & Walther's revolve) for a chain of l steps.

To run a chain's reverse sweep with only s stored states, some forward steps are
recomputed. `schedule(l, s)` gives an optimal order of actions and `forward_steps(l, s)`
its cost in closed form: p(l, s) = r·l − C(s + r, s + 1), where r is the integer with
C(s + r − 1, s) < l ≤ C(s + r, s).

Counting convention (Griewank's): s counts every stored state, including the chain's
initial state; a reverse step recomputes its own forward step (the "taped" step), so only
the other forward steps count. Reversing one step costs 0; with s = 1, l steps cost
l(l − 1)/2. This module is the chain algorithm; the checkpoint scheduler of the compiler
(issue 5) is to use it for loops and chains.
"""
from math import comb


def _binomial(s, r):
    return comb(s + r, s) if r >= 0 else 0


def _repetition(l, s):
    """r with C(s + r − 1, s) < l ≤ C(s + r, s): how many times a step is evaluated."""
    r = 0
    while _binomial(s, r) < l:
        r += 1
    return r


def forward_steps(l: int, s: int) -> int:
    """The least number of forward steps to reverse l steps with s stored states."""
    if s < 1:
        raise ValueError("revolve: at least one stored state (the initial one) is needed")
    if l <= 1:
        return 0
    r = _repetition(l, s)
    return r * l - comb(s + r, s + 1)


def schedule(l: int, s: int) -> list:
    """Actions reversing steps l−1 … 0 with at most s stored states, in optimal count:
    ("advance", k) k forward steps from the current state; ("store", i) keep state i;
    ("restore", i) make stored state i current; ("free", i); ("reverse", i) the reverse
    step of step i (from state i, recomputing step i itself)."""
    if s < 1:
        raise ValueError("revolve: at least one stored state (the initial one) is needed")
    actions = [("store", 0)]
    stack = [("reverse_range", 0, l, s)]
    while stack:                                   # iterative: no recursion limit
        item = stack.pop()
        if item[0] != "reverse_range":
            actions.append(item)
            continue
        _, start, end, free = item
        length = end - start
        if length == 0:
            continue
        if length == 1:
            actions.append(("reverse", start))
            continue
        if free == 1:                              # only the start is stored: recompute from it
            tail = []
            for k in range(end - 1, start - 1, -1):
                if k > start:
                    tail += [("restore", start), ("advance", k - start), ("reverse", k)]
                else:
                    tail += [("restore", start), ("reverse", k)]
            actions.extend(tail)
            continue
        r = _repetition(length, free)
        m = min(_binomial(free, r - 1), length - _binomial(free - 1, r - 1))
        m = max(1, min(length - 1, m))
        # advance m steps, keep that state, reverse the tail with one state fewer, then
        # come back to the start and reverse the head with all states again
        stack += [("reverse_range", start, start + m, free), ("restore", start), ("free", start + m),
                  ("reverse_range", start + m, end, free - 1), ("store", start + m), ("advance", m)]
    return actions


def simulate(actions, l):
    """(forward steps, most states stored at once) of running `actions`; checks that the
    steps are reversed in order l−1 … 0, each from its own state."""
    current, stored, advances, most = 0, set(), 0, 0
    expected = l - 1
    for action, value in actions:
        if action == "advance":
            current += value
            advances += value
        elif action == "store":
            if value != current:
                raise AssertionError(f"revolve: storing state {value} while at {current}")
            stored.add(value)
            most = max(most, len(stored))
        elif action == "restore":
            if value not in stored:
                raise AssertionError(f"revolve: state {value} was not stored")
            current = value
        elif action == "free":
            stored.discard(value)
        elif action == "reverse":
            if value != expected or current != value:
                raise AssertionError(f"revolve: reversing step {value} at state {current}, expected {expected}")
            expected -= 1
    if expected != -1:
        raise AssertionError(f"revolve: steps {expected} … 0 were not reversed")
    return advances, most
