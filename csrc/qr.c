/* Portable reduced QR of A (row-major m×n): Q (m×k) and R (k×n), k = min(m, n), with
 * LAPACK's conventions (geqr2's Householder reflectors chosen as dlarfg chooses them, Q
 * formed as org2r forms it), so signs agree with LAPACK's and NumPy's. Works on a
 * column-major copy of A in `work` (gc_qr_work elements: the copy, then tau). */
static GC_UNUSED long gc_qr_work_SFX(int m, int n)
{
    return (long)m * n + (m < n ? m : n) + 64L * (m > n ? m : n);
}

static GC_UNUSED void gc_qr_SFX(int m, int n, const REAL *a, REAL *q, REAL *r, REAL *work)
{
    const int k = m < n ? m : n;
    REAL *c = work, *tau = work + (long)m * n;
    for (long i = 0; i < m; ++i)
        for (long j = 0; j < n; ++j) c[j * m + i] = a[i * n + j];
    gc_householder_columns_SFX(m, c, tau, 0, k, n);
    for (long i = 0; i < k; ++i)
        for (long j = 0; j < n; ++j) r[i * n + j] = j < i ? 0 : c[j * m + i];
    for (int j = k - 1; j >= 0; --j) {             /* Q = H₀ ⋯ H_{k−1} [I; 0], columns last to first */
        REAL *v = c + (long)j * m;
        for (int col = j + 1; col < k; ++col)      /* H_j on the columns already formed */
            gc_householder_apply_SFX(m, v, tau[j], j, c + (long)col * m);
        for (int i = j + 1; i < m; ++i) v[i] *= -tau[j];
        v[j] = 1 - tau[j];
        for (int i = 0; i < j; ++i) v[i] = 0;
    }
    for (long i = 0; i < m; ++i)
        for (long j = 0; j < k; ++j) q[i * k + j] = c[j * m + i];
}
