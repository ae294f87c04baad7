"""W1: L(w1, w2) = w2·log w1 + √(w2·log w1) at (2, 3): value and both partials per call."""
import math

TITLE = "W1 seed function: value and gradient per call from Python"
REFERENCE = "python (closed form)"
RTOL = 1e-12


def _graphc(bound):
    def setup():
        import graphc as gc
        w1, w2 = gc.var("w1"), gc.var("w2")
        v = w2 * gc.log(w1)
        L = v + gc.sqrt(v)
        f = gc.compile([w1, w2], [L, *gc.grad(L, [w1, w2])])
        if bound:
            b = f.bind(2.0, 3.0)
            return b, b()
        return (lambda: f(2.0, 3.0)), f(2.0, 3.0)
    return setup


def _python():
    def fn():
        v = 3.0 * math.log(2.0)
        s = math.sqrt(v)
        g = 1 + 0.5 / s
        return v + s, 3.0 / 2.0 * g, math.log(2.0) * g
    return fn, fn()


def _jax():
    import jax
    import jax.numpy as jnp

    def L(w1, w2):
        v = w2 * jnp.log(w1)
        return v + jnp.sqrt(v)
    f = jax.jit(jax.value_and_grad(L, argnums=(0, 1)))

    def fn():
        value, (g1, g2) = f(2.0, 3.0)
        value.block_until_ready()
        return value, g1, g2
    return fn, fn()


def _torch():
    import torch
    torch.set_num_threads(2)

    def fn():
        w1 = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
        w2 = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
        v = w2 * torch.log(w1)
        L = v + torch.sqrt(v)
        g1, g2 = torch.autograd.grad(L, (w1, w2))
        return L.item(), g1.item(), g2.item()
    return fn, fn()


def _pytensor(trusted):
    def setup():
        import numpy as np
        import pytensor
        import pytensor.tensor as pt
        w1, w2 = pt.dscalar("w1"), pt.dscalar("w2")
        v = w2 * pt.log(w1)
        L = v + pt.sqrt(v)
        f = pytensor.function([w1, w2], [L, *pytensor.grad(L, [w1, w2])])
        if trusted:
            f.trust_input = True
            a, b = np.array(2.0), np.array(3.0)
            return (lambda: f(a, b)), f(a, b)
        return (lambda: f(2.0, 3.0)), f(2.0, 3.0)
    return setup


def _casadi(buffered):
    def setup():
        import casadi as ca
        import numpy as np
        w = ca.SX.sym("w", 2)
        v = w[1] * ca.log(w[0])
        L = v + ca.sqrt(v)
        F = ca.Function("F", [w], [L, ca.gradient(L, w)])
        if buffered:
            buf, trigger = F.buffer()
            x = np.array([2.0, 3.0])
            val = np.zeros(1)
            grad = np.zeros(2)
            buf.set_arg(0, memoryview(x))
            buf.set_res(0, memoryview(val))
            buf.set_res(1, memoryview(grad))

            def fn(keep=(buf, x)):        # the buffer must outlive its trigger
                trigger()
                return val[0], grad[0], grad[1]
            return fn, fn()

        def fn():
            value, grad = F([2.0, 3.0])
            return float(value), float(grad[0]), float(grad[1])
        return fn, fn()
    return setup


def cases():
    return {"seed": {
        "python (closed form)": _python,
        "graphc checked": _graphc(False),
        "graphc bound": _graphc(True),
        "jax jit": _jax,
        "torch eager": _torch,
        "pytensor checked": _pytensor(False),
        "pytensor trust_input": _pytensor(True),
        "casadi": _casadi(False),
        "casadi buffer()": _casadi(True),
    }}
