"""Memory planning: every arena buffer gets a byte offset in one work area.

Liveness runs over the program's instruction order: a buffer is live from the
instruction that first writes it to the last one that reads it, and its bytes are
reused once it is dead (best fit among free blocks, neighbours merged). An
instruction's outputs never share bytes with its inputs, which are still live while it
runs, so generated loops may treat them as `restrict`.
"""
ALIGN = 64


def _round(n):
    return (n + ALIGN - 1) // ALIGN * ALIGN


def assign_buffers(program) -> int:
    """Set `offset` on every arena buffer and `program.arena_bytes`; returns the peak."""
    first, last = {}, {}
    for k, ins in enumerate(program.instrs):
        for b in ins.outs + ins.scratch + ins.reads:
            if b.kind == "arena":
                first.setdefault(id(b), k)
                last[id(b)] = k
    free = []                       # sorted list of (offset, size)
    top = 0
    by_id = {id(b): b for ins in program.instrs for b in ins.outs + ins.scratch + ins.reads}
    ending = {}
    for bid, k in last.items():
        ending.setdefault(k, []).append(by_id[bid])
    for k, ins in enumerate(program.instrs):
        for b in ins.outs + ins.scratch:
            if b.kind == "arena" and first[id(b)] == k and b.offset is None:
                b.offset, top = _allocate(free, _round(max(b.nbytes, 1)), top)
        for b in ending.get(k, []):
            _release(free, b.offset, _round(max(b.nbytes, 1)))
    program.arena_bytes = top
    return top


def _allocate(free, size, top):
    best = None
    for i, (off, sz) in enumerate(free):
        if sz >= size and (best is None or sz < free[best][1]):
            best = i
    if best is None:
        # grow the arena, merging a free block that ends at the top
        if free and free[-1][0] + free[-1][1] == top:
            off, _ = free.pop()
            return off, off + size
        return top, top + size
    off, sz = free.pop(best)
    if sz > size:
        free.insert(best, (off + size, sz - size))
    return off, top


def _release(free, offset, size):
    free.append((offset, size))
    free.sort()
    merged = []
    for off, sz in free:
        if merged and merged[-1][0] + merged[-1][1] == off:
            merged[-1] = (merged[-1][0], merged[-1][1] + sz)
        else:
            merged.append((off, sz))
    free[:] = merged
