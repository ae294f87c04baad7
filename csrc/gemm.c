/* Portable matrix product (no BLAS): C = op(A) op(B) + beta C, row-major, beta 0 or 1.
 * op(A) is m×k (A is k×m, leading dimension lda, when ta), op(B) is k×n (B is n×k when tb).
 * Blocks of op(B) are packed contiguously on the stack so the inner loop is unit-stride
 * and vectorises. */
static GC_UNUSED void gc_gemm_SFX(int m, int n, int k, const REAL *a, int lda, int ta, const REAL *b, int ldb,
                        int tb, REAL beta, REAL *c, int ldc)
{
    REAL pack[4096];
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j)
            c[(long)i * ldc + j] = beta == 0 ? (REAL)0 : c[(long)i * ldc + j];
    int nb = n < 512 ? n : 512;
    for (int j0 = 0; j0 < n; j0 += nb) {
        int jn = n - j0 < nb ? n - j0 : nb;
        int kb = 4096 / jn;
        for (int p0 = 0; p0 < k; p0 += kb) {
            int pn = k - p0 < kb ? k - p0 : kb;
            for (int p = 0; p < pn; ++p)
                for (int j = 0; j < jn; ++j)
                    pack[p * jn + j] = tb ? b[(long)(j0 + j) * ldb + p0 + p] : b[(long)(p0 + p) * ldb + j0 + j];
            for (int i = 0; i < m; ++i) {
                REAL *ci = c + (long)i * ldc + j0;
                for (int p = 0; p < pn; ++p) {
                    REAL aip = ta ? a[(long)(p0 + p) * lda + i] : a[(long)i * lda + p0 + p];
                    const REAL *bp = pack + p * jn;
                    for (int j = 0; j < jn; ++j)
                        ci[j] += aip * bp[j];
                }
            }
        }
    }
}
