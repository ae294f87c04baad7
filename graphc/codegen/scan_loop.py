"""C for a scan: the step's body is a static function of its own (its program lowered
separately, its work area a scratch buffer of the loop); the loop passes it pointers to
the step's slices, the carries and the step's slot of each stacked output."""
import math

import numpy as np

from .expr import _indent
from .team import body_emitter, by_one_thread, region, runs_in_team


def emit_scan(em, ins):
    node, sub = ins.node, ins.extra["body"]
    p = node.params
    body, T, reverse = p["body"], p["length"], p["reverse"]
    nc, nx = body.n_carry, body.n_x
    team = runs_in_team(em, [sub])
    fn = body_function(em, sub, team)
    outs, operands = ins.outs, ins.extra["operands"]
    inplace, pingpong = ins.extra["inplace"], ins.extra["pingpong"]
    work = ins.scratch[0]
    n_out = len(body.outputs)
    pre = []                    # memory set up before the loop
    setup = [f"const void *sa[{len(body.params)}];", f"void *sr[{len(sub.outputs)}];",
             f"void *bw = (void *){em.ref(work)};", "(void)bw;"]
    for j in range(nc + nx, len(body.params)):
        buf, off = operands[j]
        setup.append(f"sa[{j}] = {_at(em, buf, off)};")
    hist = {k: outs[nc + (n_out - nc) + k] for k in range(nc)} if p["history"] else {}
    a_in, a_out = (1, 0) if reverse else (0, 1)
    start = T if reverse else 0
    for k in range(nc):
        buf, off = operands[k]
        size, ctype = math.prod(node.shape[k]), outs[k].ctype
        if k in hist:
            pre.append(f"memcpy({em.ref(hist[k])} + {start * size}, {_at(em, buf, off)}, "
                       f"sizeof({ctype}) * {size});")
        else:
            init, pointers = _carry_start(em, k, outs[k], buf, off, size, k in inplace)
            pre += init
            setup += pointers
    step = []
    for k in range(nc):
        size = math.prod(node.shape[k])
        if k in hist:
            step += [f"sa[{k}] = {em.ref(hist[k])} + (t + {a_in}) * {size};",
                     f"sr[{k}] = {em.ref(hist[k])} + (t + {a_out}) * {size};"]
        elif k not in inplace:
            other = em.ref(pingpong[k]) if k in pingpong else em.ref(outs[k])
            step.append(f"sr[{k}] = (({T - 1} - s) % 2 == 0) ? (void *){em.ref(outs[k])} : (void *){other};")
    for j in range(nx):
        buf, off = operands[nc + j]
        step.append(f"sa[{nc + j}] = {_at(em, buf, off)} + t * {math.prod(body.params[nc + j].shape)};")
    for j in range(nc, n_out):
        step.append(f"sr[{j}] = {em.ref(outs[j])} + t * {math.prod(body.outputs[j].shape)};")
    rows, flush = _deferred(em, sub, outs, "s", T, team)
    step += rows + [_call(fn, "sa, sr, bw", team)] + flush + _step_end(team)
    for k in range(nc):
        if k not in hist and k not in inplace:
            step.append(f"sa[{k}] = sr[{k}];")
    stop = _stop_carry(node, sub, team)
    if stop is not None:                    # every later step would leave the carries as they are
        step.append(f"if (*(const double *)sa[{stop}] == 0) break;")
    t_expr = f"{T - 1} - s" if reverse else "s"
    loop = [f"for (long s = 0; s < {T}; ++s) {{", f"    const long t = {t_expr};", "    (void)t;"] + \
        _indent(step, 1) + ["}"]
    post = []
    if stop is not None:                    # a loop that stopped early: its carries where they are
        for k in range(nc):
            if k not in inplace:
                post.append(f"if (sa[{k}] != (const void *){em.ref(outs[k])}) memcpy({em.ref(outs[k])}, sa[{k}], "
                            f"sizeof({outs[k].ctype}) * {math.prod(node.shape[k])});")
    for k, h in hist.items():
        size = math.prod(node.shape[k])
        final = 0 if reverse else T
        post.append(f"memcpy({em.ref(outs[k])}, {em.ref(h)} + {final * size}, sizeof({outs[k].ctype}) * {size});")
    return _block(pre, setup + loop, post, team)


def _stop_carry(node, sub, team):
    """The carry whose 0 ends the loop early (ScanBody.stop), where nothing needs the steps
    after it: a forward loop of carries alone (no stacked outputs, history or deferred
    products), run by one thread; else None."""
    p = node.params
    body = p["body"]
    k = body.stop
    if k is None or p["reverse"] or p["history"] or len(body.outputs) != body.n_carry or sub.deferred or team \
            or p["length"] < 2 or node.dtype[k] != np.float64 or node.shape[k] != ():
        return None
    return k


def _block(pre, loop, post, team):
    """A loop's C block: set-up, the loop (run by a team when `team`), what follows."""
    if team:
        return ["{"] + _indent(pre + region(loop) + post, 1) + ["}"]
    return ["{", "    int code;"] + _indent(pre + loop + post, 1) + ["}"]


def _call(fn, args, team):
    """The call of a step's body function."""
    if team:
        return f"(void){fn}({args}, gc_tid, gc_nt, gc_part);"
    return f"if ((code = {fn}({args})) != 0) return code;"


def _step_end(team):
    """After a step of a team's loop every thread waits for the others."""
    return ["GC_TEAM_BARRIER"] if team else []


def body_function(em, sub, team=False):
    """The name of the static C function computing one step of program `sub` (emitted
    once), a team's (codegen/team.py) when `team`."""
    fn = f"{em.name}_{_prefix(sub)}{'team_' if team else ''}body"
    if fn not in em.emitted:
        em.emitted.add(fn)
        emitter = body_emitter(em, sub, fn) if team else em.sub_emitter(sub, fn)
        em.functions += emitter.function_lines(static=True) + [""]
    return fn


def emit_forward_pair(em, ins):
    """The forward loop of a checkpointed scan: the plan's actions up to the first reverse
    (snapshots stored, the last segment's tape recorded), then the final carries."""
    pair, node = ins.extra["pair"], ins.node
    nc = node.params["body"].n_carry
    outs = ins.extra["outs"]
    plan = pair["plan"]
    team = runs_in_team(em, [pair["sub"]])
    lines = _advance_setup(em, pair, initial=True)
    lines += _plan_loop(em, pair, ins.extra["advance"], outs, plan.actions[:plan.split], None, team)
    final = []
    for k in range(nc):
        size = math.prod(node.shape[k])
        final.append(f"memcpy({em.ref(outs[k])}, cur{k}, sizeof({outs[k].ctype}) * {size});")
    return _block([], lines + (by_one_thread(final) if team else final), [], team)   # cur: each thread's


def emit_reverse_pair(em, ins):
    """The reverse loop of a checkpointed scan: the rest of the plan, each segment's tape
    recomputed from a snapshot, then its steps reversed by the reverse body."""
    pair, node, sub = ins.extra["pair"], ins.node, ins.extra["body"]
    body, T = node.params["body"], node.params["length"]
    nc = body.n_carry
    team = runs_in_team(em, [pair["sub"], sub])
    fn = body_function(em, sub, team)
    outs, inplace, pingpong = ins.outs, ins.extra["inplace"], ins.extra["pingpong"]
    lines = _advance_setup(em, pair, initial=False)
    work = ins.scratch[0]
    lines += [f"const void *sa[{len(body.params)}];", f"void *sr[{len(sub.outputs)}];",
              f"void *bw = (void *){em.ref(work)};", "long n = 0;", "(void)bw;"]
    ops = ins.extra["operands"]
    for j in range(nc + body.n_x, len(body.params)):
        lines.append(f"sa[{j}] = {_at(em, ops[j][1], ops[j][2])};")
    pre = []
    for k in range(nc):
        buf, off = ops[k][1], ops[k][2]
        size = math.prod(node.shape[k])
        init, pointers = _carry_start(em, k, outs[k], buf, off, size, k in inplace)
        pre += init
        lines += pointers
    step = []
    for k in range(nc):
        if k not in inplace:
            other = em.ref(pingpong[k]) if k in pingpong else em.ref(outs[k])
            step.append(f"sr[{k}] = (({T - 1} - n) % 2 == 0) ? (void *){em.ref(outs[k])} : (void *){other};")
    for j in range(nc, nc + body.n_x):
        kind = ops[j][0]
        size = math.prod(body.params[j].shape)
        if kind == "ptr":
            step.append(f"sa[{j}] = {_at(em, ops[j][1], ops[j][2])} + t * {size};")
        elif kind == "hist":
            step.append(f"sa[{j}] = {em.ref(pair['tape_hist'][ops[j][1]])} + (s - q[1] + {ops[j][2]}) * {size};")
        else:
            step.append(f"sa[{j}] = {em.ref(pair['tape_res'][ops[j][1]])} + (s - q[1]) * {size};")
    for j in range(nc, len(body.outputs)):
        step.append(f"sr[{j}] = {em.ref(outs[j])} + t * {math.prod(body.outputs[j].shape)};")
    rows, flush = _deferred(em, sub, outs, "n", T, team)
    step += rows + [_call(fn, "sa, sr, bw", team)] + flush + _step_end(team)
    step += [f"sa[{k}] = sr[{k}];" for k in range(nc) if k not in inplace] + ["++n;"]
    t_expr = f"{T - 1} - s" if pair["node"].params["reverse"] else "s"
    reverse = ["for (long s = q[2] - 1; s >= q[1]; --s) {", f"    const long t = {t_expr};", "    (void)t;"] + \
        _indent(step, 1) + ["}"]
    plan = pair["plan"]
    lines += _plan_loop(em, pair, ins.extra["advance"], None, plan.actions[plan.split:], reverse, team)
    return _block(pre, lines, [], team)


def _advance_setup(em, pair, initial):
    """Declarations for running forward steps: argument arrays, the current carries (the
    scan's initial carries in the forward loop), the loop-invariant operands."""
    body = pair["node"].params["body"]
    nc = body.n_carry
    lines = [f"const void *fa[{len(body.params)}];", f"void *fr[{len(body.outputs)}];"]
    for k in range(nc):
        ctype = em_ctype(body.outputs[k])
        buf, off = pair["operands"][k]
        start = f"(const {ctype} *){_at(em, buf, off)}" if initial else "0"
        lines.append(f"const {ctype} *cur{k} = {start};")
    for j in range(nc + body.n_x, len(body.params)):
        buf, off = pair["operands"][j]
        lines.append(f"fa[{j}] = {_at(em, buf, off)};")
    return lines


def em_ctype(node):
    from .. import dtypes
    return dtypes.ctype(node.dtype)


def _plan_loop(em, pair, scratch, user_outs, actions, reverse_lines, team):
    """The plan's action table and the loop interpreting it: store and restore snapshots,
    advance (recording the tape on taped steps), reverse (`reverse_lines`)."""
    node = pair["node"]
    body, T = node.params["body"], node.params["length"]
    nc, nx = body.n_carry, body.n_x
    fn = body_function(em, pair["sub"], team)
    fwork, carries, junk = scratch[0], scratch[1:1 + 2 * nc], list(scratch[1 + 2 * nc:])
    kinds = {"store": 0, "restore": 1, "advance": 2, "reverse": 3, "fill": 4}
    rows = [(kinds[a[0]],) + tuple(a[1:]) + (0,) * (4 - len(a)) for a in actions]
    carry_bytes = [math.prod(body.outputs[k].shape) * body.outputs[k].dtype.itemsize for k in range(nc)]
    offsets = [sum(carry_bytes[:k]) for k in range(nc)]
    total = sum(carry_bytes)
    snap = em.ref(pair["snap"])
    lines = [f"static const long plan[{len(rows)}][4] = {{" + ", ".join(
        "{" + ", ".join(map(str, r)) + "}" for r in rows) + "};",
        f"void *fw = (void *){em.ref(fwork)};", "(void)fw;"]
    for k in range(nc):
        ctype = carries[2 * k].ctype
        lines.append(f"{ctype} *A{k} = {em.ref(carries[2 * k])}, *B{k} = {em.ref(carries[2 * k + 1])};")
    step = []
    for k in range(nc):
        size = math.prod(body.outputs[k].shape)
        h = em.ref(pair["tape_hist"][k])
        copy = [f"memcpy({h}, cur{k}, {carry_bytes[k]});"]
        if team:                # by one thread, seen by all before the step reads it
            copy = by_one_thread(copy, wait=True)
        step += ["if (taped) {", "    if (s == q[3]) {"] + _indent(copy, 2) + ["    }",
                 f"    fa[{k}] = {h} + (s - q[3]) * {size}; fr[{k}] = {h} + (s - q[3] + 1) * {size};",
                 "} else {",
                 f"    fa[{k}] = cur{k}; fr[{k}] = (cur{k} == A{k}) ? B{k} : A{k};",
                 "}"]
    for j in range(nx):
        buf, off = pair["operands"][nc + j]
        step.append(f"fa[{nc + j}] = {_at(em, buf, off)} + t * {math.prod(body.params[nc + j].shape)};")
    residuals = pair["residuals"]
    for j in range(nc, len(body.outputs)):
        size = math.prod(body.outputs[j].shape)
        if j in residuals:
            tape = em.ref(pair["tape_res"][residuals.index(j)])
            step.append(f"fr[{j}] = taped ? (void *)({tape} + (s - q[3]) * {size}) : (void *){em.ref(junk.pop(0))};")
        elif user_outs is not None:
            step.append(f"fr[{j}] = {em.ref(user_outs[j])} + t * {size};")
        else:
            step.append(f"fr[{j}] = {em.ref(junk.pop(0))};")
    step += [_call(fn, "fa, fr, fw", team)] + _step_end(team)
    step += [f"cur{k} = fr[{k}];" for k in range(nc)]
    t_expr = f"{T - 1} - s" if node.params["reverse"] else "s"
    advance = ["for (long s = q[1]; s < q[2]; ++s) {", f"    const long t = {t_expr};",
               "    const int taped = q[3] >= 0 && s >= q[3];", "    (void)t; (void)taped;"] + \
        _indent(step, 1) + ["}"]
    store = [f"memcpy({snap} + q[1] * {total} + {offsets[k]}, cur{k}, {carry_bytes[k]});" for k in range(nc)]
    fill = []                   # a segment's last tape entry from the snapshot holding it
    for k in range(nc):
        h = em.ref(pair["tape_hist"][k])
        size = math.prod(body.outputs[k].shape)
        fill += [f"memcpy({h} + (q[2] - q[3]) * {size}, {snap} + q[1] * {total} + {offsets[k]}, {carry_bytes[k]});",
                 f"if (q[2] - q[3] == 1) memcpy({h}, cur{k}, {carry_bytes[k]});"]
    if team:
        store, fill = by_one_thread(store, wait=True), by_one_thread(fill, wait=True)
    loop = [f"for (int a = 0; a < {len(rows)}; ++a) {{", "    const long *q = plan[a];",
            "    if (q[0] == 0) {"] + _indent(store, 2) + \
        ["    } else if (q[0] == 1) {"] + \
        _indent([f"cur{k} = (const void *)({snap} + q[1] * {total} + {offsets[k]});" for k in range(nc)], 2) + \
        ["    } else if (q[0] == 2) {"] + _indent(advance, 2) + \
        (["    } else if (q[0] == 4) {"] + _indent(fill, 2) if any(a[0] == "fill" for a in actions) else []) + \
        ["    } else {"] + \
        _indent(reverse_lines or ["(void)q;"], 2) + ["    }", "}"]
    return lines + loop


def _deferred(em, sub, outs, count, T, team=False):
    """Lines before and after a step's call for the deferred accumulators of `sub`: the
    step writes its factors into the block rows of step `count` (steps done so far), and
    every block's last step adds the block into the accumulator with one GEMM."""
    from .expr import _SFX
    rows, flush = [], []
    for c, d in sub.deferred.items():
        row = f"({count} % {d.block})"
        rows += [f"sr[{c}] = {em.ref(d.p_block)} + {row} * {d.k * d.m};",
                 f"sr[{d.q}] = {em.ref(d.q_block)} + {row} * {d.k * d.n};"]
        depth = f"(int)({row} + 1) * {d.k}"
        last = f"{row} == {d.block - 1} || {count} == {T - 1}"     # a block's last step
        if team:                            # every thread its rows, once all rows are in
            em.need("gemv", d.dtype)
            flush += [f"if ({last}) {{", "    GC_TEAM_BARRIER",
                      f"    gc_rank_update_team{_SFX[d.dtype]}({d.m}, {d.n}, {depth}, {em.ref(d.p_block)}, "
                      f"{em.ref(d.q_block)}, {em.ref(outs[c])}, gc_tid, gc_nt);", "}"]
            continue
        if em.threads or not em.blas:       # csrc/gemv.c, threads on fixed slices of acc
            em.need("gemv", d.dtype)
            call = (f"gc_rank_update{_SFX[d.dtype]}({d.m}, {d.n}, {depth}, {em.ref(d.p_block)}, "
                    f"{em.ref(d.q_block)}, {em.ref(outs[c])}, {int(em.threads)});")
        else:                               # the BLAS's own threads are running anyway
            em.need("gemm_blas", d.dtype)
            call = (f"gc_gemm{_SFX[d.dtype]}({d.m}, {d.n}, {depth}, {em.ref(d.p_block)}, {d.m}, 1, "
                    f"{em.ref(d.q_block)}, {d.n}, 0, 1, {em.ref(outs[c])}, {d.n});")
        flush.append(f"if ({last}) {call}")
    return rows, flush


def _carry_start(em, k, out, buf, off, size, inplace):
    """(memory set-up, pointers) of the step function's first carry k: the operand itself,
    or (an accumulator updated in place) the result buffer, initialised from it."""
    if not inplace:
        return [], [f"sa[{k}] = {_at(em, buf, off)};"]
    return [_init(em, out, buf, off, size)], [f"sa[{k}] = {em.ref(out)}; sr[{k}] = {em.ref(out)};"]


def _init(em, out, buf, value, size):
    """An accumulator's initial value: copied from its operand, or filled (`buf` None)."""
    if buf is not None:
        return f"memcpy({em.ref(out)}, {_at(em, buf, value)}, sizeof({out.ctype}) * {size});"
    if value == 0:
        return f"memset({em.ref(out)}, 0, sizeof({out.ctype}) * {size});"
    from .expr import literal
    return f"for (long i = 0; i < {size}; ++i) {em.ref(out)}[i] = {literal(value, out.dtype)};"


def _prefix(sub):
    names = [b.name for b in sub.buffers]
    return names[0].split("_")[0] + "_" if names and "_" in names[0] else ""


def _at(em, buf, offset):
    ref = em.ref(buf)
    return f"({ref} + {offset})" if offset else ref
