"""Binomial checkpointing (graphc/schedule/revolve.py): the schedule's forward-step count
equals the closed form p(l, s) = r·l − C(s + r, s + 1) and is optimal (against dynamic
programming on small chains); it never stores more than s states."""
from functools import lru_cache
from math import comb

import pytest

from graphc.schedule.revolve import forward_steps, schedule, simulate


@pytest.mark.parametrize("s", [1, 2, 3, 5, 10])
@pytest.mark.parametrize("l", [10, 50, 100, 1000])
def test_schedule_meets_the_closed_form(l, s):
    r = 0
    while comb(s + r, s) < l:
        r += 1
    p = r * l - comb(s + r, s + 1)
    assert forward_steps(l, s) == p
    advances, most = simulate(schedule(l, s), l)
    assert advances == p
    assert most <= s


@lru_cache(maxsize=None)
def optimum(l, s):
    """Least forward steps by dynamic programming over the first split point."""
    if l <= 1:
        return 0
    if s == 1:
        return l * (l - 1) // 2
    return min(m + optimum(l - m, s - 1) + optimum(m, s) for m in range(1, l))


def test_closed_form_is_optimal_on_small_chains():
    for l in range(1, 120):
        for s in range(1, 7):
            assert forward_steps(l, s) == optimum(l, s), (l, s)
            assert simulate(schedule(l, s), l)[0] == optimum(l, s), (l, s)


def test_simple_cases():
    assert forward_steps(1, 1) == 0 and forward_steps(2, 1) == 1 and forward_steps(5, 1) == 10
    assert forward_steps(10, 10) == 9               # enough states: each step once, the last taped
    with pytest.raises(ValueError):
        forward_steps(5, 0)
