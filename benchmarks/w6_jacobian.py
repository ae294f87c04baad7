"""W6: Jacobian of f(x) = A x and of tanh(A x), x ∈ R¹⁰⁰, m outputs: forward vs reverse mode."""
import numpy as np

from .machine import fraction

TITLE = "W6 Jacobian of tanh(A x), 100 inputs"
REFERENCE = "numpy by hand"
RTOL = 1e-9
MS = (10, 30, 100, 300, 1000)


def data(m):
    rng = np.random.default_rng(m)
    return rng.standard_normal((m, 100)) / 10, rng.standard_normal(100)


def _graphc(m, mode):
    def setup():
        import graphc as gc
        A0, x0 = data(m)
        A, x = gc.var("A", A0.shape), gc.var("x", (100,))
        J = gc.jacobian(gc.tanh(A @ x), x, mode=mode)
        f = gc.compile([A, x], J)
        return (lambda: f(A0, x0)), f(A0, x0)
    return setup


def _numpy(m):
    def setup():
        A, x = data(m)

        def fn():
            t = np.tanh(A @ x)
            return (1 - t * t)[:, None] * A
        return fn, fn()
    return setup


def _jax(m, mode):
    def setup():
        import jax
        import jax.numpy as jnp
        A, x = map(jnp.asarray, data(m))
        jac = jax.jacfwd if mode == "forward" else jax.jacrev
        f = jax.jit(jac(lambda x, A: jnp.tanh(A @ x)))
        return (lambda: f(x, A).block_until_ready()), f(x, A)
    return setup


def _torch(m, mode):
    def setup():
        import torch
        from torch.func import jacfwd, jacrev
        torch.set_num_threads(2)
        A, x = map(torch.tensor, data(m))
        jac = jacfwd if mode == "forward" else jacrev
        f = jac(lambda x: torch.tanh(A @ x))
        return (lambda: f(x).numpy()), f(x).numpy()
    return setup


def cases():
    return {f"m={m}": {"graphc auto": _graphc(m, "auto"), "graphc forward": _graphc(m, "forward"),
                       "graphc reverse": _graphc(m, "reverse"), "numpy by hand": _numpy(m),
                       "jax jacfwd": _jax(m, "forward"), "jax jacrev": _jax(m, "reverse"),
                       "torch.func jacfwd": _torch(m, "forward"), "torch.func jacrev": _torch(m, "reverse")}
            for m in MS}


def annotate(case, system, seconds):
    m = int(case.split("=")[1])
    traffic = 8 * m * 100 * 2 + 8 * m * 100                   # read A, write J (and A once more)
    note = fraction(traffic / seconds / 1e9, "copy_cache") + " (memory moved at least)"
    if system == "graphc auto":
        note += f"; auto chose {chosen_mode(m)}: the same kernel (times of one kernel differ by up to 1.5x between processes here)"
    return note


def chosen_mode(m):
    """The mode gc.jacobian's "auto" picks for m outputs (the graph only, nothing compiled)."""
    import graphc as gc
    from graphc.ad.transforms import choose_mode
    A, x = gc.var("A", (m, 100)), gc.var("x", (100,))
    return choose_mode(gc.tanh(A @ x), x)
