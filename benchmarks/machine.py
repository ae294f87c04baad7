"""The machine's limits, measured in the run that reports against them: matrix-product
GFLOP/s (float64 and float32, NumPy's BLAS on 2048×2048, the benchmark's thread count) and
copy bandwidth (GB/s counting bytes read plus bytes written, 64 MiB arrays). Workloads
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
from pathlib import Path

PATH = Path(__file__).with_name("results") / "machine.json"


def measure_here():
    """The limits, measured in this process (best of a few runs each)."""
    import numpy as np

    def best(fn, repeats):
        fn()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    limits = {}
    n = 2048
    for dtype, key in ((np.float64, "dgemm"), (np.float32, "sgemm")):
        a = np.random.default_rng(0).standard_normal((n, n)).astype(dtype)
        b, c = a.T.copy(), np.empty_like(a)
        limits[key] = 2 * n ** 3 / best(lambda: np.matmul(a, b, out=c), 5) / 1e9
    src = np.ones(8 << 20)
    dst = np.empty_like(src)
    limits["copy"] = 2 * src.nbytes / best(lambda: np.copyto(dst, src), 10) / 1e9
    limits["cpu"] = _cpu()
    limits["measured"] = time.strftime("%Y-%m-%d %H:%M")
    return limits


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
            f"{limits['copy']:.0f} GB/s (read + write).")


def fraction(value, kind):
    """'v GFLOP/s, p% of the float64 matrix-product peak' (kind: dgemm, sgemm or copy)."""
    unit = "GB/s" if kind == "copy" else "GFLOP/s"
    text = f"{value:.1f} {unit}"
    known = limits()
    if not known:
        return text
    name = {"dgemm": "float64 matrix-product peak", "sgemm": "float32 matrix-product peak",
            "copy": "copy bandwidth"}[kind]
    return f"{text}, {100 * value / known[kind]:.0f}% of the {name}"


if __name__ == "__main__":
    found = measure_here()
    PATH.parent.mkdir(exist_ok=True)
    PATH.write_text(json.dumps(found, indent=1) + "\n")
    print(describe(found))
