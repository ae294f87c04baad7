"""W11 (ours; not in BENCHMARKS.md): transcendental elementwise work, as robotics and
optimal-control codes have it: a two-link arm's tip-position error over 10⁵ joint
configurations, E(θ) = Σᵢ |p(θᵢ) − target|² + Σ log1p(θ²), with p = (l₁ cos a + l₂ cos b,
l₁ sin a + l₂ sin b), a = θ₁, b = θ₁ + θ₂: value and gradient with respect to θ (10⁵ × 2).
Its time is in sin, cos and log1p (graphc: glibc's vector libm, codegen/vector_math.py)."""
import numpy as np

TITLE = "W11 two-link arm kinematics, 1e5 configurations"
REFERENCE = "numpy by hand"
RTOL = 1e-9
N, L1, L2, TARGET = 100_000, 1.0, 0.7, (0.9, 0.8)


def data():
    return np.random.default_rng(0).uniform(-np.pi, np.pi, (N, 2))


def _numpy():
    def setup():
        th = data()

        def fn():
            a, b = th[:, 0], th[:, 0] + th[:, 1]
            ca, sa, cb, sb = np.cos(a), np.sin(a), np.cos(b), np.sin(b)
            px, py = L1 * ca + L2 * cb - TARGET[0], L1 * sa + L2 * sb - TARGET[1]
            value = np.sum(px * px + py * py) + np.sum(np.log1p(th * th))
            db = 2 * L2 * (py * cb - px * sb)
            da = 2 * L1 * (py * ca - px * sa)
            grad = np.stack([da + db, db], axis=1) + 2 * th / (1 + th * th)
            return value, grad
        return fn, fn()
    return setup


def _graphc():
    def setup():
        import graphc as gc
        th0 = data()
        th = gc.var("theta", (N, 2))
        a, b = th[:, 0], th[:, 0] + th[:, 1]
        px = L1 * gc.cos(a) + L2 * gc.cos(b) - TARGET[0]
        py = L1 * gc.sin(a) + L2 * gc.sin(b) - TARGET[1]
        energy = gc.sum(px * px + py * py) + gc.sum(gc.log1p(th * th))
        f = gc.compile([th], [energy, gc.grad(energy, th)])
        return (lambda: f(th0)), f(th0)
    return setup


def _jax():
    def setup():
        import jax
        import jax.numpy as jnp
        jax.config.update("jax_enable_x64", True)
        th0 = jnp.asarray(data())

        def energy(th):
            a, b = th[:, 0], th[:, 0] + th[:, 1]
            px = L1 * jnp.cos(a) + L2 * jnp.cos(b) - TARGET[0]
            py = L1 * jnp.sin(a) + L2 * jnp.sin(b) - TARGET[1]
            return jnp.sum(px * px + py * py) + jnp.sum(jnp.log1p(th * th))
        f = jax.jit(jax.value_and_grad(energy))

        def fn():
            v, g = f(th0)
            return float(v), np.asarray(g.block_until_ready())
        return fn, fn()
    return setup


def _torch():
    def setup():
        import torch
        torch.set_num_threads(2)
        th0 = torch.tensor(data())

        def fn():
            th = th0.clone().requires_grad_(True)
            a, b = th[:, 0], th[:, 0] + th[:, 1]
            px = L1 * torch.cos(a) + L2 * torch.cos(b) - TARGET[0]
            py = L1 * torch.sin(a) + L2 * torch.sin(b) - TARGET[1]
            e = torch.sum(px * px + py * py) + torch.sum(torch.log1p(th * th))
            (g,) = torch.autograd.grad(e, th)
            return float(e), g.numpy()
        return fn, fn()
    return setup


def cases():
    return {"value and gradient": {"numpy by hand": _numpy(), "graphc": _graphc(), "jax jit": _jax(),
                                   "torch eager": _torch()}}
