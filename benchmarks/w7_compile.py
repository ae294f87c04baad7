"""W7: time to first result in a fresh process, after import (cold kernel cache), and the
cache hit in a fresh process: the seed function, the MLP gradient, and a random
straight-line program of 2000 scalar ops on 10 inputs (value and gradient)."""
import json
import os
import subprocess
import sys
import tempfile
import textwrap

TITLE = "W7 time to first result in a fresh process (after import)"

PROGRAMS = {
    "seed function": """
        w1, w2 = gc.var("w1"), gc.var("w2")
        v = w2 * gc.log(w1)
        L = v + gc.sqrt(v)
        f = gc.compile([w1, w2], [L, *gc.grad(L, [w1, w2])])
        out = f(2.0, 3.0)
    """,
    "MLP gradient": """
        import numpy as np
        X, Y = gc.var("X", (64, 784)), gc.var("Y", (64, 10))
        ps, h = [], X
        for k, (a, b) in enumerate([(784, 256), (256, 256), (256, 10)]):
            W, c = gc.var(f"W{k}", (a, b)), gc.var(f"c{k}", (b,))
            ps += [W, c]
            h = h @ W + c
            if k < 2:
                h = gc.tanh(h)
        loss = gc.mean((h - Y) ** 2)
        f = gc.compile([X, Y, *ps], [loss, *gc.grad(loss, ps)])
        out = f(*[np.full(v.shape, 0.01) for v in [X, Y, *ps]])
    """,
    "2000-op scalar program": """
        import random
        random.seed(0)
        xs = [gc.var(f"x{i}") for i in range(10)]
        pool = list(xs)
        unary = [gc.sin, gc.cos, gc.tanh, lambda a: a * a, lambda a: gc.exp(gc.tanh(a))]
        for _ in range(2000):
            if random.random() < 0.4:
                pool.append(random.choice(unary)(random.choice(pool[-50:])))
            else:
                a, b = random.choice(pool[-50:]), random.choice(pool)
                pool.append(random.choice([a + b, a - b, a * b, a / (1 + b * b)]))
        y = sum(pool[-20:], gc.const(0.0))
        f = gc.compile(xs, [y, *gc.grad(y, xs)])
        out = f(*[0.1 * i for i in range(10)])
    """,
}

JAX = {
    "seed function": """
        def L(w1, w2):
            v = w2 * jnp.log(w1)
            return v + jnp.sqrt(v)
        out = jax.jit(jax.value_and_grad(L, argnums=(0, 1)))(2.0, 3.0)
        jax.block_until_ready(out)
    """,
    "MLP gradient": """
        import numpy as np
        shapes = [(784, 256), (256,), (256, 256), (256,), (256, 10), (10,)]
        ps = [jnp.full(s, 0.01) for s in shapes]
        X, Y = jnp.full((64, 784), 0.01), jnp.full((64, 10), 0.01)
        def loss(ps):
            h = X
            for k in range(0, 6, 2):
                h = h @ ps[k] + ps[k + 1]
                if k < 4:
                    h = jnp.tanh(h)
            return jnp.mean((h - Y) ** 2)
        out = jax.jit(jax.value_and_grad(loss))(ps)
        jax.block_until_ready(out)
    """,
}

GRAPHC_SCRIPT = """
import time, graphc as gc
t0 = time.perf_counter()
{body}
print(time.perf_counter() - t0)
"""

JAX_SCRIPT = """
import time, jax, jax.numpy as jnp
jax.config.update("jax_enable_x64", True)
t0 = time.perf_counter()
{body}
print(time.perf_counter() - t0)
"""


def fresh(script, env=None):
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})), timeout=1800)
    if proc.returncode:
        return None, proc.stderr.strip().splitlines()[-1][:200]
    return float(proc.stdout.strip().splitlines()[-1]), None


def rows():
    lines = [f"### {TITLE}", "", "| program | graphc cold cache | graphc cache hit | jax jit |",
             "|---|---|---|---|"]
    figures = {}
    for name, body in PROGRAMS.items():
        with tempfile.TemporaryDirectory() as cache:
            script = GRAPHC_SCRIPT.format(body=textwrap.dedent(body))
            cold, err = fresh(script, {"GRAPHC_CACHE_DIR": cache})
            warm, _ = fresh(script, {"GRAPHC_CACHE_DIR": cache})
        jax_time = None
        if name in JAX:
            jax_time, _ = fresh(JAX_SCRIPT.format(body=textwrap.dedent(JAX[name])), {"JAX_PLATFORMS": "cpu"})
        figures[name] = (cold, warm, jax_time)
        show = [f"{t:.3f} s" if t is not None else (err or "-") for t in (cold, warm)]
        lines.append(f"| {name} | {show[0]} | {show[1]} | {f'{jax_time:.3f} s' if jax_time else '-'} |")
    print("\n".join(lines), flush=True)
    return ["\n".join(lines)], figures


if __name__ == "__main__":
    print(json.dumps(rows()[1]))
