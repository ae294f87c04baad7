"""Lowering: graph -> program, a flat list of instructions over buffers.

Every decision the code generator needs is made here, on data it can test:
- which nodes get storage (are *materialized*) and which are fused (*inlined*) into the
  loops of their consumers: elementwise chains fuse into one loop, views (broadcast,
  transpose, slice, reverse, size-1 reshapes) fold into index arithmetic, reductions and
  pads read their producers inline, so no intermediate buffer is made for any of them;
- what kind of storage: inputs and outputs (the caller's arrays), static constants,
  C locals for scalars, or the arena (planned later by `schedule.memory`);
- one instruction per materialized node, in topological order, plus LU factorisations
  shared by every solve/inv/det of one matrix (a solve with Aᵀ reuses A's factors).
"""
import numpy as np

from . import dtypes
from .ir import toposort
from .cost import element_cost
from .ops.core import scalar_value
from .ops.shape import unit_reshape_map
from .lower_calls import lower_call, lower_values_only
from .lower_program import LU_USERS, Buffer, Instr, Program, is_swap_last_two, leading_window
from .lower_loops import accumulators, lower_scan

CALLS = {"matmul", "matmul_add", "solve", "solve_triangular", "inv", "det", "slogdet", "cholesky", "qr", "svd",
         "eigh", "expm", "expm_frechet", "scan", "gather", "scatter_add", "argsort", "searchsorted",
         "last_writer", "linrec", "scatter_extremum"}
REDUCTIONS = {"reduce_sum", "reduce_max", "reduce_min", "reduce_prod"}
SCATTERS = {"pad", "concatenate"}
VIEWS = {"broadcast_to", "transpose", "slice", "rev", "take"}
CHEAP_RECOMPUTE = 8         # per-element cost below which a shared value is recomputed, not stored
LARGE_PROGRAM = 300         # materialized values beyond which scalars go to the arena
ADD_CHAIN = 8               # partial sums of longer chains of additions are stored


def _is_unit_reshape(node):
    return node.op.name == "reshape" and unit_reshape_map(node.inputs[0].shape, node.shape) is not None


def _is_view(node):
    return node.op.name in VIEWS or _is_unit_reshape(node)


def _is_elementwise(node):
    """Computed per element from operands at related indices: fusable into a loop.
    (A zero pad without interior padding is one: a guarded read of its operand.)"""
    return node.op.c is not None or _is_plain_pad(node)


def _is_plain_pad(node):
    return node.op.name == "pad" and not any(node.params["interior"])


def _replication(user, node):
    """How many times `user`'s loop evaluates each element of `node` (broadcasting)."""
    if user.op.name == "broadcast_to" or (user.op.c is not None and user.size > node.size):
        return user.size / max(node.size, 1)
    return 1


def _inlinable_reduction(node):
    """A reduction may be computed inside its reader's loop when its nested loop walks
    memory in order (the reduced axes are the trailing ones) or is short."""
    x, axes = node.inputs[0], node.params["axes"]
    trailing = axes == tuple(range(x.ndim - len(axes), x.ndim))
    return trailing or x.size // max(node.size, 1) <= 8


def decide_materialization(order, outputs) -> set:
    """Ids of the nodes that get storage; everything else is inlined into its consumer."""
    out_ids = {o.id for o in outputs}
    users = {n.id: [] for n in order}
    for n in order:
        for i in dict.fromkeys(n.inputs):          # distinct operands
            users[i.id].append(n)

    # A view is free to read many times when it only re-indexes stored data.
    stored_source = {}
    for n in order:
        if n.op.name in ("var", "const") or n.op.name in CALLS | {"tuple_get"} or \
                n.op.name in SCATTERS and not _is_plain_pad(n):
            stored_source[n.id] = True
        elif _is_view(n):
            stored_source[n.id] = stored_source[n.inputs[0].id]
        elif n.op.name == "reshape":
            stored_source[n.id] = True
        else:
            stored_source[n.id] = False

    # Costs assume unstored operands are recomputed; a second round, knowing what the
    # first stored, recomputes what has become cheap (a product read from a stored value).
    mat = _decide(order, out_ids, users, stored_source, _recompute_costs(order, stored_source, set()))
    mat = _decide(order, out_ids, users, stored_source, _recompute_costs(order, stored_source, mat))
    return _split_sum_chains(order, mat)


def _split_sum_chains(order, mat):
    """Store every ADD_CHAIN-th partial sum of a long chain of additions (a gradient summed
    over many uses): one fused loop over the whole chain would keep every term alive to
    the end; partial sums let each term die early, and the chain's arithmetic is unchanged."""
    depth = {}
    for n in order:
        if n.op.name in ("add", "sub") and n.id not in mat and n.size > 1:
            depth[n.id] = 1 + max((depth.get(i.id, 0) for i in n.inputs), default=0)
            if depth[n.id] >= ADD_CHAIN:
                mat.add(n.id)
                depth[n.id] = 0
    return mat


def _recompute_costs(order, stored_source, stored):
    """What recomputing each value costs per element, following operands back to stored
    data; operands in `stored` (decided stored in an earlier round) cost nothing to read."""
    recompute, read = {}, {}
    for n in order:
        if stored_source[n.id] or n.op.name in ("const", "iota"):
            cost = 0
        elif _is_elementwise(n):
            cost = element_cost(n) + sum(read[i.id] for i in dict.fromkeys(n.inputs))
        elif _is_view(n):
            cost = read[n.inputs[0].id]
        elif n.op.name in REDUCTIONS:
            x = n.inputs[0]
            cost = (read[x.id] + 1) * (x.size // max(n.size, 1))
        else:
            cost = 10**6
        recompute[n.id] = cost
        read[n.id] = 0 if n.id in stored else cost
    return recompute


def _decide(order, out_ids, users, stored_source, recompute):
    demanded, mat = set(), set()
    for n in reversed(order):
        name = n.op.name
        if name == "var" or (name == "const" and n.size > 1):
            mat.add(n.id)
        elif name == "const" or (name == "iota" and n.id not in out_ids and n.id not in demanded):
            pass                                    # a literal, or an index expression
        elif name in CALLS or name == "tuple_get" or name in SCATTERS and not _is_plain_pad(n):
            mat.add(n.id)
        elif name in REDUCTIONS and not _inlinable_reduction(n):
            mat.add(n.id)
        elif name == "reshape" and not _is_unit_reshape(n):
            mat.add(n.id)                           # an alias of its stored operand
            demanded.add(n.inputs[0].id)
        elif n.id in out_ids or n.id in demanded or name == "optimization_barrier":
            mat.add(n.id)
        elif _is_view(n) and stored_source[n.id]:
            pass
        else:
            # elementwise ops, views of computed values, and reductions: fused into the
            # loops of their readers unless sharing or broadcasting makes that costly
            us = users[n.id]
            if not us:
                mat.add(n.id)
            elif n.size == 1:
                if len(us) > 1 or any(u.size > 1 for u in us):
                    mat.add(n.id)                   # a C local, computed once
            elif len(us) > 1:
                if recompute[n.id] > CHEAP_RECOMPUTE:
                    mat.add(n.id)               # else: recomputed in each reader's loop
            elif us and _replication(us[0], n) > 1 and \
                    recompute[n.id] * _replication(us[0], n) > CHEAP_RECOMPUTE:
                mat.add(n.id)                       # do not recompute much under a broadcast
        # operands that calls need contiguous in memory
        if name in CALLS:
            for k, x in enumerate(n.inputs):
                if name == "scan" and k < n.params["body"].n_carry and scalar_value(x) is not None and \
                        k in accumulators(n.params["body"]):
                    continue                        # an accumulator starting at a constant: filled
                if name == "scan" and leading_window(x) is not None:
                    demanded.add(x.inputs[0].id)    # a pointer into the stored stack
                elif name in ("matmul", "solve", "solve_triangular") and k == 0 and is_swap_last_two(x) or \
                        name == "matmul" and k == 1 and is_swap_last_two(x) or \
                        name == "matmul_add" and k > 0 and is_swap_last_two(x):
                    demanded.add(x.inputs[0].id)    # passed as a transposed operand
                elif name in LU_USERS and k == 0 and is_swap_last_two(x):
                    demanded.add(x.inputs[0].id)
                else:
                    demanded.add(x.id)
        if name == "tuple_get":
            demanded.add(n.inputs[0].id)
    # Operands demanded after their own decision (a call reading a view, say).
    for n in order:
        if n.id in demanded:
            mat.add(n.id)
    return mat


class _Names:
    def __init__(self, prefix=""):
        self.count, self.prefix = {}, prefix

    def __call__(self, prefix):
        k = self.count.get(prefix, 0)
        self.count[prefix] = k + 1
        return f"{self.prefix}{prefix}{k}"


def lower(inputs, outputs, prefix="", plan_for=None) -> Program:
    """The program computing `outputs` from `inputs` (var nodes, in argument order);
    buffer names start with `prefix` (loop bodies are programs of their own).
    `plan_for(T, carry_bytes, tape_bytes)` gives the checkpoint plan of each scan whose
    reverse reads its stacked tapes (None: store them all)."""
    from .ops.scan import merge_scans
    from .scan_pairs import find_scan_pairs, lower_pair_forward, lower_pair_reverse
    outputs = merge_scans(outputs)
    order = toposort(outputs)
    pairs = find_scan_pairs(order) if plan_for is not None else {}
    pair_state = {}
    mat = decide_materialization(order, outputs)
    # Scalars live in C locals, unless the program is so long that the C compiler's
    # register allocation would dominate compile time: then in arena slots, as CasADi's
    # work vector, and the code generator splits the body into functions.
    large = len(mat) > LARGE_PROGRAM
    names = _Names(prefix)
    storage, buffers, instrs = {}, [], []

    def new_buffer(prefix, shape, dtype, kind, **kw):
        b = Buffer(names(prefix), tuple(shape), np.dtype(dtype), kind,
                   ctype=kw.pop("ctype", None) or dtypes.ctype(dtype), **kw)
        buffers.append(b)
        return b

    for k, v in enumerate(inputs):
        storage[v.id] = new_buffer("in", v.shape, v.dtype, "input", index=k)

    # Outputs write straight into the caller's arrays when their node is computed by an
    # instruction; otherwise (inputs, constants, aliases, repeats) a copy fills them.
    out_buffers = [new_buffer("out", o.shape, o.dtype, "output", index=k) for k, o in enumerate(outputs)]
    direct, copies = {}, []
    for o, b in zip(outputs, out_buffers):
        alias = o.op.name == "reshape" and o.inputs[0].id in mat
        computable = o.id in mat and o.op.name not in ("var", "const", "tuple_get") and not alias
        if computable and o.id not in direct:
            direct[o.id] = b
        else:
            copies.append((o, b))
    # tuple_get outputs: the decomposition writes its result straight into the output
    result_direct = {}
    for o, b in zip(outputs, out_buffers):
        if o.op.name == "tuple_get" and (o.inputs[0].id, o.params["index"]) not in result_direct \
                and any(c[1] is b for c in copies):
            result_direct[(o.inputs[0].id, o.params["index"])] = b
            copies = [c for c in copies if c[1] is not b]

    lu_cache = {}

    def storage_for(node):
        if node.id in direct:
            return direct[node.id]
        if node.size == 1 and node.op.name not in CALLS:
            return new_buffer("s", node.shape, node.dtype, "arena" if large else "local")
        return new_buffer("b", node.shape, node.dtype, "arena")

    def read_set(node):
        """Stored buffers read when computing `node` with its inlined producers."""
        seen, stack, result = set(), list(node.inputs), []
        while stack:
            x = stack.pop()
            if x.id in seen:
                continue
            seen.add(x.id)
            if x.id in storage:
                result.append(storage[x.id])
            elif x.id not in mat:
                stack.extend(x.inputs)
        return result

    taken = {(n.inputs[0].id, n.params["index"]) for n in order if n.op.name == "tuple_get"}

    def projected(node, k):
        """Whether result k of multiple-result `node` is read."""
        return (node.id, k) in taken

    def lu_of(a_node):
        """The instruction-produced LU factors of square (stack) `a_node`, shared."""
        if a_node.id not in lu_cache:
            n = a_node.shape[-1]
            batch = a_node.shape[:-2]
            lu = new_buffer("lu", batch + (n, n), a_node.dtype, "arena")
            piv = new_buffer("piv", batch + (n,), a_node.dtype, "arena", ctype="long")
            instrs.append(Instr("lu", a_node, [lu, piv], reads=[storage[a_node.id]]))
            lu_cache[a_node.id] = (lu, piv)
        return lu_cache[a_node.id]

    for node in order:
        if node.id not in mat or node.id in storage:
            continue
        name = node.op.name
        if name == "const":
            storage[node.id] = new_buffer("c", node.shape, node.dtype, "const",
                                          value=node.params["value"].array)
        elif name == "reshape" and node.inputs[0].id in storage:
            storage[node.id] = storage[node.inputs[0].id]           # an alias
        elif name == "tuple_get":
            storage[node.id] = storage[node.inputs[0].id][node.params["index"]]
        elif name == "scan" and node.id in pairs and pairs[node.id][0] == "forward":
            lower_pair_forward(node, pairs[node.id][1], storage, instrs, new_buffer, result_direct, names,
                               plan_for, pair_state)
        elif name == "scan" and node.id in pairs:
            lower_pair_reverse(node, pairs[node.id][1], storage, instrs, new_buffer, result_direct, names,
                               pair_state)
        elif name == "scan":
            lower_scan(node, storage, instrs, new_buffer, result_direct, names)
        elif name == "svd" and not any(projected(node, k) for k in (0, 2)) or \
                name == "eigh" and not projected(node, 1):
            lower_values_only(node, storage, instrs, new_buffer, result_direct)
        elif name in CALLS:
            lower_call(node, storage, instrs, new_buffer, lu_of, result_direct, direct, large)
        else:
            out = storage_for(node)
            storage[node.id] = out
            kind = "reduce" if name in REDUCTIONS else "pad" if not _is_elementwise(node) and name == "pad" else \
                "concat" if name == "concatenate" else "loop"
            instrs.append(Instr(kind, node, [out], reads=read_set(node)))
    for o, b in copies:
        instrs.append(Instr("copy", o, [b], reads=[storage[o.id]] if o.id in storage else []))
    instrs = fuse_sibling_reductions(instrs)
    inlined = {n.id for n in order if n.id not in mat}
    return Program(list(inputs), list(outputs), instrs, storage, buffers, inlined)


def _groupable(ins):
    """A reduction into memory (not a C local), which can share a loop nest with others."""
    return ins.kind == "reduce" and ins.outs[0].kind != "local"


def _same_domain(a, b):
    """Operand shapes one loop nest can walk: equal, or one shorter by a trailing axis short
    enough to be written out (UNROLL in codegen)."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return len(long_) == len(short) + 1 and long_[:-1] == short and long_[-1] <= 4


def fuse_sibling_reductions(instrs):
    """Merge reductions over operands of one domain into one loop nest ("reduce_group"), so
    that the operand is computed once per element for all of them (MDS's gradient sums
    its pair terms along both axes in one pass). A reduction moves down to its sibling
    only when nothing in between reads its result and the sibling does not either."""
    result = []
    for ins in instrs:
        if _groupable(ins):
            shape = ins.node.inputs[0].shape
            for k in range(len(result) - 1, -1, -1):
                prev = result[k]
                members = prev.extra.get("members", [prev])
                if prev.kind in ("reduce", "reduce_group") and all(map(_groupable, members)) \
                        and all(_same_domain(m.node.inputs[0].shape, shape) for m in members) \
                        and not any(o in ins.reads for o in prev.outs) \
                        and not any(o in later.reads for later in result[k + 1:] for o in prev.outs):
                    del result[k]
                    group = members + [ins]
                    ins = Instr("reduce_group", None, [m.outs[0] for m in group],
                                reads=[b for m in group for b in m.reads], extra={"members": group})
                    break
        result.append(ins)
    return result
