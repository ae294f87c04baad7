"""The hand-written C of csrc/: C unit tests (tests/c/test_linalg.c) for the portable and
the LAPACK-backed routines, both dtypes, warnings as errors and under sanitizers; and the
routines against NumPy through a generated kernel."""
import pathlib
import subprocess

import numpy as np
import pytest

from graphc.blas import link_flags, numpy_openblas
from graphc.codegen import csrc

TEST = (pathlib.Path(__file__).parent / "c" / "test_linalg.c").read_text()
HEADER = ("#include <math.h>\n#include <float.h>\n#include <string.h>\n#include <stddef.h>\n"
          "#define GC_PRAGMA(x) _Pragma(#x)\n"                 # csrc/gemv.c's loops (the blocked LU's update)
          "#define GC_SIMD_REDUCE(...) GC_PRAGMA(omp simd reduction(+:__VA_ARGS__))\n"
          "#define GC_SIMD GC_PRAGMA(omp simd)\n")
NAMES = ["GEMM", "LU_FACTOR", "LU_SOLVE", "LU_DET", "LU_SLOGDET", "CHOLESKY", "SVD", "SVD_WORK", "EIGH",
         "EIGH_WORK", "TRSOLVE", "QR", "QR_WORK", "EXPM", "EXPM_WORK",
         "EXPM_FRECHET"]
FUNCS = ["gc_gemm", "gc_lu_factor", "gc_lu_solve", "gc_lu_det", "gc_lu_slogdet", "gc_cholesky", "gc_svd",
         "gc_svd_work", "gc_eigh", "gc_eigh_work", "gc_trsolve", "gc_qr", "gc_qr_work", "gc_expm",
         "gc_expm_work", "gc_expm_frechet"]


def program(dtype, lapack):
    sfx = "_f64" if dtype == "float64" else "_f32"
    files = (["gemm_blas", "triangular", "gemv", "lapack_lu", "lu_det", "lapack_cholesky", "householder", "lapack_qr", "svd", "lapack_svd",
              "eigh", "lapack_eigh", "expm"] if lapack else
             ["gemm", "triangular", "lu", "lu_det", "cholesky", "svd", "eigh", "householder", "qr", "expm"])
    text = HEADER + csrc.PRELUDE + "".join(csrc.instantiate(f, dtype) for f in files)
    portable = {"gc_trsolve": "gc_trsolve_loops", "gc_svd": "gc_jacobi_svd", "gc_svd_work": "gc_jacobi_svd_work",
                "gc_eigh": "gc_jacobi_eigh", "gc_eigh_work": "gc_jacobi_eigh_work"}
    funcs = FUNCS if lapack else [portable.get(f, f) for f in FUNCS]
    defines = "".join(f"#define {n} {f}{sfx}\n" for n, f in zip(NAMES, funcs))
    defines += f"#define REAL_T {'double' if dtype == 'float64' else 'float'}\n"
    defines += f"#define PIV_T {'long' if lapack else 'int'}\n"
    defines += f'#define TEST_NAME "{"lapack" if lapack else "portable"} {dtype}"\n'
    return text + defines + TEST


# the LAPACK-backed routines are tested where NumPy bundles OpenBLAS (every pip wheel)
VARIANTS = [(d, lap) for d in ("float64", "float32") for lap in (False, True) if not lap or numpy_openblas()]


@pytest.mark.parametrize("dtype,lapack", VARIANTS, ids=[f"{'lapack' if l else 'portable'}-{d}" for d, l in VARIANTS])
@pytest.mark.parametrize("sanitize", [False, True], ids=["plain", "sanitized"])
def test_c_unit_tests(dtype, lapack, sanitize, tmp_path):
    src = tmp_path / "t.c"
    src.write_text(program(dtype, lapack))
    flags = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-O2", "-fopenmp-simd"]
    if sanitize:
        flags = ["-std=c99", "-O1", "-g", "-fopenmp-simd", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
    exe = tmp_path / "t"
    build = subprocess.run(["gcc", *flags, str(src), "-o", str(exe), *(link_flags() if lapack else []), "-lm"],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-4000:]
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=300,
                         env={"ASAN_OPTIONS": "detect_leaks=0"})
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]


@pytest.mark.parametrize("blas", [False] + ([True] if numpy_openblas() else []), ids=["portable", "lapack"][:1 + bool(numpy_openblas())])
def test_routines_against_numpy(blas, tmp_path, monkeypatch):
    """Every linear-algebra op compiled with one set of routines, against NumPy."""
    import graphc as gc
    from graphc import compiler
    if not blas:
        monkeypatch.setattr(compiler, "numpy_openblas", lambda: None)
    rng = np.random.default_rng(0)
    A = rng.standard_normal((40, 40)) + 40 * np.eye(40)
    B = rng.standard_normal((40, 3))
    W = rng.standard_normal((40, 25))
    a, b, w = gc.var("a", A.shape), gc.var("b", B.shape), gc.var("w", W.shape)
    spd = a @ a.T
    outs = [a @ b, gc.linalg.solve(a, b), gc.linalg.solve(a.T, b), gc.linalg.inv(a), gc.linalg.det(a / 40),
            *gc.linalg.slogdet(a), gc.linalg.cholesky(spd), *gc.linalg.svd(w), *gc.linalg.svd(w.T),
            *gc.linalg.eigh(spd),
            gc.linalg.solve(a, b[:, 0]), gc.linalg.solve(a.T, b[:, 1]),          # one right-hand side
            gc.linalg.svdvals(w + 1), gc.linalg.svdvals((w + 1).T),              # values alone
            gc.linalg.eigvalsh(spd + a)]
    tri = gc.linalg.solve_triangular
    outs += [tri(a, b, lower=True), tri(a.T, b, trans=1), tri(a, b[:, 0], unit_diagonal=True),   # BLAS-sized
             tri(a[:8, :8], b[:8], lower=True, trans="T"), tri(a[:8, :8].T, b[:8, 2]),       # loops
             *gc.linalg.qr(w), *gc.linalg.qr(w.T), gc.linalg.lstsq(w, b)[0]]
    f = gc.compile([a, b, w], outs, cache_dir=tmp_path)
    got = f(A, B, W)
    want = gc.evaluate(outs, {a: A, b: B, w: W})
    for g, x in zip(got, want):
        np.testing.assert_allclose(g, x, rtol=1e-10, atol=1e-10 * max(1, np.max(np.abs(x))))
    assert ("scipy_" in f.c_source) == blas
    svdvals, eigvalsh = ("gc_svdvals_f64(", "gc_eigvalsh_f64(") if blas else \
        ("gc_jacobi_svdvals_f64(", "gc_jacobi_eigvalsh_f64(")
    assert f.c_source.count(svdvals) == 3          # the definition and two calls
    assert f.c_source.count(eigvalsh) == 2


@pytest.mark.skipif(not numpy_openblas(), reason="the blocked QR is the LAPACK build's")
@pytest.mark.parametrize("shape", [(400, 100), (100, 400), (129, 71)])
def test_the_blocked_qr_agrees_with_numpy_signs_included(shape, tmp_path):
    """csrc/lapack_qr.c's blocked QR (k > 64: panels of 16, the last one partial at k = 71)
    gives NumPy's Q and R, its lstsq NumPy's solution (tall a), and gradients through both
    agree with the reference interpreter's."""
    import graphc as gc
    rng = np.random.default_rng(1)
    A = rng.standard_normal(shape)
    B = rng.standard_normal((shape[0], 3))
    a, b = gc.var("a", shape), gc.var("b", B.shape)
    q, r = gc.linalg.qr(a)
    x = gc.linalg.lstsq(a, b)[0] if shape[0] > shape[1] else gc.sum(a, axis=1)
    L = gc.sum(gc.sin(q)) + gc.sum(r * r) * 1e-3 + gc.sum(x * x)
    f = gc.compile([a, b], [q, r, x, gc.grad(L, a)], cache_dir=tmp_path)
    assert "gc_qr_blocked_f64(" in f.c_source
    Q, R, X, G = f(A, B)
    Qn, Rn = np.linalg.qr(A)
    np.testing.assert_allclose(Q, Qn, atol=1e-12)
    np.testing.assert_allclose(R, Rn, atol=1e-12 * np.abs(Rn).max())
    if shape[0] > shape[1]:
        np.testing.assert_allclose(X, np.linalg.lstsq(A, B, rcond=None)[0], atol=1e-10)
    (want,) = gc.evaluate([gc.grad(L, a)], {a: A, b: B})
    np.testing.assert_allclose(G, want, rtol=1e-9, atol=1e-9 * np.abs(want).max())
