"""`gc.linalg` (also `graphc.numpy.linalg`): the linear-algebra namespace of the public API,
numpy.linalg's names plus SciPy's `solve_triangular`, `cho_factor`, `cho_solve`, `expm`
and `expm_frechet`."""
import numpy as _np

from .ops.expm import expm, expm_frechet
from .ops.linalg import (cholesky, det, eigh, eigvalsh, inv, matmul, outer, slogdet, solve, solve_triangular, svd,
                         svdvals)
from .ops.matrix_functions import (cho_factor, cho_solve, cond, matrix_norm, matrix_power, matrix_rank, multi_dot,
                                   norm, pinv, tensorinv, tensorsolve, vecdot, vector_norm)
from .ops.qr import lstsq, qr
from .ops.shape import matrix_transpose

LinAlgError = _np.linalg.LinAlgError       # what a compiled call raises for a singular matrix

__all__ = ["LinAlgError", "cho_factor", "cho_solve", "cholesky", "cond", "det", "diagonal", "eigh", "eigvalsh",
           "expm", "expm_frechet", "inv", "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank",
           "matrix_transpose", "multi_dot", "norm", "outer", "pinv", "qr", "slogdet", "solve", "solve_triangular",
           "svd", "svdvals", "tensorinv", "tensorsolve", "trace", "vecdot", "vector_norm"]


def diagonal(x, offset=0):
    """numpy.linalg.diagonal: graphc.numpy's diagonal over the last two axes."""
    from . import numpy as gnp                  # graphc.numpy imports this module
    return gnp.diagonal(x, offset, -2, -1)


def trace(x, offset=0):
    """numpy.linalg.trace: the sum of each matrix's diagonal (the last two axes)."""
    from .ops.reduce import sum as sum_
    return sum_(diagonal(x, offset), axis=-1)


def __getattr__(name):
    if name in ("cross", "tensordot"):                 # NumPy 2's, as graphc.numpy has them
        from . import numpy as gnp
        return getattr(gnp, name)
    if hasattr(_np.linalg, name) and not name.startswith("__"):   # dunders: Python's own probes
        raise NotImplementedError(f"graphc.linalg.{name} is not implemented (numpy.linalg has it; graphc does not yet)")
    raise AttributeError(f"module 'graphc.linalg' has no attribute {name!r}")
