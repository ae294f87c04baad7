"""C for a scan: the step's body is a static function of its own (its program lowered
separately, its work area a scratch buffer of the loop); the loop passes it pointers to
the step's slices, the carries and the step's slot of each stacked output."""
import math

from .expr import _indent


def emit_scan(em, ins):
    node, sub = ins.node, ins.extra["body"]
    p = node.params
    body, T, reverse = p["body"], p["length"], p["reverse"]
    nc, nx = body.n_carry, body.n_x
    name = f"{em.name}_{sub.buffers[0].name.split('_')[0]}" if sub.buffers else f"{em.name}_body"
    fn = f"{em.name}_{_prefix(sub)}body"
    em.functions += em.sub_emitter(sub, fn).function_lines(static=True) + [""]
    del name
    outs, operands = ins.outs, ins.extra["operands"]
    inplace, pingpong = ins.extra["inplace"], ins.extra["pingpong"]
    work = ins.scratch[0]
    n_out = len(body.outputs)
    lines = [f"const void *sa[{len(body.params)}];", f"void *sr[{n_out}];",
             f"void *bw = (void *){em.ref(work)};", "(void)bw;"]
    for j in range(nc + nx, len(body.params)):
        buf, off = operands[j]
        lines.append(f"sa[{j}] = {_at(em, buf, off)};")
    hist = {k: outs[nc + (n_out - nc) + k] for k in range(nc)} if p["history"] else {}
    a_in, a_out = (1, 0) if reverse else (0, 1)
    start = T if reverse else 0
    for k in range(nc):
        buf, off = operands[k]
        size, ctype = math.prod(node.shape[k]), outs[k].ctype
        if k in hist:
            lines.append(f"memcpy({em.ref(hist[k])} + {start * size}, {_at(em, buf, off)}, "
                         f"sizeof({ctype}) * {size});")
        elif k in inplace:
            lines.append(f"memcpy({em.ref(outs[k])}, {_at(em, buf, off)}, sizeof({ctype}) * {size});")
            lines.append(f"sa[{k}] = {em.ref(outs[k])}; sr[{k}] = {em.ref(outs[k])};")
        else:
            lines.append(f"sa[{k}] = {_at(em, buf, off)};")
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
    step.append(f"if ((code = {fn}(sa, sr, bw)) != 0) return code;")
    for k in range(nc):
        if k not in hist and k not in inplace:
            step.append(f"sa[{k}] = sr[{k}];")
    t_expr = f"{T - 1} - s" if reverse else "s"
    lines += [f"for (long s = 0; s < {T}; ++s) {{", f"    const long t = {t_expr};", "    (void)t;"] + \
        _indent(step, 1) + ["}"]
    for k, h in hist.items():
        size = math.prod(node.shape[k])
        final = 0 if reverse else T
        lines.append(f"memcpy({em.ref(outs[k])}, {em.ref(h)} + {final * size}, sizeof({outs[k].ctype}) * {size});")
    return ["{", "    int code;"] + _indent(lines, 1) + ["}"]


def _prefix(sub):
    names = [b.name for b in sub.buffers]
    return names[0].split("_")[0] + "_" if names and "_" in names[0] else ""


def _at(em, buf, offset):
    ref = em.ref(buf)
    return f"({ref} + {offset})" if offset else ref
