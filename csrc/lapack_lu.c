/* LU (pivots: LAPACK's 64-bit integers, 1-based), its solves, determinants, and triangular
 * solves through LAPACK, with the contracts of csrc/lu.c and csrc/triangular.c; small
 * matrices skip the library (its calls' fixed cost), so csrc/triangular.c comes first.
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
#define GC_TRSOLVE_LOOPS_WORK 4096

/* LAPACK's getrf, unblocked (its getf2 with row swaps across the whole matrix), on the
 * column-major n×n matrix m: M = P L U, pivots 1-based. */
static GC_UNUSED long gc_getf2_SFX(int n, REAL *m, long *piv)
{
    long info = 0;
    for (int j = 0; j < n; ++j) {
        REAL *cj = m + (long)j * n, best = FABS(cj[j]);
        int p = j;
        for (int i = j + 1; i < n; ++i)
            if (FABS(cj[i]) > best) { best = FABS(cj[i]); p = i; }
        piv[j] = p + 1;
        if (cj[p] == 0) {
            if (!info) info = j + 1;
            continue;
        }
        if (p != j)
            for (int c = 0; c < n; ++c) {
                REAL *col = m + (long)c * n, t = col[j];
                col[j] = col[p];
                col[p] = t;
            }
        const REAL r = 1 / cj[j];
        for (int i = j + 1; i < n; ++i) cj[i] *= r;
        for (int c = j + 1; c < n; ++c) {
            REAL *col = m + (long)c * n;
            const REAL u = col[j];
            for (int i = j + 1; i < n; ++i) col[i] -= cj[i] * u;
        }
    }
    return info;
}

/* LU of A (row-major), stored as LAPACK's factors of M = Aᵀ (column-major): M = P L U. */
static GC_UNUSED int gc_lu_factor_SFX(int n, REAL *a, long *piv)
{
    long nn = n, info = 0;
    if (n <= GC_LU_LOOPS_MAX)
        return (int)gc_getf2_SFX(n, a, piv);
    LAPACK_GETRF(&nn, &nn, a, &nn, piv, &info);
    return (int)info;
}

/* gc_trsolve_loops' contract (csrc/triangular.c), by the BLAS for all but small solves. */
static GC_UNUSED void gc_trsolve_SFX(int n, int nrhs, const REAL *a, int lower, int trans, int unit, REAL *b)
{
    if ((long)n * n * nrhs <= GC_TRSOLVE_LOOPS_WORK)
        gc_trsolve_loops_SFX(n, nrhs, a, lower, trans, unit, b);
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
