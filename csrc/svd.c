/* Portable thin SVD by one-sided Jacobi (Hestenes): A = U diag(s) Vt, k = min(m, n),
 * u m×k, s descending, vt k×n, row-major. Columns of a working copy are rotated until
 * mutually orthogonal; V accumulates the rotations. For m < n it factors Aᵀ and swaps.
 * Signs are canonical: the largest-magnitude entry of each column of U is positive.
 * A zero singular value leaves a zero column in U. Returns 0, or 1 without convergence.
 * Scratch: gc_jacobi_svd_work_SFX(m, n) elements. */
static GC_UNUSED long gc_jacobi_svd_work_SFX(int m, int n)
{
    long big = m > n ? m : n, k = m < n ? m : n;
    return big * k + k * k;
}

/* The core, for r ≥ c: g (r×c, row-major) is overwritten; v (c×c) receives V. */
static GC_UNUSED int gc_jacobi_svd_tall_SFX(int r, int c, REAL *g, REAL *v, REAL *s)
{
    for (int i = 0; i < c; ++i)
        for (int j = 0; j < c; ++j) v[(long)i * c + j] = i == j;
    int converged = 0;
    for (int sweep = 0; sweep < 80 && !converged; ++sweep) {
        converged = 1;
        for (int p = 0; p < c - 1; ++p)
            for (int q = p + 1; q < c; ++q) {
                REAL alpha = 0, beta = 0, gamma = 0;
                for (int i = 0; i < r; ++i) {
                    REAL x = g[(long)i * c + p], y = g[(long)i * c + q];
                    alpha += x * x;
                    beta += y * y;
                    gamma += x * y;
                }
                if (gamma == 0 || FABS(gamma) <= REAL_EPS * SQRT(alpha * beta)) continue;
                converged = 0;
                REAL zeta = (beta - alpha) / (2 * gamma);
                REAL t = (zeta >= 0 ? 1 : -1) / (FABS(zeta) + SQRT(1 + zeta * zeta));
                REAL cs = 1 / SQRT(1 + t * t), sn = cs * t;
                for (int i = 0; i < r; ++i) {
                    REAL x = g[(long)i * c + p], y = g[(long)i * c + q];
                    g[(long)i * c + p] = cs * x - sn * y;
                    g[(long)i * c + q] = sn * x + cs * y;
                }
                for (int i = 0; i < c; ++i) {
                    REAL x = v[(long)i * c + p], y = v[(long)i * c + q];
                    v[(long)i * c + p] = cs * x - sn * y;
                    v[(long)i * c + q] = sn * x + cs * y;
                }
            }
    }
    for (int j = 0; j < c; ++j) {
        REAL norm = 0;
        for (int i = 0; i < r; ++i) norm += g[(long)i * c + j] * g[(long)i * c + j];
        s[j] = SQRT(norm);
        for (int i = 0; i < r; ++i) g[(long)i * c + j] = s[j] > 0 ? g[(long)i * c + j] / s[j] : 0;
    }
    return !converged;
}

/* The rotations on A (m ≥ n) or Aᵀ copied into work: G (r×c) and V (c×c) in work, s unsorted. */
static GC_UNUSED int gc_jacobi_svd_rotate_SFX(int m, int n, const REAL *a, REAL *s, REAL *work)
{
    int tall = m >= n, r = tall ? m : n, c = tall ? n : m;
    REAL *g = work, *v = work + (long)r * c;
    for (int i = 0; i < r; ++i)
        for (int j = 0; j < c; ++j)
            g[(long)i * c + j] = tall ? a[(long)i * n + j] : a[(long)j * n + i];
    return gc_jacobi_svd_tall_SFX(r, c, g, v, s);
}

static GC_UNUSED int gc_jacobi_svd_SFX(int m, int n, const REAL *a, REAL *u, REAL *s, REAL *vt, REAL *work)
{
    int tall = m >= n, r = tall ? m : n, c = tall ? n : m, k = c;
    REAL *g = work, *v = work + (long)r * c;
    int fail = gc_jacobi_svd_rotate_SFX(m, n, a, s, work);
    /* order by descending singular value (selection sort on an index permutation) */
    for (int j = 0; j < k; ++j) {
        int best = j;
        for (int q = j + 1; q < k; ++q) if (s[q] > s[best]) best = q;
        if (best != j) {
            REAL t = s[j]; s[j] = s[best]; s[best] = t;
            for (int i = 0; i < r; ++i) { t = g[(long)i * c + j]; g[(long)i * c + j] = g[(long)i * c + best]; g[(long)i * c + best] = t; }
            for (int i = 0; i < c; ++i) { t = v[(long)i * c + j]; v[(long)i * c + j] = v[(long)i * c + best]; v[(long)i * c + best] = t; }
        }
    }
    /* tall: U = G, Vt = Vᵀ.  wide (Aᵀ = G S Vᵀ): U = V, Vt = Gᵀ. */
    for (int j = 0; j < k; ++j) {
        for (int i = 0; i < m; ++i) u[(long)i * k + j] = tall ? g[(long)i * c + j] : v[(long)i * c + j];
        for (int i = 0; i < n; ++i) vt[(long)j * n + i] = tall ? v[(long)i * c + j] : g[(long)i * c + j];
    }
    for (int j = 0; j < k; ++j) {
        int best = 0;
        for (int i = 1; i < m; ++i)
            if (FABS(u[(long)i * k + j]) > FABS(u[(long)best * k + j])) best = i;
        if (u[(long)best * k + j] < 0) {
            for (int i = 0; i < m; ++i) u[(long)i * k + j] = -u[(long)i * k + j];
            for (int i = 0; i < n; ++i) vt[(long)j * n + i] = -vt[(long)j * n + i];
        }
    }
    return fail;
}

/* Singular values of A alone (descending), by the same rotations without keeping U or V. */
static GC_UNUSED int gc_jacobi_svdvals_SFX(int m, int n, const REAL *a, REAL *s, REAL *work)
{
    int c = m < n ? m : n;
    int fail = gc_jacobi_svd_rotate_SFX(m, n, a, s, work);
    for (int j = 1; j < c; ++j)                 /* insertion sort, descending */
        for (int q = j; q > 0 && s[q] > s[q - 1]; --q) {
            REAL t = s[q]; s[q] = s[q - 1]; s[q - 1] = t;
        }
    return fail;
}
