"""Sparse Jacobians, as CasADi computes them for optimal control: the structural sparsity
pattern of ∂y/∂x found from the graph (which entries of x each entry of y can depend on),
a greedy colouring of its columns (or rows) so that structurally orthogonal ones share one
pass, and one batched forward (or reverse) pass per colour instead of one per entry.

`jacobian_sparsity(y, x)` is the pattern (a SciPy CSR matrix of ones, y.size × x.size);
`sparse_jacobian(y, x)` returns the nonzero values (a tensor, the pattern's CSR order) and
the pattern; `sparse_hessian(y, x)` is that of the gradient. Patterns propagate element
by element: elementwise ops follow broadcasting, data movement (reshape, transpose,
slices, padding, gathers, concatenation) follows the op applied to element indices,
reductions gather what they reduce, matrix products follow the nonzeros of a constant
factor; any other op is taken as dense (every output entry depends on every entry its
inputs depend on), which is safe and only costs colours."""
import functools

import numpy as np
import scipy.sparse as sp

from .. import dtypes
from ..ir import toposort
from ..ops.core import const
from ..ops.shape import iota, reshape, take
from .transforms import grad, pullbacks, pushforwards

MOVES = {"reshape", "transpose", "broadcast_to", "slice", "rev", "take", "pad", "concatenate"}
REDUCTIONS = {"reduce_sum", "reduce_max", "reduce_min", "reduce_prod"}
MAX_ENTRIES = 50_000_000       # a pattern beyond this is not sparse: say so instead of exhausting memory


def _check(p, what):
    if p is not None and p.nnz > MAX_ENTRIES:
        raise ValueError(f"jacobian_sparsity: the pattern of {what} has {p.nnz} entries; the Jacobian is "
                         "not sparse enough for colouring (use gc.jacobian)")
    return p


def _gather(index, p):
    """Rows `index` of pattern p (index −1: no dependence)."""
    keep = index >= 0
    rows = np.where(keep, index, 0)
    out = p[rows]
    if not keep.all():
        out = sp.diags(keep.astype(np.int8), dtype=np.int8) @ out
    return out


def _dense(size, parts, n, label):
    """`size` entries, each depending on everything the inputs' parts depend on."""
    union = None
    for p in parts:
        if p is not None:
            row = (abs(p).sum(axis=0) > 0).astype(np.int8)
            union = row if union is None else np.maximum(union, row)
    if union is None:
        return None
    cols = np.flatnonzero(np.asarray(union).ravel())
    if size * len(cols) > MAX_ENTRIES:
        raise ValueError(f"jacobian_sparsity: {label} would depend densely on {len(cols)} entries of x "
                         f"for each of its {size}; the Jacobian is not sparse enough for colouring (use gc.jacobian)")
    data = np.ones(size * len(cols), dtype=np.int8)
    return sp.csr_matrix((data, (np.repeat(np.arange(size), len(cols)), np.tile(cols, size))), shape=(size, n))


def _elementwise(node, parts):
    total = None
    for x, p in zip(node.inputs, parts):
        if p is None:
            continue
        index = np.broadcast_to(np.arange(x.size).reshape(x.shape), node.shape).ravel()
        q = _gather(index, p)
        total = q if total is None else total + q
    return total


def _moved(node, parts):
    """Data movement: the op applied to element indices (+1, so a padded 0 means none)."""
    total = None
    for k, (x, p) in enumerate(zip(node.inputs, parts)):
        if p is None:
            continue
        arrays = [np.zeros(i.shape) for i in node.inputs]
        arrays[k] = np.arange(1, x.size + 1, dtype=np.float64).reshape(x.shape)
        index = np.asarray(node.op.ref(*arrays, **node.params)).ravel().astype(np.int64) - 1
        q = _gather(index, p)
        total = q if total is None else total + q
    return total


def _reduced(node, part):
    x, axes = node.inputs[0], node.params["axes"]
    kept = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
    target = np.broadcast_to(np.arange(int(np.prod(kept))).reshape(kept), x.shape).ravel()
    gather = sp.csr_matrix((np.ones(x.size, dtype=np.int8), (target, np.arange(x.size))),
                           shape=(node.size if node.shape else 1, x.size))
    return gather @ part


def _mask(t):
    """The nonzero pattern of a constant operand, else all ones (structural)."""
    if t.op.name == "const":
        return sp.csr_matrix(t.params["value"].array != 0, dtype=np.int8)
    return sp.csr_matrix(np.ones(t.shape, dtype=np.int8))


def _matmul(node, parts, n):
    a, b = node.inputs
    if a.ndim != 2 or b.ndim != 2:
        return _dense(node.size, parts, n, _label(node))
    m, k = a.shape
    cols = b.shape[1]
    total = None
    if parts[0] is not None:      # out[i, j] ← a[i, k] where b[k, j] may be nonzero
        total = sp.kron(sp.identity(m, dtype=np.int8), _mask(b).T, format="csr") @ parts[0]
    if parts[1] is not None:      # out[i, j] ← b[k, j] where a[i, k] may be nonzero
        q = sp.kron(_mask(a), sp.identity(cols, dtype=np.int8), format="csr") @ parts[1]
        total = q if total is None else total + q
    return total


def jacobian_sparsity(y, x):
    """The structural sparsity of ∂y/∂x: a SciPy CSR matrix (int8 ones) of shape
    (y.size, x.size), entry (i, j) present when y's i-th entry (row-major) can depend on
    x's j-th."""
    n = x.size
    pattern = {}
    for node in toposort([y]):
        if node.id == x.id:
            pattern[node.id] = sp.identity(n, dtype=np.int8, format="csr")
            continue
        op = node.op
        if node.op.name == "tuple_get":
            parent = pattern.get(node.inputs[0].id)
            pattern[node.id] = None if parent is None else parent[node.params["index"]]
            continue
        parts = [pattern.get(i.id) if getattr(op, "vjp_all", None) or op.rule("jvp", k) is not None else None
                 for k, i in enumerate(node.inputs)]
        if all(p is None for p in parts):
            pattern[node.id] = None
            continue
        if op.multiple_results:
            if op.user_rule:                         # its results are its first inputs
                pattern[node.id] = parts[:len(node.shape)]
            else:
                pattern[node.id] = [_dense(int(np.prod(s, dtype=np.int64)), parts, n, _label(node))
                                    for s in node.shape]
            continue
        if op.c is not None:
            p = _elementwise(node, parts)
        elif op.name in MOVES:
            p = _moved(node, parts)
        elif op.name in REDUCTIONS:
            p = _reduced(node, parts[0])
        elif op.name == "matmul":
            p = _matmul(node, parts, n)
        else:
            p = _dense(node.size, parts, n, _label(node))
        pattern[node.id] = _check(None if p is None else (p != 0).astype(np.int8).tocsr(), _label(node))
    p = pattern.get(y.id)
    if p is None:
        return sp.csr_matrix((y.size, n), dtype=np.int8)
    p = p.tocsr()
    p.sort_indices()
    return p


def _label(node):
    return f"%{node.id} ({node.op.name})"


def colour(pattern) -> np.ndarray:
    """A greedy colouring of `pattern`'s columns: columns that share a row differ in colour
    (in C, csrc/colour.c: 10^5 columns in milliseconds, the Python loop took 0.6 s)."""
    from ..build import ffi
    csc, csr = pattern.tocsc(), pattern.tocsr()
    n = pattern.shape[1]
    arrays = [np.array([n], dtype=np.int64)] + [np.ascontiguousarray(a, dtype=np.int64) for a in
                                                (csc.indptr, csc.indices, csr.indptr, csr.indices)]
    colours, mark = np.empty(n, dtype=np.int64), np.empty(n + 1, dtype=np.int64)
    pointer = lambda a: ffi.cast("void *", a.ctypes.data)       # noqa: E731
    _colouring_kernel()[1](ffi.new("void *[]", [pointer(a) for a in arrays]),
                           ffi.new("void *[]", [pointer(colours)]), pointer(mark))
    return colours


@functools.lru_cache(maxsize=None)
def _colouring_kernel():
    """(library, entry) of csrc/colour.c, built through the kernel cache once."""
    from ..build import build, load
    from ..codegen.csrc import source
    return load(build(source("colour")))


def sparse_jacobian(y, x):
    """(values, pattern): the nonzeros of ∂y/∂x in the CSR order of `pattern`
    (`jacobian_sparsity(y, x)`), by one batched forward pass per colour of the pattern's
    columns, or one reverse pass per colour of its rows when those are fewer.

    >>> values, pattern = gc.sparse_jacobian(residual, z)
    >>> J = pattern.astype(float); J.data[:] = f(z0)      # a SciPy CSR Jacobian
    """
    if y.dtype not in dtypes.FLOATS or x.dtype not in dtypes.FLOATS:
        raise TypeError("sparse_jacobian: y and x must be floating-point tensors")
    pattern = jacobian_sparsity(y, x)
    rows = np.repeat(np.arange(pattern.shape[0]), np.diff(pattern.indptr))
    cols = pattern.indices
    if pattern.nnz == 0:
        return reshape(const(np.zeros(0), y.dtype), (0,)), pattern
    col_colours, row_colours = colour(pattern), colour(pattern.T.tocsr())
    m, n = y.size, x.size
    if col_colours.max() <= row_colours.max():             # forward: J S, S[j, colour(j)] = 1
        c = int(col_colours.max()) + 1
        stacked = pushforwards(y, x, _seeds(col_colours, c, x))
        index, size = col_colours[cols] * m + rows, c * m
    else:                                                   # reverse: Sᵀ J, S[i, colour(i)] = 1
        c = int(row_colours.max()) + 1
        stacked = pullbacks(y, x, _seeds(row_colours, c, y))
        index, size = row_colours[rows] * n + cols, c * n
    return take(reshape(stacked, (size,)), index), pattern


def _seeds(colours, c, like):
    """(c,) + like.shape: seed k is 1 on the entries of colour k (an expression of a stored
    colour per entry, not a c × size constant)."""
    per_entry = const(colours.astype(np.float64), like.dtype)
    k = iota((c, like.size), 0, like.dtype)
    return reshape((k == per_entry) * const(1.0, like.dtype), (c,) + like.shape)


def sparse_hessian(y, x):
    """(values, pattern) of the Hessian of scalar `y` w.r.t. `x`: `sparse_jacobian` of its
    gradient (the gradient graph's structure gives the pattern: tridiagonal for a chain)."""
    if y.shape != ():
        raise ValueError(f"sparse_hessian: the output must be a scalar, got shape {y.shape}")
    return sparse_jacobian(grad(y, x), x)
