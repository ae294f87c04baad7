"""Where the OS has put this process's two threads. On this 2-vCPU host it changes within
seconds between three placements, and kernels that use both threads follow it:

  - "two cores" (a barrier round trip of ~33 ns: two cores sharing an L3): what the
    threaded kernels are built for;
  - "shared core" (typically ~17 ns: the two vCPUs are one core's two hyperthreads; or a
    core shared with another tenant's thread): two threads computing at once run at
    ~0.55x the speed of one alone, so a two-thread kernel is about as fast as a one-thread
    one (W5 batch 1: 13.5 ms either way, against 8 ms on two cores);
  - "far apart" (~160 ns, also ~840 ns or more: cores on different L3s): every exchange
    between the threads is slow (W5 batch 1: 10.5 ms at 160 ns).

Two probes tell them apart: the round trip of a barrier between two threads, and the time
of a register-only multiply-add loop run on two threads at once over its time on one
(`core_ratio`: ~1.0 on two free cores, ~1.6-1.9 on a shared one). The loop's time alone
also shows spells in which the host slows both cores (W5 batch 64 has rounds 1.7x slower
for every strategy at every placement). Benchmarks record them beside their times (W5's
rounds), in every system's process, so that systems can be compared at the same
placement. Plain pthreads (no OpenMP), so the probe can be loaded next to any system's
own threading runtime.

    python -m benchmarks.placement      # the placement now
"""
import ctypes
import os
import pathlib
import subprocess
import tempfile

SOURCE = r"""
#include <pthread.h>
#include <time.h>
typedef struct { int count; unsigned generation; } probe_barrier_t;
static probe_barrier_t bar __attribute__((aligned(64)));
static int reps_now;
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}
static void probe_wait(void)
{
    const unsigned g = __atomic_load_n(&bar.generation, __ATOMIC_ACQUIRE);
    if (__atomic_add_fetch(&bar.count, 1, __ATOMIC_ACQ_REL) == 2) {
        __atomic_store_n(&bar.count, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&bar.generation, g + 1, __ATOMIC_RELEASE);
        return;
    }
    while (__atomic_load_n(&bar.generation, __ATOMIC_ACQUIRE) == g)
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#else
        ;
#endif
}
static void *waiter(void *arg)
{
    (void)arg;
    for (int i = 0; i <= reps_now; ++i)
        probe_wait();
    return 0;
}
double probe_barrier_ns(int reps)
{
    pthread_t other;
    reps_now = reps;
    if (pthread_create(&other, 0, waiter, 0))
        return -1;
    probe_wait();                                  /* both running */
    double t0 = now();
    for (int i = 0; i < reps; ++i)
        probe_wait();
    double t = (now() - t0) / reps * 1e9;
    pthread_join(other, 0);
    return t;
}
typedef double vec __attribute__((vector_size(32)));
static volatile double sink;
static void *spin_fma(void *arg)
{
    long n = *(long *)arg;
    vec a[8], m = {1.0000001, 1.0000001, 1.0000001, 1.0000001}, c = {1e-9, 1e-9, 1e-9, 1e-9};
    for (int j = 0; j < 8; ++j)
        a[j] = (vec){j, j + 1, j + 2, j + 3};
    for (long i = 0; i < n; ++i)
        for (int j = 0; j < 8; ++j)
            a[j] = a[j] * m + c;                   /* eight independent chains: the FMA units busy */
    double s = 0;
    for (int j = 0; j < 8; ++j)
        s += a[j][0] + a[j][3];
    sink = s;
    return 0;
}
double probe_core_ratio(long n, double *fastest)
{
    pthread_t other;
    double t0 = now();
    spin_fma(&n);                                  /* this thread alone */
    double alone = now() - t0;
    t0 = now();
    if (pthread_create(&other, 0, spin_fma, &n))   /* another thread alone */
        return -1;
    pthread_join(other, 0);
    double other_alone = now() - t0;
    alone = other_alone < alone ? other_alone : alone;
    *fastest = alone;
    t0 = now();
    if (pthread_create(&other, 0, spin_fma, &n))   /* both at once */
        return -1;
    spin_fma(&n);
    pthread_join(other, 0);
    return (now() - t0) / alone;
}
"""
_lib = None


def _library():
    global _lib
    if _lib is None:
        where = pathlib.Path(tempfile.gettempdir()) / f"graphc_placement_{os.getuid()}"
        where.mkdir(exist_ok=True)
        so = where / "probe4.so"
        if not so.exists():
            src = where / "probe4.c"
            src.write_text(SOURCE)
            tmp = where / f"probe4.{os.getpid()}.so"
            subprocess.run(["gcc", "-O2", "-march=native", "-pthread", "-shared", "-fPIC", str(src), "-o", str(tmp)],
                           check=True)
            os.replace(tmp, so)
        _lib = ctypes.CDLL(str(so))
        _lib.probe_barrier_ns.restype = ctypes.c_double
        _lib.probe_barrier_ns.argtypes = [ctypes.c_int]
        _lib.probe_core_ratio.restype = ctypes.c_double
        _lib.probe_core_ratio.argtypes = [ctypes.c_long, ctypes.POINTER(ctypes.c_double)]
    return _lib


def _median3(sample):
    """The median of three calls of `sample` (a number, or a tuple of them taken entry by
    entry); None if any call is None or cannot be made (no gcc, not x86)."""
    try:
        runs = [sample() for _ in range(3)]
    except (OSError, subprocess.CalledProcessError):
        return None
    if None in runs:
        return None
    if isinstance(runs[0], tuple):
        return tuple(sorted(entries)[1] for entries in zip(*runs))
    return sorted(runs)[1]


def barrier_ns(reps=20000):
    """The median of three round trips of a two-thread barrier (ns), or None."""
    def sample():
        t = _library().probe_barrier_ns(reps)
        return None if t < 0 else t
    return _median3(sample)


def core_ratio(n=200000):
    """(the time of a multiply-add loop on two threads at once ÷ on the faster of the two
    alone, that time alone in ms), medians of three (~1.5 ms each). The ratio is ~1.0 when
    the threads have two cores to themselves, ~1.6-1.9 when they share one (two
    hyperthreads of one core, or a core another tenant keeps busy); the time alone grows
    when the host slows both cores down (another tenant on both, a lower clock). None where
    it cannot be measured."""
    def sample():
        alone = ctypes.c_double()
        ratio = _library().probe_core_ratio(n, ctypes.byref(alone))
        return None if ratio < 0 else (ratio, alone.value * 1e3)
    return _median3(sample)


def name(barrier, ratio):
    """The placement of a (barrier_ns, core_ratio) measurement: "shared core", "two cores",
    "far apart", or "?" when either is missing."""
    if barrier is None or ratio is None:
        return "?"
    if ratio > 1.3:
        return "shared core"
    return "two cores" if barrier < 80 else "far apart"


def measure():
    """{"barrier_ns", "core_ratio", "alone_ms", "placement"} now."""
    b = barrier_ns()
    r, alone = core_ratio() or (None, None)
    return {"barrier_ns": b, "core_ratio": r, "alone_ms": alone, "placement": name(b, r)}


if __name__ == "__main__":
    m = measure()
    if m["placement"] == "?":
        print("not measurable here (the probe needs gcc and pthreads)")
    else:
        print(f"{m['placement']}: barrier round trip {m['barrier_ns']:.1f} ns, two threads ÷ one "
              f"{m['core_ratio']:.2f}, one alone {m['alone_ms']:.2f} ms")
