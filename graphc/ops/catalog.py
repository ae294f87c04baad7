"""The table the op tests are generated from: every public op of API.md §1 (and every
primitive) with its NumPy counterpart, the domain its inputs are drawn from, and the
input shapes to try. Adding an op means adding a row here; a test checks that every
registered primitive is reached by some row.

Domains: "real" (normal), "positive" (0.5..2), "unit" (-0.9..0.9), "nonzero" (|x| in
0.5..2), "bool", "matrix" (well conditioned: random + n·I), "spd" (symmetric positive
definite), "distinct" (a permutation-scaled grid: no ties, for max/min).
"""
from dataclasses import dataclass, field

import numpy as np
import scipy.special as _special

from . import accumulate, cumulative, elementwise as ew, expm, indexing, linalg, matrix_functions as mf, qr, reduce, shape


@dataclass(frozen=True)
class OpCase:
    name: str
    fn: object                     # graphc: tensors -> tensor (or tuple)
    reference: object              # NumPy: arrays -> array (or tuple)
    domains: tuple                 # one per input
    shapes: tuple                  # one shape per input
    broadcast: bool = False        # also try NumPy broadcasting shape sets
    differentiable: tuple = None   # indices of inputs to differentiate (default: float inputs)
    order2: bool = True            # second derivatives are smooth at random points
    tol32: float = 1e-5
    extra: dict = field(default_factory=dict)

    @property
    def diff_inputs(self):
        if self.differentiable is not None:
            return self.differentiable
        return tuple(i for i, d in enumerate(self.domains) if d != "bool")


def _np_expm_taylor(a, terms=60):
    """e^a by its Taylor series (exact enough for the small matrices drawn here)."""
    term = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()
    total = term.copy()
    for k in range(1, terms):
        term = term @ a / k
        total = total + term
    return total


def _custom_softplus():
    """softplus with a hand-written reverse rule (g·sigmoid(x)): the custom_vjp node's row."""
    from ..ad.custom import custom_vjp
    f = custom_vjp(ew.softplus)
    return f.defvjp(lambda x: (ew.softplus(x), x), lambda x, g: (g * ew.sigmoid(x),))


def _custom_jvp_softplus():
    """softplus with a hand-written forward rule (sigmoid(x)·t): the custom_jvp node's row."""
    from ..ad.custom_jvp import custom_jvp
    f = custom_jvp(ew.softplus)
    f.defjvp(lambda p, t: (ew.softplus(p[0]), ew.sigmoid(p[0]) * t[0]))
    return f


_KNOTS = np.linspace(-2.05, 2.05, 7)          # knots for searchsorted and interp rows


def _np_scatter_halves(u, k):
    out = np.zeros((3,) + u.shape[2:], u.dtype)
    np.add.at(out, np.argsort(k, axis=-1, kind="stable") // 2, u)
    return out


def _np_linrec(a, b, reverse=False):
    from .cumulative import _ref
    return _ref(np.broadcast_to(a, b.shape), b, reverse)


def _np_scatter_set(x, u, k):
    out = x.copy()
    out[np.argsort(k, kind="stable") // 2] = u          # repeated rows: the last update stays
    return out


def _np_scatter_extremum(ufunc):
    def reference(x, u, k):
        out = x.copy()
        ufunc.at(out, np.argsort(k, kind="stable") // 2, u)
        return out
    return reference


def _gnp():
    import graphc.numpy as gnp
    return gnp


def _linalg():
    """gc.linalg (its trace and diagonal are graphc.numpy's, which imports the ops)."""
    from .. import linalg
    return linalg


def _np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _np_logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    y = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return y if keepdims else np.squeeze(y, axis=axis) if axis is not None else y.reshape(())


def _np_svd(a):
    return linalg._ref_svd(a, False)   # NumPy's SVD with graphc's sign convention


def _scan_rnn(h0, xs, w):
    """h ← tanh(W h + x_t) over the rows of xs; the final h (a scan with a closure)."""
    from .scan import scan
    return scan(lambda h, x: (ew.tanh(linalg.matmul(w, h) + x), None), h0, xs)[0]


def _np_scan_rnn(h0, xs, w):
    for x in xs:
        h0 = np.tanh(w @ h0 + x)
    return h0


def _scan_reverse_ys(c0, xs, a):
    """A reverse scan with two carries and a stacked output."""
    from .scan import scan

    def step(carry, x):
        c, s = carry
        c = ew.sin(c * x + a)
        return (c, s + reduce.sum(c)), c * s
    (c, s), ys = scan(step, (c0, reduce.sum(c0) * 0), xs, reverse=True)
    return c, s, ys


def _np_scan_reverse_ys(c0, xs, a):
    c, s, ys = c0, np.sum(c0) * 0, []
    for x in xs[::-1]:
        c = np.sin(c * x + a)
        ys.append(c * s)
        s = s + np.sum(c)
    return c, s, np.stack(ys[::-1])


U = ("unit",)
R = ("real",)
P = ("positive",)
M34 = (3, 4)

CASES = [
    # elementwise, unary
    OpCase("exp", ew.exp, np.exp, R, (M34,)),
    OpCase("log", ew.log, np.log, P, (M34,)),
    OpCase("sqrt", ew.sqrt, np.sqrt, P, (M34,)),
    OpCase("sin", ew.sin, np.sin, R, (M34,)),
    OpCase("cos", ew.cos, np.cos, R, (M34,)),
    OpCase("tan", ew.tan, np.tan, U, (M34,)),
    OpCase("tanh", ew.tanh, np.tanh, R, (M34,)),
    OpCase("sigmoid", ew.sigmoid, _np_sigmoid, R, (M34,)),
    OpCase("relu", ew.relu, lambda x: np.maximum(x, 0), ("nonzero",), (M34,)),
    OpCase("abs", ew.abs_, np.abs, ("nonzero",), (M34,)),
    OpCase("sign", ew.sign, np.sign, ("nonzero",), (M34,)),
    OpCase("square", ew.square, np.square, R, (M34,)),
    OpCase("log1p", ew.log1p, np.log1p, P, (M34,)),
    OpCase("expm1", ew.expm1, np.expm1, R, (M34,)),
    OpCase("arcsin", ew.arcsin, np.arcsin, U, (M34,)),
    OpCase("arccos", ew.arccos, np.arccos, U, (M34,)),
    OpCase("arctan", ew.arctan, np.arctan, R, (M34,)),
    OpCase("sinh", ew.sinh, np.sinh, R, (M34,)),
    OpCase("cosh", ew.cosh, np.cosh, R, (M34,)),
    OpCase("arcsinh", ew.arcsinh, np.arcsinh, R, (M34,)),
    OpCase("arccosh", lambda x: ew.arccosh(x + 1.5), lambda x: np.arccosh(x + 1.5), P, (M34,)),
    OpCase("arctanh", ew.arctanh, np.arctanh, U, (M34,)),
    OpCase("exp2", ew.exp2, np.exp2, R, (M34,)),
    OpCase("log2", ew.log2, np.log2, P, (M34,)),
    OpCase("log10", ew.log10, np.log10, P, (M34,)),
    OpCase("cbrt", ew.cbrt, np.cbrt, ("nonzero",), (M34,)),
    OpCase("erf", ew.erf, lambda x: _special.erf(x).astype(x.dtype), R, (M34,)),
    OpCase("erfc", ew.erfc, lambda x: _special.erfc(x).astype(x.dtype), R, (M34,)),
    OpCase("floor", lambda x: ew.floor(x * 3), lambda x: np.floor(x * 3), R, (M34,), differentiable=()),
    OpCase("ceil", lambda x: ew.ceil(x * 3), lambda x: np.ceil(x * 3), R, (M34,), differentiable=()),
    OpCase("optimization_barrier", lambda x: ew.optimization_barrier(x * 2.0), lambda x: x * 2.0, R, (M34,)),
    OpCase("gammaln", ew.gammaln, lambda x: _special.gammaln(x).astype(x.dtype),
           ("nonzero",), (M34,)),
    OpCase("digamma", lambda x: ew.digamma(x * 1.3), lambda x: _special.digamma(x * 1.3)
           .astype(x.dtype), ("nonzero",), (M34,)),
    OpCase("polygamma", lambda x: ew.polygamma(2, x + 1.0),
           lambda x: _special.polygamma(2, x + 1.0).astype(x.dtype), P, (M34,)),
    OpCase("rint", lambda x: ew.rint(x * 3), lambda x: np.rint(x * 3), R, (M34,), differentiable=()),
    OpCase("copysign", ew.copysign, np.copysign, ("nonzero", "nonzero"), (M34, M34), broadcast=True,
           differentiable=(0,)),
    OpCase("softplus", ew.softplus, lambda x: np.logaddexp(x, 0), R, (M34,)),
    OpCase("neg", lambda x: -x, np.negative, R, (M34,)),
    OpCase("abs()", lambda x: abs(x), np.abs, ("nonzero",), (M34,)),
    OpCase("stop_gradient", ew.stop_gradient, lambda x: x, R, (M34,), differentiable=()),
    OpCase("astype", lambda x: ew.astype(x, "float32"), lambda x: x.astype(np.float32), R, (M34,),
           tol32=1e-7),
    OpCase("clip", lambda x: ew.clip(x, -0.5, 0.7), lambda x: np.clip(x, -0.5, 0.7), R, (M34,)),
    # elementwise, binary and ternary
    OpCase("add", lambda x, y: x + y, np.add, R * 2, (M34, M34), broadcast=True),
    OpCase("sub", lambda x, y: x - y, np.subtract, R * 2, (M34, M34), broadcast=True),
    OpCase("mul", lambda x, y: x * y, np.multiply, R * 2, (M34, M34), broadcast=True),
    OpCase("div", lambda x, y: x / y, np.divide, ("real", "nonzero"), (M34, M34), broadcast=True),
    OpCase("pow", lambda x, y: x ** y, np.power, ("positive", "real"), (M34, M34), broadcast=True),
    OpCase("power", ew.power, np.power, ("positive", "real"), (M34, M34), broadcast=True),
    OpCase("pow2", lambda x: x ** 2, lambda x: x ** 2, R, (M34,)),
    OpCase("pow3", lambda x: x ** 3, lambda x: x ** 3, R, (M34,)),
    OpCase("pow4", lambda x: ew.power(x, 4), lambda x: x ** 4, R, (M34,)),
    OpCase("pow_half", lambda x: x ** 0.5, np.sqrt, P, (M34,)),
    OpCase("pow_m1", lambda x: x ** -1, lambda x: 1 / x, ("nonzero",), (M34,)),
    OpCase("pow_m2", lambda x: x ** -2.0, lambda x: x ** -2.0, ("nonzero",), (M34,)),
    OpCase("pow_one", lambda x: x ** 1 + 0.0, lambda x: x + 0.0, R, (M34,)),
    OpCase("pow_other", lambda x: x ** 1.5, lambda x: x ** 1.5, P, (M34,)),
    OpCase("rpow", lambda x: 2.0 ** x, lambda x: 2.0 ** x, R, (M34,)),
    OpCase("radd", lambda x: 1.5 + x, lambda x: 1.5 + x, R, (M34,)),
    OpCase("rsub", lambda x: 1.5 - x, lambda x: 1.5 - x, R, (M34,)),
    OpCase("rdiv", lambda x: 1.5 / x, lambda x: 1.5 / x, ("nonzero",), (M34,)),
    OpCase("arctan2", ew.arctan2, np.arctan2, ("real", "nonzero"), (M34, M34), broadcast=True),
    OpCase("hypot", ew.hypot, np.hypot, ("nonzero", "real"), (M34, M34), broadcast=True),
    OpCase("maximum", ew.maximum, np.maximum, R * 2, (M34, M34), broadcast=True),
    OpCase("minimum", ew.minimum, np.minimum, R * 2, (M34, M34), broadcast=True),
    OpCase("where", ew.where, np.where, ("bool", "real", "real"), (M34, M34, M34), broadcast=True),
    OpCase("lt", lambda x, y: x < y, np.less, R * 2, (M34, M34), broadcast=True, differentiable=()),
    OpCase("le", lambda x, y: x <= y, np.less_equal, R * 2, (M34, M34), broadcast=True, differentiable=()),
    OpCase("gt", lambda x, y: x > y, np.greater, R * 2, (M34, M34), broadcast=True, differentiable=()),
    OpCase("ge", lambda x, y: x >= y, np.greater_equal, R * 2, (M34, M34), broadcast=True,
           differentiable=()),
    OpCase("eq", lambda x, y: x == y, np.equal, R * 2, (M34, M34), broadcast=True, differentiable=()),
    OpCase("ne", lambda x, y: x != y, np.not_equal, R * 2, (M34, M34), broadcast=True, differentiable=()),
    OpCase("mask_mul", lambda x, y: (x > 0) * y, lambda x, y: (x > 0) * y, ("nonzero", "real"),
           (M34, M34), differentiable=(1,)),
    # reductions
    OpCase("sum", reduce.sum, np.sum, R, ((3, 4, 5),)),
    OpCase("sum_axis", lambda x: reduce.sum(x, axis=1), lambda x: np.sum(x, axis=1), R, ((3, 4, 5),)),
    OpCase("sum_axes_keepdims", lambda x: reduce.sum(x, axis=(0, 2), keepdims=True),
           lambda x: np.sum(x, axis=(0, 2), keepdims=True), R, ((3, 4, 5),)),
    OpCase("method_sum", lambda x: x.sum(axis=-1), lambda x: x.sum(axis=-1), R, (M34,)),
    OpCase("mean", lambda x: reduce.mean(x, axis=0), lambda x: np.mean(x, axis=0), R, (M34,)),
    OpCase("mean_all", reduce.mean, np.mean, R, (M34,)),
    OpCase("max", lambda x: reduce.max(x, axis=1), lambda x: np.max(x, axis=1), ("distinct",), (M34,)),
    OpCase("max_all_keepdims", lambda x: reduce.max(x, keepdims=True),
           lambda x: np.max(x, keepdims=True), ("distinct",), (M34,)),
    OpCase("min", lambda x: reduce.min(x, axis=0), lambda x: np.min(x, axis=0), ("distinct",), (M34,)),
    OpCase("prod", lambda x: reduce.prod(x, axis=1), lambda x: np.prod(x, axis=1), ("nonzero",), (M34,)),
    OpCase("prod_all", reduce.prod, np.prod, ("nonzero",), ((2, 3),)),
    OpCase("logsumexp", lambda x: reduce.logsumexp(x, axis=1), lambda x: _np_logsumexp(x, axis=1),
           R, (M34,)),
    OpCase("logsumexp_all", reduce.logsumexp, _np_logsumexp, R, (M34,)),
    OpCase("softmax", reduce.softmax, _np_softmax, R, (M34,)),
    OpCase("softmax_axis0", lambda x: reduce.softmax(x, axis=0), lambda x: _np_softmax(x, axis=0),
           R, (M34,)),
    # shape
    OpCase("reshape", lambda x: shape.reshape(x, (4, 3)), lambda x: np.reshape(x, (4, 3)), R, (M34,)),
    OpCase("reshape_method", lambda x: x.reshape(2, -1), lambda x: x.reshape(2, -1), R, (M34,)),
    OpCase("transpose", shape.transpose, np.transpose, R, ((2, 3, 4),)),
    OpCase("transpose_axes", lambda x: shape.transpose(x, (1, 0, 2)),
           lambda x: np.transpose(x, (1, 0, 2)), R, ((2, 3, 4),)),
    OpCase(".T", lambda x: x.T, lambda x: x.T, R, (M34,)),
    OpCase("broadcast_to", lambda x: shape.broadcast_to(x, (2, 3, 4)),
           lambda x: np.broadcast_to(x, (2, 3, 4)), R, ((3, 1),)),
    OpCase("concatenate", lambda x, y: shape.concatenate([x, y], axis=1),
           lambda x, y: np.concatenate([x, y], axis=1), R * 2, ((3, 2), (3, 4))),
    OpCase("stack", lambda x, y: shape.stack([x, y], axis=1),
           lambda x, y: np.stack([x, y], axis=1), R * 2, (M34, M34)),
    OpCase("expand_dims", lambda x: shape.expand_dims(x, 1), lambda x: np.expand_dims(x, 1), R, (M34,)),
    OpCase("squeeze", shape.squeeze, np.squeeze, R, ((3, 1, 4, 1),)),
    OpCase("getitem", lambda x: x[1, 1:3], lambda x: x[1, 1:3], R, ((3, 4, 5),)),
    OpCase("getitem_step", lambda x: x[::2, ::-1], lambda x: x[::2, ::-1], R, ((5, 4),)),
    OpCase("getitem_ellipsis_none", lambda x: x[..., None, -1], lambda x: x[..., None, -1], R,
           ((3, 4, 5),)),
    OpCase("take", lambda x: x[[2, 0, 2]], lambda x: x[[2, 0, 2]], R, ((3, 4),)),
    OpCase("take_axis", lambda x: x[:, np.array([3, 1])], lambda x: x[:, np.array([3, 1])], R, ((3, 4),)),
    OpCase("take_mask", lambda x: x[np.array([True, False, True])], lambda x: x[np.array([True, False, True])],
           R, ((3, 4),)),
    OpCase("pad", lambda x: shape.pad_zeros(x, (1, 0), (2, 1), (1, 0)),
           lambda x: _np_pad_interior(x, (1, 0), (2, 1), (1, 0)), R, ((3, 4),)),
    OpCase("eye", lambda x: x * shape.eye(4), lambda x: x * np.eye(4), R, ((3, 4, 4),)),
    # linear algebra
    OpCase("matmul", lambda a, b: a @ b, np.matmul, R * 2, ((3, 4), (4, 5))),
    OpCase("matmul_batched", linalg.matmul, np.matmul, R * 2, ((2, 1, 3, 4), (3, 4, 2))),
    OpCase("matmul_vec", linalg.matmul, np.matmul, R * 2, ((4,), (4, 5))),
    OpCase("matvec", linalg.matmul, np.matmul, R * 2, ((3, 4), (4,))),
    OpCase("rmatmul", lambda b: np.ones((2, 3)) @ b, lambda b: np.ones((2, 3)) @ b, R, ((3, 4),)),
    OpCase("dot", linalg.dot, np.dot, R * 2, ((4,), (4,))),
    OpCase("dot_nd", linalg.dot, np.dot, R * 2, ((2, 3), (4, 3, 5))),
    OpCase("outer", linalg.outer, np.outer, R * 2, ((3,), (4,))),
    OpCase("solve", linalg.solve, np.linalg.solve, ("matrix", "real"), ((4, 4), (4, 2))),
    OpCase("solve_vec", linalg.solve, np.linalg.solve, ("matrix", "real"), ((4, 4), (4,))),
    OpCase("solve_triangular", lambda a, b: linalg.solve_triangular(a, b, lower=True),
           lambda a, b: np.linalg.solve(np.tril(a), b), ("matrix", "real"), ((4, 4), (4, 2))),
    OpCase("solve_triangular_trans_vec", lambda a, b: linalg.solve_triangular(a, b, trans=1),
           lambda a, b: np.linalg.solve(np.triu(a).T, b), ("matrix", "real"), ((4, 4), (4,))),
    OpCase("solve_triangular_unit_stack", lambda a, b: linalg.solve_triangular(a, b, lower=True, unit_diagonal=True),
           lambda a, b: np.linalg.solve(np.tril(a, -1) + np.eye(4, dtype=a.dtype), b), ("matrix", "real"), ((2, 4, 4), (4, 3))),
    OpCase("inv", linalg.inv, np.linalg.inv, ("matrix",), ((4, 4),)),
    OpCase("det", linalg.det, np.linalg.det, ("matrix",), ((4, 4),)),
    OpCase("slogdet", linalg.slogdet, np.linalg.slogdet, ("matrix",), ((2, 4, 4),)),
    OpCase("cholesky", linalg.cholesky, np.linalg.cholesky, ("spd",), ((4, 4),)),
    OpCase("eigh", linalg.eigh, lambda a: linalg._ref_eigh(a), ("real",), ((4, 4),), tol32=1e-4),
    OpCase("eigvalsh", linalg.eigvalsh, lambda a: np.linalg.eigvalsh((a + np.swapaxes(a, -1, -2)) / 2), ("real",),
           ((4, 4),), tol32=1e-4),
    OpCase("svdvals", linalg.svdvals, lambda a: np.linalg.svd(a, compute_uv=False), R, ((5, 3),),
           tol32=1e-4),
    OpCase("custom_vjp", lambda x: _custom_softplus()(x), lambda x: np.logaddexp(0, x), R, ((3, 4),)),
    OpCase("custom_jvp", lambda x: _custom_jvp_softplus()(x), lambda x: np.logaddexp(0, x), R, ((3, 4),)),
    OpCase("expm", expm.expm, lambda a: _np_expm_taylor(a), R, ((2, 3, 3),)),
    OpCase("expm_frechet", expm.expm_frechet, lambda a, e: _np_expm_taylor(
        np.block([[a, e], [np.zeros_like(a), a]]))[:3, 3:], R * 2, ((3, 3), (3, 3))),
    OpCase("qr_tall", qr.qr, np.linalg.qr, R, ((5, 3),), tol32=1e-4),
    OpCase("qr_wide", qr.qr, np.linalg.qr, R, ((3, 5),), tol32=1e-4),
    OpCase("qr_stack_r", lambda a: qr.qr(a, mode="r"), lambda a: np.linalg.qr(a, mode="r"), R, ((2, 4, 4),),
           tol32=1e-4),
    OpCase("lstsq", lambda a, b: qr.lstsq(a, b)[:2], lambda a, b: np.linalg.lstsq(a, b, rcond=None)[:2], R * 2,
           ((6, 3), (6, 2)),
           tol32=1e-4),
    OpCase("svd_tall", linalg.svd, _np_svd, R, ((5, 3),), tol32=1e-4),
    OpCase("svd_wide", linalg.svd, _np_svd, R, ((3, 5),), tol32=1e-4),
    OpCase("matrix_power", lambda a: mf.matrix_power(a, 3), lambda a: np.linalg.matrix_power(a, 3), R, ((2, 3, 3),)),
    OpCase("matrix_power_neg", lambda a: mf.matrix_power(a, -2), lambda a: np.linalg.matrix_power(a, -2),
           ("matrix",), ((3, 3),)),
    OpCase("multi_dot", lambda a, b, c, d: mf.multi_dot([a, b, c, d]), lambda a, b, c, d: np.linalg.multi_dot([a, b, c, d]),
           R * 4, ((5,), (5, 2), (2, 6), (6, 3))),
    OpCase("cond", mf.cond, np.linalg.cond, ("matrix",), ((2, 4, 4),), tol32=1e-4),
    OpCase("cond_fro", lambda a: mf.cond(a, "fro"), lambda a: np.linalg.cond(a, "fro"), ("matrix",), ((4, 4),)),
    OpCase("vector_norm", lambda x: mf.vector_norm(x, axis=(0, 2)), lambda x: np.linalg.vector_norm(x, axis=(0, 2)),
           R, ((2, 3, 4),)),
    OpCase("matrix_norm_nuc", lambda x: mf.matrix_norm(x, "nuc"), lambda x: np.linalg.matrix_norm(x, ord="nuc"), R,
           ((2, 4, 3),), tol32=1e-4),
    OpCase("linalg_trace", lambda x: _linalg().trace(x, 1), lambda x: np.linalg.trace(x, offset=1), R, ((2, 3, 4),)),
    OpCase("vecdot", mf.vecdot, np.linalg.vecdot, R * 2, ((2, 3), (3,))),
    OpCase("norm", mf.norm, np.linalg.norm, R, ((5,),)),
    OpCase("norm_fro", mf.norm, np.linalg.norm, R, (M34,)),
    OpCase("norm_1", lambda x: mf.norm(x, 1), lambda x: np.linalg.norm(x, 1), ("nonzero",), ((5,),)),
    OpCase("norm_inf", lambda x: mf.norm(x, np.inf), lambda x: np.linalg.norm(x, np.inf),
           ("distinct",), ((5,),)),
    OpCase("norm_3", lambda x: mf.norm(x, 3), lambda x: np.linalg.norm(x, 3), ("nonzero",), ((5,),)),
    OpCase("matmul_add", lambda c, a, b: accumulate.matmul_add_p.bind(c, a, b), lambda c, a, b: c + a @ b,
           R * 3, ((3, 4), (3, 2), (2, 4)), differentiable=()),
    OpCase("linear_recurrence", cumulative.linear_recurrence, _np_linrec, ("unit", "real"), ((2, 3, 5), (2, 3, 5))),
    OpCase("linear_recurrence_reverse", lambda a, b: cumulative.linear_recurrence(a, b, reverse=True, axis=0),
           lambda a, b: _np_linrec(a.T, b.T, reverse=True).T, ("unit", "real"), (M34, M34)),
    OpCase("linear_recurrence_scalar", lambda a, b: cumulative.linear_recurrence(a, b),
           lambda a, b: _np_linrec(np.broadcast_to(a, b.shape), b), ("unit", "real"), ((), M34)),
    # data-dependent indexing (indices computed by the graph: argsort keeps them exact)
    OpCase("argsort", indexing.argsort, lambda x: np.argsort(x, axis=-1, kind="stable").astype(float),
           ("distinct",), (M34,), differentiable=()),
    OpCase("argsort_descending", lambda x: indexing.argsort(x, descending=True),
           lambda x: np.argsort(-x, axis=-1, kind="stable").astype(float), ("distinct",), (M34,), differentiable=()),
    OpCase("gather", lambda t, k: indexing.gather(t, indexing.argsort(k)),
           lambda t, k: t[np.argsort(k, axis=-1, kind="stable")], ("real", "distinct"), ((5, 3), (2, 4)),
           differentiable=(0,)),
    OpCase("gather_batched", lambda t, k: indexing.gather(t, indexing.argsort(k), batch_dims=1),
           lambda t, k: np.take_along_axis(t, np.argsort(k, axis=-1, kind="stable"), axis=-1),
           ("real", "distinct"), (M34, M34), differentiable=(0,)),
    OpCase("scatter_add", lambda u, k: indexing.scatter_add(u, ew.floor(indexing.argsort(k) / 2), 3),
           _np_scatter_halves, ("real", "distinct"), ((2, 4, 3), (2, 4)), differentiable=(0,)),
    OpCase("scatter_set", lambda x, u, k: indexing.scatter_set(x, ew.floor(indexing.argsort(k) / 2), u),
           _np_scatter_set, ("real", "real", "distinct"), ((3, 2), (4, 2), (4,)), differentiable=(0, 1)),
    OpCase("scatter_max", lambda x, u, k: indexing.scatter_extremum(x, u, ew.floor(indexing.argsort(k) / 2)),
           _np_scatter_extremum(np.maximum), ("real", "real", "distinct"), ((3, 2), (4, 2), (4,)),
           differentiable=(0, 1)),
    OpCase("scatter_min", lambda x, u, k: indexing.scatter_extremum(x, u, ew.floor(indexing.argsort(k) / 2), False),
           _np_scatter_extremum(np.minimum), ("real", "real", "distinct"), ((3, 2), (4, 2), (4,)),
           differentiable=(0, 1)),
    OpCase("searchsorted", lambda v: indexing.searchsorted(_KNOTS, v),
           lambda v: np.searchsorted(_KNOTS, v).astype(float), R, (M34,), differentiable=()),
    OpCase("searchsorted_right", lambda v: indexing.searchsorted(_KNOTS, v, side="right"),
           lambda v: np.searchsorted(_KNOTS, v, side="right").astype(float), R, (M34,), differentiable=()),
    OpCase("interp", lambda x, fp: _gnp().interp(x, _KNOTS, fp), lambda x, fp: np.interp(x, _KNOTS, fp),
           R * 2, (M34, _KNOTS.shape), order2=False),
    OpCase("scan_rnn", _scan_rnn, _np_scan_rnn, ("real", "real", "unit"), ((3,), (5, 3), (3, 3)), tol32=1e-4),
    OpCase("scan_reverse_ys", _scan_reverse_ys, _np_scan_reverse_ys, R * 3, ((2, 2), (4, 2), (2,)),
           tol32=1e-4),
]

BROADCAST_SHAPES = {
    2: [((3, 1), (1, 4)), ((), (3, 4)), ((3, 4), ()), ((4,), (3, 4)), ((2, 1, 4), (3, 1))],
    3: [((3, 1), (1, 4), ()), ((), (3, 4), (4,)), ((3, 4), (3, 1), (1, 4))],
}


def _np_pad_interior(x, lo, hi, interior):
    return shape._ref_pad(x, lo, hi, interior)


def sample(domain, shape_, rng, dtype=np.float64):
    """A random array from `domain` (see the module docstring)."""
    if domain == "real":
        x = rng.standard_normal(shape_)
    elif domain == "positive":
        x = rng.uniform(0.5, 2.0, shape_)
    elif domain == "unit":
        x = rng.uniform(-0.9, 0.9, shape_)
    elif domain == "nonzero":
        x = rng.choice([-1.0, 1.0], shape_) * rng.uniform(0.5, 2.0, shape_)
    elif domain == "bool":
        return rng.random(shape_) < 0.5
    elif domain == "distinct":
        n = int(np.prod(shape_, dtype=np.int64))
        x = (rng.permutation(n) - n / 2).reshape(shape_) * 0.37 + 0.01
    elif domain == "matrix":
        n = shape_[-1]
        x = rng.standard_normal(shape_) + n * np.eye(n)
    elif domain == "spd":
        n = shape_[-1]
        a = rng.standard_normal(shape_)
        x = a @ np.swapaxes(a, -1, -2) + n * np.eye(n)
    else:
        raise ValueError(f"unknown domain {domain!r}")
    return np.asarray(x, dtype=dtype)
