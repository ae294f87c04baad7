"""graphc.numpy's creation, logic, rounding, statistics and signal functions against NumPy
(interpreted and compiled), with derivatives checked by central differences where NumPy's
function is differentiable."""
import numpy as np
import pytest

import graphc as gc
import graphc.numpy as gnp

X = np.array([[-1.5, 0.5, 2.5, -0.25], [3.0, -2.2, 0.7, 1.9], [0.3, 4.1, -3.3, 2.6]])

CASES = {   # name: (graphc of x, NumPy of x, differentiable)
    "round": (gnp.round, np.round, False),
    "round_2": (lambda x: gnp.round(x * 1.2345, 2), lambda x: np.round(x * 1.2345, 2), False),
    "fix": (gnp.fix, np.fix, False),
    "copysign": (lambda x: gnp.copysign(x, x[::-1, ::-1]), lambda x: np.copysign(x, x[::-1, ::-1]), True),
    "heaviside": (lambda x: gnp.heaviside(gnp.round(x), 0.5), lambda x: np.heaviside(np.round(x), 0.5), False),
    "fmod": (lambda x: gnp.fmod(x, 0.7), lambda x: np.fmod(x, 0.7), False),
    "floor_divide": (lambda x: gnp.floor_divide(x, 0.7), lambda x: np.floor_divide(x, 0.7), False),
    "float_power": (lambda x: gnp.float_power(gnp.abs(x) + 1, x), lambda x: np.float_power(np.abs(x) + 1, x), True),
    "radians": (gnp.radians, np.radians, True),
    "degrees": (gnp.degrees, np.degrees, True),
    "positive": (gnp.positive, np.positive, True),
    "polyval": (lambda x: gnp.polyval([2.0, -1.0, 0.5], x), lambda x: np.polyval([2.0, -1.0, 0.5], x), True),
    "polyval_tensor": (lambda x: gnp.polyval(x[0], x[1]), lambda x: np.polyval(x[0], x[1]), True),
    "vdot": (lambda x: gnp.vdot(x, x[::-1]), lambda x: np.vdot(x, x[::-1]), True),
    "convolve_full": (lambda x: gnp.convolve(x[0], x[1, :3]), lambda x: np.convolve(x[0], x[1, :3]), True),
    "convolve_same": (lambda x: gnp.convolve(x[1, :2], x[0], "same"), lambda x: np.convolve(x[1, :2], x[0], "same"), True),
    "convolve_valid": (lambda x: gnp.convolve(x[0], x[2, :3], "valid"), lambda x: np.convolve(x[0], x[2, :3], "valid"), True),
    "average": (lambda x: gnp.average(x, axis=1, weights=np.array([1.0, 2.0, 3.0, 4.0])),
                lambda x: np.average(x, axis=1, weights=np.array([1.0, 2.0, 3.0, 4.0])), True),
    "average_full_weights": (lambda x: gnp.average(x, weights=x * x + 1), lambda x: np.average(x, weights=x * x + 1), True),
    "average_plain": (lambda x: gnp.average(x, axis=0), lambda x: np.average(x, axis=0), True),
    "ptp": (lambda x: gnp.ptp(x, axis=1), lambda x: np.ptp(x, axis=1), True),
    "cov": (gnp.cov, np.cov, True),
    "cov_columns": (lambda x: gnp.cov(x, rowvar=False, ddof=0), lambda x: np.cov(x, rowvar=False, ddof=0), True),
    "cov_xy": (lambda x: gnp.cov(x[0], x[1]), lambda x: np.cov(x[0], x[1]), True),
    "corrcoef": (gnp.corrcoef, np.corrcoef, True),
    "trapezoid": (lambda x: gnp.trapezoid(x, dx=0.5), lambda x: np.trapezoid(x, dx=0.5), True),
    "trapezoid_x": (lambda x: gnp.trapezoid(x, x=np.array([0.0, 0.5, 1.5, 1.75]), axis=1),
                    lambda x: np.trapezoid(x, x=np.array([0.0, 0.5, 1.5, 1.75]), axis=1), True),
    "cumulative_sum": (lambda x: gnp.cumulative_sum(x, axis=1, include_initial=True),
                       lambda x: np.concatenate([np.zeros((3, 1)), np.cumsum(x, axis=1)], axis=1), True),
    "ediff1d": (gnp.ediff1d, np.ediff1d, True),
    "gradient_axis": (lambda x: gnp.gradient(x, 0.5, axis=1), lambda x: np.gradient(x, 0.5, axis=1), True),
    "gradient_all": (lambda x: gnp.stack(gnp.gradient(x), 0), lambda x: np.stack(np.gradient(x), 0), True),
    "vander": (lambda x: gnp.vander(x[0], 3), lambda x: np.vander(x[0], 3), True),
    "vander_increasing": (lambda x: gnp.vander(x[1], increasing=True), lambda x: np.vander(x[1], increasing=True), True),
    "meshgrid_xy": (lambda x: gnp.stack(gnp.meshgrid(x[0], x[1, :3]), 0),
                    lambda x: np.stack(np.meshgrid(x[0], x[1, :3]), 0), True),
    "meshgrid_ij": (lambda x: gnp.stack(gnp.meshgrid(x[0], x[1, :3], x[2, :2], indexing="ij"), 0),
                    lambda x: np.stack(np.meshgrid(x[0], x[1, :3], x[2, :2], indexing="ij"), 0), True),
    "zeros_like": (lambda x: x + gnp.zeros_like(x) + gnp.ones_like(x) * 2 + gnp.full_like(x, 0.5),
                   lambda x: x + 2.5, True),
    "linspace": (lambda x: x[0] * gnp.linspace(0, 1, 4) + gnp.arange(4) + gnp.logspace(0, 1, 4),
                 lambda x: x[0] * np.linspace(0, 1, 4) + np.arange(4) + np.logspace(0, 1, 4), True),
    "identity_tri": (lambda x: x[:, :3] @ (gnp.identity(3) + gnp.tri(3) + gnp.zeros((3, 3)) + gnp.ones(3)),
                     lambda x: x[:, :3] @ (np.identity(3) + np.tri(3) + 1), True),
}

X_NAN = np.array([[1.0, np.nan, -2.0], [np.nan, np.nan, np.nan], [0.5, 3.0, np.inf]])
NAN_CASES = {
    "nansum": (lambda x: gnp.nansum(x, axis=1), lambda x: np.nansum(x, axis=1)),
    "nanmean": (lambda x: gnp.nanmean(x[[0, 2]], axis=1), lambda x: np.nanmean(x[[0, 2]], axis=1)),
    "nanmax": (lambda x: gnp.nanmax(x[[0, 2]], axis=1), lambda x: np.nanmax(x[[0, 2]], axis=1)),
    "nanmin": (lambda x: gnp.nanmin(x, axis=0), lambda x: np.nanmin(x, axis=0)),
    "isnan": (gnp.isnan, np.isnan), "isinf": (gnp.isinf, np.isinf), "isfinite": (gnp.isfinite, np.isfinite),
    "any": (lambda x: gnp.any(gnp.isnan(x), axis=1), lambda x: np.any(np.isnan(x), axis=1)),
    "all": (lambda x: gnp.all(gnp.isnan(x), axis=1), lambda x: np.all(np.isnan(x), axis=1)),
    "all_float": (lambda x: gnp.all(gnp.nan_to_num(x)), lambda x: np.all(np.nan_to_num(x))),
    "count_nonzero": (lambda x: gnp.count_nonzero(gnp.nan_to_num(x) > 0, axis=0),
                      lambda x: np.count_nonzero(np.nan_to_num(x) > 0, axis=0).astype(float)),
    "logical": (lambda x: gnp.logical_xor(gnp.logical_and(x > 0, gnp.logical_not(gnp.isinf(x))),
                                          gnp.logical_or(x < 0, gnp.isnan(x))),
                lambda x: np.logical_xor(np.logical_and(x > 0, ~np.isinf(x)), np.logical_or(x < 0, np.isnan(x)))),
    "operators": (lambda x: ((x > 0) & ~gnp.isinf(x)) | ((x < 0) ^ gnp.isnan(x)),
                  lambda x: ((x > 0) & ~np.isinf(x)) | ((x < 0) ^ np.isnan(x))),
    "signbit": (lambda x: gnp.signbit(gnp.nan_to_num(x) * -0.0 + gnp.nan_to_num(x) - 1),
                lambda x: np.signbit(np.nan_to_num(x) * -0.0 + np.nan_to_num(x) - 1)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_against_numpy(name, tmp_path):
    ours, reference, differentiable = CASES[name]
    x = gc.var("x", X.shape)
    y = ours(x)
    with np.errstate(all="ignore"):
        want = reference(X)
    np.testing.assert_allclose(gc.evaluate(y, {x: X}), want, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gc.compile([x], y, cache_dir=tmp_path)(X), want, rtol=1e-12, atol=1e-14)
    if differentiable:
        weights = gc.const(np.random.default_rng(1).standard_normal(y.shape))
        gc.check_grads(gc.sum(y * weights), [x], {x: X})


@pytest.mark.parametrize("name", sorted(NAN_CASES))
def test_nan_and_logic_against_numpy(name, tmp_path):
    ours, reference = NAN_CASES[name]
    x = gc.var("x", X_NAN.shape)
    y = ours(x)
    with np.errstate(all="ignore"):
        want = reference(X_NAN)
    got = gc.compile([x], y, cache_dir=tmp_path)(X_NAN)
    assert got.dtype == np.asarray(want).dtype or np.asarray(want).dtype == np.float64
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(gc.evaluate(y, {x: X_NAN}), want)


def test_creation_dtypes_and_errors():
    assert gnp.zeros((2, 3), dtype="float32").dtype == np.float32 and gnp.ones(4).shape == (4,)
    assert gnp.arange(5).dtype == np.float64 and gnp.full((2,), True, dtype=bool).dtype == np.bool_
    with pytest.raises(TypeError, match="int32"):
        gnp.zeros(3, dtype=np.int32)
    with pytest.raises(ValueError, match="1-D"):
        gnp.meshgrid(gc.var("m", (2, 2)))
    with pytest.raises(ValueError, match="mode"):
        gnp.convolve(gc.var("a", (3,)), gc.var("b", (2,)), mode="circular")
    with pytest.raises(TypeError, match="bool"):
        gc.var("f", (2,)) & gc.var("g", (2,))
    np.testing.assert_array_equal(gnp.triu_indices(3)[0], np.triu_indices(3)[0])


SORT_X = np.array([[3.0, -1.0, np.nan, 2.0, 2.0, -np.inf, 0.5],
                   [1.0, np.inf, -2.0, 0.0, -0.0, 7.0, 1.0],
                   [5.0, 4.0, 3.0, 2.0, 1.0, 0.0, -1.0]])


@pytest.mark.parametrize("axis", [-1, 0, None])
def test_sort_against_numpy(axis, tmp_path):
    """NaNs last, infinities and ties in place, any axis, lengths not powers of two."""
    x = gc.var("x", SORT_X.shape)
    y = gnp.sort(x, axis=axis)
    want = np.sort(SORT_X, axis=axis)
    np.testing.assert_array_equal(gc.evaluate(y, {x: SORT_X}), want)
    np.testing.assert_array_equal(gc.compile([x], y, cache_dir=tmp_path)(SORT_X), want)


def test_sort_derivatives_route_to_the_sorted_positions(tmp_path):
    values = np.random.default_rng(5).permutation(np.linspace(-2, 2, 2 * 13)).reshape(2, 13)
    x = gc.var("x", values.shape)
    weights = np.arange(13.0)
    loss = gc.sum(gnp.sort(x) * weights)
    grad = gc.compile([x], gc.grad(loss, x), cache_dir=tmp_path)(values)
    want = np.empty_like(values)
    for row in range(2):
        want[row, np.argsort(values[row])] = weights
    np.testing.assert_array_equal(grad, want)
    gc.check_grads(loss, [x], {x: values}, order=2)


@pytest.mark.parametrize("q", [0.5, 0.0, 1.0, 0.37, [0.1, 0.9]])
def test_quantiles_against_numpy(q, tmp_path):
    values = np.random.default_rng(6).standard_normal((4, 9))
    x = gc.var("x", values.shape)
    outs = [gnp.quantile(x, q, axis=1), gnp.quantile(x, q), gnp.percentile(x, np.asarray(q) * 100, axis=0),
            gnp.quantile(x, q, axis=1, keepdims=True)]
    wants = [np.quantile(values, q, axis=1), np.quantile(values, q), np.percentile(values, np.asarray(q) * 100, axis=0),
             np.quantile(values, q, axis=1, keepdims=True)]
    for got, want in zip(gc.compile([x], outs, cache_dir=tmp_path)(values), wants):
        np.testing.assert_allclose(got, want, rtol=1e-14)
    np.testing.assert_allclose(gc.evaluate(gnp.median(x, axis=0), {x: values}), np.median(values, axis=0))
    gc.check_grads(gc.sum(gnp.median(x, axis=1) * 3.0 + gnp.quantile(x, 0.3)), [x], {x: values})
    with pytest.raises(ValueError, match="q must be"):
        gnp.quantile(x, 1.5)


@pytest.mark.parametrize("indices", [[2, 0, 2, 1, 2, 3, 3], [3, 1, 0, 2], [1] * 6 + [0]])
def test_the_adjoint_of_a_gather_adds_repeats(indices, tmp_path):
    """Slots taken at most 4 times (gathers from the padded cotangent) and more (the sum
    over positions): both equal NumPy's add.at."""
    from graphc.ops.shape import take
    x = gc.var("x", (4, 3))
    w = np.random.default_rng(0).standard_normal((len(indices), 3))
    g = gc.grad(gc.sum(take(x, indices, 0) * w), x)
    want = np.zeros((4, 3))
    np.add.at(want, indices, w)
    np.testing.assert_allclose(gc.evaluate(g, {x: np.ones((4, 3))}), want, rtol=1e-15)
    np.testing.assert_allclose(gc.compile([x], g, cache_dir=tmp_path)(np.ones((4, 3))), want, rtol=1e-15)


def test_cumsum_is_linear_in_time_and_equals_numpy_bit_for_bit(tmp_path):
    """cumsum of 10⁵ entries per row (it was a product with an n × n matrix of ones: 80 GB
    here), adding in NumPy's order; its gradient is the running sum from the other end."""
    X = np.random.default_rng(0).standard_normal((3, 100_000))
    x = gc.var("x", X.shape)
    y = gnp.cumsum(x, axis=1)
    f = gc.compile([x], [y, gnp.cumsum(x, axis=0), gnp.cumsum(x), gc.grad(gc.sum(y ** 2), x)], cache_dir=str(tmp_path))
    rows, cols, flat, g = f(X)
    np.testing.assert_array_equal(rows, np.cumsum(X, axis=1))
    np.testing.assert_array_equal(cols, np.cumsum(X, axis=0))
    np.testing.assert_array_equal(flat, np.cumsum(X))
    c = np.cumsum(X, axis=1)
    np.testing.assert_allclose(g, np.flip(np.cumsum(np.flip(2 * c, 1), axis=1), 1), rtol=1e-12)


def test_cumprod_and_linear_recurrences(tmp_path):
    """cumprod as the recurrence y[k] = x[k]·y[k−1] (NumPy's values bit for bit, exact
    derivatives through zeros), and gc.linear_recurrence for discounted returns."""
    rng = np.random.default_rng(1)
    X = rng.uniform(0.5, 1.5, (2, 50_000)) * rng.choice([-1.0, 1.0], (2, 50_000))
    x = gc.var("x", X.shape)
    f = gc.compile([x], [gnp.cumprod(x, axis=1), gnp.cumprod(x, axis=0)], cache_dir=str(tmp_path))
    rows, cols = f(X)
    np.testing.assert_array_equal(rows, np.cumprod(X, axis=1))
    np.testing.assert_array_equal(cols, np.cumprod(X, axis=0))
    z = gc.var("z", (5,))
    gc.check_grads(gc.sum(gnp.cumprod(z) * np.arange(1.0, 6.0)), [z], {z: np.array([1.5, 0.0, -2.0, 0.0, 0.7])},
                   order=2)
    # discounted returns G[t] = r[t] + γ G[t+1], differentiable in r and γ
    r, gamma = gc.var("r", (7,)), gc.var("gamma", ())
    G = gc.linear_recurrence(gamma, r, reverse=True)
    R = rng.standard_normal(7)
    want, acc = np.zeros(7), 0.0
    for t in range(6, -1, -1):
        acc = R[t] + 0.9 * acc
        want[t] = acc
    np.testing.assert_allclose(gc.evaluate(G, {r: R, gamma: 0.9}), want, rtol=1e-15)
    gc.check_grads(gc.sum(G ** 2), [r, gamma], {r: R, gamma: 0.9}, order=2)
