"""Timing harness: each system of a workload runs in a process of its own (so that
thread pools do not collide), is checked against the NumPy reference, then timed.

A workload module defines SYSTEMS: name -> setup(), where setup() returns
(callable, result_of_one_call); and optionally REFERENCE, the name of the system whose
result the others must match, and TOLERANCE.
"""
import importlib
import json
import os
import statistics
import subprocess
import sys
import timeit

THREADS = "2"
ENV = {"OMP_NUM_THREADS": THREADS, "OPENBLAS_NUM_THREADS": THREADS, "MKL_NUM_THREADS": THREADS,
       "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=2",
       "JAX_PLATFORMS": "cpu", "JAX_ENABLE_X64": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}


def median_time(fn, budget=1.0, repeats=15):
    """Median seconds per call of fn over `repeats` runs of an auto-sized loop."""
    fn()
    number, elapsed = 1, 0.0
    while True:
        elapsed = timeit.timeit(fn, number=number)
        if elapsed > budget / repeats / 4 or number > 10**7:
            break
        number *= 4
    times = [t / number for t in timeit.repeat(fn, number=number, repeat=repeats)]
    return statistics.median(times), min(times)


def to_numpy(result):
    import numpy as np
    if isinstance(result, (list, tuple)):
        return [to_numpy(r) for r in result]
    return np.asarray(result, dtype=np.float64)


def run_system(workload, case, system):
    """In this process: set up one system, return its timing and result as JSON-able data."""
    module = importlib.import_module(f"benchmarks.{workload}")
    setup = module.cases()[case][system]
    fn, result = setup()
    median, best = median_time(fn)
    return {"median": median, "min": best, "result": _flatten(to_numpy(result))}


def _flatten(values):
    import numpy as np
    if isinstance(values, list):
        return [_flatten(v) for v in values]
    return np.asarray(values).ravel()[:2000].tolist()


def measure(workload, case, system, timeout=900):
    """Run one system in a fresh process; its timing dict, or {'error': ...}."""
    env = dict(os.environ, **ENV)
    cmd = [sys.executable, "-m", "benchmarks.harness", workload, case, system]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if proc.returncode:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        return {"error": last[:200]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def agree(a, b, rtol):
    import numpy as np
    if isinstance(a, list) and a and isinstance(a[0], list):
        return all(agree(x, y, rtol) for x, y in zip(a, b))
    a, b = np.asarray(a), np.asarray(b)
    scale = max(np.max(np.abs(b)) if b.size else 0, 1e-300)
    return a.shape == b.shape and np.max(np.abs(a - b)) <= rtol * scale


if __name__ == "__main__":
    print(json.dumps(run_system(*sys.argv[1:4])))
