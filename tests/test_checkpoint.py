"""Checkpointing (API.md §4): every strategy gives the outputs of checkpoint="none" bit for
bit; "auto" meets its budget; a budget below the least one raises MemoryBudgetError
naming it; plans count what they recompute."""
import re

import numpy as np
import pytest

import graphc as gc
from graphc.schedule import revolve, scan_plan

STRATEGIES = ["sqrt", "revolve", "auto"]


def rnn_scan(h=16, T=64):
    W, h0, xs = gc.var("W", (h, h)), gc.var("h0", (h,)), gc.var("xs", (T, h))

    def step(c, x):
        n = gc.tanh(W @ c + x)
        return n, gc.sum(n * n)
    hT, ys = gc.scan(step, h0, xs)
    loss = gc.sum(hT * hT) + gc.sum(ys)
    return [W, h0, xs], [loss, *gc.grad(loss, [W, h0, xs])]


def rnn_residual(h=16, T=64):
    """A scan whose reverse reads a residual besides the carries (tanh's result): its
    segments' last steps are rerun, not copied from snapshots."""
    W, h0, xs = gc.var("W", (h, h)), gc.var("h0", (h,)), gc.var("xs", (T, h))
    hT, _ = gc.scan(lambda c, x: (gc.sin(gc.tanh(W @ c + x)) + c * 0.5, None), h0, xs)
    loss = gc.sum(hT * hT)
    return [W, h0, xs], [loss, *gc.grad(loss, [W, h0, xs])]


def rnn_unrolled(h=16, T=64):
    W, h0, xs = gc.var("W", (h, h)), gc.var("h0", (h,)), gc.var("xs", (T, h))
    c = h0
    for t in range(T):
        c = gc.tanh(W @ c + xs[t])
    loss = gc.sum(c * c)
    return [W, h0, xs], [loss, *gc.grad(loss, [W, h0])]


def mlp(layers=8, width=32, batch=16):
    x = gc.var("x", (batch, width))
    Ws = [gc.var(f"W{k}", (width, width)) for k in range(layers)]
    a = x
    for W in Ws:
        a = gc.tanh(a @ W)
    loss = gc.sum(a * a)
    return [x, *Ws], [loss, *gc.grad(loss, Ws)]


MODELS = {"rnn_scan": rnn_scan, "rnn_residual": rnn_residual, "rnn_unrolled": rnn_unrolled, "mlp8": mlp}


def arguments(inputs, rng):
    return [rng.standard_normal(v.shape) * (0.3 / np.sqrt(v.shape[-1]) if v.ndim == 2 and v.shape[0] == v.shape[1]
                                            else 1.0) for v in inputs]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("model", sorted(MODELS))
def test_every_strategy_is_bit_identical_to_none(model, strategy, cache, rng):
    inputs, outputs = MODELS[model]()
    args = arguments(inputs, rng)
    none = gc.compile(inputs, outputs, cache_dir=cache)
    budget = none.peak_bytes * 3 // 4 if strategy == "auto" else None
    f = gc.compile(inputs, outputs, checkpoint=strategy, memory_budget=budget, cache_dir=cache)
    for got, want in zip(f(*args), none(*args)):
        assert np.array_equal(got, want)
    assert f.peak_bytes < none.peak_bytes
    if budget is not None:
        assert f.peak_bytes <= budget


@pytest.mark.parametrize("model", ["mlp8", "rnn_scan"])
def test_auto_meets_a_quarter_of_the_none_peak(model, cache, rng):
    inputs, outputs = MODELS[model]()
    none = gc.compile(inputs, outputs, cache_dir=cache)
    budget = none.peak_bytes // 4
    f = gc.compile(inputs, outputs, checkpoint="auto", memory_budget=budget, cache_dir=cache)
    assert f.peak_bytes <= budget
    args = arguments(inputs, rng)
    for got, want in zip(f(*args), none(*args)):
        assert np.array_equal(got, want)


@pytest.mark.parametrize("model", ["mlp8", "rnn_scan"])
def test_a_budget_below_the_least_names_the_least(model, cache):
    inputs, outputs = MODELS[model]()
    with pytest.raises(gc.MemoryBudgetError, match=r"the least this graph can run in is \d+ bytes") as info:
        gc.compile(inputs, outputs, checkpoint="auto", memory_budget=64, cache_dir=cache)
    assert isinstance(info.value, ValueError)
    least = int(re.search(r"run in is (\d+) bytes", str(info.value)).group(1))
    f = gc.compile(inputs, outputs, checkpoint="auto", memory_budget=least, cache_dir=cache)
    assert f.peak_bytes <= least


def test_none_with_a_budget_it_cannot_meet_says_so(cache):
    inputs, outputs = mlp()
    with pytest.raises(gc.MemoryBudgetError, match="checkpoint='none' needs"):
        gc.compile(inputs, outputs, memory_budget=1024, cache_dir=cache)


def test_plan_reports_kept_recomputed_and_peak(cache):
    inputs, outputs = rnn_scan()
    f = gc.compile(inputs, outputs, checkpoint="sqrt", cache_dir=cache)
    text = str(f.plan)
    assert f"{f.peak_bytes} bytes" in text and "loop of 64 steps: 8 snapshots, tape of 8 steps" in text
    assert f.plan.extra_flops > 0 and f.plan.loops[0].recomputed == 56
    # "auto" at sqrt's memory: each recomputed segment but its last step, which a snapshot holds
    a = gc.compile(inputs, outputs, checkpoint="auto", memory_budget=f.peak_bytes, cache_dir=cache)
    assert a.plan.loops[0].recomputed < 56 and a.plan.loops[0].reused > 0
    assert f"; {a.plan.loops[0].reused} copied from snapshots" in str(a.plan)
    r = gc.compile(*rnn_residual(), checkpoint="auto", memory_budget=f.peak_bytes, cache_dir=cache)
    assert r.plan.loops[0].reused == 0
    g = gc.compile(*mlp(), checkpoint="sqrt", cache_dir=cache)
    assert "recomputed values: matmul" in str(g.plan) and g.plan.peak_bytes == g.peak_bytes


@pytest.mark.parametrize("T", [1, 2, 7, 64, 1000])
@pytest.mark.parametrize("s", [1, 2, 3, 5, 10])
def test_revolve_plans_count_the_binomial_optimum(T, s):
    plan = scan_plan.revolve_plan(T, s)
    # every step is taped once right before its reverse step; the other evaluations are
    # the advances of the binomial schedule, p(T, s) of them
    assert plan.steps == T + revolve.forward_steps(T, min(s, T))
    assert plan.slots <= s


@pytest.mark.parametrize("T", [1, 5, 64, 1000])
def test_sqrt_plan_recomputes_each_segment_once(T):
    plan = scan_plan.sqrt_plan(T)
    k = plan.segment
    assert k * k >= T > (k - 1) * (k - 1) or T == 1
    assert plan.steps == 2 * T - k          # all but the last segment (a whole one), once


@pytest.mark.parametrize("T", [1, 2, 5, 64, 1000])
def test_a_snapshot_stands_in_for_each_recomputed_segments_last_step(T):
    k = scan_plan.sqrt_plan(T).segment
    segments = -(-T // k)
    plan = scan_plan.segmented(T, k, segments, "auto", reuse=True)
    assert plan.reused == segments - 1
    assert plan.steps == 2 * T - k - (segments - 1)


@pytest.mark.parametrize("T", [1, 2, 7, 64, 1000])
@pytest.mark.parametrize("s", [1, 2, 3, 5, 10])
def test_reuse_only_replaces_taped_steps_of_revolve(T, s):
    plan = scan_plan.revolve_plan(T, s, reuse=True)
    assert plan.steps + plan.reused == T + revolve.forward_steps(T, min(s, T))
    assert plan.slots <= s


def test_auto_plan_recomputes_less_than_sqrt_at_equal_memory():
    sqrt = scan_plan.sqrt_plan(1000)
    memory = sqrt.memory(2048, 2048)
    auto = scan_plan.auto_plan(1000, 2048, 2048, memory)
    assert auto.memory(2048, 2048) <= memory and auto.recomputed < sqrt.recomputed


def test_a_long_recurrence_compiles_to_a_loop(cache):
    T, h = 1000, 256
    W, h0, xs = gc.var("W", (h, h)), gc.var("h0", (h,)), gc.var("xs", (T, h))
    hT, _ = gc.scan(lambda c, x: (gc.tanh(W @ c + x), None), h0, xs)
    loss = gc.sum(hT * hT)
    for strategy in ["none", "sqrt"]:
        f = gc.compile([W, h0, xs], [loss, gc.grad(loss, W)], checkpoint=strategy, cache_dir=cache)
        assert len(f.c_source) < 60_000          # one loop per direction, not 1000 copies
    rng = np.random.default_rng(0)
    Wv, hv, xv = rng.standard_normal((h, h)) * 0.03, rng.standard_normal(h), rng.standard_normal((T, h))
    c, hs = hv, [hv]
    for t in range(T):
        c = np.tanh(Wv @ c + xv[t])
        hs.append(c)
    g, dW = 2 * c, np.zeros((h, h))
    for t in range(T - 1, -1, -1):
        g = g * (1 - hs[t + 1] ** 2)
        dW += np.outer(g, hs[t])
        g = Wv.T @ g
    value, grad = f(Wv, hv, xv)
    np.testing.assert_allclose(value, np.sum(c * c), rtol=1e-12)
    np.testing.assert_allclose(grad, dW, rtol=1e-9, atol=1e-12)


def test_unknown_strategy_and_bad_budget_are_clear_errors():
    x = gc.var("x", (3,))
    with pytest.raises(ValueError, match="checkpoint must be one of"):
        gc.compile([x], [gc.sum(x)], checkpoint="magic")
    with pytest.raises(ValueError, match="memory_budget must be a positive number of bytes"):
        gc.compile([x], [gc.sum(x)], checkpoint="auto", memory_budget=-5)


def test_a_large_program_is_bit_identical_under_every_strategy(cache):
    """Strategies' sources differ in size; the optimisation level, which decides which
    a * b + c become fused multiply-adds, follows the graph, so they agree bit for bit."""
    import random
    from graphc import build
    rng = random.Random(1)
    xs = [gc.var(f"x{i}") for i in range(6)]
    pool = list(xs)
    for _ in range(420):              # none's C is under 300 KB, sqrt's over it
        a, b = rng.choice(pool[-30:]), rng.choice(pool)
        pool.append(rng.choice([gc.tanh(a) * b + a, a * b + gc.sin(b), a / (1 + b * b)]))
    y = sum(pool[-8:], gc.const(0.0))
    outputs = [y, *gc.grad(y, xs)]
    args = [0.1 * (i + 1) for i in range(6)]
    none = gc.compile(xs, outputs, cache_dir=cache)
    sqrt = gc.compile(xs, outputs, checkpoint="sqrt", cache_dir=cache)
    nodes = len(gc.ir.toposort(outputs))
    assert build.optimization_flags(none.c_source, nodes) == build.optimization_flags(sqrt.c_source, nodes)
    assert sqrt.peak_bytes < none.peak_bytes and len(sqrt.c_source) != len(none.c_source)
    for got, want in zip(sqrt(*args), none(*args)):
        assert np.array_equal(got, want)
