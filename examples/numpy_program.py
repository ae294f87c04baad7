"""A program written for NumPy, run unchanged on graphc: swap the import, trace, compile,
differentiate.

The function below is plain NumPy code (a least-squares fit of a cumulative-sum model with
a norm penalty). With `import numpy as np` it computes numbers; with
`import graphc.numpy as np` the same source builds a graph that graphc differentiates and
compiles to C.
"""
import numpy

import graphc as gc
import graphc.numpy as np          # the only change to the NumPy program


def loss(w, X, y):
    """Mean squared error of a model whose features are running sums, plus an L2 penalty."""
    features = np.cumsum(X, axis=1)
    pred = np.einsum("ij,j->i", features, w)
    residual = pred - y
    return np.mean(residual ** 2) + 0.1 * np.linalg.norm(w) ** 2


def main():
    rng = numpy.random.default_rng(0)
    X = rng.standard_normal((50, 4))
    w_true = numpy.array([1.0, -2.0, 0.5, 3.0])
    y = numpy.cumsum(X, axis=1) @ w_true + 0.01 * rng.standard_normal(50)

    (w, Xv, yv), L = gc.trace(loss, ((4,), "float64"), ((50, 4), "float64"), ((50,), "float64"))
    f = gc.compile([w, Xv, yv], [L, gc.grad(L, w)])

    # gradient descent with the compiled value and gradient (not from 0: the norm's
    # derivative is undefined there, as in NumPy-based autodiff tools)
    wk = numpy.full(4, 0.1)
    for _ in range(500):
        value, g = f(wk, X, y)
        wk = wk - 0.02 * g
    # the same loss evaluated by NumPy itself, as a check
    import numpy as real_np
    features = real_np.cumsum(X, axis=1)
    reference = real_np.mean((features @ wk - y) ** 2) + 0.1 * real_np.linalg.norm(wk) ** 2
    print(f"fitted w = {numpy.round(wk, 3)}; loss {float(value):.6f} (NumPy says {reference:.6f})")
    assert abs(float(f(wk, X, y)[0]) - reference) < 1e-10 * max(1.0, reference)
    return wk


if __name__ == "__main__":
    main()
