"""W8: x = solve(A, b), A 200×200 well conditioned, L = Σ x²: value and gradient w.r.t. A and b."""
import numpy as np

from .machine import fraction

TITLE = "W8 solve 200×200, value and gradient"
REFERENCE = "numpy by hand"
RTOL = 1e-8
N = 200


def data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((N, N)) + N * np.eye(N) * 0.1, rng.standard_normal(N)


def _graphc(grads):
    def setup():
        import graphc as gc
        A0, b0 = data()
        A, b = gc.var("A", (N, N)), gc.var("b", (N,))
        L = gc.sum(gc.linalg.solve(A, b) ** 2)
        f = gc.compile([A, b], [L, *gc.grad(L, [A, b])] if grads else L)
        return (lambda: f(A0, b0)), f(A0, b0)
    return setup


def _numpy(grads):
    def setup():
        import scipy.linalg as sl
        A, b = data()

        def fn():
            lu = sl.lu_factor(A)
            x = sl.lu_solve(lu, b)
            if not grads:
                return x @ x
            gb = sl.lu_solve(lu, 2 * x, trans=1)
            return [x @ x, -np.outer(gb, x), gb]
        return fn, fn()
    return setup


def _jax(grads):
    def setup():
        import jax
        import jax.numpy as jnp
        A, b = map(jnp.asarray, data())

        def L(A, b):
            x = jnp.linalg.solve(A, b)
            return x @ x
        if grads:
            f = jax.jit(jax.value_and_grad(L, argnums=(0, 1)))

            def fn():
                v, g = f(A, b)
                jax.block_until_ready(g)
                return [v, *g]
        else:
            f = jax.jit(L)

            def fn():
                return f(A, b).block_until_ready()
        return fn, fn()
    return setup


def _torch(grads):
    def setup():
        import torch
        torch.set_num_threads(2)
        A0, b0 = data()
        A, b = torch.tensor(A0, requires_grad=grads), torch.tensor(b0, requires_grad=grads)

        def fn():
            x = torch.linalg.solve(A, b)
            L = x @ x
            if not grads:
                return L.item()
            gA, gb = torch.autograd.grad(L, (A, b))
            return [L.item(), gA.numpy(), gb.numpy()]
        return fn, fn()
    return setup


def cases():
    return {name: {"graphc": _graphc(g), "numpy by hand": _numpy(g), "jax jit": _jax(g), "torch eager": _torch(g)}
            for name, g in (("forward", False), ("value and gradient", True))}


def annotate(case, system, seconds):
    flops = 2 * N ** 3 / 3 + (4 if "gradient" in case else 2) * N * N
    return fraction(flops / seconds / 1e9, "dgemm") + " (one LU and its solves)"
