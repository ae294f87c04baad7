"""Lowering of checkpointed scans: a forward scan whose stacked tapes (carry history and
residuals) only its reverse scan reads becomes two instructions sharing a plan
(`schedule.scan_plan`): the forward loop keeps snapshots and the last segment's tape
instead of the stacks; the reverse loop recomputes each segment's tape from a snapshot
before reversing it. Outputs are bit-identical to storing the stacks: the same body
function computes every step from the same carry.
"""
import math

import numpy as np

from .ir import users
from .ops.core import scalar_value


def stack_results(node):
    """Result indices of a forward scan's tapes: residual ys, then carry histories."""
    p = node.params
    body = p["body"]
    n_out = len(body.outputs)
    first = n_out if body.base is None else body.base[1]
    residuals = list(range(first, n_out))
    hist = [n_out + k for k in range(body.n_carry)] if p["history"] else []
    return residuals, hist


def find_scan_pairs(order) -> dict:
    """node id -> ("forward", reverse node) / ("reverse", forward node) for each forward
    scan whose tapes one reverse scan alone reads (directly or as leading windows)."""
    from .lower_program import leading_window
    readers = users(order)
    pairs = {}
    for f in order:
        if f.op.name != "scan":
            continue
        residuals, hist = stack_results(f)
        stacks = set(residuals + hist)
        if not stacks:
            continue
        partner, ok = None, True
        for g in readers[f.id]:
            if g.op.name != "tuple_get":
                ok = False
            elif g.params["index"] in stacks:
                for r in readers[g.id]:
                    final = [r] if r.op.name == "scan" else \
                        readers[r.id] if leading_window(r) is not None else [None]
                    for b in final:
                        if b is None or b.op.name != "scan" or partner is not None and partner is not b:
                            ok = False
                        partner = b if b is not None and b.op.name == "scan" else partner
        if ok and partner is not None and partner.params["reverse"] != f.params["reverse"] and \
                partner.id not in pairs and partner.params["length"] == f.params["length"]:
            pairs[f.id] = ("forward", partner)
            pairs[partner.id] = ("reverse", f)
    return pairs


def lower_pair_forward(node, reverse_node, storage, instrs, new_buffer, result_direct, names, plan_for,
                       state):
    from .lower import lower
    from .lower_loops import scan_operands
    from .lower_program import Instr
    from .schedule.memory import assign_buffers
    p = node.params
    body, T = p["body"], p["length"]
    nc = body.n_carry
    residuals, hist = stack_results(node)
    operands = scan_operands(node, storage)
    outs = []
    for k, (shape, dtype) in enumerate(zip(node.shape, node.dtype)):
        if k in residuals or k in hist:
            outs.append(None)
        else:
            outs.append(result_direct.get((node.id, k)) or new_buffer("r", shape, dtype, "arena"))
    storage[node.id] = outs
    sub = lower(list(body.params), list(body.outputs), prefix=names("k") + "_")
    assign_buffers(sub)
    carry_bytes = sum(_nbytes(body.outputs[k]) for k in range(nc))
    tape_bytes = sum(_nbytes(body.outputs[r]) for r in residuals)
    plan = plan_for(T, carry_bytes, tape_bytes)
    k = plan.segment
    snap = new_buffer("snap", (max(plan.slots * carry_bytes, 1),), np.uint8, "arena", ctype="unsigned char")
    tape_hist = [new_buffer("tapeh", (k + 1,) + body.outputs[c].shape, body.outputs[c].dtype, "arena")
                 for c in range(nc)]
    tape_res = [new_buffer("taper", (k,) + body.outputs[r].shape, body.outputs[r].dtype, "arena")
                for r in residuals]
    state[node.id] = dict(plan=plan, sub=sub, operands=operands, snap=snap, tape_hist=tape_hist,
                          tape_res=tape_res, residuals=residuals, hist=hist, node=node)
    scratch = _advance_scratch(node, sub, new_buffer, user_ys=False)
    instrs.append(Instr("scan_forward", node, [b for b in outs if b is not None] + [snap] + tape_hist + tape_res,
                        reads=[b for b, _ in operands if b is not None], scratch=scratch,
                        extra={"pair": state[node.id], "outs": outs, "advance": scratch}))


def lower_pair_reverse(node, forward, storage, instrs, new_buffer, result_direct, names, state):
    from .lower_loops import lower_step
    from .lower_program import Instr, leading_window
    pair = state[forward.id]
    n_out_f = len(forward.params["body"].outputs)
    a_in = 1 if forward.params["reverse"] else 0
    operands = []
    for x in node.inputs:
        if x.id not in storage and scalar_value(x) is not None:
            operands.append(("fill", None, scalar_value(x)))
            continue
        source, start = x, None
        if leading_window(x) is not None and x.id not in storage:
            source, start = x.inputs[0], x.params["start"][0]
        if source.op.name == "tuple_get" and source.inputs[0] is forward and \
                source.params["index"] in pair["residuals"] + pair["hist"]:
            index = source.params["index"]
            if index in pair["hist"]:
                operands.append(("hist", index - n_out_f, 0 if start == a_in else 1))
            else:
                operands.append(("res", pair["residuals"].index(index), 0))
        elif start is not None:
            operands.append(("ptr", storage[source.id], leading_window(x)))
        else:
            operands.append(("ptr", storage[x.id], 0))
    outs = [result_direct.get((node.id, k)) or new_buffer("r", shape, dtype, "arena")
            for k, (shape, dtype) in enumerate(zip(node.shape, node.dtype))]
    storage[node.id] = outs
    sub, inplace, scratch, pingpong = lower_step(node, new_buffer, names)
    advance = _advance_scratch(forward, pair["sub"], new_buffer, user_ys=True)
    reads = [o[1] for o in operands if o[0] == "ptr"] + [b for b, _ in pair["operands"] if b is not None] + \
        [pair["snap"]] + pair["tape_hist"] + pair["tape_res"]
    instrs.append(Instr("scan_reverse", node, outs, reads=reads, scratch=scratch + advance,
                        extra={"pair": pair, "operands": operands, "body": sub, "inplace": inplace,
                               "pingpong": pingpong, "advance": advance}))


def _advance_scratch(forward, sub, new_buffer, user_ys):
    """Scratch of a loop that runs forward steps: the body's work area, two carry buffers
    per carry, and one step's slot for outputs not kept (residuals off the tape; the
    scan's own ys when recomputing)."""
    body = forward.params["body"]
    nc = body.n_carry
    residuals, _ = stack_results(forward)
    work = new_buffer("fwork", (max(sub.arena_bytes, 1),), np.uint8, "arena", ctype="unsigned char")
    carries = [new_buffer("cur", body.outputs[k].shape, body.outputs[k].dtype, "arena")
               for k in range(nc) for _ in range(2)]
    junk = [new_buffer("junk", body.outputs[j].shape, body.outputs[j].dtype, "arena")
            for j in range(nc, len(body.outputs)) if j in residuals or user_ys]
    return [work] + carries + junk


def _nbytes(node):
    return math.prod(node.shape) * np.dtype(node.dtype).itemsize
