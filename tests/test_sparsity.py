"""Sparse Jacobians: the structural pattern never misses a nonzero (every catalog op), is
tight on typical structures (banded, a constant sparse factor), and the coloured forward
or reverse passes give the dense Jacobian's values, interpreted and compiled."""
import numpy as np
import pytest

import graphc as gc
from graphc.ops.catalog import CASES, sample


def dense_of(values, pattern, feed):
    J = pattern.astype(np.float64)
    J.data[:] = gc.evaluate(values, feed)
    return J.toarray()


@pytest.mark.parametrize("case", [c for c in CASES if c.name != "matmul_add"], ids=lambda c: c.name)
def test_pattern_covers_every_nonzero(case):
    """Safety: at a random point, the dense Jacobian is zero wherever the pattern is."""
    rng = np.random.default_rng(3)
    arrays = [sample(d, s, rng) for d, s in zip(case.domains, case.shapes)]
    xs = [gc.const(a) if a.dtype == np.bool_ else gc.var(f"x{i}", a.shape) for i, a in enumerate(arrays)]
    feed = {x: a for x, a in zip(xs, arrays) if a.dtype != np.bool_}
    out = case.fn(*xs)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    for k in case.diff_inputs:
        x = xs[k]
        for y in outs:
            if y.dtype not in (np.float64, np.float32):
                continue
            pattern = gc.jacobian_sparsity(y, x).toarray()
            J = np.asarray(gc.evaluate(gc.jacobian(y, x), feed)).reshape(y.size, x.size)
            assert np.all(J[pattern == 0] == 0), f"{case.name}: a nonzero outside the pattern"


def collocation(z, h=0.1):
    return gc.concatenate([z[1:] - z[:-1] - h * gc.sin(z[:-1]) * z[1:] ** 2, gc.reshape(z[0] - 1.0, (1,))], axis=0)


def test_banded_residual_three_colours_and_exact_values(tmp_path):
    n = 300
    z = gc.var("z", (n,))
    r = collocation(z)
    values, pattern = gc.sparse_jacobian(r, z)
    assert pattern.nnz == 2 * (n - 1) + 1                      # tight: the two diagonals and z[0]
    assert values.shape == (pattern.nnz,)
    Z = np.random.default_rng(0).standard_normal(n)
    dense = np.asarray(gc.evaluate(gc.jacobian(r, z), {z: Z}))
    np.testing.assert_allclose(dense_of(values, pattern, {z: Z}), dense, rtol=1e-13, atol=1e-15)
    f = gc.compile([z], values, cache_dir=tmp_path)
    J = pattern.astype(np.float64)
    J.data[:] = f(Z)
    np.testing.assert_allclose(J.toarray(), dense, rtol=1e-13, atol=1e-15)
    assert f.flops < 50 * n                                      # a few passes, not n


def test_constant_sparse_factor_and_reverse_for_few_dense_rows():
    n = 50
    z = gc.var("z", (n,))
    D = 2 * np.eye(n) - np.eye(n, k=1) - np.eye(n, k=-1)
    y = gc.const(D) @ gc.tanh(z) + z * gc.max(z[:3])
    pattern = gc.jacobian_sparsity(y, z)
    assert pattern.nnz == ((np.abs(D) + (np.arange(n)[None, :] < 3)) > 0).sum()
    Z = np.random.default_rng(1).standard_normal(n)
    values, pattern = gc.sparse_jacobian(y, z)
    np.testing.assert_allclose(dense_of(values, pattern, {z: Z}), gc.evaluate(gc.jacobian(y, z), {z: Z}),
                               rtol=1e-12, atol=1e-14)
    # two dense rows: two reverse passes rather than n forward ones
    w = gc.stack([gc.sum(z ** 2), gc.sum(gc.sin(z))])
    values, pattern = gc.sparse_jacobian(w, z)
    assert pattern.nnz == 2 * n
    np.testing.assert_allclose(dense_of(values, pattern, {z: Z}), np.stack([2 * Z, np.cos(Z)]), rtol=1e-13)


def test_independent_output_and_errors():
    z, u = gc.var("z", (4,)), gc.var("u", (3,))
    values, pattern = gc.sparse_jacobian(u * 2, z)
    assert pattern.nnz == 0 and values.shape == (0,)
    with pytest.raises(TypeError, match="floating"):
        gc.sparse_jacobian(z > 0, z)


def test_sparse_hessian_of_a_chain_is_tridiagonal(tmp_path):
    n = 200
    z = gc.var("z", (n,))
    f = gc.sum((z[1:] - z[:-1] ** 2) ** 2) + gc.sum(gc.sin(z) * z)
    values, pattern = gc.sparse_hessian(f, z)
    assert pattern.nnz == 3 * n - 2
    Z = np.random.default_rng(2).standard_normal(n)
    H = pattern.astype(np.float64)
    H.data[:] = gc.compile([z], values, cache_dir=tmp_path)(Z)
    np.testing.assert_allclose(H.toarray(), gc.evaluate(gc.hessian(f, z), {z: Z}), rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="scalar"):
        gc.sparse_hessian(z * 2, z)


def _greedy_reference(pattern):
    """The greedy colouring in Python (what csrc/colour.c computes)."""
    csc, csr = pattern.tocsc(), pattern.tocsr()
    colours = np.full(pattern.shape[1], -1)
    for j in range(pattern.shape[1]):
        rows = csc.indices[csc.indptr[j]:csc.indptr[j + 1]]
        taken = {colours[k] for r in rows for k in csr.indices[csr.indptr[r]:csr.indptr[r + 1]]}
        colours[j] = next(c for c in range(pattern.shape[1] + 1) if c not in taken)
    return colours


@pytest.mark.parametrize("seed", range(6))
def test_colouring_is_greedy_and_valid(seed):
    import scipy.sparse as sp
    from graphc.ad.sparsity import colour
    rng = np.random.default_rng(seed)
    m, n = rng.integers(1, 40, size=2)
    pattern = sp.random(m, n, density=rng.uniform(0.02, 0.5), random_state=seed, format="csr")
    pattern.data[:] = 1
    colours = colour(pattern)
    np.testing.assert_array_equal(colours, _greedy_reference(pattern))
    dense = pattern.toarray() != 0
    for row in dense:                                  # columns sharing a row differ in colour
        used = colours[row]
        assert len(set(used)) == len(used)
