"""gc.check_grads: derivatives against central finite differences, in forward and
reverse mode, to any order (as JAX's check_grads). Higher orders check the derivative
of a random directional derivative, so every mode combination is exercised."""
import numpy as np

from . import dtypes
from .ad.transforms import grad, jvp
from .interp import evaluate, resolve_feed
from .ir import Tensor, toposort

_DEFAULTS = {dtypes.float64: dict(eps=1e-5, rtol=1e-5, atol=1e-6),
             dtypes.float32: dict(eps=1e-2, rtol=5e-2, atol=5e-2)}


def check_grads(y, xs, at, order=1, modes=("forward", "reverse"), eps=None, rtol=None, atol=None):
    """Check the derivatives of scalar `y` w.r.t. `xs` at the point `at` (a feed dict).

    Forward mode: J·v along random directions v against (f(x+εv) − f(x−εv)) / 2ε.
    Reverse mode: the gradient, entry by entry, against central differences (along random
    directions for large inputs). Raises AssertionError naming the worst entry.
    """
    if not isinstance(y, Tensor) or y.shape != ():
        raise ValueError(f"check_grads: y must be a scalar tensor, got {getattr(y, 'shape', y)}")
    xs = [xs] if isinstance(xs, Tensor) else list(xs)
    for m in modes:
        if m not in ("forward", "reverse"):
            raise ValueError(f"check_grads: unknown mode {m!r}")
    order_ = toposort([y] + xs)
    variables = [n for n in order_ if n.op.name == "var"]
    point = {v: value for v, value in zip(variables, resolve_feed(variables, at).values())}
    # Tolerances follow the least precise float the graph computes in.
    low = any(n.dtype == dtypes.float32 for n in order_ if not n.op.multiple_results)
    settings = dict(_DEFAULTS[dtypes.float32 if low else dtypes.float64])
    settings.update({k: v for k, v in dict(eps=eps, rtol=rtol, atol=atol).items() if v is not None})
    rng = np.random.default_rng(0)
    _check(y, xs, point, order, modes, settings, rng, label="y")


def _check(y, xs, point, order, modes, settings, rng, label):
    if "forward" in modes:
        _check_forward(y, xs, point, settings, rng, label)
    if "reverse" in modes:
        _check_reverse(y, xs, point, settings, rng, label)
    if order > 1:
        for mode in modes:
            direction = [_random_like(x, rng) for x in xs]
            if mode == "forward":
                dy = jvp(y, xs, [dtypes_const(d, x) for d, x in zip(direction, xs)])
                name = f"jvp({label})"
            else:
                gs = grad(y, xs)
                dy = sum_all([g * dtypes_const(d, x) for g, d, x in zip(gs, direction, xs)])
                name = f"<grad({label}), w>"
            _check(dy, xs, point, order - 1, modes, settings, rng, name)


def dtypes_const(array, like):
    from .ops.core import const
    return const(array, like.dtype)


def sum_all(terms):
    from .ops.reduce import sum as reduce_sum
    total = reduce_sum(terms[0])
    for t in terms[1:]:
        total = total + reduce_sum(t)
    return total


def _random_like(x, rng):
    return rng.standard_normal(x.shape)


def _value(y, point, shifts=None):
    feed = dict(point)
    for x, delta in (shifts or {}).items():
        feed[x] = (np.asarray(feed[x], dtype=np.float64) + delta).astype(x.dtype)
    return float(evaluate(y, feed))


def _central(y, point, direction, eps):
    plus = _value(y, point, {x: eps * d for x, d in direction.items()})
    minus = _value(y, point, {x: -eps * d for x, d in direction.items()})
    return (plus - minus) / (2 * eps)


def _close(got, want, settings):
    return abs(got - want) <= settings["atol"] + settings["rtol"] * abs(want)


def _check_forward(y, xs, point, settings, rng, label):
    for trial in range(2):
        direction = {x: _random_like(x, rng) for x in xs}
        dy = jvp(y, xs, [dtypes_const(direction[x], x) for x in xs])
        got = float(evaluate(dy, point))
        want = _central(y, point, direction, settings["eps"])
        if not _close(got, want, settings):
            raise AssertionError(
                f"forward mode: the JVP of {label} along a random direction is {got!r}, "
                f"central differences give {want!r} (eps={settings['eps']})")


def _check_reverse(y, xs, point, settings, rng, label):
    gs = evaluate(grad(y, xs), point)
    worst = None
    for x, g in zip(xs, gs):
        g = np.asarray(g, dtype=np.float64)
        if x.size <= 64:
            for index in np.ndindex(*x.shape):
                e = np.zeros(x.shape)
                e[index] = 1.0
                want = _central(y, point, {x: e}, settings["eps"])
                err = abs(g[index] - want) - settings["rtol"] * abs(want)
                if worst is None or err > worst[0]:
                    worst = (err, x, index, g[index], want)
        else:
            d = _random_like(x, rng)
            want = _central(y, point, {x: d}, settings["eps"])
            got = float(np.sum(g * d))
            err = abs(got - want) - settings["rtol"] * abs(want)
            if worst is None or err > worst[0]:
                worst = (err, x, "a random direction", got, want)
    if worst is not None and worst[0] > settings["atol"]:
        _, x, index, got, want = worst
        raise AssertionError(
            f"reverse mode: d{label}/d{x.name or 'x'}[{index}] is {got!r}, central differences "
            f"give {want!r} (eps={settings['eps']})")
