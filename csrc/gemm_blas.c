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

static GC_UNUSED void gc_gemm_SFX(int m, int n, int k, const REAL *a, int lda, int ta, const REAL *b, int ldb,
                        int tb, REAL beta, REAL *c, int ldc)
{
    CBLAS_GEMM(101, ta ? 112 : 111, tb ? 112 : 111, m, n, k, (REAL)1, a, lda, b, ldb, beta, c, ldc);
}
