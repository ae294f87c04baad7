"""`gc.custom_jvp`: a function whose forward-mode derivative the user gives, as
jax.custom_jvp. The rule replaces differentiation of the function in both modes: forward
mode calls it; reverse mode transposes it, as JAX does — the rule is linear in the
tangents, so the cotangent of each argument is the VJP of the rule's tangent outputs with
respect to placeholder tangents (graphc's VJP rules are the transposes). Its outputs pass
through one `custom_jvp` node, which `gc.compile` removes first (custom.strip)."""

from ..ir import Tensor, substitute, toposort
from ..ops.core import Primitive, var
from ..ops.shape import broadcast_to, zeros
from .common import zeros_like
from .custom import UserRuleFunction, _flat, bind_passthrough, passthrough_infer, passthrough_ref
from .vmap import vmap


def _call_rule(rule, xs, ts, n_out):
    """The rule's tangent outputs as a list (checked against the outputs' count)."""
    result = rule(tuple(xs), tuple(ts))
    if not isinstance(result, tuple) or len(result) != 2:
        raise TypeError("custom_jvp: the rule must return (primal outputs, tangent outputs)")
    touts, _ = _flat(result[1])
    if len(touts) != n_out:
        raise ValueError(f"custom_jvp: the rule returned {len(touts)} tangents for {n_out} outputs")
    return touts


def _jvp_all(tangents, out, *inputs, n_out, n_x, rule):
    xs = inputs[n_out:n_out + n_x]
    if all(t is None for t in tangents[n_out:n_out + n_x]):
        return (None,) * n_out
    ts = [t if t is not None else zeros_like(x) for t, x in zip(tangents[n_out:n_out + n_x], xs)]
    return tuple(_call_rule(rule, xs, ts, n_out))


def _vjp_all(g, out, *inputs, wanted, n_out, n_x, rule):
    from .transforms import vjp
    xs = inputs[n_out:n_out + n_x]
    if not any(wanted[n_out:n_out + n_x]):
        return [None] * len(inputs)
    ts = [var(f"tangent{k}", x.shape, x.dtype) for k, x in enumerate(xs)]
    touts = _call_rule(rule, xs, ts, n_out)
    gs = [gi if gi is not None else zeros_like(o) for gi, o in zip(g, out)]
    cts = vjp(touts, ts, gs)
    cts = [cts] if isinstance(cts, Tensor) else list(cts)
    # linear in the tangents: a placeholder left in a cotangent (t·0 and the like) is zero
    placeholders = {t.id for t in ts}
    leftover = {n.id: zeros(n.shape, n.dtype) for n in toposort(cts) if n.id in placeholders}
    if leftover:
        cts = substitute(cts, leftover)
    return [None] * n_out + cts


def _batch(inputs, batched, n_out, n_x, rule):
    """The vmap rule: the outputs get the batch axis, and the rule is mapped over the
    examples (a tangent is batched when it carries one axis more than its argument)."""
    size = next(x.shape[0] for x, flag in zip(inputs, batched) if flag)
    ys = [y if flag else broadcast_to(y, (size,) + y.shape) for y, flag in zip(inputs[:n_out], batched)]
    xs, x_flags = inputs[n_out:n_out + n_x], batched[n_out:n_out + n_x]
    example_ndim = [x.ndim - 1 if flag else x.ndim for x, flag in zip(xs, x_flags)]

    def mapped_rule(primals, tangents):
        t_flags = [t.ndim > d for t, d in zip(tangents, example_ndim)]

        def one(*args):
            p, t = args[:n_x], args[n_x:]
            return tuple(_call_rule(rule, p, t, n_out))
        in_axes = tuple([0 if f else None for f in x_flags] + [0 if f else None for f in t_flags])
        if all(a is None for a in in_axes):      # only a closure is batched: broadcast the rule's result
            touts = one(*primals, *tangents)
            return None, [broadcast_to(t, (size,) + t.shape) for t in touts]
        return None, vmap(one, in_axes=in_axes)(*primals, *tangents)
    return custom_jvp_p.bind(*ys, *xs, n_out=n_out, n_x=n_x, rule=mapped_rule)


custom_jvp_p = Primitive("custom_jvp", infer=passthrough_infer, ref=passthrough_ref, multiple_results=True,
                         doc="Outputs whose forward-mode rule is the user's (gc.custom_jvp).")
custom_jvp_p.jvp_all = _jvp_all
custom_jvp_p.vjp_all = _vjp_all
custom_jvp_p.batch = _batch
custom_jvp_p.user_rule = True


class custom_jvp(UserRuleFunction):
    """`fn` with a forward-mode rule of the user's, as jax.custom_jvp:

        @gc.custom_jvp
        def f(x): ...
        @f.defjvp
        def f_jvp(primals, tangents):          # tuples, one entry per argument
            x, = primals; t, = tangents
            return f(x), rule_linear_in(t)     # (outputs, their tangents)

    Reverse mode transposes the rule, so it must be linear in the tangents (as in JAX)."""

    kind = "custom_jvp"

    def __init__(self, fn):
        super().__init__(fn)
        self.rule = None

    def defjvp(self, rule):
        self.rule = rule
        return rule

    def __call__(self, *args):
        xs = self._arguments(self.rule, "decorate one with .defjvp first", args)
        return bind_passthrough(custom_jvp_p, self.fn(*xs), xs, rule=self.rule)
