/* Cholesky through LAPACK's potrf, with the contract of csrc/cholesky.c.
 * The LAPACK and BLAS that NumPy's wheels bundle (OpenBLAS; ILP64 symbols scipy_<name>_64_).
 * Row-major arrays are LAPACK's column-major arrays transposed; each routine works on
 * that transpose. */
void LAPACK_POTRF(const char *uplo, const long *n, REAL *a, const long *lda, long *info, size_t len);

/* L of the symmetric part (A + Aᵀ)/2: LAPACK's upper factor U (Uᵀ U = A) of the
 * column-major view is L read row-major. */
static GC_UNUSED int gc_cholesky_SFX(int n, const REAL *a, REAL *l)
{
    long nn = n, info = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            l[(long)i * n + j] = (a[(long)i * n + j] + a[(long)j * n + i]) / 2;
    LAPACK_POTRF("U", &nn, l, &nn, &info, 1);
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j)
            l[(long)i * n + j] = 0;
    return info != 0;
}

