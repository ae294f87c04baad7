"""W4: Rosenbrock, n = 10⁵: gradient, and Hessian-vector product by forward over reverse."""
import numpy as np

from .machine import fraction

TITLE = "W4 Rosenbrock n = 1e5"
REFERENCE = "numpy by hand"
RTOL = 1e-9
N = 100_000


def data():
    rng = np.random.default_rng(0)
    return rng.uniform(-2, 2, N), rng.standard_normal(N)


def _graphc(what):
    def setup():
        import graphc as gc
        x0, v0 = data()
        x, v = gc.var("x", (N,)), gc.var("v", (N,))
        f = gc.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
        if what == "grad":
            fn = gc.compile([x], gc.grad(f, x))
            return (lambda: fn(x0)), fn(x0)
        fn = gc.compile([x, v], gc.hvp(f, x, v))
        return (lambda: fn(x0, v0)), fn(x0, v0)
    return setup


def _numpy(what):
    def setup():
        x, v = data()

        def grad():
            g = np.zeros_like(x)
            t = x[1:] - x[:-1] ** 2
            g[:-1] = -400 * x[:-1] * t - 2 * (1 - x[:-1])
            g[1:] += 200 * t
            return g

        def hvp():
            hv = np.zeros_like(x)
            d = 1200 * x[:-1] ** 2 - 400 * x[1:] + 2
            hv[:-1] = d * v[:-1] - 400 * x[:-1] * v[1:]
            hv[1:] += 200 * v[1:] - 400 * x[:-1] * v[:-1]
            return hv
        fn = grad if what == "grad" else hvp
        return fn, fn()
    return setup


def _jax(what):
    def setup():
        import jax
        import jax.numpy as jnp
        x, v = map(jnp.asarray, data())

        def f(x):
            return jnp.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
        if what == "grad":
            g = jax.jit(jax.grad(f))
            return (lambda: g(x).block_until_ready()), g(x)
        h = jax.jit(lambda x, v: jax.jvp(jax.grad(f), (x,), (v,))[1])
        return (lambda: h(x, v).block_until_ready()), h(x, v)
    return setup


def _torch(what):
    def setup():
        import torch
        torch.set_num_threads(2)
        x0, v0 = map(torch.tensor, data())

        def f(x):
            return torch.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
        if what == "grad":
            def fn():
                x = x0.clone().requires_grad_(True)
                (g,) = torch.autograd.grad(f(x), x)
                return g.numpy()
        else:
            def fn():
                x = x0.clone().requires_grad_(True)
                (g,) = torch.autograd.grad(f(x), x, create_graph=True)
                (hv,) = torch.autograd.grad(g, x, v0)
                return hv.numpy()
        return fn, fn()
    return setup


def cases():
    return {what: {"graphc": _graphc(what), "numpy by hand": _numpy(what), "jax jit": _jax(what),
                   "torch eager": _torch(what)}
            for what in ("grad", "hvp")}


def annotate(case, system, seconds):
    traffic = N * 8 * (2 if case == "grad" else 3)       # bytes that must move at least
    return fraction(traffic / seconds / 1e9, "copy_cache")
