"""W9: L = Σ svdvals(W), W 100×50: value and gradient w.r.t. W."""
import numpy as np

from .machine import fraction

TITLE = "W9 sum of singular values, W 100×50"
REFERENCE = "numpy by hand"
RTOL = 1e-8


def data():
    return np.random.default_rng(0).standard_normal((100, 50))


def _graphc():
    import graphc as gc
    W0 = data()
    W = gc.var("W", W0.shape)
    L = gc.sum(gc.linalg.svdvals(W))
    f = gc.compile([W], [L, gc.grad(L, W)])
    return (lambda: f(W0)), f(W0)


def _numpy():
    W = data()

    def fn():
        u, s, vt = np.linalg.svd(W, full_matrices=False)
        return [s.sum(), u @ vt]
    return fn, fn()


def _jax():
    import jax
    import jax.numpy as jnp
    W = jnp.asarray(data())
    f = jax.jit(jax.value_and_grad(lambda W: jnp.sum(jnp.linalg.svd(W, compute_uv=False))))

    def fn():
        v, g = f(W)
        return [v, g.block_until_ready()]
    return fn, fn()


def _torch():
    import torch
    torch.set_num_threads(2)
    W = torch.tensor(data(), requires_grad=True)

    def fn():
        L = torch.linalg.svdvals(W).sum()
        (g,) = torch.autograd.grad(L, W)
        return [L.item(), g.numpy()]
    return fn, fn()


def cases():
    return {"value and gradient": {"graphc": _graphc, "numpy by hand": _numpy, "jax jit": _jax,
                                   "torch eager": _torch}}


def annotate(case, system, seconds):
    m, n = 100, 50
    flops = 4 * m * n * n + 22 * n ** 3 + 2 * m * n * n       # Golub–Van Loan thin SVD estimate + U Vt
    return fraction(flops / seconds / 1e9, "dgemm") + " (nominal SVD count)"
