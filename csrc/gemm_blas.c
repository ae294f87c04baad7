/* gc_gemm through an optimised BLAS: the OpenBLAS that NumPy's wheels bundle
 * (scipy-openblas, 64-bit integers, symbols prefixed scipy_ and suffixed 64_). Linked
 * against the very library NumPy has loaded, so the process keeps one BLAS thread pool.
 * Same contract as csrc/gemm.c: C = op(A) op(B) + beta C, row-major. */
void scipy_cblas_dgemm64_(int order, int ta, int tb, long m, long n, long k, double alpha,
                          const double *a, long lda, const double *b, long ldb, double beta,
                          double *c, long ldc);
void scipy_cblas_sgemm64_(int order, int ta, int tb, long m, long n, long k, float alpha,
                          const float *a, long lda, const float *b, long ldb, float beta,
                          float *c, long ldc);
void scipy_cblas_dgemv64_(int order, int trans, long m, long n, double alpha, const double *a, long lda,
                          const double *x, long incx, double beta, double *y, long incy);
void scipy_cblas_sgemv64_(int order, int trans, long m, long n, float alpha, const float *a, long lda,
                          const float *x, long incx, float beta, float *y, long incy);

static GC_UNUSED void gc_gemm_SFX(int m, int n, int k, const REAL *a, int lda, int ta, const REAL *b, int ldb,
                        int tb, REAL beta, REAL *c, int ldc)
{
    /* A matrix-vector product goes to gemv: gemm would pack the whole matrix every call. */
    if (n == 1 && m > 1)        /* c[i*ldc] = sum_j op(A)[i,j] op(B)[j] */
        CBLAS_GEMV(101, ta ? 112 : 111, ta ? k : m, ta ? m : k, (REAL)1, a, lda, b, tb ? 1 : ldb, beta, c, ldc);
    else if (m == 1 && n > 1)   /* c[j] = sum_i op(A)[i] op(B)[i,j]: a product with op(B) transposed */
        CBLAS_GEMV(101, tb ? 111 : 112, tb ? n : k, tb ? k : n, (REAL)1, b, ldb, a, ta ? lda : 1, beta, c, 1);
    else
        CBLAS_GEMM(101, ta ? 112 : 111, tb ? 112 : 111, m, n, k, (REAL)1, a, lda, b, ldb, beta, c, ldc);
}
