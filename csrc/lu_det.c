/* Determinant and (sign, log|det|) from the factors of csrc/lu.c or csrc/lapack_lu.c
 * (pasted before: their GC_PIV_T pivots count rows from GC_PIV_BASE). */
static GC_UNUSED REAL gc_lu_det_SFX(int n, const REAL *lu, const GC_PIV_T *piv)
{
    REAL d = 1;
    for (int i = 0; i < n; ++i) {
        d *= lu[(long)i * n + i];
        if (piv[i] - GC_PIV_BASE != i) d = -d;
    }
    return d;
}

static GC_UNUSED void gc_lu_slogdet_SFX(int n, const REAL *lu, const GC_PIV_T *piv, REAL *sign, REAL *logabsdet)
{
    REAL s = 1, l = 0;
    for (int i = 0; i < n; ++i) {
        REAL u = lu[(long)i * n + i];
        if (u == 0) { *sign = 0; *logabsdet = -INFINITY; return; }
        if (u < 0) s = -s;
        if (piv[i] - GC_PIV_BASE != i) s = -s;
        l += LOG(FABS(u));
    }
    *sign = s;
    *logabsdet = l;
}
