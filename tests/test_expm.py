"""gc.linalg.expm against SciPy (values over norms that need scaling and squaring, float32,
stacks, NaN), its Fréchet derivative against scipy.linalg.expm_frechet, compiled code."""
import numpy as np
import pytest
import scipy.linalg as sl

import graphc as gc


@pytest.mark.parametrize("n,scale", [(1, 3.0), (3, 0.01), (4, 1.0), (7, 4.0), (20, 10.0)])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_matches_scipy(n, scale, dtype, tmp_path):
    rng = np.random.default_rng(n)
    A0 = (rng.standard_normal((2, n, n)) * scale / np.sqrt(n)).astype(dtype)
    A = gc.var("A", (2, n, n), dtype)
    E = gc.linalg.expm(A)
    want = np.stack([sl.expm(m.astype(np.float64)) for m in A0])
    rtol = 1e-12 if dtype == "float64" else 2e-5
    for got in (gc.compile([A], E, cache_dir=tmp_path)(A0), gc.evaluate(E, {A: A0})):
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_allclose(got, want, rtol=rtol * max(1, scale) * n, atol=rtol * np.abs(want).max())


def test_frechet_derivative_matches_scipy(tmp_path):
    rng = np.random.default_rng(3)
    A0, E0, G0 = rng.standard_normal((3, 5, 5)) * 2
    A, E, G = gc.var("A", (5, 5)), gc.var("E", (5, 5)), gc.var("G", (5, 5))
    X = gc.linalg.expm(A)
    jvp, vjp = gc.jvp(X, A, E), gc.vjp(X, A, G)
    f = gc.compile([A, E, G], [jvp, vjp], cache_dir=tmp_path)
    got_jvp, got_vjp = f(A0, E0, G0)
    np.testing.assert_allclose(got_jvp, sl.expm_frechet(A0, E0, compute_expm=False), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(got_vjp, sl.expm_frechet(A0.T, G0, compute_expm=False), rtol=1e-10, atol=1e-10)


def test_identities_and_nan():
    A = gc.var("A", (3, 3))
    rng = np.random.default_rng(4)
    A0 = rng.standard_normal((3, 3)) * 5
    prod = gc.evaluate(gc.linalg.expm(A) @ gc.linalg.expm(-A), {A: A0})
    np.testing.assert_allclose(prod, np.eye(3), atol=1e-9)
    f = gc.compile([A], gc.linalg.expm(A))
    assert np.isnan(f(np.array([[np.nan, 0, 0], [0, 1, 0], [0, 0, 1]]))).all()
    assert np.isnan(f(np.full((3, 3), np.inf))).all()
    with pytest.raises(gc.ShapeError, match="expm.*square"):
        gc.linalg.expm(gc.var("R", (2, 3)))


def test_expm_frechet_broadcasts_and_has_its_own_derivatives(tmp_path):
    """gc.linalg.expm_frechet(a, e) for one a and a stack of directions, against SciPy;
    its derivatives (through the block identity) against finite differences."""
    rng = np.random.default_rng(5)
    A0, E0 = rng.standard_normal((4, 4)) * 2, rng.standard_normal((3, 4, 4))
    A, E = gc.var("A", (4, 4)), gc.var("E", (3, 4, 4))
    L = gc.linalg.expm_frechet(A, E)
    got = gc.compile([A, E], L, cache_dir=tmp_path)(A0, E0)
    want = np.stack([sl.expm_frechet(A0, e, compute_expm=False) for e in E0])
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
    gc.check_grads(gc.sum(gc.sin(L)), [A, E], {A: A0 / 2, E: E0}, order=1)


@pytest.mark.parametrize("norm", [0.01, 0.2, 0.9, 2.0, 5.0, 40.0])    # each Padé degree, then squarings
def test_every_pade_degree_against_scipy(norm, tmp_path):
    rng = np.random.default_rng(6)
    A0, E0 = rng.standard_normal((2, 5, 5))
    A0 *= norm / np.abs(A0).sum(axis=0).max()
    A, E = gc.var("A", (5, 5)), gc.var("E", (5, 5))
    f = gc.compile([A, E], [gc.linalg.expm(A), gc.linalg.expm_frechet(A, E)], cache_dir=tmp_path)
    want_r, want_l = sl.expm_frechet(A0, E0)
    got_r, got_l = f(A0, E0)
    np.testing.assert_allclose(got_r, want_r, rtol=1e-12 * max(1, norm), atol=1e-14)
    np.testing.assert_allclose(got_l, want_l, rtol=1e-11 * max(1, norm), atol=1e-13 * np.abs(want_l).max())
