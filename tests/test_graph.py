"""The graph layer: errors, interning, dtypes, evaluation, tracing, listings, deep graphs."""
import pickle

import numpy as np
import pytest

import graphc as gc


def test_shape_error_names_op_and_both_shapes():
    x, y = gc.var("x", (3,)), gc.var("y", (4,))
    with pytest.raises(gc.ShapeError) as info:
        x + y
    assert isinstance(info.value, ValueError) and isinstance(info.value, gc.GraphcError)
    message = str(info.value)
    assert "add" in message and "(3,)" in message and "(4,)" in message


@pytest.mark.parametrize("build, words", [
    (lambda: gc.var("a", (2, 3)) @ gc.var("b", (2, 3)), ["matmul", "(2, 3)"]),
    (lambda: gc.reshape(gc.var("a", (2, 3)), (4, 2)), ["reshape", "(2, 3)", "(4, 2)"]),
    (lambda: gc.concatenate([gc.var("a", (2, 3)), gc.var("b", (3, 3))], axis=1), ["concatenate"]),
    (lambda: gc.linalg.solve(gc.var("a", (3, 3)), gc.var("b", (4,))), ["solve", "(3, 3)", "(4,)"]),
    (lambda: gc.linalg.inv(gc.var("a", (2, 3))), ["inv", "(2, 3)"]),
    (lambda: gc.broadcast_to(gc.var("a", (3,)), (4, 2)), ["broadcast_to", "(3,)", "(4, 2)"]),
    (lambda: gc.sum(gc.var("a", (3,)), axis=2), ["sum", "axis 2"]),
    (lambda: gc.squeeze(gc.var("a", (3, 2)), axis=1), ["squeeze"]),
])
def test_shape_errors_are_clear(build, words):
    with pytest.raises(gc.ShapeError) as info:
        build()
    for w in words:
        assert w in str(info.value)


def test_unsupported_dtype_is_a_type_error():
    with pytest.raises(TypeError, match="int32"):
        gc.var("x", (2,), "int32")
    with pytest.raises(TypeError):
        gc.var("x", (2,), "complex128")


def test_nodes_are_interned():
    x, y = gc.var("x", (3,)), gc.var("y", (3,))
    assert gc.sin(x) is gc.sin(x)
    assert (x + y) is (x + y)
    assert (x + y) is not (y + x)
    assert gc.sum(x * 2.0) is gc.sum(x * 2.0)
    assert gc.const(np.arange(3.0)) is gc.const(np.arange(3.0))
    assert gc.var("x", (3,)) is not x           # every variable is its own input


def test_tensors_are_immutable_and_have_no_truth_value():
    x = gc.var("x", (2,))
    with pytest.raises(AttributeError):
        x.shape = (3,)
    with pytest.raises(TypeError, match="gc.where"):
        bool(x > 0)
    assert hash(x) == hash(x) and {x: 1}[x] == 1


def test_tensor_attributes():
    x = gc.var("x", (2, 3), np.float32)
    assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and x.name == "x"
    assert x.dtype == np.float32 and len(x) == 2
    assert (x.T).shape == (3, 2)


def test_weak_python_scalars_and_numpy_promotion():
    x32 = gc.var("x", (3,), "float32")
    assert (x32 + 1.5).dtype == np.float32
    assert (2 * x32).dtype == np.float32
    assert (x32 + np.ones(3)).dtype == np.float64          # a float64 array is strong
    assert (x32 + np.ones(3, np.float32)).dtype == np.float32
    assert (x32 + gc.var("y", (3,))).dtype == np.float64
    assert (x32 > 0).dtype == np.bool_


def test_reflected_operators_with_arrays_on_the_left():
    x = gc.var("x", (3,))
    a = np.array([1.0, 2.0, 3.0])
    for y, want in [(a + x, a + 2), (a - x, a - 2), (a * x, a * 2), (a / x, a / 2),
                    (a ** x, a ** 2), (2.0 ** x, 4.0 * np.ones(3))]:
        assert isinstance(y, gc.Tensor)
        np.testing.assert_allclose(gc.evaluate(y, {x: np.full(3, 2.0)}), want)
    m = gc.var("m", (3, 2))
    np.testing.assert_allclose(gc.evaluate(np.eye(3) @ m, {m: np.ones((3, 2))}), np.ones((3, 2)))


def test_evaluate_feed_by_name_or_tensor_and_lists():
    x, y = gc.var("x"), gc.var("y", (2,))
    z = x * y
    np.testing.assert_allclose(gc.evaluate(z, {"x": 2.0, "y": [1.0, 3.0]}), [2.0, 6.0])
    a, b = gc.evaluate([z, x], {x: 2.0, y: np.ones(2)})
    assert b.shape == () and a.shape == (2,)
    assert isinstance(gc.evaluate((z, x), {x: 2.0, y: np.ones(2)}), tuple)


def test_evaluate_rejects_missing_and_misshapen_inputs():
    x, y = gc.var("x", (2,)), gc.var("y", (2,))
    with pytest.raises(ValueError, match="'y'"):
        gc.evaluate(x + y, {x: np.ones(2)})
    with pytest.raises(ValueError, match=r"'x'.*\(2,\).*\(3,\)"):
        gc.evaluate(x + y, {x: np.ones(3), y: np.ones(2)})
    with pytest.raises(TypeError):
        gc.evaluate(x + y, [np.ones(2)])


def test_duplicate_names_need_tensor_keys():
    a, b = gc.var("x"), gc.var("x")
    with pytest.raises(ValueError, match="several inputs"):
        gc.evaluate(a + b, {"x": 1.0})
    assert gc.evaluate(a + b, {a: 1.0, b: 2.0}) == 3.0


def test_trace_turns_functions_into_graphs():
    def model(w, x):
        return gc.tanh(x @ w).sum()
    (w, x), y = gc.trace(model, ((3, 2), "float64"), ((4, 3), "float32"))
    assert w.name == "w" and x.name == "x" and x.dtype == np.float32
    assert y.shape == () and y.dtype == np.float64
    ins, outs = gc.trace(lambda a: (a * 2, 1.0), gc.var("a", (2,)))
    assert isinstance(outs, tuple) and outs[1].shape == ()
    with pytest.raises(TypeError):
        gc.trace(lambda a: a, "bad spec")


def test_format_and_dot_list_every_node():
    w1, w2 = gc.var("w1"), gc.var("w2")
    v = w2 * gc.log(w1)
    L = v + gc.sqrt(v)
    text = gc.format(L)
    assert text.splitlines()[-1] == "return %5"
    assert "= log %" in text and "= sqrt %" in text and "var 'w1' : f64[]" in text
    dot = gc.to_dot(L)
    assert dot.startswith("digraph") and dot.count("->") == 6


def test_names_are_escaped_in_dot():
    x = gc.var('evil"name\\')
    dot = gc.to_dot(gc.sin(x))
    assert 'evil\\"name\\\\' in dot


def test_sin_chain_of_100000_nodes():
    x = gc.var("x")
    y = x
    for _ in range(100_000):
        y = gc.sin(y)
    assert len(gc.format(y).splitlines()) == 100_002
    value = gc.evaluate(y, {x: 1.0})
    want = 1.0
    for _ in range(100_000):
        want = np.sin(want)
    assert value == pytest.approx(want, rel=1e-12)
    assert gc.to_dot(y).count("->") == 100_000


def test_indexing_errors():
    x = gc.var("x", (3, 4))
    with pytest.raises(IndexError):
        x[3]
    with pytest.raises(IndexError):
        x[0, 0, 0]
    np.testing.assert_allclose(gc.evaluate(list(x)[2], {x: np.arange(12.0).reshape(3, 4)}),
                               [8, 9, 10, 11])


def test_constant_folding_keeps_exact_values():
    c = gc.const(2.0) * 3.0
    assert c.op.name == "const" and gc.evaluate(c, {}) == 6.0


def test_tensors_do_not_pickle_alone():
    with pytest.raises(TypeError):
        pickle.dumps(gc.var("x"))
