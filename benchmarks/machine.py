"""The machine's limits, measured in the run that reports against them: matrix-product
GFLOP/s (float64 and float32, NumPy's BLAS on 2048×2048, the benchmark's thread count),
copy bandwidth from memory (64 MiB arrays) and within the caches (one core copying 256 KiB
again and again, times the cores; GB/s count bytes read plus bytes written). Workloads
state each figure as a fraction of these, so "how far is left" holds on whichever machine
ran (virtual machines here have moved between hosts with and without AVX-512).

    python -m benchmarks.machine        # measure, print and write results/machine.json
"""
import json
import os
import platform
import subprocess
import sys
import time
import timeit
from pathlib import Path

PATH = Path(__file__).with_name("results") / "machine.json"


def measure_here():
    """The limits, measured in this process (best of a few runs each)."""
    import numpy as np
    limits = {}
    n = 2048
    for dtype, key in ((np.float64, "dgemm"), (np.float32, "sgemm")):
        a = np.random.default_rng(0).standard_normal((n, n)).astype(dtype)
        b, c = a.T.copy(), np.empty_like(a)
        limits[key] = 2 * n ** 3 / best(lambda: np.matmul(a, b, out=c), 5) / 1e9
    buffer = np.ones(2 * (8 << 20) + 256)                # (offset as in _cache_copy)
    src, dst = buffer[:8 << 20], buffer[(8 << 20) + 256:]
    limits["copy"] = 2 * src.nbytes / best(lambda: np.copyto(dst, src), 10) / 1e9
    limits["copy_cache"] = _cache_copy(int(os.environ.get("OMP_NUM_THREADS", "2")))
    limits["cpu"] = _cpu()
    limits["measured"] = time.strftime("%Y-%m-%d %H:%M")
    return limits


def best(fn, repeats):
    """The least seconds of one call of fn over `repeats` calls (after one to warm up)."""
    fn()
    return min(timeit.repeat(fn, number=1, repeat=repeats))


def _cache_copy(threads=2):
    """GB/s of copies within the caches: one core copying 256 KiB over and over (source and
    destination stay in its L2), times the thread count (each core has its own L2)."""
    import numpy as np
    n = 1 << 15
    buffer = np.ones(2 * n + 256)          # destination 2 KiB past a 4 KiB multiple from the source:
    src, dst = buffer[:n], buffer[n + 256:]  # where they sit in memory changes a copy's speed 10-fold

    def copies():
        for _ in range(200):
            np.copyto(dst, src)

    return threads * 200 * 2 * src.nbytes / best(copies, 10) / 1e9


def _cpu():
    """The CPU model and its widest vector extension, from /proc/cpuinfo where there is one."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    model = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
                    break
    except OSError:
        pass
    vector = next((v for v in ("avx512f", "avx2", "avx", "sse2") if v in flags), "")
    return f"{model}{', ' + vector.upper() if vector else ''}, {os.cpu_count()} CPUs"


def measure():
    """Measure in a fresh process with the benchmarks' thread settings; write PATH."""
    from .harness import ENV
    proc = subprocess.run([sys.executable, "-m", "benchmarks.machine"], capture_output=True, text=True,
                          env=dict(os.environ, **ENV), cwd=Path(__file__).parent.parent, timeout=300)
    if proc.returncode:
        raise RuntimeError(f"measuring the machine failed: {proc.stderr.strip()[-300:]}")
    return limits()


def limits():
    """The limits of the latest measurement, or None when there is none."""
    try:
        return json.loads(PATH.read_text())
    except (OSError, ValueError):
        return None


def describe(limits):
    """One line for a results page."""
    return (f"Machine limits measured {limits['measured']} on {limits['cpu']}: matrix product "
            f"{limits['dgemm']:.0f} GFLOP/s float64, {limits['sgemm']:.0f} float32; copy "
            f"{limits['copy']:.0f} GB/s from memory, {limits['copy_cache']:.0f} GB/s within the caches "
            f"(read + write).")


def fraction(value, kind):
    """'v GFLOP/s, p% of the float64 matrix-product peak' (kind: dgemm, sgemm, copy or
    copy_cache: data that stays in the caches between calls)."""
    unit = "GB/s" if kind.startswith("copy") else "GFLOP/s"
    text = f"{value:.1f} {unit}"
    known = limits()
    if not known or kind not in known:
        return text
    name = {"dgemm": "float64 matrix-product peak", "sgemm": "float32 matrix-product peak",
            "copy": "copy bandwidth from memory", "copy_cache": "copy bandwidth within the caches"}[kind]
    return f"{text}, {100 * value / known[kind]:.0f}% of the {name}"


if __name__ == "__main__":
    found = measure_here()
    PATH.parent.mkdir(exist_ok=True)
    PATH.write_text(json.dumps(found, indent=1) + "\n")
    print(describe(found))
