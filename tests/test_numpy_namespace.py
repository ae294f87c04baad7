"""graphc.numpy against NumPy: values, derivatives (both modes, to order 2) and compiled
code, from one table. (Issue 6 builds this namespace out; these are its first functions.)"""
import numpy as np
import pytest

import graphc as gc
import graphc.numpy as gnp

# name, extra positional args, input shape(s), domain
TABLE = [
    ("var", (), [(3, 4)], "real"), ("std", (), [(3, 4)], "real"), ("ravel", (), [(3, 4)], "real"),
    ("fliplr", (), [(3, 4)], "real"), ("flipud", (), [(3, 4)], "real"), ("flip", (), [(3, 4)], "real"),
    ("roll", (1,), [(3, 4)], "real"), ("roll", (-1, 1), [(3, 4)], "real"), ("tile", ((2, 1),), [(3, 4)], "real"),
    ("repeat", (2,), [(3, 4)], "real"), ("repeat", (2, 1), [(3, 4)], "real"),
    ("tril", (), [(4, 4)], "real"), ("triu", (1,), [(4, 4)], "real"), ("trace", (), [(4, 4)], "real"),
    ("diagonal", (), [(4, 4)], "real"), ("diag", (), [(4,)], "real"),
    ("sinh", (), [(3, 4)], "real"), ("cosh", (), [(3, 4)], "real"), ("log2", (), [(3, 4)], "positive"),
    ("log10", (), [(3, 4)], "positive"), ("exp2", (), [(3, 4)], "real"), ("reciprocal", (), [(3, 4)], "positive"),
    ("logaddexp", (), [(3, 4), (3, 4)], "real"), ("logaddexp2", (), [(3, 4), (4,)], "real"),
    ("deg2rad", (), [(3,)], "real"), ("rad2deg", (), [(3,)], "real"), ("fabs", (), [(3, 4)], "nonzero"),
    ("swapaxes", (0, 1), [(3, 4)], "real"), ("moveaxis", (0, -1), [(2, 3, 4)], "real"),
    ("atleast_2d", (), [(3,)], "real"), ("atleast_3d", (), [(3, 4)], "real"),
    ("hstack", None, [(3, 2), (3, 4)], "real"), ("vstack", None, [(2, 4), (3, 4)], "real"),
    ("column_stack", None, [(3,), (3, 2)], "real"), ("append", (), [(3,), (2,)], "real"),
    ("fmax", (), [(3, 4), (3, 4)], "real"), ("fmin", (), [(3, 4), (3, 4)], "real"),
    ("remainder", (), [(3, 4), (3, 4)], "nonzero"), ("arccos", (), [(3, 4)], "unit"),
    ("floor", (), [(3, 4)], "real"), ("ceil", (), [(3, 4)], "real"), ("trace", (), [(3, 3)], "real"), ("amax", (), [(3, 4)], "real"), ("prod", (), [(2, 3)], "nonzero"),
]


def sample(shape, domain, rng):
    x = rng.standard_normal(shape)
    if domain == "unit":
        return rng.uniform(-0.9, 0.9, shape)
    if domain == "positive":
        return np.abs(x) + 0.5
    if domain == "nonzero":
        return np.sign(x) * (np.abs(x) + 0.5)
    return x


def check_against_numpy(y, want, xs, values, rng):
    """Values against NumPy; derivatives against central differences (both modes, order
    2); compiled value and gradient against the interpreter."""
    feed = dict(zip(xs, values))
    got = gc.evaluate(y, feed)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    loss = gc.sum(y * gc.const(rng.standard_normal(y.shape)))
    gc.check_grads(loss, xs, feed, order=2)
    f = gc.compile(xs, [y, *gc.grad(loss, xs)])
    for a, b in zip(f(*values), gc.evaluate([y, *gc.grad(loss, xs)], feed)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def apply(module, name, args, xs):
    f = getattr(module, name)
    if args is None:                       # a function of a list of arrays
        return f(list(xs))
    return f(*xs, *args)


@pytest.mark.parametrize("name,args,shapes,domain", TABLE, ids=[f"{t[0]}-{i}" for i, t in enumerate(TABLE)])
def test_numpy_function(name, args, shapes, domain, rng):
    values = [sample(s, domain, rng) for s in shapes]
    xs = [gc.var(f"x{i}", s) for i, s in enumerate(shapes)]
    check_against_numpy(apply(gnp, name, args, xs), apply(np, name, args, values), xs, values, rng)


def test_missing_numpy_functions_say_so():
    with pytest.raises(NotImplementedError, match="graphc.numpy.fft"):
        gnp.fft
    with pytest.raises(AttributeError):
        gnp.not_a_numpy_name


def test_names_that_differ_from_the_top_level():
    x = gc.var("x", (5,))
    v = np.arange(5.0)
    assert gc.evaluate(gnp.var(x), {x: v}) == pytest.approx(np.var(v))
    m = gc.var("m", (3, 3))
    assert gc.evaluate(gnp.trace(m), {m: np.eye(3) * 2}) == 6.0


# name, graphc function, NumPy function, input shapes, domain
COMPOSED = [
    ("einsum-matmul", lambda a, b: gnp.einsum("ij,jk->ik", a, b), lambda a, b: np.einsum("ij,jk->ik", a, b),
     [(3, 4), (4, 5)], "real"),
    ("einsum-implicit", lambda a, b: gnp.einsum("ij,kj", a, b), lambda a, b: np.einsum("ij,kj", a, b),
     [(3, 4), (2, 4)], "real"),
    ("einsum-outer-sum", lambda a, b: gnp.einsum("i,j->", a, b), lambda a, b: np.einsum("i,j->", a, b),
     [(3,), (4,)], "real"),
    ("tensordot", lambda a, b: gnp.tensordot(a, b, axes=([0, 2], [1, 0])),
     lambda a, b: np.tensordot(a, b, axes=([0, 2], [1, 0])), [(2, 3, 4), (4, 2, 5)], "real"),
    ("inner", gnp.inner, np.inner, [(3, 4), (2, 4)], "real"),
    ("kron", gnp.kron, np.kron, [(2, 3), (3, 2)], "real"),
    ("cross", gnp.cross, np.cross, [(4, 3), (4, 3)], "real"),
    ("diff", lambda x: gnp.diff(x, 2, axis=0), lambda x: np.diff(x, 2, axis=0), [(5, 3)], "real"),
    ("cumsum", lambda x: gnp.cumsum(x, axis=1), lambda x: np.cumsum(x, axis=1), [(3, 5)], "real"),
    ("cumsum-flat", gnp.cumsum, np.cumsum, [(3, 2)], "real"),
    ("array_split", lambda x: gnp.array_split(x, 3, axis=1)[1] * 2 + gnp.array_split(x, 3, axis=1)[0][:, :1],
     lambda x: np.array_split(x, 3, axis=1)[1] * 2 + np.array_split(x, 3, axis=1)[0][:, :1], [(2, 7)], "real"),
    ("split", lambda x: gnp.split(x, 2)[1] - gnp.split(x, 2)[0], lambda x: np.split(x, 2)[1] - np.split(x, 2)[0],
     [(4, 3)], "real"),
    ("pad", lambda x: gnp.pad(x, ((1, 0), (2, 1))), lambda x: np.pad(x, ((1, 0), (2, 1))), [(2, 3)], "real"),
    ("arcsinh", lambda x: gnp.arcsinh(x * 5), lambda x: np.arcsinh(x * 5), [(3, 4)], "real"),
    ("arctanh", lambda x: gnp.arctanh(gnp.tanh(x) * 0.9), lambda x: np.arctanh(np.tanh(x) * 0.9), [(3, 4)], "real"),
    ("arccosh", lambda x: gnp.arccosh(x + 1), lambda x: np.arccosh(x + 1), [(3, 4)], "positive"),
]


@pytest.mark.parametrize("name,fn,ref,shapes,domain", COMPOSED, ids=[c[0] for c in COMPOSED])
def test_composed_numpy_function(name, fn, ref, shapes, domain, rng):
    values = [sample(s, domain, rng) for s in shapes]
    xs = [gc.var(f"x{i}", s) for i, s in enumerate(shapes)]
    check_against_numpy(fn(*xs), ref(*values), xs, values, rng)


MORE = [
    ("mod", gnp.mod, np.mod, [(3, 4), (3, 4)], "real"),
    ("sinc", gnp.sinc, np.sinc, [(3, 4)], "real"),
    ("cumprod", lambda x: gnp.cumprod(x, axis=1), lambda x: np.cumprod(x, axis=1), [(3, 4)], "nonzero"),
    ("pinv", gnp.linalg.pinv, np.linalg.pinv, [(4, 3)], "real"),
    ("arcsin", lambda x: gnp.arcsin(gnp.tanh(x) * 0.9), lambda x: np.arcsin(np.tanh(x) * 0.9), [(3, 4)], "real"),
    ("arctan", gnp.arctan, np.arctan, [(3, 4)], "real"),
    ("rot90", gnp.rot90, np.rot90, [(3, 4)], "real"),
    ("einsum-trace", lambda a: gnp.einsum("ii", a), lambda a: np.einsum("ii", a), [(4, 4)], "real"),
    ("einsum-diag", lambda a: gnp.einsum("ii->i", a), lambda a: np.einsum("ii->i", a), [(4, 4)], "real"),
    ("einsum-batch", lambda a, b: gnp.einsum("bij,bjk->bik", a, b), lambda a, b: np.einsum("bij,bjk->bik", a, b),
     [(2, 3, 4), (2, 4, 2)], "real"),
    ("einsum-ellipsis", lambda a, b: gnp.einsum("...k,...k->...", a, b),
     lambda a, b: np.einsum("...k,...k->...", a, b), [(2, 1, 4), (3, 4)], "real"),
    ("einsum-ellipsis-implicit", lambda a, b: gnp.einsum("...j,jk", a, b), lambda a, b: np.einsum("...j,jk", a, b),
     [(2, 3, 4), (4, 2)], "real"),
    ("einsum-permuted", lambda a, b: gnp.einsum("ijk,jl->kil", a, b), lambda a, b: np.einsum("ijk,jl->kil", a, b),
     [(2, 3, 4), (3, 5)], "real"),
    ("einsum-batch-last", lambda a, b: gnp.einsum("bij,bkj->bki", a, b), lambda a, b: np.einsum("bij,bkj->bki", a, b),
     [(2, 3, 4), (2, 5, 4)], "real"),
    ("einsum-own-index", lambda a, b: gnp.einsum("ijx,jk->ik", a, b), lambda a, b: np.einsum("ijx,jk->ik", a, b),
     [(3, 4, 2), (4, 5)], "real"),
    ("einsum-rowwise", lambda a, b: gnp.einsum("ij,ij->i", a, b), lambda a, b: np.einsum("ij,ij->i", a, b),
     [(3, 4), (3, 4)], "real"),
    ("diagonal-offset", lambda x: gnp.diagonal(x, 1), lambda x: np.diagonal(x, 1), [(3, 4)], "real"),
    ("diagonal-axes", lambda x: gnp.diagonal(x, -1, 1, 2), lambda x: np.diagonal(x, -1, 1, 2), [(2, 3, 4)], "real"),
    ("diag-k", lambda v: gnp.diag(v, 2), lambda v: np.diag(v, 2), [(3,)], "real"),
    ("diag-negative-k", lambda v: gnp.diag(v, -1), lambda v: np.diag(v, -1), [(3,)], "real"),
    ("kron-3d", gnp.kron, np.kron, [(2, 3, 2), (3, 2)], "real"),
    ("repeat-counts", lambda x: gnp.repeat(x, [1, 0, 2], axis=0), lambda x: np.repeat(x, [1, 0, 2], axis=0),
     [(3, 4)], "real"),
    ("pad-edge", lambda x: gnp.pad(x, ((1, 2), (2, 1)), mode="edge"), lambda x: np.pad(x, ((1, 2), (2, 1)), mode="edge"),
     [(3, 4)], "real"),
    ("pad-reflect", lambda x: gnp.pad(x, 2, mode="reflect"), lambda x: np.pad(x, 2, mode="reflect"), [(3, 4)], "real"),
    ("pad-wrap", lambda x: gnp.pad(x, 1, mode="wrap"), lambda x: np.pad(x, 1, mode="wrap"), [(3, 4)], "real"),
    ("pad-value", lambda x: gnp.pad(x, 1, constant_values=2.5), lambda x: np.pad(x, 1, constant_values=2.5),
     [(3, 4)], "real"),
    ("hsplit", lambda x: gnp.hsplit(x, 2)[1], lambda x: np.hsplit(x, 2)[1], [(3, 4)], "real"),
    ("vsplit", lambda x: gnp.vsplit(x, [1])[1], lambda x: np.vsplit(x, [1])[1], [(3, 4)], "real"),
    ("atleast_1d", lambda x: gnp.atleast_1d(gc.sum(x)), lambda x: np.atleast_1d(np.sum(x)), [(3,)], "real"),
    ("nan_to_num", gnp.nan_to_num, np.nan_to_num, [(3, 4)], "real"),
    ("diag-matrix", gnp.diag, np.diag, [(4, 4)], "real"),
    ("flatten-method", lambda x: x.flatten(), lambda x: x.flatten(), [(3, 4)], "real"),
    ("squeeze-method", lambda x: x.squeeze(), lambda x: x.squeeze(), [(3, 1, 4)], "real"),
    ("astype-method", lambda x: x.astype("float32").astype("float64") * 1.0,
     lambda x: x.astype("float32").astype("float64"), [(3, 4)], "real"),
    ("rot90-3", lambda x: gnp.rot90(x, 3), lambda x: np.rot90(x, 3), [(3, 4)], "real"),
    ("rot90-2", lambda x: gnp.rot90(x, 2, (1, 2)), lambda x: np.rot90(x, 2, (1, 2)), [(2, 3, 4)], "real"),
] + [(f"norm-vector-{o}", (lambda o: lambda x: gnp.linalg.norm(x, o))(o),
      (lambda o: lambda x: np.linalg.norm(x, o))(o), [(5,)], "nonzero") for o in (None, 1, 2, 3, np.inf, -np.inf)] \
  + [(f"norm-matrix-{o}", (lambda o: lambda x: gnp.linalg.norm(x, o))(o),
      (lambda o: lambda x: np.linalg.norm(x, o))(o), [(4, 3)], "real") for o in ("fro", "nuc", 1, -1, 2, -2, np.inf)] \
  + [("norm-axis", lambda x: gnp.linalg.norm(x, axis=1, keepdims=True),
      lambda x: np.linalg.norm(x, axis=1, keepdims=True), [(4, 3)], "real")]


@pytest.mark.parametrize("name,fn,ref,shapes,domain", MORE, ids=[c[0] for c in MORE])
def test_more_numpy_functions(name, fn, ref, shapes, domain, rng):
    test_composed_numpy_function(name, fn, ref, shapes, domain, rng)


def test_numpy_functions_dispatch_on_tensors():
    x = gc.var("x", (3,))
    v = np.array([1.0, -2.0, 3.0])
    for y, want in [(np.exp(x), np.exp(v)), (np.sum(x * 2), 4.0), (np.linalg.norm(x), np.linalg.norm(v)),
                    (np.ones(3) - x, 1 - v), (np.maximum(x, 0), np.maximum(v, 0)), (np.mean(x), v.mean())]:
        assert isinstance(y, gc.Tensor)
        np.testing.assert_allclose(gc.evaluate(y, {x: v}), want)
    np.testing.assert_allclose(gc.evaluate(np.median(x), {x: v}), np.median(v))
    counts, _ = np.histogram(x, bins=3)
    np.testing.assert_array_equal(gc.evaluate(counts, {x: v}), np.histogram(v, bins=3)[0])
    with pytest.raises(NotImplementedError, match="histogram2d"):
        np.histogram2d(x, x)


def test_fmax_and_fmin_ignore_nan():
    x, y = gc.var("x", (3,)), gc.var("y", (3,))
    a, b = np.array([np.nan, 1.0, 2.0]), np.array([0.5, np.nan, 3.0])
    np.testing.assert_array_equal(gc.evaluate(gnp.fmax(x, y), {x: a, y: b}), np.fmax(a, b))
    np.testing.assert_array_equal(gc.evaluate(gnp.fmin(x, y), {x: a, y: b}), np.fmin(a, b))
    f = gc.compile([x, y], [gnp.fmax(x, y), gnp.fmin(x, y)])
    got = f(a, b)
    np.testing.assert_array_equal(got[0], np.fmax(a, b))
    np.testing.assert_array_equal(got[1], np.fmin(a, b))


def test_len_and_methods():
    x = gc.var("x", (3, 4))
    assert len(x) == 3 and x.ravel().shape == (12,) and x.flatten().shape == (12,)


def test_linalg_namespace_has_numpy_linalg_names():
    """gnp.linalg is gc.linalg: numpy.linalg's names (NumPy 2 ones included) that graphc
    has, NotImplementedError naming the ones it does not."""
    assert gnp.linalg is gc.linalg
    x, y = gc.var("x", (3,)), gc.var("y", (3,))
    X = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(gc.evaluate(gnp.linalg.cross(x, y), {x: X, y: X[::-1].copy()}),
                               np.cross(X, X[::-1]))
    with pytest.raises(NotImplementedError, match="linalg.eig "):
        gnp.linalg.eig
    with pytest.raises(AttributeError):
        gnp.linalg.no_such_function


def test_multi_dot_picks_the_cheapest_order():
    """(A B) C costs 2·(10·1000·10 + 10·10·1000) flops; A (B C) a hundred times more."""
    a, b, c = gc.var("a", (10, 1000)), gc.var("b", (1000, 10)), gc.var("c", (10, 1000))
    f = gc.compile([a, b, c], gnp.linalg.multi_dot([a, b, c]))
    assert f.flops <= 2 * (10 * 1000 * 10 + 10 * 10 * 1000)
    rng = np.random.default_rng(0)
    A, B, C = rng.standard_normal((10, 1000)), rng.standard_normal((1000, 10)), rng.standard_normal((10, 1000))
    np.testing.assert_allclose(f(A, B, C), A @ B @ C, rtol=1e-10)


def test_matrix_power_edges():
    a = gc.var("a", (3, 3))
    A = np.random.default_rng(1).standard_normal((3, 3)) + 3 * np.eye(3)
    for n in (0, 1, 2, 5, -1, -3):
        np.testing.assert_allclose(gc.evaluate(gnp.linalg.matrix_power(a, n), {a: A}),
                                   np.linalg.matrix_power(A, n), rtol=1e-10)
    with pytest.raises(TypeError, match="integer"):
        gnp.linalg.matrix_power(a, 1.5)


@pytest.mark.parametrize("m,n,k", [(6, 3, None), (6, 3, 2), (4, 4, None)])
def test_lstsq_returns_numpys_four_parts(m, n, k, tmp_path):
    """x, residuals (per column; (1,) for a vector b; empty when square), rank and the
    singular values, as numpy.linalg.lstsq, interpreted and compiled."""
    rng = np.random.default_rng(m + n)
    A0 = rng.standard_normal((m, n))
    b0 = rng.standard_normal((m,) if k is None else (m, k))
    a, b = gc.var("a", A0.shape), gc.var("b", b0.shape)
    parts = list(gnp.linalg.lstsq(a, b, rcond=None))
    want = np.linalg.lstsq(A0, b0, rcond=None)
    for got in (gc.evaluate(parts, {a: A0, b: b0}), gc.compile([a, b], parts, cache_dir=tmp_path)(A0, b0)):
        for g, w in zip(got, want):
            assert np.shape(g) == np.shape(w)
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def test_tensorsolve_tensorinv_matrix_rank_and_friends():
    rng = np.random.default_rng(11)
    A0 = rng.standard_normal((6, 2, 3)) + 3 * np.eye(6).reshape(6, 2, 3)
    b0 = rng.standard_normal(6)
    a, b = gc.var("a", A0.shape), gc.var("b", b0.shape)
    x = gnp.linalg.tensorsolve(a, b)
    np.testing.assert_allclose(gc.evaluate(x, {a: A0, b: b0}), np.linalg.tensorsolve(A0, b0), rtol=1e-12)
    gc.check_grads(gc.sum(x ** 2), [a, b], {a: A0, b: b0})
    T0 = rng.standard_normal((4, 6)) + 3 * np.eye(4, 6)
    T0 = np.concatenate([T0, rng.standard_normal((2, 6))]).reshape(2, 3, 6)
    t = gc.var("t", T0.shape)
    np.testing.assert_allclose(gc.evaluate(gnp.linalg.tensorinv(t, ind=2), {t: T0}), np.linalg.tensorinv(T0, ind=2),
                               rtol=1e-10, atol=1e-12)
    low = rng.standard_normal((5, 2)) @ rng.standard_normal((2, 4))             # rank 2
    m = gc.var("m", low.shape)
    assert gc.evaluate(gnp.linalg.matrix_rank(m), {m: low}) == np.linalg.matrix_rank(low) == 2
    np.testing.assert_array_equal(gc.evaluate(gnp.linalg.matrix_transpose(m), {m: low}), low.T)
    assert gnp.linalg.LinAlgError is np.linalg.LinAlgError
    with pytest.raises(gc.ShapeError, match="tensorsolve"):
        gnp.linalg.tensorsolve(gc.var("q", (2, 3, 3)), gc.var("r", (2,)))


def test_linalg_diagonal_and_trace_ignore_infinite_off_diagonal_entries():
    """An inf off the diagonal must not reach the diagonal (a mask multiplication would make NaN)."""
    x = gc.var("x", (2, 2, 2))
    X = np.array([[[1.0, np.inf], [2.0, 3.0]], [[4.0, 5.0], [-np.inf, 6.0]]])
    np.testing.assert_array_equal(gc.evaluate(gnp.linalg.diagonal(x), {x: X}), np.linalg.diagonal(X))
    np.testing.assert_array_equal(gc.evaluate(gnp.linalg.trace(x), {x: X}), np.linalg.trace(X))


def test_einsum_of_two_operands_is_one_matrix_product(tmp_path):
    """A contraction of two operands becomes a (batched) matrix product, as jnp.einsum's
    dot_general, not a broadcast product summed (48·10⁶ products for 400 × 300 · 300 × 400)."""
    rng = np.random.default_rng(3)
    A, B = rng.standard_normal((4, 40, 30)), rng.standard_normal((30, 4, 50))
    a, b = gc.var("a", A.shape), gc.var("b", B.shape)
    y = gnp.einsum("bij,jbk->bik", a, b)
    f = gc.compile([a, b], [y, *gc.grad(gnp.sum(y ** 2), [a, b])], cache_dir=str(tmp_path))
    assert "gemm" in f.c_source
    value, ga, gb = f(A, B)
    want = np.einsum("bij,jbk->bik", A, B)
    np.testing.assert_allclose(value, want, rtol=1e-12)
    np.testing.assert_allclose(ga, 2 * np.einsum("bik,jbk->bij", want, B), rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(gb, 2 * np.einsum("bij,bik->jbk", A, want), rtol=1e-12, atol=1e-10)
