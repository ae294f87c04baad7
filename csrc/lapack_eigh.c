/* Symmetric eigendecomposition through LAPACK's syevd, with the contract of csrc/eigh.c,
 * whose Jacobi rotations take small matrices (csrc/eigh.c comes first).
 * The LAPACK and BLAS that NumPy's wheels bundle (OpenBLAS; ILP64 symbols scipy_<name>_64_).
 * Row-major arrays are LAPACK's column-major arrays transposed; each routine works on
 * that transpose. */
/* Up to this order the Jacobi rotations of csrc/eigh.c beat syevd's fixed costs (kernels
 * with eigh's vectors and gradient, one process: 3×3 2.48 → 1.21 µs, 6×6 5.01 → 3.66, 1.13×
 * slower at 8×8; values alone 1.28 → 0.75 at 3×3, 1.68 → 1.33 at 4×4, slower at 6×6). */
#define GC_EIGH_JACOBI_MAX 6
#define GC_EIGVALSH_JACOBI_MAX 4

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
    if (n <= GC_EIGH_JACOBI_MAX)
        return gc_jacobi_eigh_SFX(n, a, w, v, work);
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
    if (n <= GC_EIGVALSH_JACOBI_MAX)
        return gc_jacobi_eigvalsh_SFX(n, a, w, work);
    return gc_syevd_SFX("N", n, a, w, work) != 0;
}

