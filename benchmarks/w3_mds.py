"""W3: multidimensional scaling, N = 500, d = 2: L(W) = Σᵢⱼ (‖Wᵢ − Wⱼ‖² − Dᵢⱼ)², value and gradient."""
import numpy as np

from .machine import fraction

TITLE = "W3 MDS value and gradient"
REFERENCE = "numpy by hand"
RTOL = 1e-9
N, D = 500, 2


def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N, D))
    target = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    return rng.standard_normal((N, D)), target


def _graphc():
    import graphc as gc
    W0, Dm = data()
    W, Dv = gc.var("W", (N, D)), gc.var("D", (N, N))
    s = gc.sum((W[:, None, :] - W[None, :, :]) ** 2, axis=2)
    L = gc.sum((s - Dv) ** 2)
    f = gc.compile([W, Dv], [L, gc.grad(L, W)])
    return (lambda: f(W0, Dm)), f(W0, Dm)


def _numpy():
    W, Dm = data()

    def fn():
        sq = np.sum(W * W, axis=1)
        R = sq[:, None] + sq[None, :] - 2 * (W @ W.T) - Dm
        S = R + R.T
        return np.sum(R * R), 4 * (S.sum(axis=1)[:, None] * W - S @ W)
    return fn, fn()


def _jax():
    import jax
    import jax.numpy as jnp
    W, Dm = map(jnp.asarray, data())

    def L(W, Dm):
        s = jnp.sum((W[:, None, :] - W[None, :, :]) ** 2, axis=-1)
        return jnp.sum((s - Dm) ** 2)
    f = jax.jit(jax.value_and_grad(L))

    def fn():
        v, g = f(W, Dm)
        g.block_until_ready()
        return v, g
    return fn, fn()


def _torch():
    import torch
    torch.set_num_threads(2)
    W0, Dm = data()
    Dm = torch.tensor(Dm)

    def fn():
        W = torch.tensor(W0, requires_grad=True)
        s = ((W[:, None, :] - W[None, :, :]) ** 2).sum(-1)
        L = ((s - Dm) ** 2).sum()
        (g,) = torch.autograd.grad(L, W)
        return L.item(), g.numpy()
    return fn, fn()


def cases():
    return {"N=500": {"graphc": _graphc, "numpy by hand": _numpy, "jax jit": _jax, "torch eager": _torch}}


def annotate(case, system, seconds):
    flops = N * N * (3 * D + 3) * 2       # value and gradient passes over the pairs
    return fraction(flops / seconds / 1e9, "dgemm")
