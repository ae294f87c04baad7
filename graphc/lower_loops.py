"""Lowering of loops (`scan`): a step's body lowered as a program of its own, its carries
(ping-pong buffers, a history, or accumulators updated in place) and deferred low-rank
accumulator updates (`Deferred`: a block of steps added by one GEMM). Part of `lower`."""
from dataclasses import dataclass

import numpy as np

from .lower_program import Buffer, Instr, leading_window
from .ops.core import scalar_value

DEFER_BLOCK = 16            # most steps of a loop's low-rank accumulator updates added by one GEMM
DEFER_ROWS = 256            # rows (steps × rank) such a block aims at


def lower_scan(node, storage, instrs, new_buffer, result_direct, names):
    """One instruction looping a body program (lowered on its own) over the steps; the
    carries ping-pong between the result and one scratch buffer, or live in the history
    stack, or (accumulators: acc + …) are updated in place."""
    p = node.params
    operands = scan_operands(node, storage)
    outs = [result_direct.get((node.id, k)) or new_buffer("r", shape, dtype, "arena")
            for k, (shape, dtype) in enumerate(zip(node.shape, node.dtype))]
    storage[node.id] = outs
    sub, inplace, scratch, pingpong = lower_step(node, new_buffer, names, pingpong=not p["history"])
    instrs.append(Instr("scan", node, outs, reads=[b for b, _ in operands if b is not None], scratch=scratch,
                        extra={"operands": operands, "body": sub, "inplace": inplace,
                               "pingpong": pingpong}))


def lower_step(node, new_buffer, names, pingpong=True):
    """(program, in-place carries, scratch, ping-pong buffers) of a scan's step: the body
    lowered on its own (accumulators as in-place updates), its work area, the block
    buffers of deferred products, and a second buffer per carry that is neither in place
    nor (without `pingpong`) in a history."""
    from .lower import lower
    from .schedule.memory import assign_buffers
    body, T = node.params["body"], node.params["length"]
    inplace = accumulators(body)
    outputs, deferred = accumulating(body, inplace, T)
    sub = lower(list(body.params), outputs, prefix=names("k") + "_")
    sub.inplace = inplace - set(deferred)
    assign_buffers(sub)
    scratch = [new_buffer("work", (max(sub.arena_bytes, 1),), np.uint8, "arena", ctype="unsigned char")]
    for d in deferred.values():
        d.p_block = new_buffer("blockp", (d.block * d.k, d.m), d.dtype, "arena")
        d.q_block = new_buffer("blockq", (d.block * d.k, d.n), d.dtype, "arena")
        scratch += [d.p_block, d.q_block]
    sub.deferred = deferred
    buffers = {}
    for k in range(body.n_carry):
        if pingpong and k not in inplace and T > 1:
            buffers[k] = new_buffer("carry", node.shape[k], node.dtype[k], "arena")
            scratch.append(buffers[k])
    return sub, inplace, scratch, buffers


def scan_operands(node, storage):
    """(buffer, element offset) of each operand of a scan (leading windows in place)."""
    operands = []
    for x in node.inputs:
        window = leading_window(x)
        if x.id not in storage and scalar_value(x) is not None:
            operands.append((None, scalar_value(x)))        # filled, not read
        elif window is not None and x.id not in storage:
            operands.append((storage[x.inputs[0].id], window))
        else:
            operands.append((storage[x.id], 0))
    return operands


@dataclass(eq=False)
class Deferred:
    """An accumulator whose per-step update pᵀ @ q (p: k×m, q: k×n) is deferred: each step
    writes p and q into row blocks of `block` steps, and the loop adds a whole block with
    one GEMM, acc += P_blockᵀ Q_block, instead of one rank-k update per step."""
    q: int                         # body output index of q (p takes the accumulator's place)
    k: int
    m: int
    n: int
    block: int                     # steps per block
    dtype: np.dtype
    p_block: Buffer = None
    q_block: Buffer = None


def deferred_block(k, m, n, T) -> int:
    """Steps per block of a deferred k-row product update of an m×n accumulator (q: k×n
    per step, like the loop's carry): enough that a block adds DEFER_ROWS rows at once (a
    GEMM with a short inner dimension runs far below peak, and every update streams the
    whole accumulator), at most DEFER_BLOCK steps, at most T, and blocks within a 16th of
    the T steps' rows of q a loop's history holds (checkpointed loops keep ~2√T of them);
    below 2 the update stays a per-step GEMM."""
    return min(DEFER_BLOCK, T, -(-DEFER_ROWS // k), T * n // (16 * (m + n)))


def accumulating(body, inplace, T=1):
    """The body's outputs with each in-place accumulator's update as deferred product
    factors (`Deferred`: the accumulator's output replaced by p, q appended) when its rank
    is small, else `acc + a @ b` as one GEMM adding into the accumulator; and the
    deferred accumulators by carry index."""
    from .ops.accumulate import fused_update, product_factors
    outputs, deferred = list(body.outputs), {}
    for k in sorted(inplace):
        acc = body.params[k]
        update = next(i for i in outputs[k].inputs if i is not acc)
        factors = product_factors(update)
        if factors is not None:
            p, q = factors
            block = deferred_block(p.shape[0], p.shape[1], q.shape[1], T)
            if block >= 2:
                deferred[k] = Deferred(len(outputs), p.shape[0], p.shape[1], q.shape[1], block,
                                       np.dtype(acc.dtype))
                outputs[k] = p
                outputs.append(q)
                continue
        fused = fused_update(acc, update)
        if fused is not None:
            outputs[k] = fused
    return outputs, deferred


def accumulators(body) -> set:
    """Carries k whose new value is `carry_k + y` (elementwise, same shape) and which the
    body reads nowhere else: a gradient accumulator, updated in place."""
    from .ir import users
    order = body.order
    readers = users(order)
    result = set()
    for k in range(body.n_carry):
        param, new = body.params[k], body.outputs[k]
        if new.op.name == "add" and new.shape == param.shape and any(i is param for i in new.inputs) and \
                len(readers.get(param.id, [])) == 1 and \
                sum(o is new for o in body.outputs) == 1 and sum(o is param for o in body.outputs) == 0:
            result.add(k)
    return result
