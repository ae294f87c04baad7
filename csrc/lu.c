/* Portable LU with partial pivoting (LAPACK getrf semantics, 0-based pivots, row-major):
 * P A = L U with L unit lower and U upper stored in place; at step i rows i and piv[i]
 * were swapped. Returns 0, or i + 1 for the first exactly zero pivot (it still completes). */
#define GC_PIV_T int        /* the pivots' C type and first index (for csrc/lu_det.c, expm.c) */
#define GC_PIV_BASE 0
static GC_UNUSED int gc_lu_factor_SFX(int n, REAL *a, int *piv)
{
    int info = 0;
    for (int i = 0; i < n; ++i) {
        int p = i;
        for (int r = i + 1; r < n; ++r)
            if (FABS(a[(long)r * n + i]) > FABS(a[(long)p * n + i])) p = r;
        piv[i] = p;
        if (p != i)
            for (int c = 0; c < n; ++c) {
                REAL t = a[(long)i * n + c];
                a[(long)i * n + c] = a[(long)p * n + c];
                a[(long)p * n + c] = t;
            }
        REAL d = a[(long)i * n + i];
        if (d == 0) {
            if (!info) info = i + 1;
            continue;
        }
        for (int r = i + 1; r < n; ++r) {
            REAL l = a[(long)r * n + i] / d;
            a[(long)r * n + i] = l;
            REAL *ar = a + (long)r * n, *ai = a + (long)i * n;
            for (int c = i + 1; c < n; ++c)
                ar[c] -= l * ai[c];
        }
    }
    return info;
}

static GC_UNUSED void gc_lu_swap_rows_SFX(int nrhs, REAL *b, int i, int j)
{
    for (int c = 0; c < nrhs; ++c) {
        REAL t = b[(long)i * nrhs + c];
        b[(long)i * nrhs + c] = b[(long)j * nrhs + c];
        b[(long)j * nrhs + c] = t;
    }
}

/* Solve A X = B (trans == 0) or Aᵀ X = B in place; B is n×nrhs row-major. P A = L U, so
 * A X = B is L U X = P B and Aᵀ X = B is Uᵀ Lᵀ (P X) = B: row swaps and two triangular
 * solves of csrc/triangular.c (pasted before). */
static GC_UNUSED void gc_lu_solve_SFX(int n, int nrhs, const REAL *lu, const int *piv, int trans, REAL *b)
{
    if (!trans) {
        for (int i = 0; i < n; ++i)
            if (piv[i] != i) gc_lu_swap_rows_SFX(nrhs, b, i, piv[i]);
        gc_trsolve_loops_SFX(n, nrhs, lu, 1, 0, 1, b);     /* L y = P b */
        gc_trsolve_loops_SFX(n, nrhs, lu, 0, 0, 0, b);     /* U x = y */
    } else {
        gc_trsolve_loops_SFX(n, nrhs, lu, 0, 1, 0, b);     /* Uᵀ y = b */
        gc_trsolve_loops_SFX(n, nrhs, lu, 1, 1, 1, b);     /* Lᵀ z = y */
        for (int i = n - 1; i >= 0; --i)                   /* x = Pᵀ z */
            if (piv[i] != i) gc_lu_swap_rows_SFX(nrhs, b, i, piv[i]);
    }
}
