"""gc.scan: a loop over the leading axis of its inputs, one node whose body is a graph.

    carry, ys = gc.scan(f, init, xs)      # for t in 0..T-1: carry, ys[t] = f(carry, xs[t])

A 1000-step recurrence stays one node instead of 1000 copies of its step, so it builds,
differentiates and compiles in the time of one step. The body is traced once on
placeholders; tensors it reads from outside (weights) become loop-invariant operands.
Derivatives are scans: a JVP carries the tangents along; a VJP is a scan that runs
backwards over the values the body's adjoint needs (its *residuals*), which the
forward scan stacks, or which a checkpointed schedule recomputes (`schedule.scan`).
"""
import hashlib

import numpy as np

from .. import dtypes
from ..cost import element_cost
from ..errors import ShapeError
from ..ir import Tensor, substitute, toposort
from .core import ConstValue, Primitive, const, lift, var
from .linalg import tuple_get_p

VIEW_OPS = {"transpose", "broadcast_to", "reshape", "slice", "rev"}
INLINE_CONST = 64           # constants up to this size stay inside the body (literals)
RECOMPUTE_COST = 8          # elementwise residuals cheaper than this per element are recomputed


class ScanBody:
    """The step of a scan as a closed graph: `params` are placeholder variables (carries,
    then slices of xs, then loop-invariant operands), `outputs` the new carries then the
    per-step outputs. Equal (and hashed) by structure, so equal loops intern to one node.
    `base` is (digest, output count) of the body this one extends with residual outputs
    (the forward scan of a VJP). `stop` (gc.while_loop's) is a float scalar carry that,
    once 0 after a step, stays 0 and leaves every carry as it is from then on: a forward
    loop may end there (an exact shortcut; the JVP's body keeps it, those built by reverse
    mode or vmap drop it and run every step). Part of the body's identity and repr (so of
    graph keys) but not of its digest, so that a plain scan of the same step neither
    interns nor finds in the kernel cache a while-loop's node without it."""

    __slots__ = ("params", "outputs", "n_carry", "n_x", "base", "stop", "digest", "_order")

    def __init__(self, params, outputs, n_carry, n_x, base=None, stop=None):
        self.params, self.outputs = tuple(params), tuple(outputs)
        self.n_carry, self.n_x, self.base, self.stop = n_carry, n_x, base, stop
        self.digest = _digest(self.params, self.outputs, n_carry, n_x)
        self._order = None

    @property
    def n_const(self):
        return len(self.params) - self.n_carry - self.n_x

    @property
    def n_y(self):
        return len(self.outputs) - self.n_carry

    @property
    def order(self):
        """The body's nodes in topological order (cached)."""
        if self._order is None:
            self._order = toposort(list(self.outputs))
        return self._order

    def run(self, values):
        """The outputs for parameter `values` (NumPy), by the reference interpreter."""
        env = {p.id: v for p, v in zip(self.params, values)}
        for n in self.order:
            if n.id not in env:
                env[n.id] = n.op.ref(*(env[i.id] for i in n.inputs), **n.params)
        return [np.asarray(env[o.id], dtype=o.dtype) for o in self.outputs]

    def __hash__(self):
        return hash((self.digest, self.stop))

    def __eq__(self, other):
        return isinstance(other, ScanBody) and other.digest == self.digest and other.stop == self.stop

    def __lt__(self, other):
        return False

    def __repr__(self):
        return f"ScanBody({self.digest})" if self.stop is None else f"ScanBody({self.digest}, stop={self.stop})"

    def __reduce__(self):
        from ..serialize import dump_graph
        return _load_body, (dump_graph(self.params, self.outputs), self.n_carry, self.n_x, self.base, self.stop)


def _load_body(data, n_carry, n_x, base, stop=None):
    from ..serialize import load_graph
    params, outputs = load_graph(data)
    return ScanBody(params, outputs, n_carry, n_x, base, stop)


def _digest(params, outputs, n_carry, n_x) -> str:
    order = toposort(list(outputs) + list(params))
    position = {n.id: k for k, n in enumerate(order)}
    h = hashlib.sha256(repr((n_carry, n_x, [position[p.id] for p in params],
                             [position[o.id] for o in outputs])).encode())
    for n in order:
        attrs = [(k, (v._key[:2], hashlib.sha256(v._key[2]).hexdigest()) if isinstance(v, ConstValue)
                  else repr(v)) for k, v in n.attrs]
        h.update(repr((n.op.name, [position[i.id] for i in n.inputs], attrs, n.shape,
                       str(n.dtype))).encode())
    return h.hexdigest()


# ---------------------------------------------------------------- the primitive

def _infer(*inputs, body, length, reverse, history):
    nc, nx = body.n_carry, body.n_x
    if len(inputs) != len(body.params):
        raise TypeError(f"scan: expected {len(body.params)} operands, got {len(inputs)}")
    for k, (p, x) in enumerate(zip(body.params, inputs)):
        want = (length,) + p.shape if nc <= k < nc + nx else p.shape
        if x.shape != want or x.dtype != p.dtype:
            raise ShapeError(f"scan: operand {k} must have shape {want} and dtype {p.dtype}, "
                             f"got {x.shape} {x.dtype}")
    carries = body.outputs[:nc]
    ys = body.outputs[nc:]
    shapes = [c.shape for c in carries] + [(length,) + y.shape for y in ys]
    kinds = [c.dtype for c in carries] + [y.dtype for y in ys]
    if history:
        shapes += [(length + 1,) + c.shape for c in carries]
        kinds += [c.dtype for c in carries]
    return tuple(shapes), tuple(kinds)


def _ref(*arrays, body, length, reverse, history):
    nc, nx = body.n_carry, body.n_x
    carries = [np.asarray(a) for a in arrays[:nc]]
    xs, consts = arrays[nc:nc + nx], list(arrays[nc + nx:])
    ys = [np.empty((length,) + y.shape, y.dtype) for y in body.outputs[nc:]]
    hist = [np.empty((length + 1,) + c.shape, c.dtype) for c in body.outputs[:nc]] if history else []
    for h, c in zip(hist, carries):
        h[length if reverse else 0] = c
    stop = body.stop if not (ys or hist or reverse) else None       # as the compiled loop: see ScanBody
    for t in (range(length - 1, -1, -1) if reverse else range(length)):
        out = body.run(carries + [x[t] for x in xs] + consts)
        carries = out[:nc]
        if stop is not None and carries[stop] == 0:
            break
        for y, v in zip(ys, out[nc:]):
            y[t] = v
        for h, c in zip(hist, carries):
            h[t if reverse else t + 1] = c
    return tuple(carries) + tuple(ys) + tuple(hist)


def history_slices(reverse):
    """(carry-in, carry-out) positions of step t in a history stack, as slice starts:
    step t reads hist[t + a] and writes hist[t + b]."""
    return (1, 0) if reverse else (0, 1)


scan_p = Primitive("scan", infer=_infer, ref=_ref, multiple_results=True,
                   doc="A loop over the leading axis; its step is the graph `body`.")


def fori_loop(lower, upper, body, init):
    """`body(i, value) -> value` for i = lower, …, upper − 1 (static ints), as
    jax.lax.fori_loop: a scan over the step numbers, which reach `body` as float scalars
    (graphc's tensors are floating point). Differentiable and checkpointable as any scan."""
    if not all(isinstance(b, (int, np.integer)) and not isinstance(b, bool) for b in (lower, upper)):
        raise TypeError(f"fori_loop: lower and upper must be Python ints, got {lower!r} and {upper!r}")
    if upper <= lower:
        return init
    steps = const(np.arange(lower, upper, dtype=np.float64))
    final, _ = scan(lambda value, i: (body(i, value), None), init, steps)
    return final


def results(node):
    from .linalg import results as tuple_results
    return tuple_results(node)


# ---------------------------------------------------------------- the DSL function

def _as_list(value, what):
    if value is None:
        return [], None
    if isinstance(value, (tuple, list)):
        return [lift(v) for v in value], type(value)
    return [lift(value)], Tensor


def _pack(values, kind):
    if kind is None:
        return None
    if kind is Tensor:
        return values[0]
    return kind(values)


def scan(f, init, xs=None, length=None, reverse=False):
    """Loop `f(carry, x) -> (carry, y)` over the leading axis of `xs` (a tensor, a tuple of
    tensors, or None with `length`); returns (final carry, stacked ys), like jax.lax.scan.
    Carries and ys may be tensors or tuples of tensors (ys may be None); `reverse` runs
    t = T-1 … 0. Tensors `f` reads from outside become loop-invariant operands.

    >>> h, _ = gc.scan(lambda h, x: (gc.tanh(W @ h + x), None), h0, xs)
    """
    return stopping_scan(f, init, xs, length, reverse)


def stopping_scan(f, init, xs=None, length=None, reverse=False, stop=None):
    """`scan` whose carry number `stop` (a float scalar: gc.while_loop's flag) is 0 from the
    step after which every step leaves the carries as they are (ScanBody.stop), so that a
    compiled loop may end there."""
    inits, carry_kind = _as_list(init, "scan init")
    if carry_kind is None:
        raise TypeError("scan: init must be a tensor or a tuple of tensors")
    seqs, x_kind = _as_list(xs, "scan xs")
    lengths = {x.shape[0] for x in seqs if x.ndim >= 1}
    if any(x.ndim == 0 for x in seqs):
        raise ShapeError("scan: every xs must have a leading axis to loop over, got a scalar")
    if length is not None:
        lengths.add(int(length))
    if len(lengths) != 1:
        raise ShapeError(f"scan: the xs must share one leading length (and agree with length=), "
                         f"got {sorted(lengths) or 'none'}")
    (T,) = lengths
    if T < 1:
        raise ShapeError("scan: the loop must have at least one step")
    carry_params = [var(f"carry{k}", c.shape, c.dtype) for k, c in enumerate(inits)]
    x_params = [var(f"x{j}", x.shape[1:], x.dtype) for j, x in enumerate(seqs)]
    result = f(_pack(carry_params, carry_kind), _pack(x_params, x_kind))
    if not isinstance(result, tuple) or len(result) != 2:
        raise TypeError("scan: f must return a pair (new carry, y)")
    new_carry, y_kind_value = result
    news, new_kind = _as_list(new_carry, "scan carry")
    if len(news) != len(inits) or (new_kind is Tensor) != (carry_kind is Tensor):
        raise TypeError(f"scan: f must return a carry of the structure of init ({len(inits)} tensors), "
                        f"got {len(news)}")
    for k, (c, n) in enumerate(zip(inits, news)):
        if c.shape != n.shape or c.dtype != n.dtype:
            raise ShapeError(f"scan: carry {k} enters the step as {c.shape} {c.dtype} but leaves it as "
                             f"{n.shape} {n.dtype}")
    ys, y_kind = _as_list(y_kind_value, "scan y")
    params = carry_params + x_params
    outputs, consts, const_params = close_over(params, news + ys)
    body = ScanBody(params + const_params, outputs, len(inits), len(seqs), stop=stop)
    node = scan_p.bind(*inits, *seqs, *consts, body=body, length=T, reverse=bool(reverse), history=False)
    parts = results(node)
    return _pack(list(parts[:len(inits)]), carry_kind), _pack(list(parts[len(inits):]), y_kind)


def crossing(order, inside, outputs):
    """The values outside the id set `inside` that nodes inside read, in `order`, then the
    outputs outside it (repeats included): what a region reads from beyond itself."""
    for n in order:
        if n.id in inside:
            yield from (i for i in n.inputs if i.id not in inside)
    yield from (o for o in outputs if o.id not in inside)


def close_over(params, outputs):
    """Closure conversion: the values `outputs` read from outside the loop (independent of
    `params`) become new placeholder parameters. Small constants stay inside as literals,
    and views of outside values stay inside too (free index arithmetic), their operands
    hoisted. Returns (outputs, outside values, their placeholders)."""
    from ..ad.common import depends_on
    order = toposort(outputs)
    inner = depends_on(order, params)
    hoisted = {}

    def hoist(u):
        stack = [u]
        while stack:
            u = stack.pop()
            if u.id in hoisted or u.op.name == "iota" or u.op.name == "const" and u.size <= INLINE_CONST:
                continue
            if u.op.name in VIEW_OPS and u.op.name != "reshape" or u.op.name == "reshape" and u.size <= 1:
                stack.extend(u.inputs)
            else:
                hoisted[u.id] = u
    for u in crossing(order, inner, outputs):
        hoist(u)
    consts = sorted(hoisted.values(), key=lambda n: n.id)
    placeholders = [var(f"const{j}", u.shape, u.dtype) for j, u in enumerate(consts)]
    mapping = {u.id: p for u, p in zip(consts, placeholders)}
    return substitute(list(outputs), mapping), consts, placeholders


# ---------------------------------------------------------------- derivatives

def _is_float(x):
    return x.dtype in dtypes.FLOATS


def _zeros(x):
    from ..ad.common import zeros_like
    return zeros_like(x)


def _scan_jvp(tangents, out, *inputs, body, length, reverse, history):
    """A scan carrying (primal, tangent) pairs; its body is the body's JVP."""
    from ..ad.forward import push_tangents, _fit
    nc, nx = body.n_carry, body.n_x
    P, O = body.params, body.outputs
    fc = [k for k in range(nc) if _is_float(P[k])]
    live = [k for k in range(nc, len(P)) if tangents[k] is not None and _is_float(P[k])]
    tparams = {k: var(f"t{k}", P[k].shape, P[k].dtype) for k in fc + live}
    tang = push_tangents(list(O), {P[k].id: t for k, t in tparams.items()})
    t_out = [_fit(tang[O[k].id], O[k]) if tang.get(O[k].id) is not None else _zeros(O[k])
             for k in range(len(O))]
    fy = [j for j in range(nc, len(O)) if _is_float(O[j])]
    lx = [k for k in live if k < nc + nx]
    lk = [k for k in live if k >= nc + nx]
    params = list(P[:nc]) + [tparams[k] for k in fc] + list(P[nc:nc + nx]) + [tparams[k] for k in lx] + \
        list(P[nc + nx:]) + [tparams[k] for k in lk]
    outputs = list(O[:nc]) + [t_out[k] for k in fc] + list(O[nc:]) + [t_out[j] for j in fy]
    # the primal carries come first, so a while-loop's flag keeps its index: once it is 0 the
    # tangents, like the primals, stay as they are (masked steps), and the loop may end there
    new_body = ScanBody(params, outputs, nc + len(fc), nx + len(lx), stop=body.stop)
    t_in = [tangents[k] if tangents[k] is not None else _zeros(inputs[k]) for k in fc]
    operands = list(inputs[:nc]) + t_in + list(inputs[nc:nc + nx]) + [tangents[k] for k in lx] + \
        list(inputs[nc + nx:]) + [tangents[k] for k in lk]
    node = scan_p.bind(*operands, body=new_body, length=length, reverse=reverse, history=history)
    R = results(node)
    ncar, ny = nc + len(fc), len(O) - nc
    result = [R[nc + fc.index(k)] if k in fc else None for k in range(nc)]
    result += [R[ncar + ny + fy.index(j)] if j in fy else None for j in range(nc, len(O))]
    if history:
        result += [R[ncar + ny + len(fy) + nc + fc.index(k)] if k in fc else None for k in range(nc)]
    return tuple(result)


def _scan_vjp(g, out, *inputs, body, length, reverse, history, wanted=None):
    """The cotangents of every operand: a scan running the other way over the residuals,
    which a forward scan extending this one (same body, more outputs) stacks."""
    from ..ad.common import depends_on
    from ..ad.reverse import pull_cotangents
    from .shape import slice_axis
    nc, nx = body.n_carry, body.n_x
    P, O = body.params, body.outputs
    ny = len(O) - nc
    g = list(g) + [None] * (len(out) - len(g))
    fc = [k for k in range(nc) if _is_float(P[k])]
    wanted = wanted or [True] * len(P)
    fk = [k for k in range(nc + nx, len(P)) if _is_float(P[k]) and wanted[k]]
    fx = [k for k in range(nc, nc + nx) if _is_float(P[k]) and wanted[k]]
    gy = [j for j in range(nc, len(O)) if g[j] is not None and _is_float(O[j])]
    gh = [k for k in fc if history and g[nc + ny + k] is not None]
    ct_carry = {k: var(f"ct_carry{k}", O[k].shape, O[k].dtype) for k in fc}
    ct_y = {j: var(f"ct_y{j}", O[j].shape, O[j].dtype) for j in gy}
    ct_hist = {k: var(f"ct_hist{k}", P[k].shape, P[k].dtype) for k in gh}
    acc = {k: var(f"acc{k}", P[k].shape, P[k].dtype) for k in fk}
    seeds = {}
    for k, v in list(ct_carry.items()) + list(ct_y.items()):
        seeds[O[k].id] = v if O[k].id not in seeds else seeds[O[k].id] + v
    cts = pull_cotangents(seeds, list(O), list(P))

    def ct(k):
        c = cts.get(P[k].id)
        return c if c is not None else _zeros(P[k])
    carry_out = [ct(k) + ct_hist[k] if k in ct_hist else ct(k) for k in fc]
    acc_out = [acc[k] + ct(k) for k in fk]
    x_out = [ct(k) for k in fx]
    bwd_outputs = carry_out + acc_out + x_out

    # residuals: the primal values (depending on the step's carry or x) the adjoint reads
    order = toposort(bwd_outputs)
    adjoint = depends_on(order, list(ct_carry.values()) + list(ct_y.values()) + list(ct_hist.values()) +
                         list(acc.values()))
    varying = depends_on(order, list(P[:nc + nx]))
    carry_of = {O[k].id: k for k in range(nc) if O[k].op.name != "var"}
    need_in, need_out, stored = set(), set(), {}

    position = {p.id: k for k, p in enumerate(P)}

    def visit(u):
        while u.id in varying:
            if position.get(u.id, len(P)) < nc:
                need_in.add(position[u.id])
                return
            if u.id in position:
                return
            if u.id in carry_of:
                need_out.add(carry_of[u.id])
                return
            if u.op.name in VIEW_OPS or u.op.c is not None and element_cost(u) < RECOMPUTE_COST:
                for i in u.inputs[1:]:      # views and cheap arithmetic: redone in the adjoint
                    visit(i)
                u = u.inputs[0]
                continue
            stored.setdefault(u.id, u)
            return
    for u in crossing(order, adjoint, bwd_outputs):
        visit(u)
    residuals = sorted(stored.values(), key=lambda n: n.id)
    need_hist = bool(need_in or need_out or gh)
    fwd_history = history or need_hist
    fwd_body = ScanBody(P, list(O) + residuals, nc, nx, base=(body.digest, len(O))) if residuals or fwd_history != history \
        else body
    fwd = scan_p.bind(*inputs, body=fwd_body, length=length, reverse=reverse, history=fwd_history) \
        if fwd_body is not body or fwd_history != history else out[0].inputs[0]
    F = results(fwd)
    nr = len(residuals)
    hist = {k: F[nc + ny + nr + k] for k in range(nc)} if fwd_history else {}

    # the backward body and its operands
    res_params = [var(f"res{r}", u.shape, u.dtype) for r, u in enumerate(residuals)]
    out_params = {k: var(f"carry_out{k}", O[k].shape, O[k].dtype) for k in sorted(need_out)}
    mapping = {u.id: p for u, p in zip(residuals, res_params)}
    mapping.update({O[k].id: p for k, p in out_params.items()})
    bwd_outputs = substitute(bwd_outputs, mapping)
    a_in, a_out = history_slices(reverse)
    ins = sorted(need_in | set(gh))

    def positions(h, start):
        return slice_axis(h, 0, start, start + length)
    params = [ct_carry[k] for k in fc] + [acc[k] for k in fk] + list(P[nc:nc + nx]) + \
        [P[k] for k in ins] + [out_params[k] for k in sorted(need_out)] + res_params + \
        [ct_y[j] for j in gy] + [ct_hist[k] for k in gh] + list(P[nc + nx:])
    n_x = nx + len(ins) + len(need_out) + nr + len(gy) + len(gh)
    bwd_body = ScanBody(params, bwd_outputs, len(fc) + len(fk), n_x)
    final = length if not reverse else 0
    inits = []
    for k in fc:
        c = g[k] if g[k] is not None else _zeros(O[k])
        if k in ct_hist:
            c = c + _index0(g[nc + ny + k], final)
        inits.append(c)
    inits += [_zeros(P[k]) for k in fk]
    operands = inits + list(inputs[nc:nc + nx]) + [positions(hist[k], a_in) for k in ins] + \
        [positions(hist[k], a_out) for k in sorted(need_out)] + [F[nc + ny + r] for r in range(nr)] + \
        [g[j] for j in gy] + [positions(g[nc + ny + k], a_in) for k in gh] + list(inputs[nc + nx:])
    bwd = scan_p.bind(*operands, body=bwd_body, length=length, reverse=not reverse, history=False)
    B = results(bwd)
    result = [None] * len(inputs)
    for j, k in enumerate(fc):
        result[k] = B[j]
    for j, k in enumerate(fk):
        result[k] = B[len(fc) + j]
    for j, k in enumerate(fx):
        result[k] = B[len(fc) + len(fk) + j]
    return result


def _index0(h, position):
    from .shape import reshape, slice_axis
    return reshape(slice_axis(h, 0, position, position + 1), h.shape[1:])


def _scan_batch(inputs, batched, body, length, reverse, history):
    """vmap of a scan: a scan whose carries and ys all carry the batch axis (after the
    time axis in the stacks); unbatched xs and loop invariants stay unbatched."""
    from ..ad.batching import batch_graph
    from .shape import broadcast_to, transpose
    nc, nx = body.n_carry, body.n_x
    size = next(x.shape[0] for x, b in zip(inputs, batched) if b)
    P = body.params
    new_params, operands, replacements = [], [], {}
    for k, (p, x, b) in enumerate(zip(P, inputs, batched)):
        if k < nc or b:
            q = var(p.name, (size,) + p.shape, p.dtype)
            replacements[p.id] = q
            new_params.append(q)
            if k < nc:
                operands.append(x if b else broadcast_to(x, (size,) + x.shape))
            elif k < nc + nx:
                operands.append(transpose(x, (1, 0) + tuple(range(2, x.ndim))))
            else:
                operands.append(x)
        else:
            new_params.append(p)
            operands.append(x)
    outputs = batch_graph(list(body.outputs), replacements, size)
    node = scan_p.bind(*operands, body=ScanBody(new_params, outputs, nc, nx), length=length,
                       reverse=reverse, history=history)
    R = list(results(node))
    for k in range(nc, len(R)):
        R[k] = transpose(R[k], (1, 0) + tuple(range(2, R[k].ndim)))
    return make_tuple(R)


def make_tuple(parts):
    """A multiple-result value assembled from single tensors (for batch rules)."""
    return pack_p.bind(*parts)


def _infer_pack(*parts):
    return tuple(p.shape for p in parts), tuple(p.dtype for p in parts)


pack_p = Primitive("pack", infer=_infer_pack, ref=lambda *xs: tuple(xs), multiple_results=True,
                   doc="Several tensors as one multiple-result value (vmap of scan).")

def _tuple_get_bind(x, index):
    """tuple_get of a `pack` is the packed part itself: packs never reach a program."""
    if x.op is pack_p:
        return x.inputs[index]
    return Primitive.bind(tuple_get_p, x, index=index)


tuple_get_p.bind = _tuple_get_bind
scan_p.jvp_all = _scan_jvp
scan_p.vjp_all = _scan_vjp
scan_p.batch = _scan_batch


def merge_scans(outputs) -> list:
    """`outputs` with each scan whose results a VJP's forward scan (same operands, the same
    body extended by residual outputs) also computes read from that one: one loop, not two."""
    order = toposort(outputs)
    scans = [n for n in order if n.op is scan_p]
    extended = {}
    for b in scans:
        if b.attrs and b.params["body"].base is not None:
            key = (b.params["body"].base[0], tuple(i.id for i in b.inputs), b.params["reverse"])
            extended.setdefault(key, b)
    mapping = {}
    for a in scans:
        p = a.params
        b = extended.get((p["body"].digest, tuple(i.id for i in a.inputs), p["reverse"]))
        if b is None or b is a or p["history"] and not b.params["history"]:
            continue
        n_out = len(p["body"].outputs)
        shift = len(b.params["body"].outputs) - n_out
        for n in order:
            if n.op.name == "tuple_get" and n.inputs[0] is a:
                index = n.params["index"]
                mapping[n.id] = results(b)[index if index < n_out else index + shift]
    if not mapping:
        return list(outputs)
    return substitute(list(outputs), mapping)


__all__ = ["scan", "scan_p", "ScanBody", "merge_scans"]
