"""`graphc.scipy`: SciPy's names over graphc tensors, as `jax.scipy` is for JAX.

`graphc.scipy.special` (erf, erfc, expit, logit, xlogy, ndtr, logsumexp, ...) and
`graphc.scipy.linalg` (the same namespace as `gc.linalg`: solve_triangular, cho_factor,
cho_solve, expm, expm_frechet, lu-based solves, ...) and `graphc.scipy.interpolate`
(RegularGridInterpolator, interpn: lookup tables on rectangular grids)."""
import sys

from .. import linalg
from . import interpolate, special

sys.modules[__name__ + ".linalg"] = linalg

__all__ = ["interpolate", "linalg", "special"]
