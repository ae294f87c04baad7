"""Activation checkpointing on a long chain: peak memory against compute time.

The lecture notes' memory wall: reverse mode stores every forward value its backward
pass reads. For the recurrence h ← tanh(W h + x_t) over T steps that is T states. graphc
decides what to keep and what to recompute at compile time: this example compiles the
gradient of L = Σ h_T² with each strategy and with "auto" at a sweep of memory budgets,
prints the table (predicted peak `f.peak_bytes`, step evaluations, measured time) and
plots memory against time (examples/out/checkpointing.png, when matplotlib is installed).

    python examples/checkpointing.py [T] [h]
"""
import sys
import time
from pathlib import Path

import numpy as np

import graphc as gc

T = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
H = int(sys.argv[2]) if len(sys.argv) > 2 else 64
OUT = Path(__file__).resolve().parent / "out"

W, h0, xs = gc.var("W", (H, H)), gc.var("h0", (H,)), gc.var("xs", (T, H))
hT, _ = gc.scan(lambda h, x: (gc.tanh(W @ h + x), None), h0, xs)
loss = gc.sum(hT * hT)
outputs = [loss, gc.grad(loss, W)]

rng = np.random.default_rng(0)
args = (rng.standard_normal((H, H)) * 0.5 / np.sqrt(H), rng.standard_normal(H) * 0.1,
        rng.standard_normal((T, H)) * 0.1)


def measure(f, repeats=5):
    """Median seconds of a bound call."""
    b = f.bind(*args)
    b()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        b()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


none = gc.compile([W, h0, xs], outputs)
reference = none(*args)
rows = []


def record(label, f):
    for got, want in zip(f(*args), reference):
        assert np.array_equal(got, want), f"{label}: differs from checkpoint='none'"
    steps = sum(p.steps for p in f.plan.loops) if f.plan.loops else T
    rows.append((label, f.plan.strategy, f.peak_bytes, steps, measure(f)))


record("none", none)
for strategy in ["sqrt", "revolve"]:
    record(strategy, gc.compile([W, h0, xs], outputs, checkpoint=strategy))
for fraction in [0.5, 0.25, 0.1, 0.05, 0.02, 0.01]:
    budget = int(none.peak_bytes * fraction)
    try:
        f = gc.compile([W, h0, xs], outputs, checkpoint="auto", memory_budget=budget)
    except gc.MemoryBudgetError as error:
        print(f"auto at {fraction:.0%} of the peak: {error}")
        continue
    record(f"auto {fraction:.0%}", f)

print(f"\nGradient of a {T}-step recurrence, h of size {H} (outputs bit-identical in every row):\n")
print(f"{'schedule':<12} {'peak_bytes':>12} {'vs none':>8} {'step evals':>11} {'time ms':>9} {'vs none':>8}")
base_peak, base_time = rows[0][2], rows[0][4]
for label, _, peak, steps, seconds in rows:
    print(f"{label:<12} {peak:>12,} {peak / base_peak:>8.3f} {steps:>11,} {seconds * 1e3:>9.2f} "
          f"{seconds / base_time:>8.2f}")
print()
print(gc.compile([W, h0, xs], outputs, checkpoint="sqrt").plan)

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("\n(matplotlib is not installed: no plot)")
else:
    OUT.mkdir(exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 4))
    for strategy, marker in [("none", "o"), ("sqrt", "s"), ("revolve", "^"), ("auto", "x")]:
        points = [(r[2] / 2**20, r[4] * 1e3, r[0]) for r in rows if r[1] == strategy]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], marker, linestyle="-" if strategy == "auto"
                    else "", label=strategy)
    ax.set_xscale("log")
    ax.set_xlabel("peak working memory (MiB, f.peak_bytes)")
    ax.set_ylabel("value and gradient (ms)")
    ax.set_title(f"Checkpointing a {T}-step recurrence (h = {H})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(OUT / "checkpointing.png", dpi=120)
    print(f"\nplot: {OUT / 'checkpointing.png'}")
