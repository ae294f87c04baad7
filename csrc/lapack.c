/* LU, Cholesky, QR, SVD and eigh through LAPACK (the OpenBLAS NumPy bundles; ILP64 symbols
 * scipy_<name>_64_), with the contracts of csrc/lu.c, csrc/cholesky.c, csrc/qr.c, csrc/svd.c and
 * csrc/eigh.c.
 * Row-major arrays are LAPACK's column-major arrays transposed; each routine works on
 * that transpose. Pivot arrays hold `long` (LAPACK's 64-bit integers, 1-based). Small
 * matrices skip the library (its calls' fixed cost): csrc/triangular.c comes first. */
void LAPACK_GETRF(const long *m, const long *n, REAL *a, const long *lda, long *ipiv, long *info);
void LAPACK_POTRF(const char *uplo, const long *n, REAL *a, const long *lda, long *info, size_t len);
void LAPACK_GESDD(const char *jobz, const long *m, const long *n, REAL *a, const long *lda, REAL *s,
                  REAL *u, const long *ldu, REAL *vt, const long *ldvt, REAL *work, const long *lwork,
                  long *iwork, long *info, size_t len);
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

static GC_UNUSED REAL gc_lu_det_SFX(int n, const REAL *lu, const long *piv)
{
    REAL d = 1;
    for (int i = 0; i < n; ++i) {
        d *= lu[(long)i * n + i];
        if (piv[i] - 1 != i) d = -d;
    }
    return d;
}

static GC_UNUSED void gc_lu_slogdet_SFX(int n, const REAL *lu, const long *piv, REAL *sign, REAL *logabsdet)
{
    REAL s = 1, l = 0;
    for (int i = 0; i < n; ++i) {
        REAL u = lu[(long)i * n + i];
        if (u == 0) { *sign = 0; *logabsdet = -INFINITY; return; }
        if (u < 0) s = -s;
        if (piv[i] - 1 != i) s = -s;
        l += LOG(FABS(u));
    }
    *sign = s;
    *logabsdet = l;
}

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

static GC_UNUSED long gc_svd_lwork_SFX(long m, long n)
{
    long mn = m < n ? m : n, mx = m < n ? n : m;
    long a = 4 * mn * mn + 4 * mn, b = mx;
    return 3 * mn + (a > b ? a : b) + 64;
}

/* Elements of REAL scratch gc_svd needs: a copy of A, LAPACK's work, its iwork (longs). */
static GC_UNUSED long gc_svd_work_SFX(int m, int n)
{
    long mn = m < n ? m : n;
    return (long)m * n + gc_svd_lwork_SFX(m, n) + (8 * mn * (long)sizeof(long) + sizeof(REAL) - 1) / sizeof(REAL);
}

/* Thin SVD, A = U diag(s) Vt (row-major, s descending), signs canonical: the entry of
 * largest magnitude in each column of U is positive. LAPACK factors the column-major view
 * Aᵀ = U' S V'ᵀ, so U = V' (its VT output read row-major) and Vt = U'ᵀ (its U output). */
static GC_UNUSED int gc_svd_SFX(int m, int n, const REAL *a, REAL *u, REAL *s, REAL *vt, REAL *work)
{
    long mm = n, nn = m, k = m < n ? m : n, lwork = gc_svd_lwork_SFX(m, n), info = 0;
    long ldu = n, ldvt = k;
    REAL *acopy = work, *w = work + (long)m * n;
    long *iwork = (long *)(void *)(w + lwork);
    memcpy(acopy, a, sizeof(REAL) * (size_t)m * (size_t)n);
    LAPACK_GESDD("S", &mm, &nn, acopy, &mm, s, vt, &ldu, u, &ldvt, w, &lwork, iwork, &info, 1);
    if (info != 0) return 1;
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
    long mm = n, nn = m, one = 1, lwork = gc_svd_lwork_SFX(m, n), info = 0;
    REAL *acopy = work, *w = work + (long)m * n, dummy = 0;
    long *iwork = (long *)(void *)(w + lwork);
    memcpy(acopy, a, sizeof(REAL) * (size_t)m * (size_t)n);
    LAPACK_GESDD("N", &mm, &nn, acopy, &mm, s, &dummy, &one, &dummy, &one, w, &lwork, iwork, &info, 1);
    return info != 0;
}

void LAPACK_SYEVD(const char *jobz, const char *uplo, const long *n, REAL *a, const long *lda, REAL *w,
                  REAL *work, const long *lwork, long *iwork, const long *liwork, long *info,
                  size_t len1, size_t len2);

/* Elements of REAL scratch gc_eigh needs: the symmetric copy, LAPACK's work and iwork. */
static GC_UNUSED long gc_eigh_work_SFX(int n)
{
    long nn = n;
    return nn * nn + (1 + 6 * nn + 2 * nn * nn) + ((3 + 5 * nn) * (long)sizeof(long) + sizeof(REAL) - 1) / sizeof(REAL);
}

/* syevd on (A + Aᵀ)/2 (computing its vectors into work's first n² elements with jobz "V");
 * returns LAPACK's info. */
static GC_UNUSED long gc_syevd_SFX(const char *jobz, int n, const REAL *a, REAL *w, REAL *work)
{
    long nn = n, lwork = 1 + 6 * nn + 2 * nn * nn, liwork = 3 + 5 * nn, info = 0;
    REAL *c = work, *wk = work + nn * nn;
    long *iwork = (long *)(void *)(wk + lwork);
    for (long i = 0; i < nn; ++i)
        for (long j = 0; j < nn; ++j)
            c[i * nn + j] = (a[i * nn + j] + a[j * nn + i]) / 2;
    LAPACK_SYEVD(jobz, "L", &nn, c, &nn, w, wk, &lwork, iwork, &liwork, &info, 1, 1);
    return info;
}

/* Eigenvalues (ascending) and eigenvectors (columns of v, row-major) of (A + Aᵀ)/2, each
 * eigenvector's largest-magnitude entry positive. Returns 0, or 1 without convergence. */
static GC_UNUSED int gc_eigh_SFX(int n, const REAL *a, REAL *w, REAL *v, REAL *work)
{
    long nn = n;
    const REAL *c = work;
    if (gc_syevd_SFX("V", n, a, w, work) != 0) return 1;
    for (long j = 0; j < nn; ++j) {            /* column j of V is c's column j (column-major) */
        long best = 0;
        for (long i = 1; i < nn; ++i)
            if (FABS(c[j * nn + i]) > FABS(c[j * nn + best])) best = i;
        REAL s = c[j * nn + best] < 0 ? (REAL)-1 : (REAL)1;
        for (long i = 0; i < nn; ++i) v[i * nn + j] = s * c[j * nn + i];
    }
    return 0;
}

/* Eigenvalues (ascending) of (A + Aᵀ)/2 alone: syevd computing no vectors. */
static GC_UNUSED int gc_eigvalsh_SFX(int n, const REAL *a, REAL *w, REAL *work)
{
    return gc_syevd_SFX("N", n, a, w, work) != 0;
}

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
