/* Reduced QR through LAPACK's geqrf and orgqr, with the contract of csrc/qr.c.
 * The LAPACK and BLAS that NumPy's wheels bundle (OpenBLAS; ILP64 symbols scipy_<name>_64_).
 * Row-major arrays are LAPACK's column-major arrays transposed; each routine works on
 * that transpose. */
void LAPACK_GEQRF(const long *m, const long *n, REAL *a, const long *lda, REAL *tau, REAL *work, const long *lwork,
                  long *info);
void LAPACK_ORGQR(const long *m, const long *n, const long *k, REAL *a, const long *lda, const REAL *tau,
                  REAL *work, const long *lwork, long *info);

/* Blocked Householder QR of our own for medium sizes (gc_qr_blocked_fit), LAPACK's
 * algorithm and signs: panels of GC_QR_NB columns reduced by csrc/householder.c's
 * reflectors on a column-major copy, each panel's block reflector I − V T Vᵀ (T as dlarft
 * forms it) applied to the trailing columns by two products on csrc/gemv.c's register
 * tiles (w = A₂ᵀ V, then A₂ −= V (w T)ᵀ), and Q formed blocks last to first as orgqr forms
 * it, on the row-major output, on one thread. Why:
 * OpenBLAS's geqrf and orgqr on two threads are slow for these sizes, and slower still
 * (1.5-3.5x) whenever this host shares a core between them (ms, LAPACK then / these):
 * 100 × 100 0.27-0.58 / 0.22, 200 × 200 0.97-1.92 / 1.05, 400 × 100 2.2-7.9 / 1.29,
 * 1000 × 300 13.3-38.5 / 14.9, 2000 × 200 17.8-63.6 / 17.9; square from 300 they win on
 * two free cores (300: 2.3 vs 3.1, 600: 12.2 vs 20), and for k ≤ 64 their unblocked QR. */
#define GC_QR_NB 16

static GC_UNUSED int gc_qr_blocked_fit_SFX(int m, int n)
{
    const int k = m < n ? m : n, big = m > n ? m : n;
    return k > 64 && (long)m * n <= 400000L && (k <= 200 || big >= 3 * k);
}

/* T (nb × nb, upper, row-major) of the block reflector H₀ ⋯ H_{nb−1} = I − V T Vᵀ, V given
 * as vt (rows × nb, row-major, unit diagonal, zeros above): dlarft's forward columnwise. */
static GC_UNUSED void gc_qr_block_t_SFX(int rows, int nb, const REAL *vt, const REAL *tau, REAL *t)
{
    for (int p = 0; p < nb; ++p) {
        REAL z[GC_QR_NB];
        for (int r = 0; r < p; ++r) {              /* z_r = V(:, r)ᵀ v_p */
            REAL s = 0;
            for (int i = p; i < rows; ++i) s += vt[(long)i * nb + r] * vt[(long)i * nb + p];
            z[r] = s;
        }
        for (int r = 0; r < p; ++r) {              /* T(0:p, p) = −τ_p T(0:p, 0:p) z */
            REAL s = 0;
            for (int q = r; q < p; ++q) s += t[r * nb + q] * z[q];
            t[r * nb + p] = -tau[p] * s;
        }
        t[p * nb + p] = tau[p];
        for (int r = p + 1; r < nb; ++r) t[r * nb + p] = 0;
    }
}

/* V of the panel at columns j0..j0+nb of the column-major c (m rows) as vt (rows j0.. by
 * nb, row-major: the reflectors' vectors with their unit diagonal and zeros above) */
static GC_UNUSED void gc_qr_panel_v_SFX(int m, const REAL *c, int j0, int nb, REAL *vt)
{
    for (int i = 0; i < m - j0; ++i)
        for (int p = 0; p < nb; ++p)
            vt[(long)i * nb + p] = i < p ? 0 : i == p ? 1 : c[(long)(j0 + p) * m + j0 + i];
}

/* X ← (I − V op(T) Vᵀ) X for X `rows` × `cols` (rows: the reflectors' range), op(T) = Tᵀ
 * (`trans`: the factorisation applies Qᵀ) or T (forming Q): w = Xᵀ V (cols × nb), then
 * w ← w op(T)ᵀ, then X −= V wᵀ. X(i, col) is x[col ldx + i] (A's column-major trailing
 * block; vc: V by columns, nb × rows) or, with `xrow`, x[i ldx + col] (Q's row-major block;
 * vc: scratch for wᵀ, nb × cols). */
static GC_UNUSED void gc_qr_block_apply_SFX(int rows, int cols, int nb, const REAL *vt, const REAL *t, int trans,
                                            REAL *x, long ldx, int xrow, REAL *w, REAL *vc)
{
    memset(w, 0, sizeof(REAL) * cols * nb);
    /* w[col][p] = Σ_i X(i, col) V(i, p): P[i][col] = X(i, col), Q[i][p] = vt[i][p] */
    gc_rank_update_strided_SFX(0, cols, nb, rows, x, xrow ? ldx : 1, xrow ? 1 : ldx, vt, nb, w, nb, 0);
    for (int col = 0; col < cols; ++col) {         /* w ← w op(T)ᵀ, a row at a time, in place */
        REAL *wc = w + (long)col * nb;
        if (trans)                                 /* w T: entry p from entries ≤ p, the last first */
            for (int p = nb - 1; p >= 0; --p) {
                REAL s = 0;
                for (int q = 0; q <= p; ++q) s += wc[q] * t[q * nb + p];
                wc[p] = s;
            }
        else                                       /* w Tᵀ: entry p from entries ≥ p, the first first */
            for (int p = 0; p < nb; ++p) {
                REAL s = 0;
                for (int q = p; q < nb; ++q) s += wc[q] * t[p * nb + q];
                wc[p] = s;
            }
    }
    if (xrow) {                                    /* X[i][col] −= Σ_p V(i, p) w[col][p] */
        for (int p = 0; p < nb; ++p)               /* wᵀ, its rows along X's */
            for (int col = 0; col < cols; ++col) vc[(long)p * cols + col] = w[(long)col * nb + p];
        gc_rank_update_strided_SFX(0, rows, cols, nb, vt, 1, nb, vc, cols, x, ldx, 1);
    } else {                                       /* X[col][i] −= Σ_p w[col][p] V(i, p) */
        gc_rank_update_strided_SFX(0, cols, rows, nb, w, 1, nb, vc, rows, x, ldx, 1);
    }
}

static GC_UNUSED void gc_qr_blocked_SFX(int m, int n, const REAL *a, REAL *q, REAL *r, REAL *work)
{
    const int k = m < n ? m : n;
    REAL *c = work, *tau = c + (long)m * n, *vt = tau + k, *t = vt + (long)m * GC_QR_NB;
    REAL *w = t + GC_QR_NB * GC_QR_NB, *vc = w + (long)n * GC_QR_NB;    /* n ≥ k; vc: max(m, n) × nb */
    for (long i = 0; i < m; ++i)
        for (long j = 0; j < n; ++j) c[j * m + i] = a[i * n + j];
    for (int j0 = 0; j0 < k; j0 += GC_QR_NB) {
        const int nb = k - j0 < GC_QR_NB ? k - j0 : GC_QR_NB;
        gc_householder_columns_SFX(m, c, tau, j0, j0 + nb, j0 + nb);     /* the panel, column by column */
        if (j0 + nb < n) {                          /* the rest: Qᵀ of the panel */
            gc_qr_panel_v_SFX(m, c, j0, nb, vt);
            gc_qr_block_t_SFX(m - j0, nb, vt, tau + j0, t);
            for (int p = 0; p < nb; ++p)            /* V by columns */
                for (int i = 0; i < m - j0; ++i) vc[(long)p * (m - j0) + i] = vt[(long)i * nb + p];
            gc_qr_block_apply_SFX(m - j0, n - j0 - nb, nb, vt, t, 1, c + (long)(j0 + nb) * m + j0, m, 0, w, vc);
        }
    }
    for (long i = 0; i < k; ++i)
        for (long j = 0; j < n; ++j) r[i * n + j] = j < i ? 0 : c[j * m + i];
    for (long i = 0; i < m; ++i)                    /* Q = H₀ ⋯ H_{k−1} [I; 0], blocks last to first */
        for (long j = 0; j < k; ++j) q[i * k + j] = i == j;
    for (int j0 = (k - 1) / GC_QR_NB * GC_QR_NB; j0 >= 0; j0 -= GC_QR_NB) {
        const int nb = k - j0 < GC_QR_NB ? k - j0 : GC_QR_NB;
        gc_qr_panel_v_SFX(m, c, j0, nb, vt);
        gc_qr_block_t_SFX(m - j0, nb, vt, tau + j0, t);
        gc_qr_block_apply_SFX(m - j0, k - j0, nb, vt, t, 0, q + (long)j0 * k + j0, k, 1, w, vc);
    }
}

/* Elements of REAL scratch gc_qr needs: A's column-major copy, tau, then LAPACK's work or the
 * blocked QR's V, T and products (16 (m + n + max(m, n)) + 256 at most). */
static GC_UNUSED long gc_qr_work_SFX(int m, int n)
{
    return (long)m * n + (m < n ? m : n) + 64L * (m > n ? m : n);
}

/* Reduced QR of A (row-major m×n): Q (m×k), R (k×n), k = min(m, n): blocked on our tiles
 * for medium sizes, else by geqrf and orgqr on a column-major copy of A (LAPACK's signs, as
 * NumPy's, either way). */
static GC_UNUSED void gc_qr_SFX(int m, int n, const REAL *a, REAL *q, REAL *r, REAL *work)
{
    if (gc_qr_blocked_fit_SFX(m, n)) {
        gc_qr_blocked_SFX(m, n, a, q, r, work);
        return;
    }
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
