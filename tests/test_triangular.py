"""Triangular solves: SciPy's semantics (which triangle, op, unit diagonal), the substitution
accuracy an LU would lose, errors, and Cholesky's derivatives going through them."""
import numpy as np
import pytest
import scipy.linalg as sl

import graphc as gc

FLAGS = [(lower, trans, unit) for lower in (False, True) for trans in (0, 1) for unit in (False, True)]


@pytest.mark.parametrize("lower,trans,unit", FLAGS)
@pytest.mark.parametrize("n,nrhs", [(3, 1), (9, 4), (70, 1), (30, 20)])
def test_matches_scipy(n, nrhs, lower, trans, unit, tmp_path):
    """Both sides of the loops/BLAS switch, a transposed operand (the other triangle, the
    other op), the interpreter and the compiled code."""
    rng = np.random.default_rng(n)
    A0, B0 = rng.standard_normal((n, n)) + n * np.eye(n), rng.standard_normal((n, nrhs))
    if unit:    # the diagonal is not read: small off-diagonal entries keep the unit triangle
        A0 = A0 / n     # well conditioned (tolerances hold whatever the BLAS's summation
        #                 order); the ill-conditioned unit triangle has its own test below
    A, B = gc.var("A", (n, n)), gc.var("B", (n, nrhs))
    outs = [gc.linalg.solve_triangular(M, B, trans=trans, lower=lower, unit_diagonal=unit) for M in (A, A.T)]
    f = gc.compile([A, B], outs, cache_dir=tmp_path)
    for got, interp, M0 in zip(f(A0, B0), gc.evaluate(outs, {A: A0, B: B0}), (A0, A0.T.copy())):
        want = sl.solve_triangular(M0, B0, trans=trans, lower=lower, unit_diagonal=unit)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(interp, want, rtol=1e-12, atol=1e-13)


def test_ill_conditioned_triangle_solved_by_substitution(tmp_path):
    """A unit triangle with random entries: its condition number is astronomical, yet
    substitution (SciPy's, ours, the interpreter's) agrees; an LU of it would not."""
    rng = np.random.default_rng(0)
    n = 120
    A0, b0 = rng.standard_normal((n, n)), rng.standard_normal(n)
    A, b = gc.var("A", (n, n)), gc.var("b", (n,))
    x = gc.linalg.solve_triangular(A, b, lower=True, unit_diagonal=True)
    want = sl.solve_triangular(A0, b0, lower=True, unit_diagonal=True)
    assert np.linalg.cond(np.tril(A0, -1) + np.eye(n)) > 1e15
    np.testing.assert_allclose(gc.compile([A, b], x, cache_dir=tmp_path)(A0, b0), want, rtol=1e-12)
    np.testing.assert_allclose(gc.evaluate(x, {A: A0, b: b0}), want, rtol=1e-12)


def test_errors(tmp_path):
    A, b = gc.var("A", (3, 3)), gc.var("b", (4,))
    with pytest.raises(gc.ShapeError, match=r"solve_triangular.*\(3, 3\).*\(4,\)"):
        gc.linalg.solve_triangular(A, b)
    with pytest.raises(gc.ShapeError, match="solve_triangular.*square"):
        gc.linalg.solve_triangular(gc.var("R", (3, 2)), gc.var("c", (3,)))
    with pytest.raises(ValueError, match="trans"):
        gc.linalg.solve_triangular(A, gc.var("c", (3,)), trans="X")
    c = gc.var("c", (3,))
    x = gc.linalg.solve_triangular(A, c, lower=True)
    singular = np.array([[1.0, 0, 0], [2, 0, 0], [3, 4, 5]])
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        gc.compile([A, c], x, cache_dir=tmp_path)(singular, np.ones(3))
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        gc.evaluate(x, {A: singular, c: np.ones(3)})
    # a unit diagonal is never read: zeros there are fine
    u = gc.linalg.solve_triangular(A, c, lower=True, unit_diagonal=True)
    np.testing.assert_allclose(gc.compile([A, c], u, cache_dir=tmp_path)(singular, np.ones(3)), [1, -1, 2])


def test_only_the_triangle_is_read_or_differentiated():
    """Entries outside the triangle (and a unit diagonal) change nothing and get zero gradient."""
    rng = np.random.default_rng(1)
    A0, b0 = rng.standard_normal((5, 5)) + 5 * np.eye(5), rng.standard_normal(5)
    A, b = gc.var("A", (5, 5)), gc.var("b", (5,))
    y = gc.sum(gc.linalg.solve_triangular(A, b, lower=True, unit_diagonal=True) ** 2)
    gA = gc.evaluate(gc.grad(y, A), {A: A0, b: b0})
    assert np.all(np.triu(gA) == 0) and np.any(np.tril(gA, -1) != 0)
    noisy = A0 + np.triu(rng.standard_normal((5, 5)))
    assert gc.evaluate(y, {A: noisy, b: b0}) == gc.evaluate(y, {A: A0, b: b0})


def test_cholesky_derivatives_use_triangular_solves(tmp_path):
    """The Cholesky VJP and JVP are triangular solves with the factor: no LU of it."""
    rng = np.random.default_rng(2)
    S0 = rng.standard_normal((6, 6))
    S0 = S0 @ S0.T + 6 * np.eye(6)
    A = gc.var("A", (6, 6))
    L = gc.linalg.cholesky(A)
    y = gc.sum(gc.sin(L))
    f = gc.compile([A], [gc.grad(y, A), gc.jvp(L, A, gc.const(np.eye(6)))], cache_dir=tmp_path)
    assert "gc_lu_factor" not in f.c_source.split("int graphc_entry")[-1]
    gc.check_grads(y, [A], {A: S0}, order=2)
    for got, want in zip(f(S0), gc.evaluate([gc.grad(y, A), gc.jvp(L, A, gc.const(np.eye(6)))], {A: S0})):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("lower", [False, True])
def test_cho_factor_and_cho_solve_match_scipy(lower, tmp_path):
    rng = np.random.default_rng(9)
    M = rng.standard_normal((5, 5))
    A0, B0 = M @ M.T + 5 * np.eye(5), rng.standard_normal((5, 2))
    A, B = gc.var("A", (5, 5)), gc.var("B", (5, 2))
    x = gc.linalg.cho_solve(gc.linalg.cho_factor(A, lower=lower), B)
    want = sl.cho_solve(sl.cho_factor(A0, lower=lower), B0)
    np.testing.assert_allclose(gc.compile([A, B], x, cache_dir=tmp_path)(A0, B0), want, rtol=1e-12)
    gc.check_grads(gc.sum(x ** 2), [A, B], {A: A0, B: B0}, order=1)
