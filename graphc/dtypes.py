"""The dtypes graphc computes in: float64, float32 and bool (comparison results).

One place that knows how a dtype is spelled in NumPy and how dtypes promote.
Python scalars are *weakly typed* (as in NumPy 2 and JAX): ``x32 + 1.5`` stays float32.
"""
import numpy as np

float64 = np.dtype(np.float64)
float32 = np.dtype(np.float32)
bool_ = np.dtype(np.bool_)

FLOATS = (float64, float32)
SUPPORTED = (float64, float32, bool_)
_NAMES = {"float64": float64, "f8": float64, "double": float64,
          "float32": float32, "f4": float32, "float": float32, "single": float32,
          "bool": bool_}


def canonical(dtype) -> np.dtype:
    """The np.dtype for a user-given dtype; TypeError for anything graphc does not compute in."""
    if isinstance(dtype, str) and dtype in _NAMES:
        return _NAMES[dtype]
    try:
        d = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"unsupported dtype {dtype!r}: graphc computes in float64 and float32") from None
    if d not in SUPPORTED:
        raise TypeError(f"unsupported dtype {d.name!r}: graphc computes in float64 and float32")
    return d


def canonical_float(dtype) -> np.dtype:
    """As `canonical`, but only the float dtypes a variable may have."""
    d = canonical(dtype)
    if d not in FLOATS:
        raise TypeError(f"unsupported dtype {d.name!r} for a variable: use float64 or float32")
    return d


def result_type(*dtypes) -> np.dtype:
    """NumPy promotion over graphc's dtypes: float64 wins, bool alone stays... float64."""
    floats = [d for d in dtypes if d in FLOATS]
    if not floats:
        return float64
    return float64 if float64 in floats else float32


def short(dtype) -> str:
    """'f64', 'f32' or 'bool' for listings."""
    return {float64: "f64", float32: "f32", bool_: "bool"}[np.dtype(dtype)]


def ctype(dtype) -> str:
    """The C element type: double, float, or unsigned char (NumPy's bool layout)."""
    return {float64: "double", float32: "float", bool_: "unsigned char"}[np.dtype(dtype)]
