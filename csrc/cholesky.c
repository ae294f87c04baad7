/* Portable Cholesky: the lower factor L of the symmetric part (A + Aᵀ)/2, upper triangle
 * zero. Returns 0, or i + 1 when the matrix is not positive definite at column i. */
static GC_UNUSED int gc_cholesky_SFX(int n, const REAL *a, REAL *l)
{
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            l[(long)i * n + j] = 0;
    for (int j = 0; j < n; ++j) {
        REAL d = a[(long)j * n + j];
        for (int p = 0; p < j; ++p) d -= l[(long)j * n + p] * l[(long)j * n + p];
        if (!(d > 0)) return j + 1;
        REAL ljj = SQRT(d);
        l[(long)j * n + j] = ljj;
        for (int i = j + 1; i < n; ++i) {
            REAL s = (a[(long)i * n + j] + a[(long)j * n + i]) / 2;
            for (int p = 0; p < j; ++p) s -= l[(long)i * n + p] * l[(long)j * n + p];
            l[(long)i * n + j] = s / ljj;
        }
    }
    return 0;
}
