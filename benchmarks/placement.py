"""Where the OS has put this process's two threads, as the round trip of a barrier between
them: on this 2-vCPU host it flips between ~17 ns (one core's two hyperthreads), ~33 ns
(two cores sharing an L3) and ~160 ns (cores on different L3s), and W5's batch-1 kernel,
which synchronises its two threads 3000 times per call, follows it (7.2 ms at 33 ns,
10.5 ms at 160 ns in one C driver). Benchmarks record it beside their times.

    python -m benchmarks.placement      # the round trip now, in ns
"""
import ctypes
import os
import pathlib
import subprocess
import tempfile

SOURCE = r"""
#include <omp.h>
typedef struct { int count; unsigned generation; } probe_barrier_t;
static probe_barrier_t bar __attribute__((aligned(64)));
static void probe_wait(int nt)
{
    const unsigned g = __atomic_load_n(&bar.generation, __ATOMIC_ACQUIRE);
    if (__atomic_add_fetch(&bar.count, 1, __ATOMIC_ACQ_REL) == nt) {
        __atomic_store_n(&bar.count, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&bar.generation, g + 1, __ATOMIC_RELEASE);
        return;
    }
    while (__atomic_load_n(&bar.generation, __ATOMIC_ACQUIRE) == g)
        __builtin_ia32_pause();
}
double probe_barrier_ns(int reps)
{
    double t0 = omp_get_wtime();
#pragma omp parallel num_threads(2)
    for (int i = 0; i < reps; ++i)
        probe_wait(2);
    return (omp_get_wtime() - t0) / reps * 1e9;
}
"""
_lib = None


def _library():
    global _lib
    if _lib is None:
        where = pathlib.Path(tempfile.gettempdir()) / f"graphc_placement_{os.getuid()}"
        where.mkdir(exist_ok=True)
        so = where / "probe.so"
        if not so.exists():
            src = where / "probe.c"
            src.write_text(SOURCE)
            tmp = where / f"probe.{os.getpid()}.so"
            subprocess.run(["gcc", "-O2", "-fopenmp", "-shared", "-fPIC", str(src), "-o", str(tmp)], check=True)
            os.replace(tmp, so)
        _lib = ctypes.CDLL(str(so))
        _lib.probe_barrier_ns.restype = ctypes.c_double
        _lib.probe_barrier_ns.argtypes = [ctypes.c_int]
    return _lib


def barrier_ns(reps=20000):
    """The median of three round trips of a two-thread barrier (ns); None where it cannot be
    measured (no gcc, not x86)."""
    try:
        lib = _library()
    except (OSError, subprocess.CalledProcessError):
        return None
    times = sorted(lib.probe_barrier_ns(reps) for _ in range(3))
    return times[1]


if __name__ == "__main__":
    print(f"{barrier_ns():.1f} ns")
