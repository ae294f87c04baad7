"""graphc.scipy.interpolate (RegularGridInterpolator, interpn) against SciPy's, compiled
and interpreted; derivatives in the query points, the table and the grid by central
differences; queries outside the grid."""
import numpy as np
import pytest
from scipy import interpolate as si

import graphc as gc
from graphc.scipy.interpolate import RegularGridInterpolator, interpn


def _grid(rng):
    return np.sort(rng.uniform(0, 1, 5)), np.linspace(-1, 1, 4), np.array([0.0, 0.5, 2.0])


def test_against_scipy(tmp_path):
    rng = np.random.default_rng(0)
    g = _grid(rng)
    V, V2 = rng.standard_normal((5, 4, 3)), rng.standard_normal((5, 4, 2))        # V2: a value axis
    Q = np.stack([rng.uniform(-0.1, 1.1, 40), rng.uniform(-1.2, 1.2, 40), rng.uniform(-0.5, 2.5, 40)], -1)
    Q[:5, 0] = g[0]                                    # on the knots
    Q[5] = np.nan
    q, v = gc.var("q", Q.shape), gc.var("v", V.shape)
    outs = [RegularGridInterpolator(g, v)(q), RegularGridInterpolator(g, v, fill_value=None)(q),
            RegularGridInterpolator(g, v, method="nearest")(q), RegularGridInterpolator(g, v, fill_value=-1.0)(q),
            interpn(g[:2], V2, q[:, :2], fill_value=None)]
    want = [si.RegularGridInterpolator(g, V, bounds_error=False)(Q),
            si.RegularGridInterpolator(g, V, bounds_error=False, fill_value=None)(Q),
            si.RegularGridInterpolator(g, V, method="nearest", bounds_error=False)(Q),
            si.RegularGridInterpolator(g, V, bounds_error=False, fill_value=-1.0)(Q),
            si.interpn(g[:2], V2, Q[:, :2], bounds_error=False, fill_value=None)]
    f = gc.compile([q, v], outs, cache_dir=str(tmp_path))
    for k, (a, b, w) in enumerate(zip(f(Q, V), gc.evaluate(outs, {q: Q, v: V}), want)):
        np.testing.assert_allclose(a, w, rtol=1e-13, atol=1e-14, err_msg=f"output {k} compiled")
        np.testing.assert_allclose(b, w, rtol=1e-13, atol=1e-14, err_msg=f"output {k} interpreted")


def test_derivatives_in_points_table_and_grid():
    rng = np.random.default_rng(1)
    g = _grid(rng)
    Q = np.stack([rng.uniform(g[0][0] + 0.01, g[0][-1] - 0.01, 9), rng.uniform(-0.95, 0.95, 9),
                  rng.uniform(0.05, 1.95, 9)], -1)
    q, v, g1 = gc.var("q", Q.shape), gc.var("v", (5, 4, 3)), gc.var("g1", (5,))
    y = gc.sum(RegularGridInterpolator((g1, g[1], g[2]), v)(q) ** 2)
    gc.check_grads(y, [q, v, g1], {q: Q, v: rng.standard_normal((5, 4, 3)), g1: g[0]})


def test_queries_outside_raise_with_bounds_error(tmp_path):
    g = (np.linspace(0, 1, 3), np.linspace(0, 2, 4))
    q = gc.var("q", (2, 2))
    f = gc.compile([q], RegularGridInterpolator(g, np.arange(12.0).reshape(3, 4), bounds_error=True)(q),
                   cache_dir=str(tmp_path))
    np.testing.assert_allclose(f(np.array([[0.5, 1.0], [1.0, 2.0]])),
                               si.interpn(g, np.arange(12.0).reshape(3, 4), [[0.5, 1.0], [1.0, 2.0]]))
    with pytest.raises(IndexError, match="index out of range"):
        f(np.array([[0.5, 1.0], [1.0, 2.5]]))


def test_bad_grids_are_refused():
    v = np.zeros((3, 4))
    with pytest.raises(ValueError, match="strictly ascending"):
        RegularGridInterpolator((np.array([0.0, 2.0, 1.0]), np.arange(4.0)), v)
    with pytest.raises(ValueError, match="axis 1 has 4 points"):
        RegularGridInterpolator((np.arange(3.0), np.arange(5.0)), v)
    with pytest.raises(ValueError, match="last axis"):
        RegularGridInterpolator((np.arange(3.0), np.arange(4.0)), v)(gc.var("q", (5, 3)))
    with pytest.raises(ValueError, match="method"):
        RegularGridInterpolator((np.arange(3.0), np.arange(4.0)), v, method="cubic")
