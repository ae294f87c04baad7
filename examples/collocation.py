"""A boundary-value problem by collocation and Newton's method with a sparse Jacobian, the
way CasADi users set up optimal control: the pendulum θ'' = −(g/l) sin θ on N grid points,
θ(0) = 0 and θ(T) = 1, as N residuals r(θ) = 0. graphc finds the Jacobian's sparsity from
the graph (tridiagonal), colours its columns (3 colours, not N), and compiles the residual
and the Jacobian's nonzeros to C; SciPy's sparse solver takes the Newton steps.

    python examples/collocation.py
"""
import time

import numpy as np
import scipy.sparse.linalg as spla

import graphc as gc

N, T, G_OVER_L = 400, 1.0, 9.81
h = T / (N - 1)

theta = gc.var("theta", (N,))
interior = theta[2:] - 2 * theta[1:-1] + theta[:-2] + h ** 2 * G_OVER_L * gc.sin(theta[1:-1])   # × h²
residual = gc.concatenate([gc.reshape(theta[0], (1,)), interior, gc.reshape(theta[-1] - 1.0, (1,))], axis=0)

values, pattern = gc.sparse_jacobian(residual, theta)
r_and_J = gc.compile([theta], [residual, values], name="pendulum_bvp")
call = r_and_J.bind(np.zeros(N))


def newton(theta0, tol=1e-12, max_steps=20):
    """Newton's method on r(θ) = 0 with the compiled residual and sparse Jacobian."""
    th = theta0.copy()
    J = pattern.astype(np.float64)             # CSR, its data in the order of `values`
    for step in range(max_steps):
        call.inputs[0][...] = th
        r, nonzeros = call()
        norm = np.linalg.norm(r)
        print(f"  step {step}: |r| = {norm:.3e}")
        if norm < tol:
            return th, step
        J.data[:] = nonzeros
        th = th - spla.spsolve(J, r)
    raise RuntimeError("Newton did not converge")


if __name__ == "__main__":
    print(f"pendulum BVP on {N} points: Jacobian {pattern.shape}, {pattern.nnz} nonzeros "
          f"({pattern.nnz / N:.1f} per row)")
    solution, steps = newton(np.linspace(0.0, 1.0, N))
    call.inputs[0][...] = solution
    start = time.perf_counter()
    for _ in range(1000):
        call()
    sparse_us = (time.perf_counter() - start) * 1e3
    dense = gc.compile([theta], gc.jacobian(residual, theta)).bind(solution)
    start = time.perf_counter()
    for _ in range(100):
        dense()
    dense_us = (time.perf_counter() - start) * 1e4
    print(f"converged in {steps} Newton steps; residual and sparse Jacobian {sparse_us:.1f} µs per call, "
          f"the dense Jacobian alone {dense_us:.0f} µs")
    # the discrete solution satisfies the collocation equations, the boundary values exactly
    assert abs(solution[0]) < 1e-12 and abs(solution[-1] - 1.0) < 1e-12
    check = (solution[2:] - 2 * solution[1:-1] + solution[:-2]) / h ** 2 + G_OVER_L * np.sin(solution[1:-1])
    assert np.abs(check).max() < 1e-6
    print("collocation equations hold: max |residual| "
          f"{np.abs(check).max():.1e}")
