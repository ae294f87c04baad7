"""W2: MLP, X 64×784, 784→256→256→10, tanh, biases, loss = mean((out − Y)²):
(a) the loss, (b) the loss and its 6 gradients; float64 and float32."""
import numpy as np

from .machine import fraction

TITLE = "W2 MLP"
REFERENCE = "numpy by hand"
RTOL = 1e-4          # float32 cases included
SIZES = (784, 256, 256, 10)
BATCH = 64


def data(dtype):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((BATCH, SIZES[0])).astype(dtype)
    Y = rng.standard_normal((BATCH, SIZES[-1])).astype(dtype)
    params = []
    for a, b in zip(SIZES[:-1], SIZES[1:]):
        params += [(rng.standard_normal((a, b)) / np.sqrt(a)).astype(dtype), (0.1 * rng.standard_normal(b)).astype(dtype)]
    return X, Y, params


def _graphc(dtype, grads):
    def setup():
        import graphc as gc
        X0, Y0, p0 = data(dtype)
        X, Y = gc.var("X", X0.shape, dtype), gc.var("Y", Y0.shape, dtype)
        params = [gc.var(f"p{k}", p.shape, dtype) for k, p in enumerate(p0)]
        h = X
        for k in range(0, len(params), 2):
            h = h @ params[k] + params[k + 1]
            if k < len(params) - 2:
                h = gc.tanh(h)
        loss = gc.mean((h - Y) ** 2)
        f = gc.compile([X, Y, *params], [loss, *gc.grad(loss, params)] if grads else loss)
        return (lambda: f(X0, Y0, *p0)), f(X0, Y0, *p0)
    return setup


def _numpy(dtype, grads):
    def setup():
        X, Y, p = data(dtype)
        n = Y.size

        def fn():
            h1 = np.tanh(X @ p[0] + p[1])
            h2 = np.tanh(h1 @ p[2] + p[3])
            out = h2 @ p[4] + p[5]
            r = out - Y
            loss = np.mean(r * r)
            if not grads:
                return loss
            g = (2.0 / n) * r
            g4, g5 = h2.T @ g, g.sum(0)
            d2 = (g @ p[4].T) * (1 - h2 * h2)
            g2, g3 = h1.T @ d2, d2.sum(0)
            d1 = (d2 @ p[2].T) * (1 - h1 * h1)
            g0, g1 = X.T @ d1, d1.sum(0)
            return [loss, g0, g1, g2, g3, g4, g5]
        return fn, fn()
    return setup


def _jax(dtype, grads):
    def setup():
        import jax
        import jax.numpy as jnp
        X, Y, p = data(dtype)
        X, Y, p = jnp.asarray(X), jnp.asarray(Y), [jnp.asarray(q) for q in p]

        def loss(params, X, Y):
            h = X
            for k in range(0, 6, 2):
                h = h @ params[k] + params[k + 1]
                if k < 4:
                    h = jnp.tanh(h)
            return jnp.mean((h - Y) ** 2)
        if grads:
            f = jax.jit(jax.value_and_grad(loss))

            def fn():
                v, g = f(p, X, Y)
                jax.block_until_ready(g)
                return [v, *g]
        else:
            f = jax.jit(loss)

            def fn():
                return f(p, X, Y).block_until_ready()
        return fn, fn()
    return setup


def _torch(dtype, grads):
    def setup():
        import torch
        torch.set_num_threads(2)
        X, Y, p = data(dtype)
        X, Y = torch.tensor(X), torch.tensor(Y)
        params = [torch.tensor(q, requires_grad=grads) for q in p]

        def fn():
            h = X
            for k in range(0, 6, 2):
                h = h @ params[k] + params[k + 1]
                if k < 4:
                    h = torch.tanh(h)
            loss = torch.mean((h - Y) ** 2)
            if not grads:
                return loss.item()
            g = torch.autograd.grad(loss, params)
            return [loss.item(), *[x.numpy() for x in g]]
        return fn, fn()
    return setup


def cases():
    out = {}
    for dtype in ("float64", "float32"):
        for grads in (False, True):
            name = f"{dtype} {'(b) loss and gradients' if grads else '(a) loss'}"
            out[name] = {"graphc": _graphc(dtype, grads), "numpy by hand": _numpy(dtype, grads),
                         "jax jit": _jax(dtype, grads), "torch eager": _torch(dtype, grads)}
    return out


def flops(grads):
    fwd = 2 * BATCH * sum(a * b for a, b in zip(SIZES[:-1], SIZES[1:]))
    return fwd * (3 if grads else 1) - (2 * BATCH * SIZES[0] * SIZES[1] if grads else 0)


def annotate(case, system, seconds):
    f = flops("(b)" in case)
    return fraction(f / seconds / 1e9, "sgemm" if "float32" in case else "dgemm")
