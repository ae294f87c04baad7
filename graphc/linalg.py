"""`gc.linalg`: the linear-algebra namespace of the public API."""
from .ops.linalg import (cholesky, det, eigh, eigvalsh, inv, norm, pinv, slogdet, solve, solve_triangular, svd,
                         svdvals)
from .ops.qr import lstsq, qr

__all__ = ["cholesky", "det", "eigh", "eigvalsh", "inv", "lstsq", "norm", "pinv", "qr", "slogdet", "solve",
           "solve_triangular", "svd", "svdvals"]
