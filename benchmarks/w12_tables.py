"""W12 (ours; not in BENCHMARKS.md): data-dependent indexing, value and gradient.
(a) A lookup table: L(x, f) = Σ interp(x, knots, f)² over 10⁵ queries on 64 knots, the
gradient with respect to the queries and the table's values (CasADi users' `interpolant`).
(b) A sort: L(x) = Σ w·sort(x) over 3 × 1000 entries (an order-statistics loss), the
gradient with respect to x. graphc: searchsorted, argsort, gathers and scatter-adds in C
(csrc/indexing.c)."""
import numpy as np

TITLE = "W12 lookup table and sort, value and gradient"
REFERENCE = "numpy by hand"
RTOL = 1e-9
N, K, ROWS, COLS = 100_000, 64, 3, 1000


def data():
    rng = np.random.default_rng(0)
    knots = np.sort(rng.uniform(0, 1, K))
    knots[0], knots[-1] = 0.0, 1.0
    return rng.uniform(0, 1, N), knots, rng.standard_normal(K), rng.standard_normal((ROWS, COLS))


WEIGHTS = np.linspace(0, 1, COLS)


def _numpy(case):
    def setup():
        x, knots, f, s = data()

        def table():
            j = np.clip(np.searchsorted(knots, x, side="right") - 1, 0, K - 2)
            slope = (f[j + 1] - f[j]) / (knots[j + 1] - knots[j])
            t = (x - knots[j]) / (knots[j + 1] - knots[j])
            y = f[j] + (f[j + 1] - f[j]) * t
            g = 2 * y
            gf = np.bincount(j, g * (1 - t), K) + np.bincount(j + 1, g * t, K)
            return float(np.sum(y * y)), g * slope, gf

        def sort():
            order = np.argsort(s, axis=1, kind="stable")
            value = float(np.sum(np.take_along_axis(s, order, 1) * WEIGHTS))
            g = np.empty_like(s)
            np.put_along_axis(g, order, np.broadcast_to(WEIGHTS, s.shape), 1)
            return value, g
        fn = table if case == "table" else sort
        return fn, fn()
    return setup


def _graphc(case):
    def setup():
        import graphc as gc
        import graphc.numpy as gnp
        x0, knots, f0, s0 = data()
        if case == "table":
            x, f = gc.var("x", (N,)), gc.var("f", (K,))
            loss = gc.sum(gnp.interp(x, knots, f) ** 2)
            fn = gc.compile([x, f], [loss, *gc.grad(loss, [x, f])]).bind(x0, f0)
        else:
            s = gc.var("s", (ROWS, COLS))
            loss = gc.sum(gnp.sort(s, axis=1) * WEIGHTS)
            fn = gc.compile([s], [loss, gc.grad(loss, s)]).bind(s0)
        return fn, fn()
    return setup


def _jax(case):
    def setup():
        import jax
        import jax.numpy as jnp
        jax.config.update("jax_enable_x64", True)
        x0, knots, f0, s0 = map(jnp.asarray, data())
        if case == "table":
            g = jax.jit(jax.value_and_grad(lambda x, f: jnp.sum(jnp.interp(x, knots, f) ** 2), argnums=(0, 1)))

            def fn():
                v, (gx, gf) = g(x0, f0)
                return float(v), np.asarray(gx.block_until_ready()), np.asarray(gf)
        else:
            g = jax.jit(jax.value_and_grad(lambda s: jnp.sum(jnp.sort(s, axis=1) * WEIGHTS)))

            def fn():
                v, gs = g(s0)
                return float(v), np.asarray(gs.block_until_ready())
        return fn, fn()
    return setup


def _torch():
    def setup():
        import torch
        torch.set_num_threads(2)
        _, _, _, s0 = data()
        s = torch.tensor(s0)
        w = torch.tensor(WEIGHTS)

        def fn():
            t = s.clone().requires_grad_(True)
            loss = torch.sum(torch.sort(t, dim=1, stable=True).values * w)
            (g,) = torch.autograd.grad(loss, t)
            return float(loss), g.numpy()
        return fn, fn()
    return setup


def cases():
    table = {"numpy by hand": _numpy("table"), "graphc": _graphc("table"), "jax jit": _jax("table")}
    sort = {"numpy by hand": _numpy("sort"), "graphc": _graphc("sort"), "jax jit": _jax("sort"),
            "torch eager": _torch()}
    return {"interp, 1e5 queries on 64 knots": table, "sort, 3 x 1000": sort}
