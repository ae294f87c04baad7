"""Loops run by one persistent OpenMP team (codegen/team.py): which loops do, results
against NumPy by hand and the reference interpreter (every kind of instruction a team
body has: shared loops, matrix-vector products both ways round and with partial sums
too wide for the shared area, serial reductions, redundant scalars), bit-identity across
checkpoint strategies and against the same loop outside a team, other team sizes, the
barrier rule, and warning-free C99 clean under the sanitizers."""
import os
import subprocess
import sys

import numpy as np
import pytest

import graphc as gc
from graphc.codegen.team import Touch, conflict
from tests.test_deferred import by_hand, rnn


def args_for(n, T, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, n)) / np.sqrt(n), rng.standard_normal(n) * 0.5, \
        rng.standard_normal((T, n)) * 0.5


def test_a_big_recurrence_runs_in_a_team_and_matches_numpy():
    inputs, outputs = rnn(256, 37, None, False)
    f = gc.compile(inputs, outputs)
    assert "team_body" in f.c_source and "#pragma omp parallel" in f.c_source
    args = args_for(256, 37)
    L, dW = f(*args)
    L_ref, dW_ref = by_hand(*args, None, False)
    np.testing.assert_allclose(L, L_ref, rtol=1e-12)
    np.testing.assert_allclose(dW, dW_ref, rtol=1e-10, atol=1e-12)


def test_small_loops_stay_out_of_teams():
    inputs, outputs = rnn(16, 10, None, False)
    assert "team_body" not in gc.compile(inputs, outputs).c_source


@pytest.mark.parametrize("strategy", ["sqrt", "revolve", "auto"])
def test_team_loops_are_bit_identical_under_checkpointing(strategy):
    inputs, outputs = rnn(256, 40, None, False)
    args = args_for(256, 40, seed=1)
    none = gc.compile(inputs, outputs)
    budget = gc.compile(inputs, outputs, checkpoint="sqrt").peak_bytes if strategy == "auto" else None
    other = gc.compile(inputs, outputs, checkpoint=strategy, memory_budget=budget)
    assert "team_body" in other.c_source
    for a, b in zip(none(*args), other(*args)):
        assert np.array_equal(a, b)


def mixed():
    """A step with every kind of team instruction: A x and xᵀ A products, Aᵀ x with partial
    sums (256 columns) and without (4096 columns: too wide for the shared area), a
    broadcast bias, a reduction and a scalar computed from it, a second carry."""
    n, m, w, T = 256, 16, 4096, 9
    W, V = gc.var("W", (n, n)), gc.var("V", (n, n))
    M, b = gc.var("M", (m, w)), gc.var("b", (n,))
    h0, c0, xs = gc.var("h0", (n,)), gc.var("c0", (m,)), gc.var("xs", (T, n))

    def step(carry, x):
        h, c = carry
        u = gc.tanh(W @ h + x + b) + 0.1 * (h @ V)
        s = gc.sum(u * u)
        scale = 1 / (1 + s / n)
        v = gc.tanh(M.T @ c)                      # 4096 outputs: no partial sums
        c2 = gc.tanh(M @ v / w + c * scale)
        return (u * scale, c2), gc.sum(v)
    (hT, cT), ys = gc.scan(step, (h0, c0), xs)
    loss = gc.sum(hT * hT) + gc.sum(cT * cT) + gc.sum(ys) / w
    inputs = [W, V, M, b, h0, c0, xs]
    return inputs, [loss, *gc.grad(loss, inputs)]


def mixed_args():
    rng = np.random.default_rng(3)
    shapes = [(256, 256), (256, 256), (16, 4096), (256,), (256,), (16,), (9, 256)]
    scales = [1 / 16, 1 / 16, 1 / 64, 0.1, 0.5, 0.5, 0.5]
    return [rng.standard_normal(s) * k for s, k in zip(shapes, scales)]


@pytest.fixture(scope="module")
def mixed_function(tmp_path_factory):
    inputs, outputs = mixed()
    f = gc.compile(inputs, outputs, cache_dir=tmp_path_factory.mktemp("cache"))
    return inputs, outputs, f


def test_every_kind_of_team_instruction_matches_the_interpreter(mixed_function):
    inputs, outputs, f = mixed_function
    source = f.c_source
    assert source.count("team_body(") >= 4                  # forward and reverse bodies, declared and called
    assert "gc_gemv_team_f64(1," in source and "gc_gemv_team_f64(0," in source
    assert "if (gc_tid == 0) {" in source                     # a serial instruction
    args = mixed_args()
    got = f(*args)
    want = gc.evaluate(outputs, dict(zip(inputs, args)))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("threads", [1, 3])
def test_other_team_sizes_give_the_same_answer(mixed_function, threads, tmp_path):
    """A team of 1 and of 3 threads (an odd split of every share): results as the
    interpreter's, in a fresh process that reads OMP_NUM_THREADS at start."""
    inputs, outputs, f = mixed_function
    args = mixed_args()
    np.savez(tmp_path / "args.npz", *args)
    script = (
        "import sys, numpy as np, graphc as gc\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "from tests.test_team import mixed\n"
        "inputs, outputs = mixed()\n"
        "data = np.load(sys.argv[1] + '/args.npz')\n"
        "args = [data[f'arr_{i}'] for i in range(len(inputs))]\n"
        "got = gc.compile(inputs, outputs, cache_dir=sys.argv[1] + '/cache')(*args)\n"
        "want = gc.evaluate(outputs, dict(zip(inputs, args)))\n"
        "for g, w in zip(got, want):\n"
        "    np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)\n"
        "print('ok')\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    run = subprocess.run([sys.executable, "-c", script, str(tmp_path), root], env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-3000:]


def test_team_loops_compile_clean_and_run_under_sanitizers(tmp_path):
    from tests.test_generated_c import assert_clean_run
    inputs, outputs = rnn(256, 12, None, False)
    f = gc.compile(inputs, outputs, checkpoint="sqrt", name="rnn_team", cache_dir=tmp_path / "cache")
    assert "team_body" in f.c_source
    assert_clean_run(f, tmp_path, openmp=True)


def test_the_barrier_rule():
    rows = ("rows", 256, 1, 8)
    mine = Touch("work", 0, 2048, True, rows)
    assert not conflict(mine, Touch("work", 0, 2048, False, rows))       # same share: same thread
    assert conflict(mine, Touch("work", 0, 2048, False))                  # read whole: other threads' rows
    assert conflict(mine, Touch("work", 1024, 3072, False, rows))        # another buffer over the same bytes
    assert not conflict(mine, Touch("work", 2048, 4096, True))           # disjoint bytes
    assert not conflict(Touch("work", 0, 8, False), Touch("work", 0, 8, False))   # two reads
    assert conflict(mine, Touch("work", 0, 2048, True, ("rows", 32, 8, 8)))     # another partition
    assert not conflict(mine, Touch(("arg", 0), 0, 2048, True))          # another space
