"""C for the call instructions: matrix products, LU (shared factors, solves, inverses,
determinants), Cholesky, QR, SVD, eigh and expm looping over batch axes; gathers,
scatters, argsort, searchsorted and linear recurrences on flattened stacks. A mixin of
the Emitter: it uses its `ref`, `need` and `piv`."""
import math

from .. import dtypes
from ..affine import broadcast_index, offset
from .expr import _SFX, _indent, _loops


def gemv_operands(m, n, k, a, lda, ta, b, ldb, tb, ldc):
    """c = op(a) op(b) (m×k by k×n, n == 1 or m == 1) as one matrix-vector product:
    (transposed, rows, cols, matrix, its leading dimension, vector, its stride, c's stride)."""
    if n == 1:          # c[i*ldc] = sum_j op(A)[i,j] op(B)[j]
        return ta, (k if ta else m), (m if ta else k), a, lda, b, (1 if tb else ldb), ldc
    # c[j] = sum_i op(A)[i] op(B)[i,j]: op(B)ᵀ times a vector
    return (not tb), (n if tb else k), (k if tb else n), b, ldb, a, (lda if ta else 1), 1


def _block(opens, closes, body):
    """`body` inside the batch loops `opens`/`closes`, in a block of its own."""
    return ["{"] + _indent(opens + _indent(body, 1) + closes, 1) + ["}"]


class CallEmitter:
    def ref(self, buf):
        return f"&{buf.name}" if buf.kind == "local" else self.refs[buf.name]

    def routine(self, name):
        """The C name of routine `name`: the LAPACK-backed one when linked, else the portable
        one (whose name says its method, as the LAPACK-backed one falls back on it)."""
        portable = {"trsolve": "gc_trsolve_loops", "svd": "gc_jacobi_svd", "svdvals": "gc_jacobi_svdvals",
                    "eigh": "gc_jacobi_eigh", "eigvalsh": "gc_jacobi_eigvalsh"}
        return f"gc_{name}" if self.blas else portable[name]

    def batch_loops(self, batch_shape):
        opens, closes, index = _loops(batch_shape, "n")
        return opens, closes, index

    def per_matrix(self, batch_shape, lines):
        """`lines(o)` in loops over a stack's batch axes, `o` the C expression of the
        matrix's position in the stack."""
        opens, closes, index = self.batch_loops(batch_shape)
        return _block(opens, closes, lines(offset(index, batch_shape).c()))

    def emit_lu(self, ins):
        a_node = ins.node
        lu, piv = ins.outs
        (a,) = ins.reads
        n = a_node.shape[-1]
        sfx = _SFX[a_node.dtype]
        self.need("lu", a_node.dtype)
        opens, closes, index = self.batch_loops(a_node.shape[:-2])
        off = offset(index, a_node.shape[:-2])
        body = [f"memcpy({self.ref(lu)} + ({off.c()}) * {n * n}, {self.ref(a)} + ({off.c()}) * {n * n}, "
                f"sizeof({lu.ctype}) * {n * n});",
                f"(void)gc_lu_factor{sfx}({n}, {self.ref(lu)} + ({off.c()}) * {n * n}, "
                f"{self.piv(piv)} + ({off.c()}) * {n});"]
        return _block(opens, closes, body)

    def emit_call(self, ins):
        return getattr(self, "call_" + ins.node.op.name)(ins)

    def call_matmul(self, ins):
        node = ins.node
        a, b = ins.reads
        ta, tb = ins.extra["ta"], ins.extra["tb"]
        out = ins.outs[0]
        a_node, b_node = node.inputs
        m, n = node.shape[-2:]
        k = a_node.shape[-1]
        batch = node.shape[:-2]
        opens, closes, index = self.batch_loops(batch)
        oa = offset(broadcast_index(index, a_node.shape[:-2], batch), a_node.shape[:-2])
        ob = offset(broadcast_index(index, b_node.shape[:-2], batch), b_node.shape[:-2])
        oc = offset(index, batch)
        lda = m if ta else k
        ldb = k if tb else n
        call = self.product(node.dtype, m, n, k, f"{self.ref(a)} + ({oa.c()}) * {m * k}", lda, ta,
                            f"{self.ref(b)} + ({ob.c()}) * {k * n}", ldb, tb, 0,
                            f"{self.ref(out)} + ({oc.c()}) * {m * n}", n)
        return _block(opens, closes, [call])

    def product(self, dtype, m, n, k, a, lda, ta, b, ldb, tb, beta, c, ldc):
        """The C call c = op(a) op(b) + beta c (row-major, m×k by k×n): matrix-vector
        products by csrc/gemv.c (threads sharing out the output, each reading the same
        part of the matrix every call), others by gc_gemm (the BLAS when linked)."""
        sfx = _SFX[dtype]
        if n == 1 or m == 1:
            self.need("gemv", dtype)
            trans, rows, cols, mat, ldm, x, incx, incy = gemv_operands(m, n, k, a, lda, ta, b, ldb, tb, ldc)
            return (f"gc_gemv{sfx}({int(trans)}, {rows}, {cols}, {mat}, {ldm}, {x}, {incx}, {beta}, {c}, {incy}, "
                    f"{int(self.threads)});")
        self.need("gemm_blas" if self.blas else "gemm", dtype)
        return f"gc_gemm{sfx}({m}, {n}, {k}, {a}, {lda}, {int(ta)}, {b}, {ldb}, {int(tb)}, {beta}, {c}, {ldc});"

    def call_matmul_add(self, ins):
        """out = c + op(a) op(b): c copied into out unless out is c's storage (an accumulator
        updated in place), then one GEMM with beta = 1."""
        node, out = ins.node, ins.outs[0]
        c, a, b = ins.reads
        m, n = node.shape
        k = node.inputs[1].shape[-1]
        ta, tb = ins.extra["ta"], ins.extra["tb"]
        return [f"if ((const void *){self.ref(out)} != (const void *){self.ref(c)}) "
                f"memcpy({self.ref(out)}, {self.ref(c)}, sizeof({out.ctype}) * {m * n});",
                self.product(node.dtype, m, n, k, self.ref(a), m if ta else k, ta, self.ref(b), k if tb else n, tb, 1,
                             self.ref(out), n)]

    def _lu_parts(self, ins):
        e = ins.extra
        return e["lu"], e["piv"], e["a_shape"], int(e["trans"])

    def _singular_check(self, lu, n, off):
        return [f"for (int d = 0; d < {n}; ++d) if ({self.ref(lu)}[({off.c()}) * {n * n} + d * {n + 1}] == 0) "
                "return 1;"]

    def call_solve(self, ins):
        node, out = ins.node, ins.outs[0]
        lu, piv, a_shape, trans = self._lu_parts(ins)
        b_node = node.inputs[1]
        b = ins.reads[2]
        n, nrhs = node.shape[-2:]
        sfx = _SFX[node.dtype]
        batch = node.shape[:-2]
        opens, closes, index = self.batch_loops(batch)
        oa = offset(broadcast_index(index, a_shape[:-2], batch), a_shape[:-2])
        ob = offset(broadcast_index(index, b_node.shape[:-2], batch), b_node.shape[:-2])
        oc = offset(index, batch)
        body = self._singular_check(lu, n, oa) + [
            f"memcpy({self.ref(out)} + ({oc.c()}) * {n * nrhs}, {self.ref(b)} + ({ob.c()}) * {n * nrhs}, "
            f"sizeof({out.ctype}) * {n * nrhs});",
            f"gc_lu_solve{sfx}({n}, {nrhs}, {self.ref(lu)} + ({oa.c()}) * {n * n}, "
            f"{self.piv(piv)} + ({oa.c()}) * {n}, {trans}, {self.ref(out)} + ({oc.c()}) * {n * nrhs});"]
        return _block(opens, closes, body)

    def call_solve_triangular(self, ins):
        """out = op(T)⁻¹ b: b copied into out, then solved in place. A transposed operand
        (a view of Xᵀ) is X with the other triangle and the opposite op."""
        node, out = ins.node, ins.outs[0]
        a, b = ins.reads
        a_node, b_node = node.inputs
        flip = ins.extra["ta"]
        lower, trans, unit = node.params["lower"] != flip, node.params["trans"] != flip, node.params["unit"]
        n, nrhs = node.shape[-2:]
        batch = node.shape[:-2]
        self.need("triangular", node.dtype)
        solve = self.routine("trsolve") + _SFX[node.dtype]
        opens, closes, index = self.batch_loops(batch)
        oa = offset(broadcast_index(index, a_node.shape[:-2], batch), a_node.shape[:-2])
        ob = offset(broadcast_index(index, b_node.shape[:-2], batch), b_node.shape[:-2])
        oc = offset(index, batch)
        body = [f"memcpy({self.ref(out)} + ({oc.c()}) * {n * nrhs}, {self.ref(b)} + ({ob.c()}) * {n * nrhs}, "
                f"sizeof({out.ctype}) * {n * nrhs});"]
        if not unit:
            body.append(f"for (int d = 0; d < {n}; ++d) if ({self.ref(a)}[({oa.c()}) * {n * n} + d * {n + 1}] == 0) "
                        "return 1;")
        body.append(f"{solve}({n}, {nrhs}, {self.ref(a)} + ({oa.c()}) * {n * n}, {int(lower)}, {int(trans)}, "
                    f"{int(unit)}, {self.ref(out)} + ({oc.c()}) * {n * nrhs});")
        return _block(opens, closes, body)

    def call_inv(self, ins):
        node, out = ins.node, ins.outs[0]
        lu, piv, a_shape, trans = self._lu_parts(ins)
        n = node.shape[-1]
        sfx = _SFX[node.dtype]
        opens, closes, index = self.batch_loops(node.shape[:-2])
        o = offset(index, node.shape[:-2])
        body = self._singular_check(lu, n, o) + [
            f"{out.ctype} *x = {self.ref(out)} + ({o.c()}) * {n * n};",
            f"for (int d = 0; d < {n * n}; ++d) x[d] = 0;",
            f"for (int d = 0; d < {n}; ++d) x[d * {n + 1}] = 1;",
            f"gc_lu_solve{sfx}({n}, {n}, {self.ref(lu)} + ({o.c()}) * {n * n}, "
            f"{self.piv(piv)} + ({o.c()}) * {n}, {trans}, x);"]
        return _block(opens, closes, body)

    def call_det(self, ins):
        node, out = ins.node, ins.outs[0]
        lu, piv, a_shape, _ = self._lu_parts(ins)
        n = a_shape[-1]
        sfx = _SFX[node.dtype]
        opens, closes, index = self.batch_loops(node.shape)
        o = offset(index, node.shape)
        body = [f"{self.ref(out)}[{o.c()}] = gc_lu_det{sfx}({n}, {self.ref(lu)} + ({o.c()}) * {n * n}, "
                f"{self.piv(piv)} + ({o.c()}) * {n});"]
        if out.kind == "local":
            body = [f"{out.name} = gc_lu_det{sfx}({n}, {self.ref(lu)}, {self.piv(piv)});"]
        return _block(opens, closes, body)

    def call_slogdet(self, ins):
        node = ins.node
        sign, logdet = ins.outs
        lu, piv, a_shape, _ = self._lu_parts(ins)
        n = a_shape[-1]
        sfx = _SFX[node.inputs[0].dtype]
        return self.per_matrix(a_shape[:-2], lambda o: [
            f"gc_lu_slogdet{sfx}({n}, {self.ref(lu)} + ({o}) * {n * n}, {self.piv(piv)} + ({o}) * {n}, "
            f"{self.ref(sign)} + ({o}), {self.ref(logdet)} + ({o}));"])

    def call_cholesky(self, ins):
        node, out = ins.node, ins.outs[0]
        (a,) = ins.reads
        n = node.shape[-1]
        sfx = _SFX[node.dtype]
        self.need("cholesky", node.dtype)
        return self.per_matrix(node.shape[:-2], lambda o: [
            f"if (gc_cholesky{sfx}({n}, {self.ref(a)} + ({o}) * {n * n}, {self.ref(out)} + ({o}) * {n * n})) return 2;"])

    def call_expm(self, ins):
        """e^a, or L(a, e) (expm_frechet: stacks of a and e broadcast), by csrc/expm.c,
        which calls the pasted gc_gemm and LU."""
        (out,), (work,), node = ins.outs, ins.scratch, ins.node
        n, sfx, batch = node.shape[-1], _SFX[node.dtype], node.shape[:-2]
        for helper in ("gemm_blas" if self.blas else "gemm", "lu", "expm"):
            self.need(helper, node.dtype)
        opens, closes, index = self.batch_loops(batch)
        operands = [f"{self.ref(buf)} + ({offset(broadcast_index(index, x.shape[:-2], batch), x.shape[:-2]).c()}) "
                    f"* {n * n}" for buf, x in zip(ins.reads, node.inputs)]
        name = "gc_expm_frechet" if len(operands) == 2 else "gc_expm"
        result = f"{self.ref(out)} + ({offset(index, batch).c()}) * {n * n}"
        return _block(opens, closes, [f"{name}{sfx}({n}, {', '.join(operands)}, {result}, {self.ref(work)});"])

    call_expm_frechet = call_expm

    def call_qr(self, ins):
        q, r = ins.outs
        (a,), (work,) = ins.reads, ins.scratch
        a_node = ins.node.inputs[0]
        m, n = a_node.shape[-2:]
        k = min(m, n)
        self.need("qr", a_node.dtype)
        return self.per_matrix(a_node.shape[:-2], lambda o: [
            f"gc_qr{_SFX[a_node.dtype]}({m}, {n}, {self.ref(a)} + ({o}) * {m * n}, {self.ref(q)} + ({o}) * {m * k}, "
            f"{self.ref(r)} + ({o}) * {k * n}, {self.ref(work)});"])

    def call_svd(self, ins):
        node = ins.node
        if ins.extra.get("values_only"):
            return self.call_values_only(ins)
        u, s, vt = ins.outs
        (a,) = ins.reads
        (work,) = ins.scratch
        a_node = node.inputs[0]
        m, n = a_node.shape[-2:]
        k = min(m, n)
        sfx = _SFX[a_node.dtype]
        self.need("svd", a_node.dtype)
        if node.params["full_matrices"] and m != n:
            raise NotImplementedError("compiling svd with full_matrices=True (use full_matrices=False)")
        return self.per_matrix(a_node.shape[:-2], lambda o: [
            f"if ({self.routine('svd')}{sfx}({m}, {n}, {self.ref(a)} + ({o}) * {m * n}, "
            f"{self.ref(u)} + ({o}) * {m * k}, "
            f"{self.ref(s)} + ({o}) * {k}, {self.ref(vt)} + ({o}) * {k * n}, {self.ref(work)})) return 3;"])

    def call_values_only(self, ins):
        """Singular values or eigenvalues alone (the decomposition's vectors are never read)."""
        (out,), (a,), (work,) = ins.outs, ins.reads, ins.scratch
        a_node = ins.node.inputs[0]
        m, n = a_node.shape[-2:]
        sfx = _SFX[a_node.dtype]
        svd = ins.node.op.name == "svd"
        self.need("svd" if svd else "eigh", a_node.dtype)
        call = f"{self.routine('svdvals')}{sfx}({m}, {n}, " if svd else f"{self.routine('eigvalsh')}{sfx}({n}, "
        return self.per_matrix(a_node.shape[:-2], lambda o: [
            f"if ({call}{self.ref(a)} + ({o}) * {m * n}, {self.ref(out)} + ({o}) * {out.shape[-1]}, "
            f"{self.ref(work)})) return {3 if svd else 4};"])

    def call_eigh(self, ins):
        node = ins.node
        if ins.extra.get("values_only"):
            return self.call_values_only(ins)
        w, v = ins.outs
        (a,) = ins.reads
        (work,) = ins.scratch
        a_node = node.inputs[0]
        n = a_node.shape[-1]
        sfx = _SFX[a_node.dtype]
        self.need("eigh", a_node.dtype)
        return self.per_matrix(a_node.shape[:-2], lambda o: [
            f"if ({self.routine('eigh')}{sfx}({n}, {self.ref(a)} + ({o}) * {n * n}, {self.ref(w)} + ({o}) * {n}, "
            f"{self.ref(v)} + ({o}) * {n * n}, {self.ref(work)})) return 4;"])

    # ------------------------------------------------------------ data-dependent indexing

    def call_gather(self, ins):
        """csrc/indexing.c's gather or scatter-add over the flattened stacks."""
        node, (out,) = ins.node, ins.outs
        values, idx = ins.reads
        bd = node.params["batch_dims"]
        idx_node = node.inputs[1]
        nb = math.prod(idx_node.shape[:bd])
        ni = math.prod(idx_node.shape[bd:])
        if node.op.name == "gather":
            table = node.inputs[0]
            n, rest = table.shape[bd], math.prod(table.shape[bd + 1:])
        else:
            n, rest = node.params["n"], math.prod(node.inputs[0].shape[idx_node.ndim:])
        self.need("indexing", node.dtype)
        return [f"if (gc_{node.op.name}{_SFX[node.dtype]}({nb}, {n}, {rest}, {ni}, {self.ref(values)}, "
                f"{self.ref(idx)}, {self.ref(out)})) return 5;"]

    call_scatter_add = call_gather

    def call_scatter_extremum(self, ins):
        """csrc/indexing.c's scatter-max/min: the operand copied, then the updates combined in."""
        node, (out,) = ins.node, ins.outs
        x, upd, idx = ins.reads
        bd = node.params["batch_dims"]
        idx_node = node.inputs[2]
        nb, ni = math.prod(idx_node.shape[:bd]), math.prod(idx_node.shape[bd:])
        n, rest = node.shape[bd], math.prod(node.shape[bd + 1:])
        self.need("indexing", node.dtype)
        return [f"if (gc_scatter_extremum{_SFX[node.dtype]}({nb}, {n}, {rest}, {ni}, {self.ref(x)}, {self.ref(upd)}, "
                f"{self.ref(idx)}, {int(node.params['maximum'])}, {self.ref(out)})) return 5;"]

    def call_last_writer(self, ins):
        (idx,), (out,) = ins.reads, ins.outs
        node = ins.node
        bd = node.params["batch_dims"]
        nb = math.prod(node.inputs[0].shape[:bd])
        self.need("indexing", dtypes.float64)
        return [f"if (gc_last_writer_f64({nb}, {node.params['n']}, {node.inputs[0].size // max(nb, 1)}, "
                f"{self.ref(idx)}, {self.ref(out)})) return 5;"]

    def call_linrec(self, ins):
        (a, b), (out,) = ins.reads, ins.outs
        node = ins.node
        n = node.shape[-1]
        self.need("cumulative", node.dtype)
        return [f"gc_linrec{_SFX[node.dtype]}({node.size // max(n, 1)}, {n}, {self.ref(a)}, "
                f"{int(node.inputs[0].ndim > 0)}, {self.ref(b)}, {int(node.params['reverse'])}, {self.ref(out)});"]

    def call_argsort(self, ins):
        (x,), (out,), (work,) = ins.reads, ins.outs, ins.scratch
        x_node = ins.node.inputs[0]
        n = x_node.shape[-1]
        self.need("indexing", x_node.dtype)
        return [f"gc_argsort{_SFX[x_node.dtype]}({x_node.size // max(n, 1)}, {n}, {self.ref(x)}, "
                f"{int(ins.node.params['descending'])}, {self.ref(out)}, {self.ref(work)});"]

    def call_searchsorted(self, ins):
        (a, v), (out,) = ins.reads, ins.outs
        node = ins.node
        a_node, v_node = node.inputs
        bd = node.params["batch_dims"]
        nb = math.prod(a_node.shape[:bd])
        self.need("indexing", a_node.dtype)
        return [f"gc_searchsorted{_SFX[a_node.dtype]}({nb}, {a_node.shape[-1]}, {v_node.size // max(nb, 1)}, "
                f"{self.ref(a)}, {self.ref(v)}, {int(node.params['right'])}, {self.ref(out)});"]
