"""Calling compiled functions: argument handling, errors, bind, threads, cache, pickling,
hostile names."""
import os
import pickle
import subprocess
import sys
import threading
import textwrap

import numpy as np
import pytest

import graphc as gc


@pytest.fixture
def seed_fn(tmp_path):
    w1, w2 = gc.var("w1"), gc.var("w2")
    v = w2 * gc.log(w1)
    L = v + gc.sqrt(v)
    return gc.compile([w1, w2], [L, *gc.grad(L, [w1, w2])], name="seed", cache_dir=tmp_path)


def closed_form(a, b):
    s = np.sqrt(b * np.log(a))
    return b * np.log(a) + s, b / a * (1 + 1 / (2 * s)), np.log(a) * (1 + 1 / (2 * s))


def test_seed_function_values(seed_fn):
    got = seed_fn(2.0, 3.0)
    assert isinstance(got, tuple) and all(g.shape == () for g in got)
    np.testing.assert_allclose(got, closed_form(2.0, 3.0), rtol=1e-14)
    np.testing.assert_allclose(seed_fn(w2=3.0, w1=2.0), closed_form(2.0, 3.0), rtol=1e-14)
    np.testing.assert_allclose(seed_fn(2, np.float32(3.0)), closed_form(2.0, 3.0), rtol=1e-14)


def test_single_output_gives_an_array(tmp_path):
    x = gc.var("x", (3,))
    f = gc.compile([x], gc.sin(x) * 2, cache_dir=tmp_path)
    out = f(np.arange(3.0))
    assert isinstance(out, np.ndarray) and out.shape == (3,)
    np.testing.assert_allclose(out, 2 * np.sin(np.arange(3.0)))


def test_argument_errors_name_the_input(seed_fn, tmp_path):
    with pytest.raises(TypeError, match="missing input 'w2'"):
        seed_fn(2.0)
    with pytest.raises(TypeError, match="takes 2 inputs"):
        seed_fn(1.0, 2.0, 3.0)
    with pytest.raises(TypeError, match="unknown input 'w3'"):
        seed_fn(1.0, w3=2.0)
    with pytest.raises(TypeError, match="'w1' twice"):
        seed_fn(1.0, w1=2.0)
    with pytest.raises(ValueError, match=r"'w1': expected shape \(\), got shape \(2,\)"):
        seed_fn(np.ones(2), 1.0)
    with pytest.raises(TypeError, match="w2"):
        seed_fn(1.0, "three")
    x = gc.var("x", (3,), "float32")
    f = gc.compile([x], x * 2, cache_dir=tmp_path)
    with pytest.raises(TypeError, match="lossy"):
        f(np.ones(3))
    np.testing.assert_array_equal(f([1, 2, 3]), np.array([2, 4, 6], np.float32))


def test_non_contiguous_inputs_are_handled(tmp_path):
    x = gc.var("x", (3, 4))
    f = gc.compile([x], x + 1, cache_dir=tmp_path)
    a = np.arange(24.0).reshape(4, 6)[:3, ::-1][:, :4]
    np.testing.assert_array_equal(f(a), a + 1)
    np.testing.assert_array_equal(f(np.asfortranarray(np.ones((3, 4)))), 2 * np.ones((3, 4)))


def test_compile_checks_inputs(tmp_path):
    x, y = gc.var("x"), gc.var("y")
    with pytest.raises(ValueError, match="'y'"):
        gc.compile([x], x + y, cache_dir=tmp_path)
    with pytest.raises(TypeError):
        gc.compile([x + 1], x, cache_dir=tmp_path)


def test_outputs_that_are_inputs_constants_or_repeats(tmp_path):
    x = gc.var("x", (2,))
    c = gc.const(np.array([1.0, 2.0]))
    y = gc.exp(x)
    f = gc.compile([x], [x, c, y, y, gc.reshape(y, (2, 1)), gc.const(3.0)], cache_dir=tmp_path)
    xv = np.array([0.5, -1.0])
    got = f(xv)
    np.testing.assert_array_equal(got[0], xv)
    np.testing.assert_array_equal(got[1], [1.0, 2.0])
    np.testing.assert_allclose(got[2], np.exp(xv))
    np.testing.assert_allclose(got[3], np.exp(xv))
    assert got[4].shape == (2, 1) and got[5] == 3.0


def test_bind_reuses_outputs_and_reads_inputs_in_place(seed_fn):
    b = seed_fn.bind(2.0, 3.0)
    first = b()
    np.testing.assert_allclose(first, closed_form(2.0, 3.0), rtol=1e-14)
    b.inputs[0][...] = 5.0
    second = b()
    assert second[0] is first[0]
    np.testing.assert_allclose(second, closed_form(5.0, 3.0), rtol=1e-14)


def test_four_threads_call_one_function(tmp_path):
    x = gc.var("x", (200,))
    y = gc.sum(gc.tanh(x) ** 2) + gc.sum(x)
    f = gc.compile([x], [y, gc.grad(y, x)], cache_dir=tmp_path)
    rng = np.random.default_rng(0)
    data = [rng.standard_normal(200) for _ in range(4)]
    want = [gc.evaluate([y, gc.grad(y, x)], {x: d}) for d in data]
    errors = []

    def work(k):
        for _ in range(200):
            got = f(data[k])
            if not (np.allclose(got[0], want[k][0], rtol=1e-12) and np.allclose(got[1], want[k][1], rtol=1e-12)):
                errors.append(k)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_pickle_rebuilds_in_another_process(seed_fn, tmp_path):
    blob = pickle.dumps(seed_fn)
    g = pickle.loads(blob)
    np.testing.assert_allclose(g(2.0, 3.0), closed_form(2.0, 3.0), rtol=1e-14)
    path = tmp_path / "f.pkl"
    path.write_bytes(blob)
    code = f"import pickle; f = pickle.load(open({str(path)!r}, 'rb')); print(float(f(2.0, 3.0)[1]))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(out.stdout) == pytest.approx(closed_form(2.0, 3.0)[1], rel=1e-14)


HOSTILE = ['x; system("touch pwned")', "int", "ünïcødé λ", "", "*/ int evil; /*", "a\nb", "\\"]


def test_hostile_input_names_inject_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    xs = [gc.var(n, (2,)) for n in HOSTILE]
    total = xs[0]
    for x in xs[1:]:
        total = total + x
    f = gc.compile(xs, [total, gc.grad(gc.sum(total * total), xs[1])], name='f"; int bad; //',
                   cache_dir=tmp_path / "cache")
    args = [np.full(2, float(k)) for k in range(len(xs))]
    got = f(*args)
    np.testing.assert_array_equal(got[0], np.full(2, float(sum(range(len(xs))))))
    np.testing.assert_array_equal(got[1], 2 * got[0])
    assert not (tmp_path / "pwned").exists()
    for n in HOSTILE:
        if n:
            assert n not in f.c_source or n in ("int", "\\")
    assert "system(" not in f.c_source
    assert f.name.isidentifier()
    np.testing.assert_array_equal(f(**{"int": args[1]}, **{n: a for n, a in zip(HOSTILE, args) if n != "int"})[0],
                                  got[0])


def test_cache_hits_and_is_rebuilt_when_damaged(tmp_path):
    x = gc.var("x", (3,))
    f = gc.compile([x], gc.cos(x) + 1, cache_dir=tmp_path)
    path = f.library_path
    g = gc.compile([x], gc.cos(x) + 1, cache_dir=tmp_path)
    assert g.library_path == path
    damaged = open(path, "rb").read()[:100]
    os.unlink(path)                       # (the loaded copy keeps its own inode)
    with open(path, "wb") as handle:
        handle.write(damaged)
    h = gc.compile([x], gc.cos(x) + 1, cache_dir=tmp_path)
    assert os.path.getsize(h.library_path) > 100
    np.testing.assert_allclose(h(np.zeros(3)), 2 * np.ones(3))


def test_a_kernel_built_for_another_cpu_is_not_reused(tmp_path, monkeypatch):
    """-march=native code from one CPU may not run on another (a shared cache, a moved VM)."""
    from graphc import build
    x = gc.var("x", (3,))
    path = gc.compile([x], gc.cos(x) + 1, cache_dir=tmp_path).library_path
    assert "flags" in build.host_target() or "Features" in build.host_target() or not os.path.exists("/proc/cpuinfo")
    monkeypatch.setattr(build, "host_target", lambda: "another CPU: avx512f")
    g = gc.compile([x], gc.cos(x) + 1, cache_dir=tmp_path)
    assert g.library_path != path
    np.testing.assert_allclose(g(np.zeros(3)), 2 * np.ones(3))


def test_only_threaded_kernels_are_built_with_openmp(tmp_path):
    """-fopenmp (and the OpenMP runtime's link time) only for sources with a parallel construct."""
    from graphc import build
    from graphc.codegen.c import PARALLEL_ELEMENTS
    w1, w2 = gc.var("w1"), gc.var("w2")
    seed = gc.compile([w1, w2], w2 * gc.log(w1), cache_dir=tmp_path)
    assert build.threading_flags(seed.c_source) == []
    x = gc.var("x", (4 * PARALLEL_ELEMENTS,))
    big = gc.compile([x], gc.sin(x) * 2, cache_dir=tmp_path)
    assert build.threading_flags(big.c_source) == ["-fopenmp"]
    W, h0, xs = gc.var("W", (256, 256)), gc.var("h0", (256,)), gc.var("xs", (4, 256))
    hT, _ = gc.scan(lambda h, xt: (gc.tanh(W @ h + xt), None), h0, xs)
    team = gc.compile([W, h0, xs], gc.grad(gc.sum(hT * hT), W), cache_dir=tmp_path)
    assert build.threading_flags(team.c_source) == ["-fopenmp"]
    v = np.linspace(0, 1, 4 * PARALLEL_ELEMENTS)
    np.testing.assert_allclose(big(v), np.sin(v) * 2)
    np.testing.assert_allclose(seed(2.0, 3.0), 3 * np.log(2.0))


def test_two_processes_compile_one_graph_into_one_cache(tmp_path):
    script = textwrap.dedent(f"""
        import numpy as np, graphc as gc
        x = gc.var("x", (50,))
        y = gc.sum(gc.sin(x) * gc.exp(x) + x ** 3.5)
        f = gc.compile([x], [y, gc.grad(y, x)], cache_dir={str(tmp_path)!r})
        v, g = f(np.linspace(0.1, 1, 50))
        print(repr(float(v)))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert outs[0][0] == outs[1][0] and float(outs[0][0]) > 0


def test_compile_error_carries_diagnostics(tmp_path, monkeypatch):
    from graphc import build
    monkeypatch.setattr(build, "BASE_FLAGS", build.BASE_FLAGS + ["-Werror=this-flag-does-not-exist"])
    x = gc.var("x")
    with pytest.raises(gc.CompileError, match="this-flag-does-not-exist"):
        gc.compile([x], x * 2.5, cache_dir=tmp_path)


def test_missing_compiler_is_a_clear_error(tmp_path, monkeypatch):
    from graphc import build
    monkeypatch.setenv("CC", "no-such-compiler-xyz")
    build.find_compiler.cache_clear()
    try:
        with pytest.raises(gc.CompileError, match="no-such-compiler-xyz"):
            gc.compile([gc.var("x")], gc.var("x") * 1.0 if False else gc.const(1.0), cache_dir=tmp_path)
    finally:
        build.find_compiler.cache_clear()


def test_flops_and_peak_bytes(tmp_path):
    X, W = gc.var("X", (64, 32)), gc.var("W", (32, 16))
    loss = gc.sum(gc.tanh(X @ W) ** 2)
    f = gc.compile([X, W], [loss, gc.grad(loss, W)], cache_dir=tmp_path)
    assert f.flops >= 2 * 64 * 32 * 16 * 2
    assert 0 < f.peak_bytes <= 4 * 64 * 16 * 8


def test_a_graph_compiled_before_skips_lowering(tmp_path, monkeypatch):
    from graphc import compiler
    x = gc.var("x", (4,))
    y = gc.sum(gc.exp(x) * 3)
    first = gc.compile([x], [y, gc.grad(y, x)], cache_dir=tmp_path)

    def no_lowering(*args, **kwargs):
        raise AssertionError("lowered again")
    monkeypatch.setattr(compiler, "plan_program", no_lowering)
    again = gc.compile([x], [y, gc.grad(y, x)], cache_dir=tmp_path)
    assert again.library_path == first.library_path and again.c_source == first.c_source
    assert again.peak_bytes == first.peak_bytes
    np.testing.assert_allclose(again(np.ones(4))[1], 3 * np.e * np.ones(4))
    z = gc.var("z", (4,))                       # another graph is lowered as usual
    with pytest.raises(AssertionError, match="lowered again"):
        gc.compile([z], gc.sum(gc.exp(z) * 3), cache_dir=tmp_path)
