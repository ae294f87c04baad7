"""Costly loops of BLAS-calling kernels run on OpenBLAS's thread pool (csrc/pool.c): the
results do not depend on how many threads share them, and cheap loops stay inline."""
import ctypes
import os
import subprocess

import numpy as np
import pytest

import graphc as gc
from graphc.blas import has_pool, link_flags, numpy_openblas

pytestmark = pytest.mark.skipif(not has_pool(), reason="the BLAS lends no thread pool")


def _blas_threads(n):
    """Set OpenBLAS's thread count (the pool's size), returning the previous one."""
    lib = ctypes.CDLL(os.path.join(*numpy_openblas()))
    before = lib.scipy_openblas_get_num_threads64_()
    lib.scipy_openblas_set_num_threads64_(ctypes.c_int(n))
    return before


def rnn_step(batch=64, n=256):
    W, h = gc.var("W", (n, n)), gc.var("h", (batch, n))
    x = gc.var("x", (batch, n))
    out = gc.tanh(h @ W.T + x)
    L = gc.sum(out * out)
    return [W, h, x], [out, L, gc.grad(L, W)]


def test_a_costly_loop_runs_on_the_pool_with_the_same_bits_for_any_thread_count(tmp_path, rng):
    inputs, outputs = rnn_step()
    f = gc.compile(inputs, outputs, cache_dir=tmp_path)
    assert "gc_pool_run(" in f.c_source
    args = [rng.standard_normal(v.shape) * 0.1 for v in inputs]
    before = _blas_threads(1)
    try:
        serial = f(*args)
        _blas_threads(max(before, 2))
        shared = f(*args)
    finally:
        _blas_threads(before)
    for a, b in zip(serial, shared):
        assert np.array_equal(a, b)
    W, h, x = args
    np.testing.assert_allclose(shared[0], np.tanh(h @ W.T + x), rtol=1e-13)


@pytest.mark.parametrize("n", [200, 300])
def test_a_blocked_lu_shares_its_trailing_updates_with_the_same_bits_for_any_thread_count(n, tmp_path, rng):
    """csrc/lapack_lu.c with csrc/pool.c: the trailing columns split among the pool's threads
    (over 256 of them at n = 300: two chunks per span), each column computed alike, and the
    solves' columns likewise; against NumPy's LAPACK."""
    A0 = rng.standard_normal((n, n))
    B0 = rng.standard_normal((n, 20))                   # 20 columns: the blocked solves, split at n = 300
    A, B = gc.var("A", (n, n)), gc.var("B", (n, 20))
    sign, logdet = gc.linalg.slogdet(A)
    f = gc.compile([A, B], [gc.linalg.solve(A, B), gc.linalg.solve(A.T, B), sign, logdet], cache_dir=tmp_path)
    assert "gc_lu_trailing_shared_f64" in f.c_source and "gc_pool_run(" in f.c_source
    before = _blas_threads(1)
    try:
        serial = f(A0, B0)
        _blas_threads(max(before, 2))
        shared = f(A0, B0)
    finally:
        _blas_threads(before)
    for a, b in zip(serial, shared):
        assert np.array_equal(a, b)
    np.testing.assert_allclose(shared[0], np.linalg.solve(A0, B0), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(shared[1], np.linalg.solve(A0.T, B0), rtol=1e-9, atol=1e-11)
    want_sign, want_logdet = np.linalg.slogdet(A0)
    assert shared[2] == want_sign
    np.testing.assert_allclose(shared[3], want_logdet, rtol=1e-12)


@pytest.mark.parametrize("n", [200, 500])
def test_a_blocked_cholesky_shares_its_trailing_updates_with_the_same_bits_for_any_thread_count(n, tmp_path, rng):
    """csrc/lapack_cholesky.c with csrc/pool.c: the trailing rows split among the pool's
    threads by area, each entry computed alike; against NumPy's LAPACK."""
    X = rng.standard_normal((n, n))
    S0 = X @ X.T + n * np.eye(n) + 0.1 * rng.standard_normal((n, n))
    S = gc.var("S", (n, n))
    f = gc.compile([S], [gc.linalg.cholesky(S)], cache_dir=tmp_path)
    assert "gc_chol_trailing_shared_f64" in f.c_source and "gc_pool_run(" in f.c_source
    before = _blas_threads(1)
    try:
        (serial,) = f(S0)
        _blas_threads(max(before, 2))
        (shared,) = f(S0)
    finally:
        _blas_threads(before)
    assert np.array_equal(serial, shared)
    np.testing.assert_allclose(shared, np.linalg.cholesky((S0 + S0.T) / 2), rtol=1e-11, atol=1e-12)
    assert np.all(np.triu(shared, 1) == 0)
    bad = S0.copy()
    bad[n // 2, n // 2] = -1e6                      # indefinite: a later panel's pivot
    with pytest.raises(np.linalg.LinAlgError, match="positive definite"):
        f(bad)


def test_cheap_loops_and_programs_without_blas_calls_stay_inline(tmp_path):
    W, h, x = gc.var("W", (256, 256)), gc.var("h", (64, 256)), gc.var("x", (64, 256))
    cheap = gc.compile([W, h, x], h @ W.T + x * 2.0, cache_dir=tmp_path)
    assert "gc_pool_run(" not in cheap.c_source
    no_blas = gc.compile([h, x], gc.tanh(h + x), cache_dir=tmp_path)
    assert "gc_pool_run(" not in no_blas.c_source


def test_a_pooled_kernel_compiles_without_warnings(tmp_path):
    f = gc.compile(*rnn_step(), cache_dir=tmp_path)
    src = tmp_path / "pooled.c"
    src.write_text(f.c_source)
    result = subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2",
                             "-c", str(src), "-o", str(tmp_path / "pooled.o")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


DRIVER = """
#include <stdio.h>
#include <stdlib.h>
int graphc_entry(const void *const *arg, void *const *res, void *work);
size_t graphc_entry_work_bytes(void);
int main(void)
{
    double *W = malloc(8 * 65536), *h = malloc(8 * 16384), *x = malloc(8 * 16384);
    double *o = malloc(8 * 16384), *L = malloc(8), *g = malloc(8 * 65536);
    void *work = aligned_alloc(64, (graphc_entry_work_bytes() + 63) / 64 * 64);
    for (int i = 0; i < 65536; ++i) W[i] = (i % 97) * 1e-3;
    for (int i = 0; i < 16384; ++i) { h[i] = (i % 13) * 1e-2; x[i] = (i % 7) * 1e-2; }
    const void *arg[3] = {W, h, x};
    void *res[3] = {o, L, g};
    int rc = 0;
    for (int r = 0; r < 10; ++r) rc |= graphc_entry(arg, res, work);
    printf("%d %.17g\\n", rc, *L);
    free(W); free(h); free(x); free(o); free(L); free(g); free(work);
    return rc;
}
"""


@pytest.mark.slow
def test_a_pooled_kernel_runs_clean_under_sanitizers(tmp_path, rng):
    inputs, outputs = rnn_step()
    f = gc.compile(inputs, outputs, cache_dir=tmp_path)
    src, exe = tmp_path / "pooled.c", tmp_path / "pooled"
    src.write_text(f.c_source + DRIVER)
    build = subprocess.run(["gcc", "-std=c99", "-D_GNU_SOURCE", "-O1", "-g", "-fsanitize=address,undefined",
                            "-fno-sanitize-recover=all", str(src), "-o", str(exe), *link_flags(), "-lm"],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "runtime error" not in run.stderr, run.stderr[-5000:]
    rc, value = run.stdout.split()
    W = (np.arange(65536) % 97 * 1e-3).reshape(256, 256)
    h = (np.arange(16384) % 13 * 1e-2).reshape(64, 256)
    x = (np.arange(16384) % 7 * 1e-2).reshape(64, 256)
    assert rc == "0" and float(value) == pytest.approx(np.sum(np.tanh(h @ W.T + x) ** 2), rel=1e-12)
