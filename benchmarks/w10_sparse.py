"""W10 (ours; not in BENCHMARKS.md): the sparse Jacobian of a 1000-point collocation
residual r_i = z_{i+1} − z_i − h sin(z_i) z_{i+1}², r_{n−1} = z_0 − 1, as optimal-control
codes need it (CasADi's home ground). Each system's timed call returns its Jacobian in its
own form (nonzeros or a dense matrix); agreement is checked on the dense Jacobian."""
import numpy as np

TITLE = "W10 sparse Jacobian, 1000-point collocation residual"
REFERENCE = "numpy by hand"
RTOL = 1e-10
N, H = 1000, 0.1


def data():
    return np.random.default_rng(0).standard_normal(N)


def _dense_from(rows, cols, values):
    J = np.zeros((N, N))
    J[rows, cols] = values
    return J


def _numpy():
    def setup():
        z = data()
        rows = np.concatenate([np.arange(N - 1), np.arange(N - 1), [N - 1]])
        cols = np.concatenate([np.arange(N - 1), np.arange(1, N), [0]])

        def fn():
            a, b = z[:-1], z[1:]
            return np.concatenate([-1 - H * np.cos(a) * b * b, 1 - 2 * H * np.sin(a) * b, [1.0]])
        return fn, _dense_from(rows, cols, fn())
    return setup


def _graphc(sparse):
    def setup():
        import graphc as gc
        z0 = data()
        z = gc.var("z", (N,))
        r = gc.concatenate([z[1:] - z[:-1] - H * gc.sin(z[:-1]) * z[1:] ** 2, gc.reshape(z[0] - 1.0, (1,))],
                           axis=0)
        if sparse:
            values, pattern = gc.sparse_jacobian(r, z)
            call = gc.compile([z], values).bind(z0)
            J = pattern.astype(np.float64)
            J.data[:] = call()
            return call, J.toarray()
        call = gc.compile([z], gc.jacobian(r, z, mode="forward")).bind(z0)
        return call, call()
    return setup


def _jax():
    def setup():
        import jax
        import jax.numpy as jnp
        jax.config.update("jax_enable_x64", True)
        z0 = jnp.asarray(data())

        def r(z):
            return jnp.concatenate([z[1:] - z[:-1] - H * jnp.sin(z[:-1]) * z[1:] ** 2, z[:1] - 1.0])
        f = jax.jit(jax.jacfwd(r))
        return (lambda: f(z0).block_until_ready()), np.asarray(f(z0))
    return setup


def _casadi(codegen):
    def setup():
        import os
        import subprocess
        import tempfile
        import casadi as ca
        z0 = data()
        z = ca.SX.sym("z", N)
        r = ca.vertcat(z[1:] - z[:-1] - H * ca.sin(z[:-1]) * z[1:] ** 2, z[0] - 1.0)
        F = ca.Function("jac_r", [z], [ca.jacobian(r, z)])
        if codegen:                        # CasADi's C code generation, compiled by gcc -O2
            folder = tempfile.mkdtemp()
            source, library = os.path.join(folder, "jac_r.c"), os.path.join(folder, "jac_r.so")
            here = os.getcwd()
            os.chdir(folder)                 # generate() writes into the working directory
            try:
                F.generate("jac_r.c")
            finally:
                os.chdir(here)
            subprocess.run(["gcc", "-O2", "-shared", "-fPIC", source, "-o", library], check=True)
            F = ca.external("jac_r", library)
        buf, trigger = F.buffer()
        zin = np.array(z0)
        out = np.zeros(F.sparsity_out(0).nnz())
        buf.set_arg(0, memoryview(zin))
        buf.set_res(0, memoryview(out))

        def fn(keep=(buf, zin)):           # the buffer must outlive its trigger
            trigger()
            return out
        fn()
        sparsity = F.sparsity_out(0)
        rows, cols = np.array(sparsity.get_triplet())
        return fn, _dense_from(rows, cols, out)
    return setup


def cases():
    return {"value of the Jacobian": {
        "numpy by hand": _numpy(),
        "graphc sparse_jacobian": _graphc(True),
        "graphc dense jacobian": _graphc(False),
        "jax jit jacfwd (dense)": _jax(),
        "casadi SX buffer()": _casadi(False),
        "casadi codegen + gcc -O2": _casadi(True),
    }}


def annotate(case, system, seconds):
    if system.startswith("graphc sparse"):
        return "2 colours, 1999 nonzeros"
    if "dense" in system:
        return "all 10⁶ entries"
    return ""
