"""Compiling generated C into a shared object, through an on-disk cache.

The only module that runs the C compiler or imports cffi. Each graph costs one plain C
compile of its kernel (no Python extension per graph): the kernel exports
`graphc_entry`, which is loaded with cffi's ABI mode and called through one shared
declaration. Cache entries are keyed by the C source, the compiler and its version, the
flags, the host CPU (what -march=native selects) and graphc's version; written atomically
(temporary file, then rename) under a lock; checked by size and checksum on load, and
rebuilt when damaged. A long program builds as several translation units at once.
"""
import fcntl
import functools
import hashlib
import os
import platform
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import cffi

from .errors import CompileError

ENTRY = "graphc_entry"
ffi = cffi.FFI()
ffi.cdef(f"""
    int {ENTRY}(const void *const *arg, void *const *res, void *work);
""")

# -fno-math-errno and -fno-trapping-math change no value: errno and the floating-point
# exception flags are never read, and gcc may then inline sqrt and if-convert selections
# (clamps, where) so that loops vectorise. -ffp-contract=fast: a * b + c becomes one fused
# multiply-add where the CPU has one (ISO C modes such as -std=c99 turn that off), rounding
# once instead of twice: W5 batch 1, 7% less time per call (paired runs).
BASE_FLAGS = ["-std=c99", "-fPIC", "-shared", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=fast",
              "-fopenmp-simd", "-DGRAPHC_SIMD", "-march=native"]

# What a kernel uses threads through: loops shared with GC_PARALLEL_FOR, a persistent team
# (codegen/team.py) or csrc/gemv.c's threaded routines. Only sources with one of these are
# built with -fopenmp (linking the OpenMP runtime costs small kernels 10-20 ms of their
# first compile); without it every such construct falls back to one thread.
_THREADED = re.compile(r"^\s*(GC_PARALLEL_FOR|#pragma omp parallel|GC_PRAGMA\(omp parallel\))\s*$", re.M)


def threading_flags(source: str) -> list:
    """["-fopenmp"] when the source has a parallel construct, else none."""
    return ["-fopenmp"] if _THREADED.search(source) else []


# Vector versions of libm functions declared in the generated C (codegen/vector_math.py)
_VECTOR_MATH = re.compile(r"^GC_VM_DECLARE\(", re.M)


def vector_math_flags(source: str, cc: str) -> list:
    """Build and link flags for glibc's vector libm (libmvec) when the source declares vector
    versions of the libm functions it calls and the compiler can link them; else none (the
    calls stay libm's scalar ones)."""
    version = libmvec_version(cc) if _VECTOR_MATH.search(source) else None
    return [f"-DGRAPHC_LIBMVEC={version}", "-lmvec"] if version else []


@functools.lru_cache(maxsize=None)
def libmvec_version(cc: str):
    """glibc's minor version (22 or later: libmvec's first) if `cc` is gcc on x86-64 with
    glibc and finds libmvec to link; else None."""
    libc, version = platform.libc_ver()
    if platform.machine() not in ("x86_64", "AMD64") or libc != "glibc" or "clang" in compiler_version(cc):
        return None
    try:
        major, minor = (int(part) for part in version.split(".")[:2])
        found = subprocess.run([cc, "-print-file-name=libmvec.so"], capture_output=True, text=True,
                               timeout=30).stdout.strip()
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    if (major, minor) < (2, 22) or not (os.path.isabs(found) and os.path.exists(found)):
        return None
    return minor if major == 2 else 99


def optimization_flags(source: str, nodes=None) -> list:
    """-O3 for ordinary kernels; lighter optimisation for very large ones, whose compile
    time would otherwise dominate: -O2, then -Og (W7's 2000-op program, 539 KB of C,
    compiles in 0.83 s instead of 1.34 s at -O1, and its calls are no slower).

    Chosen by the graph's node count when given (compiler.py), not by the source's size:
    the level decides which a * b + c become fused multiply-adds (-O2 and -O3 contract,
    -Og does not), so every checkpoint strategy of one graph, whose sources differ in
    size, must get the same level to give bit-identical outputs. By bytes otherwise."""
    if nodes is not None:
        return ["-O3"] if nodes < 900 else ["-O2"] if nodes < 2400 else ["-Og"]
    size = len(source)
    return ["-O3"] if size < 100_000 else ["-O2"] if size < 300_000 else ["-Og"]


@functools.lru_cache(maxsize=None)
def find_compiler() -> str:
    """The C compiler: $CC, else gcc, else cc; CompileError when there is none."""
    tried = [os.environ["CC"]] if os.environ.get("CC") else ["gcc", "cc"]
    for cc in tried:
        path = shutil.which(cc)
        if path:
            return path
    raise CompileError(f"no C compiler found (tried {', '.join(tried)}); install gcc or set $CC")


@functools.lru_cache(maxsize=None)
def compiler_version(cc: str) -> str:
    try:
        return subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError as e:
        raise CompileError(f"the C compiler {cc} cannot run: {e}") from None


def user_cache() -> Path:
    """The user's cache directory for graphc ($XDG_CACHE_HOME/graphc or ~/.cache/graphc)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "graphc"


def cache_root(cache_dir=None) -> Path:
    """Where compiled kernels live: cache_dir, else $GRAPHC_CACHE_DIR, else user_cache()."""
    if cache_dir is None:
        cache_dir = os.environ.get("GRAPHC_CACHE_DIR")
    return Path(cache_dir) if cache_dir is not None else user_cache()


@functools.lru_cache(maxsize=None)
def host_target() -> str:
    """What -march=native means here: the CPU's model and feature flags. Part of every
    cache key, so that a cache shared between machines (or a virtual machine moved to
    another host) never loads a kernel built for instructions this CPU lacks."""
    found = {}
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                key, _, value = line.partition(":")
                key = key.strip()
                if key in ("vendor_id", "model name", "flags", "Features", "CPU part") and key not in found:
                    found[key] = " ".join(value.split())
                if "flags" in found or "Features" in found and "CPU part" in found:
                    break
    except OSError:
        pass
    return repr((platform.machine(), platform.processor(), sorted(found.items())))


def cache_key(source: str, cc: str, flags: list) -> str:
    from . import __version__
    h = hashlib.sha256()
    for part in (source, cc, compiler_version(cc), " ".join(flags), host_target(), __version__):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def _checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(source: str, cache_dir=None, link=(), nodes=None) -> Path:
    """The path of a shared object compiled from `source` (linked with `link` flags; of a
    graph of `nodes` nodes, which sets the optimisation level), from the cache if possible."""
    cc = find_compiler()
    flags = (optimization_flags(source, nodes) + BASE_FLAGS + threading_flags(source)
             + vector_math_flags(source, cc) + list(link))
    key = cache_key(source, cc, flags)
    root = cache_root(cache_dir) / key[:2]
    root.mkdir(parents=True, exist_ok=True)
    lib, stamp = root / f"{key}.so", root / f"{key}.sum"
    if _valid(lib, stamp):
        return lib
    with open(root / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if _valid(lib, stamp):            # another process built it meanwhile
                return lib
            _compile(cc, flags, source, root, lib, stamp, key)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return lib


def _valid(lib: Path, stamp: Path) -> bool:
    try:
        return stamp.read_text() == _checksum(lib)
    except OSError:
        return False


def _compile(cc, flags, source, root, lib, stamp, key):
    fd, tmp_so = tempfile.mkstemp(dir=root, prefix=f".{key[:16]}.", suffix=".so")
    os.close(fd)
    c_file = root / f"{key}.c"
    tmp_c = Path(tmp_so).with_suffix(".c")
    temporaries = [tmp_so, tmp_c]
    try:
        tmp_c.write_text(source)
        compile_flags = [f for f in flags if not f.startswith(("-L", "-l", "-Wl"))]
        link_flags = [f for f in flags if f.startswith(("-L", "-l", "-Wl"))]
        units = compile_units(source)
        objects = [f"{tmp_so}.{k}.o" for k in range(units)] if units > 1 else []
        temporaries += objects
        if objects:                     # the units at once, then one link
            _run_all([[cc, *compile_flags, "-c", f"-DGC_UNITS={units}", f"-DGC_UNIT={k}", str(tmp_c), "-o", o]
                      for k, o in enumerate(objects)])
        _run_all([[cc, *compile_flags, *(objects or [str(tmp_c)]), "-o", tmp_so, *link_flags, "-lm"]])
        os.replace(tmp_c, c_file)
        checksum = _checksum(Path(tmp_so))
        os.replace(tmp_so, lib)
        fd, tmp_sum = tempfile.mkstemp(dir=root, prefix=".sum.")
        with os.fdopen(fd, "w") as f:
            f.write(checksum)
        os.replace(tmp_sum, stamp)
    finally:
        for leftover in temporaries:
            if os.path.exists(leftover):
                os.unlink(leftover)


SPLIT_BYTES = 200_000       # sources from this size with several parts compile as several units
_PARTS = re.compile(r"^#if GC_IN_UNIT\(0, (\d+)\)$", re.M)


def compile_units(source: str) -> int:
    """How many translation units to build a source as (codegen/c.py: GC_UNITS): one per
    core, at most one per part, for large sources split into parts; else 1."""
    if len(source) < SPLIT_BYTES:
        return 1
    parts = max(map(int, _PARTS.findall(source)), default=1)
    return max(1, min(os.cpu_count() or 1, parts, 8))


def _run_all(commands):
    """Run compiler commands at once; CompileError with the first failure's diagnostics."""
    procs = [(cmd, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
             for cmd in commands]
    failures = []
    for cmd, proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0:
            failures.append((cmd, err))
    if failures:
        cmd, err = failures[0]
        raise CompileError(f"C compilation failed ({' '.join(cmd)}):\n{err[-20000:]}")


_OPENMP_RUNTIME = []        # the OpenMP runtime, held open for the life of the process


def load(path: Path):
    """(library handle, entry function) of a built kernel. The first load also opens the
    OpenMP runtime the kernel links (libgomp) for good: when a kernel is freed (its
    handle closed, as at interpreter exit) the runtime must not be unmapped while its
    worker threads still spin in it."""
    lib = ffi.dlopen(str(path))
    if not _OPENMP_RUNTIME:
        import ctypes
        try:                            # already mapped by the kernel: this only adds a reference
            _OPENMP_RUNTIME.append(ctypes.CDLL("libgomp.so.1"))
        except OSError:                 # no OpenMP runtime (kernels built without it)
            _OPENMP_RUNTIME.append(None)
    return lib, getattr(lib, ENTRY)
