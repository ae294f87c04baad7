"""gc.cond, gc.switch and gc.map (jax.lax's structured control flow over a static graph)."""
import numpy as np
import pytest

import graphc as gc


def test_cond_selects_a_branch_and_differentiates_through_it(tmp_path):
    x, p = gc.var("x", (3,)), gc.var("p", ())
    out = gc.cond(p > 0, lambda a: (gc.sin(a), {"s": gc.sum(a)}), lambda a: (a ** 2, {"s": -gc.sum(a)}), x)
    y, d = out
    L = gc.sum(y) + d["s"]
    f = gc.compile([x, p], [y, d["s"], gc.grad(L, x)], cache_dir=str(tmp_path))
    X = np.array([0.3, -1.2, 2.0])
    for P, want_y, want_s, want_g in ((1.0, np.sin(X), X.sum(), np.cos(X) + 1), (-1.0, X ** 2, -X.sum(), 2 * X - 1)):
        got_y, got_s, got_g = f(X, P)
        np.testing.assert_allclose(got_y, want_y, rtol=1e-15)
        np.testing.assert_allclose(got_s, want_s, rtol=1e-15)
        np.testing.assert_allclose(got_g, want_g, rtol=1e-15)
    assert gc.cond(True, lambda a: a + 1, lambda a: a - 1, x).op.name == "add"     # a Python bool: built once
    with pytest.raises(gc.ShapeError, match="branches differs"):
        gc.cond(p > 0, lambda a: a, lambda a: a[:2], x)
    with pytest.raises(gc.ShapeError, match="scalar"):
        gc.cond(x > 0, lambda a: a, lambda a: a, x)


def test_switch_clamps_the_index(tmp_path):
    i, x = gc.var("i", ()), gc.var("x", ())
    branches = [lambda a: a + 10, lambda a: a * 3, lambda a: -a]
    f = gc.compile([i, x], [gc.switch(i, branches, x), gc.grad(gc.switch(i, branches, x), x)], cache_dir=str(tmp_path))
    for index, want, slope in ((-2, 12.0, 1.0), (0, 12.0, 1.0), (1, 6.0, 3.0), (2, -2.0, -1.0), (7, -2.0, -1.0)):
        np.testing.assert_array_equal(f(float(index), 2.0), (want, slope))
    assert gc.evaluate(gc.switch(5, branches, x), {x: 2.0}) == -2.0


def test_map_is_a_loop_over_the_leading_axis(tmp_path):
    xs = gc.var("xs", (5, 3))
    w = gc.var("w", (3,))
    ys = gc.map(lambda row: gc.tanh(row * w).sum(), xs)
    pair = gc.map(lambda row: (row[0], row * 2), xs)
    f = gc.compile([xs, w], [ys, pair[0], pair[1], gc.grad(gc.sum(ys ** 2), w)], cache_dir=str(tmp_path))
    X, W = np.random.default_rng(0).standard_normal((5, 3)), np.array([0.5, -1.0, 2.0])
    got = f(X, W)
    want = np.tanh(X * W).sum(axis=1)
    np.testing.assert_allclose(got[0], want, rtol=1e-14)
    np.testing.assert_array_equal(got[1], X[:, 0])
    np.testing.assert_array_equal(got[2], 2 * X)
    np.testing.assert_allclose(got[3], (2 * want[:, None] * (1 - np.tanh(X * W) ** 2) * X).sum(0), rtol=1e-12)


def test_while_loop_stops_where_the_condition_fails_and_differentiates(tmp_path):
    """Newton's iteration for √a until the step is tiny: the same result as a Python loop,
    the state frozen once the condition fails, gradients in both modes."""
    a = gc.var("a", ())

    def cond(state):
        x, step, count = state
        return gc.abs(step) > 1e-12

    def body(state):
        x, _, count = state
        new = 0.5 * (x + a / x)
        return new, new - x, count + 1

    x, _, count = gc.while_loop(cond, body, (a, gc.const(1.0), gc.const(0.0)), max_iterations=40)
    f = gc.compile([a], [x, count, gc.grad(x, a)], cache_dir=str(tmp_path))
    for value in (2.0, 9.0, 1e4):
        got, n, slope = f(value)
        want, steps, step = value, 0, 1.0
        while abs(step) > 1e-12:
            new = 0.5 * (want + value / want)
            want, step, steps = new, new - want, steps + 1
        assert got == want and n == steps < 40
        np.testing.assert_allclose(slope, 0.5 / np.sqrt(value), rtol=1e-12)
    gc.check_grads(x, [a], {a: 3.0}, order=2)
    with pytest.raises(ValueError, match="max_iterations"):
        gc.while_loop(cond, body, (a, a, a))
    with pytest.raises(TypeError, match="state is"):
        gc.while_loop(lambda s: s[0] > 0, lambda s: s[0], (a, a), max_iterations=3)


def test_a_plain_scan_of_the_same_step_does_not_take_a_while_loops_early_end(tmp_path):
    """ScanBody.stop is part of a body's identity: the same step built as a plain scan first
    and then with the early end interns to two nodes and two cached kernels, so the second
    keeps its `break`."""
    from graphc.ops.scan import scan, stopping_scan

    a = gc.var("a", ())

    def step(state, _):
        x, flag = state
        going = flag != 0
        new = gc.where(going, 0.5 * (x + a / x), x)
        return (new, gc.where(going & (gc.abs(new * new - a) > 1e-12 * a), 1.0, 0.0)), None

    start = (a, gc.const(1.0))
    plain, _ = scan(step, start, length=1000)
    stopping, _ = stopping_scan(step, start, length=1000, stop=1)
    assert plain[0].inputs[0] is not stopping[0].inputs[0]
    assert "break;" not in gc.compile([a], [plain[0]], cache_dir=str(tmp_path)).c_source
    f = gc.compile([a], [stopping[0]], cache_dir=str(tmp_path))     # not the plain one's cached kernel
    assert "break;" in f.c_source
    np.testing.assert_allclose(f(2.0), np.sqrt(2.0), rtol=1e-12)


def test_a_while_loops_forward_derivative_stops_at_the_first_idle_step(tmp_path):
    """The JVP of a while-loop keeps its early end (the tangents of masked steps stay as they
    are, like the primals): Newton's square root with max_iterations = 10⁷ runs its few steps,
    and d√a/da = 1/(2√a); under vmap every step runs, with the same results."""
    a = gc.var("a", ())
    root = gc.while_loop(lambda x: gc.abs(x * x - a) > 1e-12 * a, lambda x: 0.5 * (x + a / x), a,
                         max_iterations=10 ** 7)
    slope = gc.jvp(root, a, gc.const(1.0))
    f = gc.compile([a], [root, slope], cache_dir=str(tmp_path))
    assert "break;" in f.c_source
    for value in (0.25, 2.0, 1e6):
        x, d = f(value)
        np.testing.assert_allclose([x, d], [np.sqrt(value), 0.5 / np.sqrt(value)], rtol=1e-12)
    v = gc.var("v", (3,))
    batched = gc.vmap(lambda b: gc.jvp(gc.while_loop(lambda x: gc.abs(x * x - b) > 1e-12 * b,
                                                     lambda x: 0.5 * (x + b / x), b, max_iterations=60),
                                       b, gc.const(1.0)))(v)
    np.testing.assert_allclose(gc.compile([v], batched, cache_dir=str(tmp_path))(np.array([0.25, 2.0, 1e6])),
                               0.5 / np.sqrt([0.25, 2.0, 1e6]), rtol=1e-12)


def test_a_value_only_while_loop_stops_at_the_first_idle_step(tmp_path):
    """Computing values only, the compiled loop ends once the condition fails (C `break`,
    then the carries moved to the results whichever buffer holds them): the step counts of
    a Python loop, odd and even, with max_iterations far beyond them; a condition that
    never fails runs every step; the interpreter and vmap (no early end) agree."""
    a = gc.var("a", ())

    def cond(state):
        return gc.abs(state["x"] * state["x"] - a) > 1e-12 * a

    def body(state):
        return {"x": 0.5 * (state["x"] + a / state["x"]), "n": state["n"] + 1}

    out = gc.while_loop(cond, body, {"x": a, "n": gc.const(0.0)}, max_iterations=10 ** 7)
    f = gc.compile([a], [out["x"], out["n"]], cache_dir=str(tmp_path))
    assert "break;" in f.c_source
    counts = set()
    for value in (0.25, 2.0, 9.0, 1e4, 1e10, 1.0):
        want, steps = value, 0
        while abs(want * want - value) > 1e-12 * value:
            want, steps = 0.5 * (want + value / want), steps + 1
        x, n = f(value)
        assert x == want and n == steps
        assert [x, n] == [float(v) for v in gc.evaluate([out["x"], out["n"]], {a: value})]
        counts.add(steps % 2)
    assert counts == {0, 1}                           # the results of either ping-pong buffer
    v = gc.var("v", (3,))
    batched = gc.vmap(lambda a: gc.while_loop(lambda s: s < a, lambda s: s + 1.0, gc.const(0.0),
                                              max_iterations=20))(v)
    np.testing.assert_array_equal(gc.compile([v], batched, cache_dir=str(tmp_path))(np.array([2.5, 7, 40])),
                                  [3, 7, 20])
    endless = gc.while_loop(lambda s: s > -1, lambda s: s + 1.0, a, max_iterations=1000)
    assert gc.compile([a], endless, cache_dir=str(tmp_path))(0.5) == 1000.5
