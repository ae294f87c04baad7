"""Lowering of the calls (matrix products, factorisations and their users): the
instruction of one call node, its result buffers and the scratch its C routine needs.
Part of `lower`, which decides what is materialized and walks the graph."""
from .lower_program import Instr, LU_USERS, is_swap_last_two


def lower_call(node, storage, instrs, new_buffer, lu_of, result_direct, direct, large):
    name = node.op.name

    def operand(x):
        """(buffer, transposed) for a call operand."""
        if x.id in storage:
            return storage[x.id], False
        if is_swap_last_two(x) and x.inputs[0].id in storage:
            return storage[x.inputs[0].id], True
        raise AssertionError(f"operand {x!r} of {name} was not materialized")

    if node.op.multiple_results:
        outs = []
        for k, (shape, dtype) in enumerate(zip(node.shape, node.dtype)):
            b = result_direct.get((node.id, k)) or new_buffer("r", shape, dtype, "arena")
            outs.append(b)
        storage[node.id] = outs
    else:
        out = direct.get(node.id) or (new_buffer("s", node.shape, node.dtype, "local")
                                      if node.size == 1 and name == "det" and not large
                                      else new_buffer("b", node.shape, node.dtype, "arena"))
        outs = [out]
        storage[node.id] = out

    extra, reads, scratch = {}, [], []
    if name == "matmul":
        (a, ta), (b, tb) = operand(node.inputs[0]), operand(node.inputs[1])
        extra.update(ta=ta, tb=tb)
        reads = [a, b]
    elif name == "matmul_add":
        (a, ta), (b, tb) = operand(node.inputs[1]), operand(node.inputs[2])
        extra.update(ta=ta, tb=tb)
        reads = [operand(node.inputs[0])[0], a, b]
    elif name in LU_USERS:
        a_node = node.inputs[0]
        trans = False
        if a_node.id not in storage and is_swap_last_two(a_node):
            a_node, trans = a_node.inputs[0], True
        lu, piv = lu_of(a_node)
        extra.update(trans=trans, lu=lu, piv=piv, a_shape=a_node.shape)
        reads = [lu, piv]
        if name == "solve":
            reads.append(operand(node.inputs[1])[0])
    elif name == "solve_triangular":
        (a, ta), (b, _) = operand(node.inputs[0]), operand(node.inputs[1])
        extra.update(ta=ta)
        reads = [a, b]
    elif name == "cholesky":
        reads = [operand(node.inputs[0])[0]]
    elif name == "eigh":
        reads = [operand(node.inputs[0])[0]]
        n = node.inputs[0].shape[-1]
        scratch = [new_buffer("work", (eigh_work(n),), node.inputs[0].dtype, "arena")]
    elif name in ("expm", "expm_frechet"):
        reads = [operand(x)[0] for x in node.inputs]
        n = node.shape[-1]
        scratch = [new_buffer("work", (expm_work(n),), node.dtype, "arena")]
    elif name == "qr":
        reads = [operand(node.inputs[0])[0]]
        m, n = node.inputs[0].shape[-2:]
        scratch = [new_buffer("work", (qr_work(m, n),), node.inputs[0].dtype, "arena")]
    elif name == "svd":
        reads = [operand(node.inputs[0])[0]]
        m, n = node.inputs[0].shape[-2:]
        scratch = [new_buffer("work", (svd_work(m, n),), node.inputs[0].dtype, "arena")]
    elif name in ("gather", "scatter_add", "scatter_extremum", "searchsorted", "last_writer", "linrec"):
        reads = [operand(x)[0] for x in node.inputs]
    elif name == "argsort":
        reads = [operand(node.inputs[0])[0]]
        scratch = [new_buffer("work", (argsort_work(node.shape[-1], node.inputs[0].dtype.itemsize),),
                              node.inputs[0].dtype, "arena")]
    instrs.append(Instr("call", node, outs, reads=reads, scratch=scratch, extra=extra))


def lower_values_only(node, storage, instrs, new_buffer, result_direct):
    """An SVD or symmetric eigendecomposition of which only the values are read: one call
    computing no vectors (LAPACK's gesdd with jobz = 'N' is about 3x faster than with
    vectors at 100x50; syevd likewise)."""
    a_node, values = node.inputs[0], 1 if node.op.name == "svd" else 0
    out = result_direct.get((node.id, values)) or new_buffer("r", node.shape[values], node.dtype[values], "arena")
    storage[node.id] = [out if k == values else None for k in range(len(node.shape))]
    m, n = a_node.shape[-2:]
    size = svd_work(m, n) if node.op.name == "svd" else eigh_work(n)
    scratch = [new_buffer("work", (size,), a_node.dtype, "arena")]
    instrs.append(Instr("call", node, [out], reads=[storage[a_node.id]], scratch=scratch,
                        extra={"values_only": True}))


def eigh_work(n) -> int:
    """Elements of scratch the eigh routines need (gc_eigh_work of csrc/lapack_eigh.c counted in
    4-byte units, which also covers csrc/eigh.c)."""
    return n * n + 1 + 6 * n + 2 * n * n + 2 * (3 + 5 * n) + 8


def expm_work(n) -> int:
    """Elements of scratch the expm routines need (gc_expm_work of csrc/expm.c: 19 n² and
    the pivots, counted in 4-byte units)."""
    return 19 * n * n + 2 * n


def qr_work(m, n) -> int:
    """Elements of scratch the QR routines need (gc_qr_work of csrc/qr.c and csrc/lapack_qr.c)."""
    return m * n + min(m, n) + 64 * max(m, n)


def argsort_work(n, itemsize) -> int:
    """Elements of scratch gc_argsort of csrc/indexing.c needs: 24 n bytes, and the digit
    counts (6 passes of 2048 ints) when it sorts by radix (n > GC_ARGSORT_MERGE_MAX)."""
    return -(-(24 * n + (6 * 2048 * 4 if n > 256 else 0)) // itemsize) + 1


def svd_work(m, n) -> int:
    """Elements of scratch the SVD routines need: at least gc_svd_work of csrc/lapack_svd.c
    (a copy of A, LAPACK's work and iwork, counted in 4-byte units) and of csrc/svd.c."""
    k, big = min(m, n), max(m, n)
    lapack = m * n + 3 * k + max(4 * k * k + 4 * k, big) + 64 + 16 * k + (k * (m + n) if m > n else 0)
    portable = (m + n) * (m + n) + 4 * (m + n) + 64
    return max(lapack, portable)
