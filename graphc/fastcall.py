"""The call path: build (once per machine and Python) and load graphc/_fastcall.c, a small
CPython extension that calls any kernel through its function pointer with the argument
checks in C. Each graph then costs one plain C compile of its kernel and nothing else.

Why not cffi for the call itself: passing arrays through cffi costs about a microsecond
per argument (ffi.from_buffer / casts) before the kernel runs; this path does the common
case in C and is measured in benchmarks/ (W1). When the extension cannot be built, the
pure-Python path of runtime.py is used and a warning says so.
"""
import functools
import hashlib
import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import sysconfig
import tempfile
import warnings
from pathlib import Path

import numpy as np

SOURCE = Path(__file__).with_name("_fastcall.c")


@functools.lru_cache(maxsize=None)
def module():
    """The loaded _fastcall extension, or None when it cannot be built here."""
    try:
        return _load()
    except Exception as error:          # noqa: BLE001 - any failure means: use the slow path
        warnings.warn(f"graphc: the fast call path is unavailable ({error}); calls go through cffi",
                      RuntimeWarning, stacklevel=3)
        return None


def _load():
    from .build import find_compiler, user_cache
    source = SOURCE.read_bytes()
    key = hashlib.sha256(source + sys.version.encode() + np.__version__.encode()).hexdigest()[:24]
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    root = user_cache() / "runtime"           # per machine, not per kernel cache
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"_fastcall_{key}{suffix}"
    if not path.exists():
        cc = find_compiler()
        fd, tmp = tempfile.mkstemp(dir=root, suffix=suffix)
        os.close(fd)
        cmd = [cc, "-O2", "-shared", "-fPIC", f"-I{sysconfig.get_paths()['include']}",
               f"-I{np.get_include()}", str(SOURCE), "-o", tmp]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode:
            os.unlink(tmp)
            raise RuntimeError(result.stderr[-2000:])
        os.replace(tmp, path)
    spec = importlib.util.spec_from_file_location("_fastcall", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
