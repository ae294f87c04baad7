"""`gc.rootfinder`: the solution x of f(x, *params) = 0 by Newton's method, differentiated
by the implicit function theorem, as CasADi's `rootfinder` and jax.lax.custom_root:
dx/dθ = −(∂f/∂x)⁻¹ ∂f/∂θ at the solution, so reverse mode costs one transposed solve
whatever the number of iterations, and nothing of the iterations is kept.

The graph is static, so Newton runs a fixed number of iterations (a `gc.fori_loop`, one C
loop); once converged a further step changes nothing. Forward mode differentiates the
iterations themselves, which converge to the same derivative."""
from .ad.custom import custom_vjp
from .ad.transforms import jacobian, vjp
from .errors import ShapeError
from .ops import linalg
from .ir import substitute, toposort
from .ops.core import lift, var
from .ops.scan import fori_loop
from .ops.shape import matrix_transpose


def _newton_step(f, params):
    def step(_, x):
        y = f(x, *params)
        if x.ndim == 0:
            return x - y / jacobian(y, x)
        return x - linalg.solve(jacobian(y, x), y)
    return step


def rootfinder(f, x0, *params, iterations=20):
    """x near x0 with f(x, *params) = 0 (x a scalar or a vector; f returns x's shape),
    after `iterations` Newton steps; differentiable by the implicit function theorem in
    `params` and in the variables f reads from outside (x0 gets no derivative)."""
    x0 = lift(x0)
    params = tuple(lift(p) for p in params)
    if x0.ndim > 1:
        raise ShapeError(f"rootfinder: the unknown must be a scalar or a vector, got shape {x0.shape}")
    if not isinstance(iterations, int) or iterations < 1:
        raise ValueError(f"rootfinder: iterations must be a positive int, got {iterations!r}")
    # f traced once on placeholders: its partial derivatives at a given point, and the
    # variables it closes over (which the rule must also differentiate)
    xp = var("rootfinder.x", x0.shape, x0.dtype)
    tp = [var(f"rootfinder.p{k}", p.shape, p.dtype) for k, p in enumerate(params)]
    yp = f(xp, *tp)
    if not hasattr(yp, "shape") or yp.shape != x0.shape:
        raise ShapeError(f"rootfinder: f(x, ...) has shape {getattr(yp, 'shape', yp)}, x has shape {x0.shape}: "
                         "f must have as many equations as unknowns")
    placeholders = {xp.id} | {t.id for t in tp}
    free = [n for n in toposort([yp]) if n.op.name == "var" and n.id not in placeholders]
    gp = var("rootfinder.g", yp.shape, yp.dtype)
    jac = jacobian(yp, xp)
    lam = gp / jac if x0.ndim == 0 else linalg.solve(matrix_transpose(jac), gp)        # λ = J⁻ᵀ g
    partials = vjp(yp, tp + free, -lam) if tp or free else []                          # −λᵀ ∂f/∂θ

    def solve(start, *theta_and_free):
        return fori_loop(0, iterations, _newton_step(f, theta_and_free[:len(params)]), start)

    def fwd(start, *theta_and_free):
        x = solve(start, *theta_and_free)
        return x, (x, *theta_and_free)

    def bwd(res, g):
        x, theta = res[0], res[1:1 + len(params)]
        mapping = {xp.id: x, gp.id: g, **{p.id: t for p, t in zip(tp, theta)}}
        return (None, *substitute(partials, mapping))

    rule = custom_vjp(solve)
    rule.defvjp(fwd, bwd)
    return rule(x0, *params, *free)
