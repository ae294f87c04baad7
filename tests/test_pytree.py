"""Nested tuples, lists and dicts of tensors: gc.grad returns the structure it was given,
gc.compile takes and returns the structures it was built with (and pickles)."""
import pickle

import numpy as np
import pytest

import graphc as gc
from graphc import pytree


def _model():
    params = {"W": gc.var("W", (3, 2)), "b": gc.var("b", (2,)), "scale": (gc.var("s", ()),)}
    x = gc.var("x", (4, 3))
    loss = gc.sum(gc.tanh(x @ params["W"] + params["b"]) ** 2) * params["scale"][0]
    return params, x, loss


def test_grad_of_a_dict_is_a_dict():
    params, x, loss = _model()
    g = gc.grad(loss, params)
    assert isinstance(g, dict) and list(g) == ["W", "b", "scale"] and isinstance(g["scale"], tuple)
    assert g["W"].shape == (3, 2) and g["scale"][0].shape == ()
    value, g2 = gc.value_and_grad(loss, params)
    assert value is loss and [t.id for t in pytree.flatten(g2)[0]] == [t.id for t in pytree.flatten(g)[0]]
    flat = gc.grad(loss, [params["W"], params["b"]])            # the flat forms keep their meaning
    assert isinstance(flat, list) and flat[0].id == g["W"].id


def test_compiled_function_takes_and_returns_structures(tmp_path):
    params, x, loss = _model()
    f = gc.compile([params, x], {"loss": loss, "grads": gc.grad(loss, params)}, cache_dir=str(tmp_path))
    rng = np.random.default_rng(0)
    P = {"W": rng.standard_normal((3, 2)), "b": rng.standard_normal(2), "scale": (1.5,)}
    X = rng.standard_normal((4, 3))
    out = f(P, X)
    want = 1.5 * np.sum(np.tanh(X @ P["W"] + P["b"]) ** 2)
    np.testing.assert_allclose(out["loss"], want, rtol=1e-14)
    t = np.tanh(X @ P["W"] + P["b"])
    np.testing.assert_allclose(out["grads"]["b"], 1.5 * (2 * t * (1 - t ** 2)).sum(0), rtol=1e-13)
    np.testing.assert_allclose(out["grads"]["scale"][0], want / 1.5, rtol=1e-14)
    # by name, bound, pickled
    by_name = f(W=P["W"], b=P["b"], s=1.5, x=X)
    np.testing.assert_array_equal(by_name["loss"], out["loss"])
    b = f.bind(P, X)
    assert len(b.inputs) == 4 and b()["grads"]["W"].shape == (3, 2)
    b.inputs[3][...] = 0
    np.testing.assert_allclose(b()["loss"], 1.5 * 4 * np.sum(np.tanh(P["b"]) ** 2), rtol=1e-14)
    again = pickle.loads(pickle.dumps(f))
    np.testing.assert_array_equal(again(P, X)["loss"], out["loss"])
    assert f.peak_bytes == f.flat.peak_bytes and "graphc_entry" in f.c_source
    with pytest.raises(TypeError, match="structure"):
        f({"W": P["W"], "b": P["b"]}, X)
    with pytest.raises(TypeError, match="structure"):
        f(P)
