"""gc.fori_loop: jax.lax.fori_loop over static bounds, a scan over the step numbers."""
import numpy as np
import pytest

import graphc as gc


def test_fori_loop_matches_a_python_loop_and_differentiates(tmp_path):
    """gc.fori_loop (jax.lax.fori_loop over static bounds) is a scan over the step numbers."""
    x = gc.var("x", (3,))
    X = np.array([0.1, -0.2, 0.3])
    y = gc.fori_loop(2, 7, lambda i, v: gc.tanh(v * 1.1 + i * 0.01), x)
    want = X.copy()
    for i in range(2, 7):
        want = np.tanh(want * 1.1 + i * 0.01)
    np.testing.assert_allclose(gc.evaluate(y, {x: X}), want, rtol=1e-14)
    np.testing.assert_allclose(gc.compile([x], y, cache_dir=tmp_path)(X), want, rtol=1e-14)
    gc.check_grads(gc.sum(y ** 2), [x], {x: X}, order=2)
    assert gc.fori_loop(3, 3, lambda i, v: v * 2, x) is x
    with pytest.raises(TypeError, match="ints"):
        gc.fori_loop(0, 2.5, lambda i, v: v, x)
