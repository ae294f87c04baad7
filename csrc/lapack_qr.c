/* Reduced QR through LAPACK's geqrf and orgqr, with the contract of csrc/qr.c.
 * The LAPACK and BLAS that NumPy's wheels bundle (OpenBLAS; ILP64 symbols scipy_<name>_64_).
 * Row-major arrays are LAPACK's column-major arrays transposed; each routine works on
 * that transpose. */
void LAPACK_GEQRF(const long *m, const long *n, REAL *a, const long *lda, REAL *tau, REAL *work, const long *lwork,
                  long *info);
void LAPACK_ORGQR(const long *m, const long *n, const long *k, REAL *a, const long *lda, const REAL *tau,
                  REAL *work, const long *lwork, long *info);

/* Elements of REAL scratch gc_qr needs: A's column-major copy, tau, LAPACK's work. */
static GC_UNUSED long gc_qr_work_SFX(int m, int n)
{
    return (long)m * n + (m < n ? m : n) + 64L * (m > n ? m : n);
}

/* Reduced QR of A (row-major m×n): Q (m×k), R (k×n), k = min(m, n), by geqrf and orgqr on
 * a column-major copy of A (LAPACK's signs, as NumPy's). */
static GC_UNUSED void gc_qr_SFX(int m, int n, const REAL *a, REAL *q, REAL *r, REAL *work)
{
    long mm = m, nn = n, k = m < n ? m : n, lwork = 64L * (m > n ? m : n), info = 0;
    REAL *c = work, *tau = work + mm * nn, *w = tau + k;
    for (long i = 0; i < mm; ++i)
        for (long j = 0; j < nn; ++j) c[j * mm + i] = a[i * nn + j];
    LAPACK_GEQRF(&mm, &nn, c, &mm, tau, w, &lwork, &info);
    for (long i = 0; i < k; ++i)
        for (long j = 0; j < nn; ++j) r[i * nn + j] = j < i ? 0 : c[j * mm + i];
    LAPACK_ORGQR(&mm, &k, &k, c, &mm, tau, w, &lwork, &info);
    for (long i = 0; i < mm; ++i)
        for (long j = 0; j < k; ++j) q[i * k + j] = c[j * mm + i];
}
