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
    ("fmax", (), [(3, 4), (3, 4)], "real"), ("amax", (), [(3, 4)], "real"), ("prod", (), [(2, 3)], "nonzero"),
]


def sample(shape, domain, rng):
    x = rng.standard_normal(shape)
    if domain == "positive":
        return np.abs(x) + 0.5
    if domain == "nonzero":
        return np.sign(x) * (np.abs(x) + 0.5)
    return x


def apply(module, name, args, xs):
    f = getattr(module, name)
    if args is None:                       # a function of a list of arrays
        return f(list(xs))
    return f(*xs, *args)


@pytest.mark.parametrize("name,args,shapes,domain", TABLE, ids=[f"{t[0]}-{i}" for i, t in enumerate(TABLE)])
def test_numpy_function(name, args, shapes, domain, rng):
    values = [sample(s, domain, rng) for s in shapes]
    xs = [gc.var(f"x{i}", s) for i, s in enumerate(shapes)]
    y = apply(gnp, name, args, xs)
    want = apply(np, name, args, values)
    feed = dict(zip(xs, values))
    got = gc.evaluate(y, feed)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    loss = gc.sum(y * gc.const(rng.standard_normal(y.shape)))
    gc.check_grads(loss, xs, feed, order=2)
    f = gc.compile(xs, [y, *gc.grad(loss, xs)])
    for a, b in zip(f(*values), gc.evaluate([y, *gc.grad(loss, xs)], feed)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


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
