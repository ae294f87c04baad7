"""The hand-written C of csrc/ (LU, Cholesky, SVD, GEMM), instantiated per dtype.

Each csrc/<name>.c is written once over the placeholder type `REAL` with `_SFX` name
suffixes and `SQRT(`/`FABS(`/`HYPOT(`/`REAL_EPS` math; `instantiate` substitutes float64
or float32 spellings. Generated code pastes in only the routines it calls, so a kernel
(and an exported library) is one self-contained C file needing libm alone.
"""
import functools
import pathlib
import re

_PACKAGE = pathlib.Path(__file__).resolve().parents[1]
# the source tree's csrc/ (a checkout or an editable install), else the installed copy
CSRC = _PACKAGE.parent / "csrc" if (_PACKAGE.parent / "csrc" / "gemm.c").exists() else _PACKAGE / "csrc"

_SPELLING = {
    "float64": {"REAL": "double", "_SFX": "_f64", "SQRT(": "sqrt(", "FABS(": "fabs(",
                "HYPOT(": "hypot(", "LOG(": "log(", "LGAMMA(": "lgamma(", "LGAMMA_R(": "lgamma_r(", "REAL_EPS": "DBL_EPSILON", "REAL_MIN": "DBL_MIN",
                "CBLAS_GEMM(": "scipy_cblas_dgemm64_(", "CBLAS_GEMV(": "scipy_cblas_dgemv64_(", "CBLAS_TRSM(": "scipy_cblas_dtrsm64_(",
                "CBLAS_TRSV(": "scipy_cblas_dtrsv64_(",
                "LAPACK_GETRF(": "scipy_dgetrf_64_(", "LAPACK_POTRF(": "scipy_dpotrf_64_(",
                "LAPACK_GESDD(": "scipy_dgesdd_64_(", "LAPACK_SYEVD(": "scipy_dsyevd_64_(",
                "LAPACK_GEQRF(": "scipy_dgeqrf_64_(", "LAPACK_ORGQR(": "scipy_dorgqr_64_("},
    "float32": {"REAL": "float", "_SFX": "_f32", "SQRT(": "sqrtf(", "FABS(": "fabsf(",
                "HYPOT(": "hypotf(", "LOG(": "logf(", "LGAMMA(": "lgammaf(", "LGAMMA_R(": "lgammaf_r(", "REAL_EPS": "FLT_EPSILON", "REAL_MIN": "FLT_MIN",
                "CBLAS_GEMM(": "scipy_cblas_sgemm64_(", "CBLAS_GEMV(": "scipy_cblas_sgemv64_(", "CBLAS_TRSM(": "scipy_cblas_strsm64_(",
                "CBLAS_TRSV(": "scipy_cblas_strsv64_(",
                "LAPACK_GETRF(": "scipy_sgetrf_64_(", "LAPACK_POTRF(": "scipy_spotrf_64_(",
                "LAPACK_GESDD(": "scipy_sgesdd_64_(", "LAPACK_SYEVD(": "scipy_ssyevd_64_(",
                "LAPACK_GEQRF(": "scipy_sgeqrf_64_(", "LAPACK_ORGQR(": "scipy_sorgqr_64_("},
}
# Pasted before the routines: a file pulls in whole csrc files, not every routine is used.
PRELUDE = """#if defined(__GNUC__)
#define GC_UNUSED __attribute__((unused))
#else
#define GC_UNUSED
#endif
"""

_TOKEN = re.compile(r"\bREAL_EPS\b|\bREAL_MIN\b|\bREAL\b|_SFX\b|\b(?:SQRT|FABS|HYPOT|LOG|LGAMMA|LGAMMA_R|CBLAS_GEMM|CBLAS_GEMV|CBLAS_TRSM|CBLAS_TRSV|LAPACK_GETRF|LAPACK_POTRF|LAPACK_GESDD|LAPACK_SYEVD|LAPACK_GEQRF|LAPACK_ORGQR)\(")


@functools.lru_cache(maxsize=None)
def source(name: str) -> str:
    """The template text of csrc/<name>.c."""
    return (CSRC / f"{name}.c").read_text()


@functools.lru_cache(maxsize=None)
def instantiate(name: str, dtype: str) -> str:
    """csrc/<name>.c for `dtype` ("float64" or "float32")."""
    spelling = _SPELLING[dtype]
    return _TOKEN.sub(lambda m: spelling[m.group(0)], source(name))


def names() -> list:
    return sorted(p.stem for p in CSRC.glob("*.c"))
