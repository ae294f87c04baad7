/* LU (pivots: LAPACK's 64-bit integers, 1-based), its solves, determinants, and triangular
 * solves with LAPACK's factors and contracts (those of csrc/lu.c and csrc/triangular.c):
 * small matrices in plain loops (the library's fixed cost per call), medium ones blocked
 * here on csrc/gemv.c's register tiles (OpenBLAS's getrf and trsm gain nothing from its
 * threads there), large ones through LAPACK. csrc/triangular.c and csrc/gemv.c come first,
 * and csrc/pool.c where the kernel may use OpenBLAS's threads.
 * The LAPACK and BLAS that NumPy's wheels bundle (OpenBLAS; ILP64 symbols scipy_<name>_64_).
 * Row-major arrays are LAPACK's column-major arrays transposed; each routine works on
 * that transpose. */
#define GC_PIV_T long        /* the pivots' C type and first index (for csrc/lu_det.c, expm.c) */
#define GC_PIV_BASE 1
void LAPACK_GETRF(const long *m, const long *n, REAL *a, const long *lda, long *ipiv, long *info);
void CBLAS_TRSM(int order, int side, int uplo, int trans, int diag, long m, long n, REAL alpha,
                const REAL *a, long lda, REAL *b, long ldb);
void CBLAS_TRSV(int order, int uplo, int trans, int diag, long n, const REAL *a, long lda, REAL *x, long incx);

/* Up to this order the LU and triangular solves run as plain loops: OpenBLAS's getrf
 * costs about twice the unblocked loops up to n = 64 (0.31 vs 0.09 µs at n = 4, 38 vs 21
 * µs at 64; even at 96), and each BLAS call has a fixed cost the small solves cannot hide. */
#define GC_LU_LOOPS_MAX 64
#define GC_LU_BLOCKED_MAX 800      /* from here OpenBLAS's getrf (gc_getrf_blocked_SFX) */
#define GC_TRSOLVE_LOOPS_WORK 4096
/* The blocked solve against trsm on two threads (graphc ÷ scipy, this machine): n ≤ 100 with
 * 8 to n right-hand sides 0.23-0.86; n = nrhs = 200 / 300 / 600 0.72 / 0.81 / 0.92; but
 * n = 300-600 with 12-40 right-hand sides 1.4-4 (each block's update streams the rest of
 * B, and trsm's threads pay off there), so: 8 or more right-hand sides, and n ≤ 128 or
 * at least n/2 of them. */
#define GC_TRSOLVE_BLOCKED_RHS 8
#define GC_TRSOLVE_BLOCKED_SMALL 128
#define GC_TRSOLVE_BLOCKED_MAX 1000

/* Columns j0..j1 of the column-major n×n matrix m factored unblocked, as LAPACK's getf2
 * (M = P L U, pivots 1-based), rows swapped within those columns; *info set at the first
 * zero pivot. The whole matrix (j0 = 0, j1 = n) is getf2 itself; a panel of the blocked LU
 * otherwise. */
static GC_UNUSED void gc_lu_panel_SFX(int n, REAL *m, long *piv, int j0, int j1, long *info)
{
    for (int j = j0; j < j1; ++j) {
        REAL *cj = m + (long)j * n, best = FABS(cj[j]);
        int p = j;
        for (int i = j + 1; i < n; ++i)
            if (FABS(cj[i]) > best) { best = FABS(cj[i]); p = i; }
        piv[j] = p + 1;
        if (cj[p] == 0) {
            if (!*info) *info = j + 1;
            continue;
        }
        if (p != j)
            for (int c = j0; c < j1; ++c) {
                REAL *col = m + (long)c * n, t = col[j];
                col[j] = col[p];
                col[p] = t;
            }
        const REAL r = 1 / cj[j];
        for (int i = j + 1; i < n; ++i) cj[i] *= r;
        for (int c = j + 1; c < j1; ++c) {
            REAL *col = m + (long)c * n;
            const REAL u = col[j];
            for (int i = j + 1; i < n; ++i) col[i] -= cj[i] * u;
        }
    }
}

/* LAPACK's getrf blocked (right-looking), on the column-major n×n matrix m: panels of
 * GC_LU_PANEL columns factored unblocked, their row swaps applied to the other columns
 * (column by column: each column's swaps within its own n entries), and, GC_LU_CHUNK
 * columns at a time, U's block row (those columns' panel rows copied side by side, solved
 * by L11 a row at a time, copied back) and the trailing matrix's rank-GC_LU_PANEL update
 * (csrc/gemv.c's register tiles, L21 read in place). Against OpenBLAS's getrf (this
 * machine, one thread): n = 200 177 vs 239 us, n = 400 1.15 vs 1.46 ms; it wins from
 * n ~ 1000 with its two threads. */
#define GC_LU_PANEL 16
#define GC_LU_CHUNK 256

/* rows j and piv[j] - 1 of column `col` swapped, for j = j0..j1 in order */
static GC_UNUSED void gc_lu_swap_column_SFX(REAL *col, const long *piv, int j0, int j1)
{
    for (int j = j0; j < j1; ++j) {
        const long p = piv[j] - 1;
        if (p != j) {
            const REAL t = col[j];
            col[j] = col[p];
            col[p] = t;
        }
    }
}

/* Columns lo..hi (all past the panel j0..j1) after the panel: its swaps, U12, the update. */
static GC_UNUSED void gc_lu_trailing_SFX(REAL *m, const long *piv, int n, int j0, int j1, int lo, int hi)
{
    const int nb = j1 - j0;
    REAL u[GC_LU_PANEL * GC_LU_CHUNK];
    for (int c0 = lo; c0 < hi; c0 += GC_LU_CHUNK) {
        const int w = hi - c0 < GC_LU_CHUNK ? hi - c0 : GC_LU_CHUNK;
        for (int c = 0; c < w; ++c) {                 /* the swaps, and u = A12's columns c0.. side by side */
            REAL *col = m + (long)(c0 + c) * n;
            gc_lu_swap_column_SFX(col, piv, j0, j1);
            for (int k = 0; k < nb; ++k)
                u[(long)k * w + c] = col[j0 + k];
        }
        /* U12 = L11⁻¹ A12 (L11[k][j] at m[j0 + k + (j0 + j) n]) */
        gc_block_solve_SFX(nb, w, m + j0 + (long)j0 * n, 1, n, 1, 1, u, w);
        for (int c = 0; c < w; ++c)
            for (int k = 0; k < nb; ++k)
                m[(long)(c0 + c) * n + j0 + k] = u[(long)k * w + c];
        /* A22 -= L21 U12 on these columns, as its transpose (a row per column of M, from
         * entry j1): P = U12 (u, row k), Q = L21ᵀ (row k: column j0 + k of M from entry j1) */
        gc_rank_update_strided_SFX(0, w, n - j1, nb, u, w, 1, m + j1 + (long)j0 * n, n, m + j1 + (long)c0 * n, n, 1);
    }
}

static GC_UNUSED void gc_lu_trailing_serial_SFX(REAL *m, const long *piv, int n, int j0, int j1)
{
    gc_lu_trailing_SFX(m, piv, n, j0, j1, j1, n);
}

/* `trailing(m, piv, n, j0, j1)` does gc_lu_trailing's work on every column past j1 */
static GC_UNUSED long gc_getrf_blocked_SFX(int n, REAL *m, long *piv,
                                           void (*trailing)(REAL *, const long *, int, int, int))
{
    long info = 0;
    for (int j0 = 0; j0 < n; j0 += GC_LU_PANEL) {
        const int j1 = n - j0 < GC_LU_PANEL ? n : j0 + GC_LU_PANEL;
        gc_lu_panel_SFX(n, m, piv, j0, j1, &info);
        for (int c = 0; c < j0; ++c)                      /* the panel's swaps on L's columns */
            gc_lu_swap_column_SFX(m + (long)c * n, piv, j0, j1);
        if (j1 < n)
            trailing(m, piv, n, j0, j1);
    }
    return info;
}

#if defined(GC_POOL_MAX)
/* csrc/pool.c comes first in a kernel that calls the BLAS and may use its threads
 * (codegen's need): the trailing updates of the blocked LU and the blocked triangular solve
 * are shared by OpenBLAS's pool. The LU: each thread a span of the trailing columns (their
 * swaps, U12 and update are independent), the panels on the calling thread. The solve:
 * each thread the whole solve on its columns of B (multiples of 8: whole register tiles).
 * Each column is computed the same way whatever the split, so results do not depend on it. */
#define GC_LU_POOL_WORK 262144L   /* multiply-adds of a trailing update or solve from which the pool pays off */

typedef struct { REAL *m; const long *piv; int n, j0, j1; } gc_lu_step_SFX;

static GC_UNUSED void gc_lu_trailing_span_SFX(void *p)
{
    const gc_span *s = (const gc_span *)p;
    const gc_lu_step_SFX *t = (const gc_lu_step_SFX *)s->work;
    gc_lu_trailing_SFX(t->m, t->piv, t->n, t->j0, t->j1, t->j1 + (int)s->lo, t->j1 + (int)s->hi);
}

static GC_UNUSED void gc_lu_trailing_shared_SFX(REAL *m, const long *piv, int n, int j0, int j1)
{
    const long rest = n - j1;
    if (rest * rest * (j1 - j0) < GC_LU_POOL_WORK) {
        gc_lu_trailing_SFX(m, piv, n, j0, j1, j1, n);
        return;
    }
    gc_lu_step_SFX step = {m, piv, n, j0, j1};
    gc_pool_run(gc_lu_trailing_span_SFX, NULL, NULL, &step, rest);
}
#define GC_LU_TRAILING_SFX gc_lu_trailing_shared_SFX
#else
#define GC_LU_TRAILING_SFX gc_lu_trailing_serial_SFX
#endif

/* LU of A (row-major), stored as LAPACK's factors of M = Aᵀ (column-major): M = P L U. */
static GC_UNUSED int gc_lu_factor_SFX(int n, REAL *a, long *piv)
{
    long nn = n, info = 0;
    if (n <= GC_LU_LOOPS_MAX)
        gc_lu_panel_SFX(n, a, piv, 0, n, &info);
    else if (n <= GC_LU_BLOCKED_MAX)
        info = gc_getrf_blocked_SFX(n, a, piv, GC_LU_TRAILING_SFX);
    else
        LAPACK_GETRF(&nn, &nn, a, &nn, piv, &info);
    return (int)info;
}

/* gc_trsolve_loops' contract (csrc/triangular.c) for columns c0..c1 of B, blocked: rows of
 * B solved GC_LU_PANEL at a time by row operations, each block then subtracted from the rows
 * still to solve by one rank-GC_LU_PANEL update (csrc/gemv.c's tiles, M = op(T) read in
 * place). M is lower triangular exactly when lower != trans: blocks first to last. */
static GC_UNUSED void gc_trsolve_blocked_SFX(int n, int nrhs, const REAL *a, int lower, int trans, int unit, REAL *b,
                                             int c0, int c1)
{
    const long si = trans ? 1 : n, sj = trans ? n : 1;     /* M[i][k] = a[i si + k sj] */
    const int forward = lower != trans, w = c1 - c0;
    for (int done = 0; done < n; done += GC_LU_PANEL) {
        const int j0 = forward ? done : (n - done - GC_LU_PANEL > 0 ? n - done - GC_LU_PANEL : 0);
        const int j1 = forward ? (done + GC_LU_PANEL < n ? done + GC_LU_PANEL : n) : n - done;
        gc_block_solve_SFX(j1 - j0, w, a + j0 * si + j0 * sj, si, sj, forward, unit, b + (long)j0 * nrhs + c0, nrhs);
        /* the rows still to solve minus M[rows][j0..j1] B[j0..j1] */
        const int r0 = forward ? j1 : 0, r1 = forward ? n : j0;
        if (r1 > r0)
            gc_rank_update_strided_SFX(0, r1 - r0, w, j1 - j0, a + r0 * si + j0 * sj, sj, si,
                                       b + (long)j0 * nrhs + c0, nrhs, b + (long)r0 * nrhs + c0, nrhs, 1);
    }
}

#if defined(GC_POOL_MAX)
typedef struct { const REAL *a; REAL *b; int n, nrhs, lower, trans, unit; } gc_trsolve_task_SFX;

static GC_UNUSED void gc_trsolve_span_SFX(void *p)
{
    const gc_span *s = (const gc_span *)p;
    const gc_trsolve_task_SFX *t = (const gc_trsolve_task_SFX *)s->work;
    const int c0 = (int)s->lo * 8, c1 = (int)s->hi * 8 < t->nrhs ? (int)s->hi * 8 : t->nrhs;
    if (c1 > c0)
        gc_trsolve_blocked_SFX(t->n, t->nrhs, t->a, t->lower, t->trans, t->unit, t->b, c0, c1);
}

static GC_UNUSED void gc_trsolve_columns_SFX(int n, int nrhs, const REAL *a, int lower, int trans, int unit, REAL *b)
{
    if ((long)n * n * nrhs / 2 < 2 * GC_LU_POOL_WORK) {
        gc_trsolve_blocked_SFX(n, nrhs, a, lower, trans, unit, b, 0, nrhs);
        return;
    }
    gc_trsolve_task_SFX task = {a, b, n, nrhs, lower, trans, unit};
    gc_pool_run(gc_trsolve_span_SFX, NULL, NULL, &task, (nrhs + 7) / 8);
}
#else
static GC_UNUSED void gc_trsolve_columns_SFX(int n, int nrhs, const REAL *a, int lower, int trans, int unit, REAL *b)
{
    gc_trsolve_blocked_SFX(n, nrhs, a, lower, trans, unit, b, 0, nrhs);
}
#endif

/* gc_trsolve_loops' contract (csrc/triangular.c): plain loops for small solves, trsv for one
 * right-hand side, the blocked solve above where it wins (GC_TRSOLVE_BLOCKED_*), trsm
 * otherwise. */
static GC_UNUSED void gc_trsolve_SFX(int n, int nrhs, const REAL *a, int lower, int trans, int unit, REAL *b)
{
    if ((long)n * n * nrhs <= GC_TRSOLVE_LOOPS_WORK)
        gc_trsolve_loops_SFX(n, nrhs, a, lower, trans, unit, b);
    else if (nrhs >= GC_TRSOLVE_BLOCKED_RHS && n <= GC_TRSOLVE_BLOCKED_MAX &&
             (n <= GC_TRSOLVE_BLOCKED_SMALL || 2 * nrhs >= n))
        gc_trsolve_columns_SFX(n, nrhs, a, lower, trans, unit, b);
    else if (nrhs == 1)         /* trsv: about a third of trsm's time for one column */
        CBLAS_TRSV(101, lower ? 122 : 121, trans ? 112 : 111, unit ? 132 : 131, n, a, n, b, 1);
    else
        CBLAS_TRSM(101, 141, lower ? 122 : 121, trans ? 112 : 111, unit ? 132 : 131, n, nrhs, (REAL)1, a, n,
                   b, nrhs);
}

static GC_UNUSED void gc_lu_swap_rows_SFX(int nrhs, REAL *b, long i, long j)
{
    for (int c = 0; c < nrhs; ++c) {
        REAL t = b[i * nrhs + c];
        b[i * nrhs + c] = b[j * nrhs + c];
        b[j * nrhs + c] = t;
    }
}

/* Solve A X = B (trans == 0) or Aᵀ X = B, B row-major n×nrhs, in place. Read row-major,
 * the factors of M = Aᵀ = P L U are Uᵀ (lower triangle) and Lᵀ (strict upper, unit
 * diagonal), and A = Uᵀ Lᵀ Pᵀ. */
static GC_UNUSED void gc_lu_solve_SFX(int n, int nrhs, const REAL *lu, const long *piv, int trans, REAL *b)
{
    if (!trans) {                       /* Uᵀ Y = B, Lᵀ Z = Y, X = P Z */
        gc_trsolve_SFX(n, nrhs, lu, 1, 0, 0, b);
        gc_trsolve_SFX(n, nrhs, lu, 0, 0, 1, b);
        for (int i = n - 1; i >= 0; --i)
            if (piv[i] - 1 != i) gc_lu_swap_rows_SFX(nrhs, b, i, piv[i] - 1);
    } else {                            /* Aᵀ = P L U: L V' = Pᵀ B, U V = V' */
        for (int i = 0; i < n; ++i)
            if (piv[i] - 1 != i) gc_lu_swap_rows_SFX(nrhs, b, i, piv[i] - 1);
        gc_trsolve_SFX(n, nrhs, lu, 0, 1, 1, b);
        gc_trsolve_SFX(n, nrhs, lu, 1, 1, 0, b);
    }
}
