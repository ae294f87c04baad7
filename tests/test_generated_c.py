"""Generated C is clean: no warnings under -Wall -Wextra, no undefined behaviour or memory
errors under -fsanitize=address,undefined (run by a small C driver)."""
import os
import shutil
import subprocess

import numpy as np
import pytest

import graphc as gc
from graphc.build import vector_math_flags
from graphc.compiler import export_sources
from tests.models import mlp_loss


def mlp(sizes=(784, 256, 256, 10), batch=64):
    loss, params, X, Y = mlp_loss(sizes, batch)
    return [X, Y] + params, [loss] + gc.grad(loss, params)


DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
int main(void) {
    static const long in_sizes[] = {%(in_sizes)s};
    static const long out_sizes[] = {%(out_sizes)s};
    const void *arg[%(n_in)d];
    void *res[%(n_out)d];
    for (int i = 0; i < %(n_in)d; ++i) {
        double *a = malloc(sizeof(double) * (size_t)in_sizes[i]);
        for (long j = 0; j < in_sizes[i]; ++j) a[j] = 0.001 * (double)((j * 7 + i) %% 13) - 0.006;
        arg[i] = a;
    }
    for (int i = 0; i < %(n_out)d; ++i) res[i] = malloc(sizeof(double) * (size_t)out_sizes[i]);
    void *work = malloc(%(work)d + 64);
    int rc = %(name)s(arg, res, work);
    printf("%%d %%.17g\n", rc, ((double *)res[0])[0]);
    for (int i = 0; i < %(n_in)d; ++i) free((void *)arg[i]);
    for (int i = 0; i < %(n_out)d; ++i) free(res[i]);
    free(work);
    return rc;
}
"""


def driver_source(f):
    c_text, _ = export_sources(f)
    return c_text + DRIVER % dict(
        in_sizes=", ".join(str(max(v.size, 1)) for v in f.inputs),
        out_sizes=", ".join(str(max(o.size, 1)) for o in f.outputs),
        n_in=len(f.inputs), n_out=len(f.outputs), work=f.peak_bytes, name=f.name)


@pytest.fixture(scope="module")
def mlp_function(tmp_path_factory):
    inputs, outputs = mlp(sizes=(784, 256, 256, 10), batch=64)
    return gc.compile(inputs, outputs, name="mlp_grad", cache_dir=tmp_path_factory.mktemp("cache"))


def test_mlp_gradient_compiles_without_warnings(mlp_function, tmp_path):
    src = tmp_path / "mlp.c"
    src.write_text(driver_source(mlp_function))
    result = subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2",
                             "-c", str(src), "-o", str(tmp_path / "mlp.o")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_mlp_gradient_runs_clean_under_sanitizers(mlp_function, tmp_path):
    src = tmp_path / "mlp.c"
    src.write_text(driver_source(mlp_function))
    exe = tmp_path / "mlp"
    build = subprocess.run(["gcc", "-std=c99", "-O1", "-g", "-fsanitize=address,undefined",
                            "-fno-sanitize-recover=all", str(src), "-o", str(exe), "-lm"],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-5000:]
    assert "runtime error" not in run.stderr
    rc, value = run.stdout.split()
    # the same inputs through the compiled function
    args = []
    for i, v in enumerate(mlp_function.inputs):
        j = np.arange(max(v.size, 1))
        args.append((0.001 * ((j * 7 + i) % 13) - 0.006).reshape(v.shape))
    assert float(value) == pytest.approx(float(mlp_function(*args)[0]), rel=1e-12)


# how build.py compiles a kernel calling libm functions, where glibc's libmvec is there
VECTOR_MATH = ["-O3", "-march=native", "-fno-math-errno", "-fopenmp-simd", "-pedantic"]


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_every_kernel_compiles_without_warnings(tmp_path):
    from graphc.ops.catalog import CASES
    from tests.test_compile_ops import build
    rng = np.random.default_rng(0)
    for case in CASES:
        xs, feed, outs = build(case, case.shapes, np.float64, rng)
        loss = 0.0
        for o in outs:
            if o.dtype in (np.float64, np.float32):
                loss = loss + gc.sum(gc.cast(o, "float64") * gc.const(rng.standard_normal(o.shape)))
        diff = [x for k, x in enumerate(xs)]
        f = gc.compile(xs, outs + ([loss, *gc.grad(loss, diff)] if diff and case.diff_inputs and
                                   not isinstance(loss, float) else []),
                       name="k", cache_dir=tmp_path / "cache")
        c_text, _ = export_sources(f)
        src = tmp_path / f"{case.name.replace('.', '_').replace('(', '').replace(')', '')}.c"
        src.write_text(c_text)
        vector = [VECTOR_MATH + [f"-DGRAPHC_LIBMVEC={v}"] for v in (22, 35)] if vector_math_flags(c_text, "gcc") else []
        for flags in [["-O1"]] + vector:
            result = subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", *flags, "-c", str(src),
                                     "-o", str(tmp_path / "k.o")], capture_output=True, text=True)
            assert result.returncode == 0, (case.name, flags, result.stderr[:3000])


@pytest.mark.parametrize("strategy", ["none", "sqrt", "revolve", "auto"])
def test_checkpointed_loops_compile_clean_and_run_under_sanitizers(strategy, tmp_path):
    """The loops of a scan, its reverse and a checkpoint plan (action tables, snapshots,
    tapes, in-place accumulators): warning-free C99 and clean under the sanitizers."""
    from tests.test_checkpoint import rnn_scan
    inputs, outputs = rnn_scan(h=6, T=13)
    budget = None if strategy != "auto" else 1600
    f = gc.compile(inputs, outputs, checkpoint=strategy, memory_budget=budget, name="rnn_grad",
                   cache_dir=tmp_path / "cache")
    assert_clean_run(f, tmp_path)


def assert_clean_run(f, tmp_path, openmp=False):
    """f's C with a driver: warning-free C99 (also with -fopenmp when `openmp`), clean under
    the sanitizers, and the driver's first output as f's on the same inputs."""
    src = tmp_path / "driver.c"
    src.write_text(driver_source(f))
    for flags in ([], ["-fopenmp"]) if openmp else ([],):
        warnings = subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", *flags,
                                   "-c", str(src), "-o", str(tmp_path / "driver.o")], capture_output=True, text=True)
        assert warnings.returncode == 0, warnings.stderr
    exe = tmp_path / "driver"
    build = subprocess.run(["gcc", "-std=c99", "-O1", "-g", *(["-fopenmp"] if openmp else []),
                            "-fsanitize=address,undefined", "-fno-sanitize-recover=all", str(src), "-o", str(exe),
                            "-lm"], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "runtime error" not in run.stderr, run.stderr[-3000:]
    args = []
    for i, v in enumerate(f.inputs):
        j = np.arange(max(v.size, 1))
        args.append((0.001 * ((j * 7 + i) % 13) - 0.006).reshape(v.shape))
    assert float(run.stdout.split()[1]) == pytest.approx(float(f(*args)[0]), rel=1e-12)


def _long_program(ops, seed=0):
    """A random straight-line scalar program of `ops` operations (W7's kind), its inputs."""
    import random
    rng = random.Random(seed)
    xs = [gc.var(f"x{i}") for i in range(6)]
    pool = list(xs)
    unary = [gc.sin, gc.tanh, lambda a: a * a]
    for _ in range(ops):
        if rng.random() < 0.4:
            pool.append(rng.choice(unary)(rng.choice(pool[-40:])))
        else:
            a, b = rng.choice(pool[-40:]), rng.choice(pool)
            pool.append(rng.choice([a + b, a - b, a * b, a / (1 + b * b)]))
    return xs, sum(pool[-10:], gc.const(0.0))


def test_a_long_program_builds_as_units_at_once(tmp_path, monkeypatch):
    """A long program's parts build as several translation units (one gcc per core) that
    give exactly what the one-file build gives; the file itself stays one valid C99 file."""
    from graphc import build
    xs, y = _long_program(900)
    outputs = [y, *gc.grad(y, xs)]
    f = gc.compile(xs, outputs, cache_dir=tmp_path / "units")
    args = [0.1 * (i + 1) for i in range(6)]
    assert len(f.c_source) >= build.SPLIT_BYTES
    units = build.compile_units(f.c_source)
    assert units == min(os.cpu_count() or 1, 8)
    monkeypatch.setattr(build, "SPLIT_BYTES", 10 ** 9)
    assert build.compile_units(f.c_source) == 1
    one = gc.compile(xs, outputs, cache_dir=tmp_path / "one")
    got, expected = f(*args), one(*args)
    for a, b in zip(got, expected):
        assert np.array_equal(a, b)
    reference = gc.evaluate(outputs, dict(zip(xs, args)))
    for a, b in zip(got, reference):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    if units > 1:                       # only graphc_entry and its work size are exported
        symbols = subprocess.run(["nm", "-D", "--defined-only", str(f.library_path)], capture_output=True,
                                 text=True).stdout if shutil.which("nm") else "graphc_entry\n"
        assert "_part" not in symbols and "graphc_entry" in symbols


def test_large_constants_are_bytes_and_read_back_exactly(tmp_path):
    """Float constants of BLOB_ELEMENTS entries or more are one string literal of their
    bytes read through a union, not literals (a 10⁶-entry matrix compiled in 19 s, 9 of
    them formatting literals): every value back bit for bit (−0.0, subnormals, ±inf, NaN,
    float32 too), in a loop body as well, warning-free under -pedantic and clean under the
    sanitizers."""
    from graphc.codegen.c import BLOB_ELEMENTS
    rng = np.random.default_rng(8)
    n = BLOB_ELEMENTS + 3
    C = rng.standard_normal(n) * 10.0 ** rng.integers(-300, 300, n)
    C[:7] = [-0.0, 5e-324, np.inf, -np.inf, 1.0, -2.5, np.nan]
    x = gc.var("x", (n,))
    step = gc.scan(lambda h, xt: (h, xt * C[::-1]), gc.const(0.0), gc.reshape(x, (1, n)))[1][0]
    with np.errstate(over="ignore"):                     # float32 of ±1e300: ±inf, as meant
        C32 = C.astype(np.float32)
    f = gc.compile([x], [x * C, gc.cast(x, "float32") * C32, step], cache_dir=str(tmp_path / "cache"))
    assert f.c_source.count("_blob.values") >= 2 and repr(C[10]) not in f.c_source
    X = np.ones(n)
    got64, got32, stepped = f(X)
    assert got64.tobytes() == C.tobytes()
    assert got32.tobytes() == C32.tobytes()
    assert stepped.tobytes() == C[::-1].tobytes()
    small = gc.sum(gc.tanh(x * np.nan_to_num(C, posinf=1.0, neginf=-1.0) * 1e-300))
    assert_clean_run(gc.compile([x], [small], cache_dir=str(tmp_path / "cache")), tmp_path)
