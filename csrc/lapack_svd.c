/* Thin SVD and singular values through LAPACK's gesdd, with the contract of csrc/svd.c,
 * whose Jacobi rotations take small matrices (csrc/svd.c comes first).
 * The LAPACK and BLAS that NumPy's wheels bundle (OpenBLAS; ILP64 symbols scipy_<name>_64_).
 * Row-major arrays are LAPACK's column-major arrays transposed; each routine works on
 * that transpose. */
void LAPACK_GESDD(const char *jobz, const long *m, const long *n, REAL *a, const long *lda, REAL *s,
                  REAL *u, const long *ldu, REAL *vt, const long *ldvt, REAL *work, const long *lwork,
                  long *iwork, long *info, size_t len);

/* Up to this many entries the Jacobi rotations of csrc/svd.c beat gesdd's fixed costs
 * (kernels of Σ svdvals and its gradient, one process: 3×3 3.31 → 0.95 µs, 6×6 7.29 → 3.58,
 * even at 8×8; values alone 2.39 → 0.80 at 3×3, 5.27 → 3.48 at 6×6, 1.35× slower at 8×8). */
#define GC_SVD_JACOBI_MAX 40
#define GC_SVDVALS_JACOBI_MAX 36

static GC_UNUSED long gc_svd_lwork_SFX(long m, long n)
{
    long mn = m < n ? m : n, mx = m < n ? n : m;
    long a = 4 * mn * mn + 4 * mn, b = mx;
    return 3 * mn + (a > b ? a : b) + 64;
}

/* Elements of REAL scratch gc_svd needs: a copy of A, LAPACK's work, its iwork (longs),
 * and LAPACK's U and Vᵀ when they come transposed (tall A). */
static GC_UNUSED long gc_svd_work_SFX(int m, int n)
{
    long mn = m < n ? m : n;
    return (long)m * n + gc_svd_lwork_SFX(m, n) + (8 * mn * (long)sizeof(long) + sizeof(REAL) - 1) / sizeof(REAL)
           + (m > n ? mn * ((long)m + n) : 0);
}

/* LAPACK gets the column-major view of A that is tall: gesdd's path for wide matrices (an
 * LQ factorisation first) is slower than its QR path (100×50 with vectors 537 → 496 µs,
 * 300×30 389 → 275 µs). Row-major A read column-major is Aᵀ, tall when m < n; a tall A
 * is copied transposed. Returns whether it was (so U and Vᵀ come back transposed). */
static GC_UNUSED int gc_svd_tall_copy_SFX(int m, int n, const REAL *a, REAL *acopy)
{
    if (m <= n) {
        memcpy(acopy, a, sizeof(REAL) * (size_t)m * (size_t)n);
        return 0;
    }
    for (long i = 0; i < m; ++i)
        for (long j = 0; j < n; ++j) acopy[i + j * m] = a[i * n + j];
    return 1;
}

/* Thin SVD, A = U diag(s) Vt (row-major, s descending), signs canonical: the entry of
 * largest magnitude in each column of U is positive. LAPACK factors the column-major view
 * Aᵀ = U' S V'ᵀ, so U = V' (its VT output read row-major) and Vt = U'ᵀ (its U output). */
static GC_UNUSED int gc_svd_SFX(int m, int n, const REAL *a, REAL *u, REAL *s, REAL *vt, REAL *work)
{
    if ((long)m * n <= GC_SVD_JACOBI_MAX)
        return gc_jacobi_svd_SFX(m, n, a, u, s, vt, work);
    long k = m < n ? m : n, lwork = gc_svd_lwork_SFX(m, n), info = 0;
    REAL *acopy = work, *w = work + (long)m * n;
    long *iwork = (long *)(void *)(w + lwork);
    if (gc_svd_tall_copy_SFX(m, n, a, acopy)) {  /* A = U' S V'ᵀ column-major: U = U', Vt = V'ᵀ */
        long mm = m, nn = n;
        REAL *uc = (REAL *)(void *)(iwork + 8 * k), *vtc = uc + k * m;
        LAPACK_GESDD("S", &mm, &nn, acopy, &mm, s, uc, &mm, vtc, &k, w, &lwork, iwork, &info, 1);
        if (info != 0) return 1;
        for (long i = 0; i < m; ++i)
            for (long j = 0; j < k; ++j) u[i * k + j] = uc[i + j * m];
        for (long j = 0; j < k; ++j)
            for (long i = 0; i < n; ++i) vt[j * n + i] = vtc[j + i * k];
    } else {
        long mm = n, nn = m, ldu = n;
        LAPACK_GESDD("S", &mm, &nn, acopy, &mm, s, vt, &ldu, u, &k, w, &lwork, iwork, &info, 1);
        if (info != 0) return 1;
    }
    for (long j = 0; j < k; ++j) {
        long best = 0;
        for (long i = 1; i < m; ++i)
            if (FABS(u[i * k + j]) > FABS(u[best * k + j])) best = i;
        if (u[best * k + j] < 0) {
            for (long i = 0; i < m; ++i) u[i * k + j] = -u[i * k + j];
            for (long i = 0; i < n; ++i) vt[j * n + i] = -vt[j * n + i];
        }
    }
    return 0;
}

/* Singular values of A alone (descending): gesdd computing no vectors. */
static GC_UNUSED int gc_svdvals_SFX(int m, int n, const REAL *a, REAL *s, REAL *work)
{
    if ((long)m * n <= GC_SVDVALS_JACOBI_MAX)
        return gc_jacobi_svdvals_SFX(m, n, a, s, work);
    long one = 1, lwork = gc_svd_lwork_SFX(m, n), info = 0;
    REAL *acopy = work, *w = work + (long)m * n, dummy = 0;
    long *iwork = (long *)(void *)(w + lwork);
    int tall = gc_svd_tall_copy_SFX(m, n, a, acopy);
    long mm = tall ? m : n, nn = tall ? n : m;
    LAPACK_GESDD("N", &mm, &nn, acopy, &mm, s, &dummy, &one, &dummy, &one, w, &lwork, iwork, &info, 1);
    return info != 0;
}

