"""`gc.custom_vjp`: a function whose reverse-mode derivative the user gives, as
jax.custom_vjp (numerically stable gradients, straight-through estimators, implicit
differentiation). Its outputs pass through one `custom_vjp` node whose inputs are the
outputs as `fn` computes them, the primal arguments and the residuals; reverse mode calls
the user's `bwd` there instead of differentiating `fn`'s graph. Forward mode goes through
`fn`'s own graph (the derivative the custom rule stands for). `gc.compile` removes the
nodes first (`strip`), so compiled code, caching and pickling never see the callables."""
import functools

from ..ir import Tensor, substitute, toposort
from ..ops.core import Primitive, lift
from ..ops.linalg import results
from ..ops.reduce import sum as sum_
from ..ops.shape import broadcast_to, zeros
from .common import zeros_like
from .vmap import vmap


def passthrough_infer(*inputs, n_out, **_):
    """A user-rule node's results: its first `n_out` inputs, as they are."""
    ys = inputs[:n_out]
    return tuple(y.shape for y in ys), tuple(y.dtype for y in ys)


def passthrough_ref(*arrays, n_out, **_):
    return tuple(arrays[:n_out])


def _jvp_all(tangents, out, *inputs, n_out, n_x, bwd, res_single):
    """The outputs' tangents as fn's graph carries them; the node adds nothing."""
    return tuple(tangents[:n_out])


def _vjp_all(g, out, *inputs, wanted, n_out, n_x, bwd, res_single):
    xs, res = inputs[n_out:n_out + n_x], inputs[n_out + n_x:]
    if not any(wanted[n_out:n_out + n_x]):
        return [None] * len(inputs)
    gs = tuple(gi if gi is not None else zeros_like(o) for gi, o in zip(g, out))
    cts = bwd(res[0] if res_single else tuple(res), gs[0] if n_out == 1 else gs)
    cts = (cts,) if isinstance(cts, Tensor) else tuple(cts)
    if len(cts) != n_x:
        raise ValueError(f"custom_vjp: bwd returned {len(cts)} cotangents for {n_x} primal arguments")
    parts = []
    for k, (c, x) in enumerate(zip(cts, xs)):
        if c is None:
            parts.append(None)
            continue
        c = lift(c)
        if c.shape != x.shape:
            raise ValueError(f"custom_vjp: bwd's cotangent {k} has shape {c.shape}, its argument {x.shape}")
        parts.append(c)
    return [None] * n_out + parts + [None] * len(res)


def _batch(inputs, batched, n_out, n_x, bwd, res_single):
    """The vmap rule: every output gets the batch axis, and the rule becomes `bwd` mapped
    over the examples (residuals unbatched where they are), summed over them for the
    primal arguments that carry no batch axis."""
    size = next(x.shape[0] for x, flag in zip(inputs, batched) if flag)
    ys = [y if flag else broadcast_to(y, (size,) + y.shape) for y, flag in zip(inputs[:n_out], batched)]
    xs, x_flags = inputs[n_out:n_out + n_x], batched[n_out:n_out + n_x]
    res, r_flags = inputs[n_out + n_x:], batched[n_out + n_x:]
    x_shapes = [x.shape[1:] if flag else x.shape for x, flag in zip(xs, x_flags)]

    def one_example(*args):
        r, g = args[:len(res)], args[len(res):]
        cts = bwd(r[0] if res_single else tuple(r), g[0] if n_out == 1 else tuple(g))
        cts = (cts,) if isinstance(cts, Tensor) else tuple(cts)
        if len(cts) != n_x:
            raise ValueError(f"custom_vjp: bwd returned {len(cts)} cotangents for {n_x} primal arguments")
        return [zeros(s, x.dtype) if c is None else lift(c) for c, s, x in zip(cts, x_shapes, xs)]

    def mapped_bwd(r, g):
        r_list = [r] if res_single else list(r)
        g_list = [g] if n_out == 1 else list(g)
        in_axes = tuple([0 if flag else None for flag in r_flags] + [0] * n_out)
        cts = vmap(one_example, in_axes=in_axes)(*r_list, *g_list)
        return tuple(c if flag else sum_(c, axis=0) for c, flag in zip(cts, x_flags))
    return custom_vjp_p.bind(*ys, *xs, *res, n_out=n_out, n_x=n_x, bwd=mapped_bwd, res_single=res_single)


custom_vjp_p = Primitive("custom_vjp", infer=passthrough_infer, ref=passthrough_ref, multiple_results=True,
                         doc="Outputs whose reverse-mode rule is the user's `bwd` (gc.custom_vjp).")
custom_vjp_p.jvp_all = _jvp_all
custom_vjp_p.vjp_all = _vjp_all
custom_vjp_p.batch = _batch
custom_vjp_p.user_rule = True


def _flat(value):
    """(tensors, single) of a tensor or a tuple/list of them."""
    if isinstance(value, (list, tuple)):
        return [lift(v) for v in value], False
    if value is None:
        return [], False
    return [lift(value)], True


class UserRuleFunction:
    """What custom_vjp and custom_jvp share: the wrapped function, and its arguments lifted
    once a rule is there."""
    kind = ""

    def __init__(self, fn):
        functools.update_wrapper(self, fn)
        self.fn = fn

    def _arguments(self, rule, how, args):
        if rule is None:
            raise TypeError(f"{self.kind}: {getattr(self.fn, '__name__', 'the function')} has no rule yet; {how}")
        return [lift(a) for a in args]


class custom_vjp(UserRuleFunction):
    """`fn` with a reverse-mode rule of the user's, as jax.custom_vjp:

        @gc.custom_vjp
        def f(x): ...
        def f_fwd(x): return f(x), residuals        # residuals: a tensor or a tuple of them
        def f_bwd(residuals, g): return (x_bar,)     # one cotangent per argument (None: zero)
        f.defvjp(f_fwd, f_bwd)

    Arguments and results are tensors (a tuple or list of results for several). Forward
    mode (jvp, and the forward half of hvp and hessian) differentiates `fn` itself."""
    kind = "custom_vjp"

    def __init__(self, fn):
        super().__init__(fn)
        self.fwd, self.bwd = None, None

    def defvjp(self, fwd, bwd):
        self.fwd, self.bwd = fwd, bwd
        return self

    def __call__(self, *args):
        xs = self._arguments(self.bwd, "call .defvjp(fwd, bwd) first", args)
        primal = self.fwd(*xs)
        if not isinstance(primal, tuple) or len(primal) != 2:
            raise TypeError("custom_vjp: fwd must return (outputs, residuals)")
        out, res = primal
        res_l, res_single = _flat(res)
        return bind_passthrough(custom_vjp_p, out, xs, res_l, bwd=self.bwd, res_single=res_single)


def bind_passthrough(prim, out, xs, extra=(), **params):
    """`out` (a tensor or a tuple/list of them) passed through a user-rule node of `prim`
    over the arguments `xs` (and `extra` inputs), in the structure it came in."""
    ys, single = _flat(out)
    outs = results(prim.bind(*ys, *xs, *extra, n_out=len(ys), n_x=len(xs), **params))
    return outs[0] if single else type(out)(outs)


def has_user_rules(order) -> bool:
    """Whether a custom_vjp or custom_jvp node is among `order` or inside a scan's step."""
    return any(n.op.user_rule or n.op.name == "scan" and has_user_rules(n.params["body"].order)
               for n in order)


def strip(outputs) -> list:
    """`outputs` with every custom_vjp or custom_jvp node replaced by the outputs it passes through
    (after differentiation the rule has done its work), in scan steps too."""
    order = toposort(outputs)
    mapping = {}
    for n in order:
        if n.op.name == "tuple_get" and n.inputs[0].op.user_rule:
            mapping[n.id] = n.inputs[0].inputs[n.params["index"]]
    mapping.update(_stripped_scans(order))
    if not mapping:
        return list(outputs)
    # a replacement may itself read a custom node (nested rules): substitute until none is left
    return strip(substitute(outputs, mapping))


def _stripped_scans(order) -> dict:
    """Scan node id -> the same scan over its step stripped of user rules. A VJP's forward scan
    names the step it extends by digest (ScanBody.base, for merge_scans): renamed alike."""
    from ..ops.scan import ScanBody, scan_p
    scans = [n for n in order if n.op is scan_p]
    bodies = {n.id: n.params["body"] for n in scans}
    stripped = {key: body for key, body in bodies.items() if has_user_rules(body.order)}
    digests = {}
    for key, body in stripped.items():
        new = ScanBody(body.params, strip(list(body.outputs)), body.n_carry, body.n_x, body.base, body.stop)
        digests[body.digest], stripped[key] = new.digest, new
    mapping = {}
    for n in scans:
        body = stripped.get(n.id, bodies[n.id])
        if body.base is not None and body.base[0] in digests:
            body = ScanBody(body.params, body.outputs, body.n_carry, body.n_x,
                            (digests[body.base[0]], body.base[1]), body.stop)
        if body is not bodies[n.id]:
            mapping[n.id] = scan_p.bind(*n.inputs, **{**n.params, "body": body})
    return mapping
