"""W5: RNN chain h ← tanh(W h + x_t), h ∈ R²⁵⁶, T = 1000, loss = Σ h_T², gradient w.r.t. W;
batch 1 (h a vector) and batch 64 (h ∈ R^{64×256}, rows are batch elements:
h ← tanh(h @ W.T + x_t)); float64. Output: (L, dL/dW). Time and peak memory per strategy.

Like the other workloads, cases() maps case -> system -> setup(), setup() returns
(callable, result of one call), and `python -m benchmarks.harness w5_rnn "batch 1" numpy`
works. This module runs its systems itself (rows(), called by run_all) because it also
reports memory: each system runs in a process of its own for its result and median time
(`python -m benchmarks.w5_rnn CASE SYSTEM`, as harness.run_system does), ROUNDS times
round-robin with the other systems (this shared machine has slow spells of minutes, which
then fall on every system alike), and in another process for the memory of one call
(`... CASE SYSTEM memory`).

Every timing process also measures where the OS has put its two threads, before and
after its timed calls (benchmarks/placement.py): on two cores of their own (a barrier
round trip of ~33 ns), on a shared core (one core's two hyperthreads, or a core another
tenant keeps busy: two threads computing at once run at ~0.55x), or far apart (a round
trip of 160 ns or more); and whether the host is slowing both cores down (the probe's
loop alone SLOW times its fastest in the run). Which one a process gets is the host's
choice and changes within seconds; the two-thread kernels follow it (batch 1: ~8 ms on
two cores, ~13.5 ms on a shared one). The tables list each round's median with its
placement, and a second table compares the systems at the same placement: per system and
placement, the median of the rounds that began and ended there.

Peak memory of one call: the increase of the process's peak RSS during the call — write
"5" to /proc/self/clear_refs (resets VmHWM to the current RSS), read VmRSS, run one call,
read VmHWM; report VmHWM − VmRSS before. The call measured is the second (the first
compiles). So that this is what the call needs rather than what an allocator happens to
keep from earlier calls, that process fixes glibc's mmap threshold at 64 KiB (mallopt:
big blocks are unmapped when freed; otherwise PyTorch's blocks move into a heap kept for
reuse and a call shows almost nothing) and calls malloc_trim(0) before the call; not in
the timing process, where that setting would slow some systems down. graphc's BoundCall
allocates its working memory when bound and keeps it, so for graphc the call measured is
the first call of a second binding (its working memory is touched during that call);
graphc rows also show f.peak_bytes, the compiler's figure for that working memory.

    python -m benchmarks.run_all w5_rnn          # writes benchmarks/results/w5_rnn.md
    python -m benchmarks.w5_rnn                  # the same tables, printed only
    python -m benchmarks.w5_rnn "batch 1" numpy  # one system's time and result, JSON
    python -m benchmarks.w5_rnn "batch 1" numpy memory     # its memory, JSON
"""
import json
import os
import subprocess
import sys
import time

import numpy as np

from . import placement
from .machine import fraction

TITLE = "W5 RNN chain, T = 1000, h ∈ R²⁵⁶: loss and dL/dW"
REFERENCE = "numpy"
RTOL = 1e-8
T, N = 1000, 256
SEGMENTS = 40                # "jax segments": 40 segments of 25 steps, each rematerialized
TORCH_SEGMENT = 32           # "pytorch checkpoint": segments of 32 steps (the last one 8)
STRATEGIES = ("none", "sqrt", "revolve", "auto")
TIME_BUDGET = 3.0            # seconds of timed calls per system: 15 repeats of calls up to
REPEATS = (3, 15)            # 0.2 s, fewer of slower ones (batch 64: ~0.3–1 s), at least 3
TIMEOUT = 600                # seconds per system process (compilation included)
ROUNDS = 5                   # timing processes per system, run round-robin with the others
PAIRS = 15                   # alternating none/strategy call pairs of the paired ratio


def shape_h(batch):
    return (N,) if batch == 1 else (batch, N)


def data(batch):
    rng = np.random.default_rng(0)
    W = rng.standard_normal((N, N)) * (0.5 / np.sqrt(N))
    h0 = rng.standard_normal(shape_h(batch)) * 0.1
    xs = rng.standard_normal((T,) + shape_h(batch)) * 0.1
    return W, h0, xs


# ---------------------------------------------------------------------------- systems

def _graphc(batch, strategy):
    def setup():
        import graphc as gc
        Wv, h0v, xsv = data(batch)
        W = gc.var("W", (N, N))
        h0 = gc.var("h0", shape_h(batch))
        xs = gc.var("xs", (T,) + shape_h(batch))

        def step(h, x):
            return gc.tanh(W @ h + x) if batch == 1 else gc.tanh(h @ W.T + x), None
        hT, _ = gc.scan(step, h0, xs)
        L = gc.sum(hT * hT)
        outputs = [L, gc.grad(L, W)]
        budget = None
        if strategy == "auto":      # the budget: what "sqrt" needs
            budget = gc.compile([W, h0, xs], outputs, checkpoint="sqrt").peak_bytes
        f = gc.compile([W, h0, xs], outputs, checkpoint=strategy, memory_budget=budget)
        b = f.bind(Wv, h0v, xsv)
        result = [np.array(r, copy=True) for r in b()]

        def fn():                   # b itself (a BoundCall) takes no attributes
            return b()
        fn.info = {"peak_bytes": int(f.peak_bytes), "budget": budget, "plan": _plan_note(f)}

        def fresh():                # a new binding: its working memory not yet touched
            return f.bind(Wv, h0v, xsv)
        fn.fresh = fresh
        return fn, result
    return setup


def _plan_note(f):
    """Step evaluations recomputed by the checkpoint plan, as a short note (or '')."""
    try:
        loops = f.plan.loops
        if not loops:
            return ""
        p = loops[0]
        return (f"{p.slots} snapshots, tape of {p.segment} steps, "
                f"{sum(q.recomputed for q in loops)} steps recomputed")
    except Exception:       # noqa: BLE001 — the plan is a note, never a failure
        return ""


def _numpy(batch):
    """By hand: a forward loop storing every h_t, a backward loop. Batch 1 stacks the
    step gradients and forms dW with one product; batch 64 accumulates g.T @ h_t."""
    def setup():
        W, h0, xs = data(batch)

        def fn():
            hs = np.empty((T + 1,) + h0.shape)
            hs[0] = h0
            for t in range(T):
                hs[t + 1] = np.tanh((W @ hs[t] if batch == 1 else hs[t] @ W.T) + xs[t])
            hT = hs[T]
            L = np.sum(hT * hT)
            g = 2.0 * hT
            if batch == 1:
                G = np.empty((T, N))
                for t in range(T - 1, -1, -1):
                    g = g * (1.0 - hs[t + 1] ** 2)          # dL/d(W h_t + x_t)
                    G[t] = g
                    g = g @ W                               # dL/dh_t
                dW = G.T @ hs[:T]
            else:
                dW = np.zeros((N, N))
                for t in range(T - 1, -1, -1):
                    g = g * (1.0 - hs[t + 1] ** 2)
                    dW += g.T @ hs[t]
                    g = g @ W
            return [L, dW]
        return fn, fn()
    return setup


def _jax(batch, segments):
    def setup():
        import jax
        import jax.numpy as jnp
        from jax import lax
        jax.config.update("jax_enable_x64", True)       # as harness.ENV sets it
        W, h0, xs = map(jnp.asarray, data(batch))

        def loss(W, h0, xs):
            def step(h, x):
                return jnp.tanh(W @ h + x) if batch == 1 else jnp.tanh(h @ W.T + x), None
            if segments:
                def segment(h, xseg):
                    return lax.scan(step, h, xseg)[0], None
                hT, _ = lax.scan(jax.checkpoint(segment), h0,
                                 xs.reshape((SEGMENTS, T // SEGMENTS) + xs.shape[1:]))
            else:
                hT, _ = lax.scan(step, h0, xs)
            return jnp.sum(hT * hT)
        f = jax.jit(jax.value_and_grad(loss))

        def fn():
            return jax.block_until_ready(f(W, h0, xs))
        L, dW = fn()
        return fn, [np.asarray(L), np.asarray(dW)]
    return setup


def _torch(batch, checkpointed):
    def setup():
        import torch
        from torch.utils.checkpoint import checkpoint
        torch.set_num_threads(2)
        W0, h0, xs = map(torch.tensor, data(batch))
        W = W0.clone().requires_grad_(True)

        def run(h, xseg):
            for x in xseg:
                h = torch.tanh(W @ h + x) if batch == 1 else torch.tanh(h @ W.T + x)
            return h

        def fn():
            if checkpointed:
                h = h0
                for s in range(0, T, TORCH_SEGMENT):
                    h = checkpoint(run, h, xs[s:s + TORCH_SEGMENT], use_reentrant=False)
            else:
                h = run(h0, xs)
            L = torch.sum(h * h)
            (g,) = torch.autograd.grad(L, W)
            return [L.item(), g.numpy()]
        return fn, fn()
    return setup


def batch_of(case):
    """The batch size of a case named "batch B"."""
    return int(case.split()[1])


def cases():
    out = {}
    for batch in (1, 64):
        systems = {f"graphc {s}": _graphc(batch, s) for s in STRATEGIES}
        systems.update({"numpy": _numpy(batch), "jax scan": _jax(batch, False),
                        "jax segments": _jax(batch, True), "pytorch": _torch(batch, False),
                        "pytorch checkpoint": _torch(batch, True)})
        out[f"batch {batch}"] = systems
    return out


# ---------------------------------------------------------------------------- memory

def _status(field):
    """A field of /proc/self/status in bytes (VmRSS, VmHWM), or None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


M_MMAP_THRESHOLD = -3          # mallopt parameter (glibc malloc.h)
MMAP_THRESHOLD = 64 * 1024      # blocks from this size up: mappings of their own


def fix_allocator():
    """Make glibc's malloc keep nothing back: from 64 KiB up, blocks get mappings of their
    own, unmapped when freed (no adaptive threshold that moves them into a heap kept for
    reuse). The libc handle, or None if this is not glibc."""
    import ctypes
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        libc.malloc_trim                # noqa: B018 — glibc has it
        return libc
    except (OSError, AttributeError):
        return None


def call_peak_rss(probe, libc):
    """(bytes by which one call of probe raises the process's peak RSS, how it was measured):
    malloc_trim(0), /proc/self/clear_refs "5" (resets VmHWM to the RSS), read VmRSS, call,
    read VmHWM. Without a kernel that resets VmHWM: (None, reason)."""
    import gc
    gc.collect()
    if libc is not None:
        libc.malloc_trim(0)
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError as e:
        return None, f"no clear_refs ({e.strerror})"
    before, peak = _status("VmRSS"), _status("VmHWM")
    if before is None or peak is None or peak > before + (1 << 20):
        return None, "clear_refs did not reset VmHWM"
    probe()
    return max(_status("VmHWM") - before, 0), "clear_refs" + ("" if libc is not None else ", not glibc")


# ---------------------------------------------------------------------------- running

def run_system(case, system):
    """In this process: set up one system (its first call), check, time it."""
    from .harness import median_time, to_numpy
    fn, result = cases()[case][system]()
    result = to_numpy(result)
    start = time.perf_counter()
    fn()
    repeats = int(min(REPEATS[1], max(REPEATS[0], TIME_BUDGET / (time.perf_counter() - start))))
    before = placement.measure()
    median, best = median_time(fn, budget=TIME_BUDGET, repeats=repeats)
    info = dict(getattr(fn, "info", {}), repeats=repeats)
    info["placement"] = [before, placement.measure()]     # the threads' placement before and after the timed calls
    return {"median": median, "min": best, "info": info, "result": [np.ravel(r).tolist() for r in result]}


def run_paired(case, pairs=PAIRS):
    """In this process: every checkpointed strategy against "none", their calls alternating
    (none, s, none, s, ...), so that a slow spell of the machine falls on both; per
    strategy the median over `pairs` of (its call's time ÷ the neighbouring "none" call's)."""
    fns = {s: _graphc(batch_of(case), s)()[0] for s in STRATEGIES}
    ratios = {s: [] for s in STRATEGIES if s != "none"}
    for _ in range(pairs):
        for s in ratios:
            times = []
            for f in (fns["none"], fns[s]):
                start = time.perf_counter()
                f()
                times.append(time.perf_counter() - start)
            ratios[s].append(times[1] / times[0])
    return {s: float(np.median(r)) for s, r in ratios.items()}


def run_memory(case, system):
    """In this process (a fresh one, not the timing one: the allocator setting slows some
    systems down): the peak-RSS increase of the second call (the first compiles; for
    graphc, the first call of a second binding)."""
    libc = fix_allocator()
    fn, _ = cases()[case][system]()
    probe = fn.fresh() if hasattr(fn, "fresh") else fn
    rss, how = call_peak_rss(probe, libc)
    return {"rss_bytes": rss, "rss_how": how}


def measure(case, system, mode="time", timeout=TIMEOUT):
    """Run one system in a fresh process (system "paired", mode None: run_paired); its
    figures, or {'error': ...}."""
    from .harness import ENV
    env = dict(os.environ, **ENV)
    cmd = [sys.executable, "-m", "benchmarks.w5_rnn", case, system] + ([mode] if mode else [])
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout,
                              cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    if proc.returncode:
        lines = proc.stderr.strip().splitlines()
        last = lines[-1] if lines else f"exit status {proc.returncode}"
        return {"error": last[:200]}
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": "no result printed"}


def measure_rounds(case, systems):
    """Every system timed in ROUNDS rounds, round-robin (each round a fresh process per
    system), so that a slow spell of this shared machine falls on all systems alike; per
    system the median of its rounds' medians, and the memory of one call from one more process."""
    rounds = {system: [] for system in systems}
    for _ in range(ROUNDS):
        for system in systems:
            rounds[system].append(measure(case, system, "time"))
    results = {}
    for system, runs in rounds.items():
        failed = [r for r in runs if "error" in r]
        if failed:
            results[system] = failed[0]
            continue
        r = sorted(runs, key=lambda run: run["median"])[len(runs) // 2]
        r["info"]["rounds"] = [run["median"] for run in runs]
        r["info"]["round_placements"] = [run["info"].get("placement") for run in runs]
        m = measure(case, system, "memory")
        r["info"].update(m if "error" not in m else {"rss_bytes": None, "rss_how": f"failed: {m['error']}"})
        results[system] = r
    return results


def flops(case):
    """Floating-point operations of one loss and gradient without recomputation: per step
    W h (forward), Wᵀ g and the rank-one update g hᵀ (backward), 2 B N² each."""
    return 3 * 2 * batch_of(case) * N * N * T


SLOW = 1.3        # a round whose multiply-add probe ran this much slower than the run's fastest: "slow host"


def round_placement(measured, fastest=None):
    """The placement of a round (benchmarks/placement.py) if it began and ended there, else
    "mixed"; "slow host" where the probe's loop alone took SLOW times the `fastest` (ms)
    of the run or more."""
    if not measured:
        return "?"
    alone = [m.get("alone_ms") for m in measured]
    if fastest and None not in alone and max(alone) >= SLOW * fastest:
        return "slow host"
    names = {m["placement"] for m in measured}
    return names.pop() if len(names) == 1 else "mixed"


def fastest_probe(results):
    """The shortest time alone of the multiply-add probe over every round of `results` (ms)."""
    times = [m.get("alone_ms") for r in results.values() for p in r.get("info", {}).get("round_placements", [])
             if p for m in p]
    times = [t for t in times if t]
    return min(times) if times else None


def _placements(info, fastest):
    """Each round's median with its threads' placement."""
    if not info.get("round_placements"):
        return None
    return "rounds " + ", ".join(
        f"{fmt_ms(t)} ({round_placement(p, fastest)}, {max(m['barrier_ns'] or 0 for m in p):.0f} ns)" if p
        else fmt_ms(t) for t, p in zip(info["rounds"], info["round_placements"]))


PLACEMENTS = ("two cores", "shared core", "far apart", "slow host")


def by_placement(results):
    """{system: {placement: (median of its rounds there, count)}} over the rounds that began
    and ended at one placement."""
    out, fastest = {}, fastest_probe(results)
    for system, r in results.items():
        info = r.get("info", {})
        groups = {}
        for t, p in zip(info.get("rounds", []), info.get("round_placements", [])):
            groups.setdefault(round_placement(p, fastest), []).append(t)
        out[system] = {name: (float(np.median(ts)), len(ts)) for name, ts in groups.items() if name in PLACEMENTS}
    return out


def placement_table(results, graphc_system):
    """Markdown: every system's median per placement, and graphc_system's time ÷ it where
    both ran there."""
    table = by_placement(results)
    seen = [p for p in PLACEMENTS if any(p in cells for cells in table.values())]
    if not seen:
        return []
    ours = table.get(graphc_system, {})
    lines = ["| system | " + " | ".join(seen) + " |", "|---|" + "---|" * len(seen)]
    for system, cells in table.items():
        row = []
        for p in seen:
            if p not in cells:
                row.append("-")
                continue
            t, n = cells[p]
            ratio = f"; {graphc_system} ÷ this {ours[p][0] / t:.2f}" if p in ours and system != graphc_system \
                and not system.startswith("graphc") else ""
            row.append(f"{fmt_ms(t)} ({n} round{'s' if n > 1 else ''}{ratio})")
        lines.append(f"| {system} | " + " | ".join(row) + " |")
    return lines


def fmt_ms(t):
    return f"{t * 1e3:.3g} ms"


def _mib(n):
    return "-" if n is None else f"{n / 2**20:.3g} MiB"


def rows():
    """Run every system of every case; (markdown sections, figures)."""
    from .harness import agree
    from .run_all import fmt
    sections, figures = [], {}
    for case, systems in cases().items():
        results = measure_rounds(case, list(systems))
        figures[case] = {s: {k: v for k, v in r.items() if k != "result"} for s, r in results.items()}
        reference = results.get(REFERENCE, {}).get("result")
        graphc_time = next((r["median"] for s, r in results.items() if s.startswith("graphc") and "median" in r),
                           None)
        fastest = fastest_probe(results)
        lines = []
        for system, r in results.items():
            if "error" in r:
                lines.append(f"| {system} | not run: {r['error']} | | | | |")
                continue
            info = r.get("info", {})
            ok = reference is None or agree(r["result"], reference, RTOL)
            ratio = f"{graphc_time / r['median']:.2f}" if graphc_time and not system.startswith("graphc") else ""
            rss = _mib(info.get("rss_bytes")) if info.get("rss_bytes") is not None else info.get("rss_how", "-")
            notes = [n for n in (info.get("budget") and f"budget {_mib(info['budget'])}", info.get("plan"),
                                 fraction(flops(case) / r["median"] / 1e9, "dgemm"), _placements(info, fastest)) if n]
            lines.append(f"| {system} | {fmt(r['median'])} | {ratio} | {rss} | {_mib(info.get('peak_bytes'))} | "
                         f"{'yes' if ok else 'NO'}{'; ' + '; '.join(notes) if notes else ''} |")
        table = [f"### {TITLE}: {case}", "",
                 f"Each system timed in {ROUNDS} rounds, round-robin; the median of the rounds' medians.", "",
                 "| system | median | graphc ÷ this | peak RSS increase, one call | graphc peak_bytes "
                 "| agrees with reference; notes |",
                 "|---|---|---|---|---|---|"] + lines
        same = placement_table(results, "graphc none")
        if same:
            table += ["", "The same rounds by the placement of their threads (benchmarks/placement.py; rounds that "
                      "began and ended at one placement; \"slow host\": the probe's loop alone ran "
                      f"{SLOW}× slower than its fastest in this run or more): the median per placement, graphc none ÷ "
                      "each peer where both ran there.", ""] + same
        paired = measure(case, "paired", mode=None)
        figures[case]["paired"] = paired
        if "error" in paired:
            table += ["", f"Paired ratios not measured: {paired['error']}"]
        else:
            table += ["", f"Each strategy ÷ \"none\", their calls alternating in one process (a slow spell of the "
                      f"machine falls on both), median of {PAIRS} pairs: "
                      + ", ".join(f"{s} {r:.2f}" for s, r in paired.items()) + "."]
        sections.append("\n".join(table))
        print("\n".join(table), "\n", flush=True)
    return sections, figures


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[2] == "paired":
        print(json.dumps(run_paired(sys.argv[1])))
    elif len(sys.argv) in (3, 4):
        run = run_memory if sys.argv[3:] == ["memory"] else run_system
        print(json.dumps(run(*sys.argv[1:3])))
    else:
        rows()
