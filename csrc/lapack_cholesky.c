/* Cholesky with the contract of csrc/cholesky.c: blocked, of our own, up to
 * GC_CHOL_BLOCKED_MAX; through LAPACK's potrf beyond.
 * The LAPACK and BLAS that NumPy's wheels bundle (OpenBLAS; ILP64 symbols scipy_<name>_64_).
 * Row-major arrays are LAPACK's column-major arrays transposed; each routine works on
 * that transpose. */
void LAPACK_POTRF(const char *uplo, const long *n, REAL *a, const long *lda, long *info, size_t len);

#define GC_CHOL_BLOCKED_MAX 600    /* from here potrf (it gains on its threads) */
#define GC_CHOL_PANEL 16
#define GC_CHOL_ROWS 24            /* rows of the trailing update per pass (its lower triangle) */

/* The block of rows j1.. and columns j0..j1 of l copied to its mirror image in the upper
 * triangle (rows j0..j1, columns j1..), or back when `back`, eight rows of the block at a
 * time (each of its columns' eight entries one cache line of the mirror). */
static GC_UNUSED void gc_chol_transpose_SFX(int n, REAL *l, int j0, int j1, int back)
{
    for (int i0 = j1; i0 < n; i0 += 8) {
        const int i1 = n - i0 < 8 ? n : i0 + 8;
        for (int k = j0; k < j1; ++k)
            for (int i = i0; i < i1; ++i) {
                REAL *low = l + (long)i * n + k, *up = l + (long)k * n + i;
                if (back) *low = *up;
                else *up = *low;
            }
    }
}

/* Columns j0..j1 of L, row-major lower in l (n×n), once the columns before them are
 * subtracted from the rest: the diagonal block unblocked, then L21 = A21 L11⁻ᵀ solved on a
 * transposed copy kept in the upper triangle's rows j0..j1 (which the result zeroes), where
 * the trailing update reads it, and copied back. Returns 1 when the matrix is not positive
 * definite (a pivot not above 0, or NaN). */
static GC_UNUSED int gc_chol_panel_SFX(int n, REAL *l, int j0, int j1)
{
    for (int k = j0; k < j1; ++k) {
        REAL *lk = l + (long)k * n, d = lk[k];
        for (int p = j0; p < k; ++p) d -= lk[p] * lk[p];
        if (!(d > 0)) return 1;
        lk[k] = SQRT(d);
        const REAL r = 1 / lk[k];
        for (int i = k + 1; i < j1; ++i) {
            REAL *li = l + (long)i * n, s = li[k];
            for (int p = j0; p < k; ++p) s -= li[p] * lk[p];
            li[k] = s * r;
        }
    }
    const int w = n - j1;
    if (w == 0) return 0;
    gc_chol_transpose_SFX(n, l, j0, j1, 0);           /* u[k][i] = A21[i][k], in l's rows j0.. from column j1 */
    gc_block_solve_SFX(j1 - j0, w, l + (long)j0 * n + j0, n, 1, 1, 0, l + (long)j0 * n + j1, n);   /* L21ᵀ = L11⁻¹ A21ᵀ */
    gc_chol_transpose_SFX(n, l, j0, j1, 1);
    return 0;
}

/* Rows lo..hi (counted from j1) of the trailing matrix's lower triangle minus L21 L21ᵀ,
 * GC_CHOL_ROWS rows at a time, each pass over the columns up to its last row (csrc/gemv.c's
 * register tiles; P = Q = L21ᵀ in the upper triangle's rows j0..j1). */
static GC_UNUSED void gc_chol_trailing_SFX(int n, REAL *l, int j0, int j1, int lo, int hi)
{
    const REAL *u = l + (long)j0 * n + j1;
    for (int r0 = lo; r0 < hi; r0 += GC_CHOL_ROWS) {
        const int r1 = hi - r0 < GC_CHOL_ROWS ? hi : r0 + GC_CHOL_ROWS;
        gc_rank_update_strided_SFX(r0, r1, r1, j1 - j0, u, n, 1, u, n, l + (long)j1 * n + j1, n, 1);
    }
}

static GC_UNUSED void gc_chol_trailing_serial_SFX(int n, REAL *l, int j0, int j1)
{
    gc_chol_trailing_SFX(n, l, j0, j1, 0, n - j1);
}

/* L in l from the symmetric part already there: right-looking, panels of GC_CHOL_PANEL
 * columns; `trailing(n, l, j0, j1)` subtracts a panel from the rest. */
static GC_UNUSED int gc_chol_blocked_SFX(int n, REAL *l, void (*trailing)(int, REAL *, int, int))
{
    for (int j0 = 0; j0 < n; j0 += GC_CHOL_PANEL) {
        const int j1 = n - j0 < GC_CHOL_PANEL ? n : j0 + GC_CHOL_PANEL;
        if (gc_chol_panel_SFX(n, l, j0, j1)) return 1;
        if (j1 < n) trailing(n, l, j0, j1);
    }
    return 0;
}

/* the lower triangle of the symmetric part (A + Aᵀ)/2 into l (the factorisation reads no
 * other entry of it; potrf takes all of it) */
static GC_UNUSED void gc_chol_symmetric_SFX(int n, const REAL *a, REAL *l, int whole)
{
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < (whole ? n : i + 1); ++j)
            l[(long)i * n + j] = (a[(long)i * n + j] + a[(long)j * n + i]) / 2;
}

/* the strict upper triangle zeroed; returns `failed` */
static GC_UNUSED int gc_chol_finish_SFX(int n, REAL *l, int failed)
{
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j)
            l[(long)i * n + j] = 0;
    return failed;
}

#if defined(GC_POOL_MAX)
/* csrc/pool.c comes first in a kernel that calls the BLAS and may use its threads: the
 * trailing updates are shared by OpenBLAS's pool, each thread a span of the trailing rows
 * of about equal area of the lower triangle (rows up to r hold r²/2 entries); the panels
 * stay on the calling thread. Every entry sums the panel's terms in order by the same vector
 * multiply-adds whatever pass and tile it falls in, so results do not depend on the split. */
#define GC_CHOL_POOL_WORK 262144L   /* multiply-adds of a trailing update from which the pool pays off */

typedef struct { REAL *l; int n, j0, j1; } gc_chol_step_SFX;

static GC_UNUSED int gc_chol_isqrt_SFX(long v)
{
    long r = (long)sqrt((double)v);
    while (r * r > v) --r;
    while ((r + 1) * (r + 1) <= v) ++r;
    return (int)r;
}

static GC_UNUSED void gc_chol_trailing_span_SFX(void *p)
{
    const gc_span *s = (const gc_span *)p;
    const gc_chol_step_SFX *t = (const gc_chol_step_SFX *)s->work;
    gc_chol_trailing_SFX(t->n, t->l, t->j0, t->j1, gc_chol_isqrt_SFX(s->lo), gc_chol_isqrt_SFX(s->hi));
}

static GC_UNUSED void gc_chol_trailing_shared_SFX(int n, REAL *l, int j0, int j1)
{
    const long rest = n - j1;
    if (rest * rest * (j1 - j0) / 2 < GC_CHOL_POOL_WORK) {
        gc_chol_trailing_SFX(n, l, j0, j1, 0, (int)rest);
        return;
    }
    gc_chol_step_SFX step = {l, n, j0, j1};
    gc_pool_run(gc_chol_trailing_span_SFX, NULL, NULL, &step, rest * rest);
}

#define GC_CHOL_TRAILING_SFX gc_chol_trailing_shared_SFX
#else
#define GC_CHOL_TRAILING_SFX gc_chol_trailing_serial_SFX
#endif

/* L of the symmetric part (A + Aᵀ)/2. Beyond GC_CHOL_BLOCKED_MAX, LAPACK's upper factor U
 * (Uᵀ U = A) of the column-major view, which is L read row-major. Against potrf (this
 * machine): n = 200 on one thread 146 us, on OpenBLAS's two 340 us. */
static GC_UNUSED int gc_cholesky_SFX(int n, const REAL *a, REAL *l)
{
    gc_chol_symmetric_SFX(n, a, l, n > GC_CHOL_BLOCKED_MAX);
    if (n <= GC_CHOL_BLOCKED_MAX)
        return gc_chol_finish_SFX(n, l, gc_chol_blocked_SFX(n, l, GC_CHOL_TRAILING_SFX));
    long nn = n, info = 0;
    LAPACK_POTRF("U", &nn, l, &nn, &info, 1);
    return gc_chol_finish_SFX(n, l, info != 0);
}
