"""Finding an optimised BLAS for matrix products: the OpenBLAS bundled with NumPy's wheels
(scipy-openblas, ILP64). Kernels link against that very file, which NumPy has already
loaded, so one BLAS (and one thread pool) serves the whole process. Without it, kernels
use the portable csrc/gemm.c."""
import ctypes
import functools
import glob
import os

import numpy as np


@functools.lru_cache(maxsize=None)
def numpy_openblas():
    """(directory, file name) of NumPy's bundled OpenBLAS, or None."""
    if os.environ.get("GRAPHC_NO_BLAS"):
        return None
    root = os.path.dirname(os.path.dirname(np.__file__))
    for pattern in (os.path.join(root, "numpy.libs", "libscipy_openblas64_*.so"),
                    os.path.join(os.path.dirname(np.__file__), ".dylibs", "libscipy_openblas64_*.dylib")):
        found = sorted(glob.glob(pattern))
        if found:
            return os.path.dirname(found[0]), os.path.basename(found[0])
    return None


def link_flags():
    """Linker flags for the BLAS, or [] when there is none."""
    blas = numpy_openblas()
    if blas is None:
        return []
    directory, name = blas
    return [f"-L{directory}", f"-l:{name}", f"-Wl,-rpath,{directory}"]


@functools.lru_cache(maxsize=None)
def has_pool():
    """Whether the BLAS lets kernels run work on its thread pool (csrc/pool.c): OpenBLAS's
    pthreads builds export gotoblas_pthread. NumPy has loaded the library already."""
    blas = numpy_openblas()
    if blas is None:
        return False
    try:
        lib = ctypes.CDLL(os.path.join(*blas))
    except OSError:
        return False
    return all(hasattr(lib, name) for name in ("gotoblas_pthread", "scipy_openblas_get_num_threads64_"))
