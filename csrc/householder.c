/* Householder reflectors as LAPACK's dlarfg chooses them, on columns of a column-major
 * array: the pieces of the portable QR (csrc/qr.c) and the blocked one (csrc/lapack_qr.c),
 * so that both give LAPACK's (and NumPy's) signs. */

/* The reflector H = I − τ v vᵀ with H x = (β, 0, …, 0) for x = rows j.. of column x
 * (m rows): x[j] becomes β, x[j+1:] becomes v[1:] (v[0] = 1); returns τ (0: H = I). */
static GC_UNUSED REAL gc_householder_SFX(int m, REAL *x, int j)
{
    REAL scale = 0, sum = 0, xnorm = 0;
    for (int i = j + 1; i < m; ++i)
        if (FABS(x[i]) > scale) scale = FABS(x[i]);
    if (scale > 0) {                               /* ‖x[j+1:]‖ without overflow */
        for (int i = j + 1; i < m; ++i) sum += (x[i] / scale) * (x[i] / scale);
        xnorm = scale * SQRT(sum);
    }
    if (xnorm == 0)                                /* nothing below the diagonal: H = I */
        return 0;
    const REAL alpha = x[j], beta = alpha >= 0 ? -HYPOT(alpha, xnorm) : HYPOT(alpha, xnorm);
    const REAL inv = 1 / (alpha - beta);
    for (int i = j + 1; i < m; ++i) x[i] *= inv;
    x[j] = beta;
    return (beta - alpha) / beta;
}

/* y ← H y for the reflector (v from column v, rows j..; τ) on rows j.. of column y */
static GC_UNUSED void gc_householder_apply_SFX(int m, const REAL *v, REAL tau, int j, REAL *y)
{
    REAL s = y[j];
    for (int i = j + 1; i < m; ++i) s += v[i] * y[i];
    s *= tau;
    y[j] -= s;
    for (int i = j + 1; i < m; ++i) y[i] -= s * v[i];
}

/* Columns j0..j1 of the column-major c (m rows) reduced one after another, each reflector
 * (τ in tau[j]) applied at once to the columns after it up to `end`: the unblocked QR
 * (end = n) and a blocked QR's panel (end = j1). */
static GC_UNUSED void gc_householder_columns_SFX(int m, REAL *c, REAL *tau, int j0, int j1, int end)
{
    for (int j = j0; j < j1; ++j) {
        REAL *x = c + (long)j * m;                 /* column j; rows j.. are reduced */
        tau[j] = gc_householder_SFX(m, x, j);
        if (tau[j] != 0)
            for (int col = j + 1; col < end; ++col)
                gc_householder_apply_SFX(m, x, tau[j], j, c + (long)col * m);
    }
}
