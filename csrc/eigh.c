/* Portable symmetric eigendecomposition by cyclic Jacobi rotations: eigenvalues ascending,
 * eigenvectors in the columns of v (row-major), each with its largest-magnitude entry
 * positive, of the symmetric part (A + Aᵀ)/2. Returns 0, or 1 without convergence.
 * Scratch: gc_jacobi_eigh_work_SFX(n) elements. */
static GC_UNUSED long gc_jacobi_eigh_work_SFX(int n)
{
    return (long)n * n;
}

static GC_UNUSED int gc_jacobi_eigh_SFX(int n, const REAL *a, REAL *w, REAL *v, REAL *work)
{
    REAL *s = work;
    long nn = n;
    for (long i = 0; i < nn; ++i)
        for (long j = 0; j < nn; ++j) {
            s[i * nn + j] = (a[i * nn + j] + a[j * nn + i]) / 2;
            v[i * nn + j] = i == j;
        }
    int converged = 0;
    for (int sweep = 0; sweep < 100 && !converged; ++sweep) {
        converged = 1;                 /* until a rotation is needed in this sweep */
        for (long p = 0; p < nn - 1; ++p)
            for (long q = p + 1; q < nn; ++q) {
                REAL apq = s[p * nn + q];
                /* negligible next to the diagonal: no rotation */
                if (FABS(apq) <= REAL_EPS * SQRT(FABS(s[p * nn + p] * s[q * nn + q])) || apq == 0) continue;
                converged = 0;
                REAL theta = (s[q * nn + q] - s[p * nn + p]) / (2 * apq);
                REAL t = (theta >= 0 ? 1 : -1) / (FABS(theta) + SQRT(theta * theta + 1));
                REAL c = 1 / SQRT(t * t + 1), sn = t * c;
                for (long k = 0; k < nn; ++k) {        /* columns p, q */
                    REAL x = s[k * nn + p], y = s[k * nn + q];
                    s[k * nn + p] = c * x - sn * y;
                    s[k * nn + q] = sn * x + c * y;
                }
                for (long k = 0; k < nn; ++k) {        /* rows p, q */
                    REAL x = s[p * nn + k], y = s[q * nn + k];
                    s[p * nn + k] = c * x - sn * y;
                    s[q * nn + k] = sn * x + c * y;
                }
                for (long k = 0; k < nn; ++k) {
                    REAL x = v[k * nn + p], y = v[k * nn + q];
                    v[k * nn + p] = c * x - sn * y;
                    v[k * nn + q] = sn * x + c * y;
                }
            }
    }
    for (long j = 0; j < nn; ++j) w[j] = s[j * nn + j];
    for (long j = 0; j < nn; ++j) {                    /* ascending order */
        long best = j;
        for (long q = j + 1; q < nn; ++q) if (w[q] < w[best]) best = q;
        if (best != j) {
            REAL t = w[j]; w[j] = w[best]; w[best] = t;
            for (long i = 0; i < nn; ++i) { t = v[i * nn + j]; v[i * nn + j] = v[i * nn + best]; v[i * nn + best] = t; }
        }
    }
    for (long j = 0; j < nn; ++j) {
        long best = 0;
        for (long i = 1; i < nn; ++i) if (FABS(v[i * nn + j]) > FABS(v[best * nn + j])) best = i;
        if (v[best * nn + j] < 0)
            for (long i = 0; i < nn; ++i) v[i * nn + j] = -v[i * nn + j];
    }
    return !converged;
}

/* Eigenvalues (ascending) of (A + Aᵀ)/2 alone: the same rotations, the vectors kept in
 * scratch (2 n² elements in all). */
static GC_UNUSED int gc_jacobi_eigvalsh_SFX(int n, const REAL *a, REAL *w, REAL *work)
{
    return gc_jacobi_eigh_SFX(n, a, w, work + (long)n * n, work);
}

