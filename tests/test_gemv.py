"""csrc/gemv.c (matrix-vector products and the low-rank updates of deferred loop
accumulators, threads sharing out the output): C unit tests against naive loops, warnings
as errors, with and without OpenMP and under sanitizers; and compiled matrix-vector
products of every transposition, both dtypes, below and above the threading threshold,
against NumPy."""
import pathlib
import subprocess

import numpy as np
import pytest

import graphc as gc
from graphc.codegen import csrc

TEST = (pathlib.Path(__file__).parent / "c" / "test_gemv.c").read_text()
HEADER = ("#include <math.h>\n#include <float.h>\n#include <string.h>\n#include <stddef.h>\n"
          "#define GC_PRAGMA(x) _Pragma(#x)\n"
          "#define GC_SIMD_REDUCE(...) GC_PRAGMA(omp simd reduction(+:__VA_ARGS__))\n"
          "#define GC_SIMD GC_PRAGMA(omp simd)\n")
FLAGS = {"plain": ["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-O2", "-fopenmp-simd"],
         "openmp": ["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-O3", "-march=native", "-fopenmp"],
         "sanitized": ["-std=c99", "-O1", "-g", "-fopenmp", "-fsanitize=address,undefined",
                       "-fno-sanitize-recover=all"]}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("build", list(FLAGS))
def test_c_unit_tests(dtype, build, tmp_path):
    sfx = "_f64" if dtype == "float64" else "_f32"
    text = HEADER + csrc.PRELUDE + csrc.instantiate("gemv", dtype) + \
        f"#define REAL_T {'double' if dtype == 'float64' else 'float'}\n" \
        f"#define GEMV gc_gemv{sfx}\n#define RANK_UPDATE gc_rank_update{sfx}\n" \
        f'#define TEST_NAME "gemv {dtype} {build}"\n' + TEST
    src, exe = tmp_path / "t.c", tmp_path / "t"
    src.write_text(text)
    made = subprocess.run(["gcc", *FLAGS[build], str(src), "-o", str(exe), "-lm"], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr[-4000:]
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=300,
                         env={"ASAN_OPTIONS": "detect_leaks=0", "OMP_NUM_THREADS": "2"})
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "0 failures" in run.stdout


@pytest.mark.parametrize("dtype", [gc.float64, gc.float32])
@pytest.mark.parametrize("m,k", [(3, 5), (300, 260)])       # 300×260 is above the threading threshold
def test_matrix_vector_products_against_numpy(dtype, m, k):
    rng = np.random.default_rng(m + k)
    A = gc.var("A", (m, k), dtype)
    x, y = gc.var("x", (k,), dtype), gc.var("y", (m,), dtype)
    outs = [A @ x, y @ A, A.T @ y, x @ A.T, gc.reshape(x, (1, k)) @ A.T, A @ gc.reshape(x, (k, 1)),
            gc.reshape(y, (1, m)) @ A, gc.reshape(x, (1, k)) @ gc.reshape(x, (k, 1))]
    f = gc.compile([A, x, y], outs)
    np_dtype = np.dtype(dtype.name if hasattr(dtype, "name") else dtype)
    a = rng.standard_normal((m, k)).astype(np_dtype)
    xv, yv = rng.standard_normal(k).astype(np_dtype), rng.standard_normal(m).astype(np_dtype)
    want = [a @ xv, yv @ a, a.T @ yv, xv @ a.T, xv[None] @ a.T, a @ xv[:, None], yv[None] @ a,
            xv[None] @ xv[:, None]]
    tol = 1e-12 if np_dtype == np.float64 else 2e-4
    for got, ref in zip(f(a, xv, yv), want):
        np.testing.assert_allclose(got, ref, rtol=tol, atol=tol * k)


def test_threaded_kernels_let_the_process_exit_cleanly(tmp_path):
    """A process whose last act is a threaded kernel call exits with status 0, even with
    OpenMP's threads spinning at exit (the runtime stays mapped when kernels are freed)."""
    import os
    import sys
    script = tmp_path / "last_call.py"
    script.write_text(
        "import numpy as np, graphc as gc\n"
        "W, h0, xs = gc.var('W', (256, 256)), gc.var('h0', (256,)), gc.var('xs', (20, 256))\n"
        "hT, _ = gc.scan(lambda h, x: (gc.tanh(W @ h + x), None), h0, xs)\n"
        "L = gc.sum(hT * hT)\n"
        "f = gc.compile([W, h0, xs], [L, gc.grad(L, W)])\n"
        "f(np.eye(256) / 2, np.ones(256), np.ones((20, 256)))\n")
    env = dict(os.environ, OMP_WAIT_POLICY="active", OMP_NUM_THREADS="2")
    for _ in range(3):
        run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, env=env)
        assert run.returncode == 0, run.stderr[-2000:]
