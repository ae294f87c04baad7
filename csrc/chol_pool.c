/* A blocked Cholesky (csrc/lapack_cholesky.c) whose trailing updates are shared by
 * OpenBLAS's pool (csrc/pool.c), in a kernel that calls the BLAS: each thread takes a span
 * of the trailing rows of about equal area of the lower triangle (rows up to r hold r²/2
 * entries), its bounds at multiples of GC_CHOL_ROWS; the panels stay on the calling thread.
 * So every pass of the update is the serial one's (an entry's tile, and so its rounding,
 * depend on its pass), and results equal gc_cholesky's. */
#define GC_CHOL_POOL_WORK 262144L   /* multiply-adds of a trailing update from which the pool pays off */

typedef struct { REAL *l; int n, j0, j1; } gc_chol_step_SFX;

static GC_UNUSED int gc_chol_isqrt_SFX(long v)
{
    long r = (long)sqrt((double)v);
    while (r * r > v) --r;
    while ((r + 1) * (r + 1) <= v) ++r;
    return (int)r;
}

/* row r of a span's bound at area v, at a pass boundary (a multiple of GC_CHOL_ROWS) */
static GC_UNUSED int gc_chol_span_row_SFX(long v, long rest)
{
    const long r = (gc_chol_isqrt_SFX(v) + GC_CHOL_ROWS / 2) / GC_CHOL_ROWS * GC_CHOL_ROWS;
    return (int)(r < rest && v < rest * rest ? r : rest);
}

static GC_UNUSED void gc_chol_trailing_span_SFX(void *p)
{
    const gc_span *s = (const gc_span *)p;
    const gc_chol_step_SFX *t = (const gc_chol_step_SFX *)s->work;
    const long rest = t->n - t->j1;
    gc_chol_trailing_SFX(t->n, t->l, t->j0, t->j1, gc_chol_span_row_SFX(s->lo, rest), gc_chol_span_row_SFX(s->hi, rest));
}

static GC_UNUSED void gc_chol_trailing_pooled_SFX(int n, REAL *l, int j0, int j1)
{
    const long rest = n - j1;
    if (rest * rest * (j1 - j0) / 2 < GC_CHOL_POOL_WORK) {
        gc_chol_trailing_SFX(n, l, j0, j1, 0, (int)rest);
        return;
    }
    gc_chol_step_SFX step = {l, n, j0, j1};
    gc_pool_run(gc_chol_trailing_span_SFX, NULL, NULL, &step, rest * rest);
}

static GC_UNUSED int gc_cholesky_pooled_SFX(int n, const REAL *a, REAL *l)
{
    if (n > GC_CHOL_BLOCKED_MAX)
        return gc_cholesky_SFX(n, a, l);
    gc_chol_symmetric_SFX(n, a, l, 0);
    return gc_chol_finish_SFX(n, l, gc_chol_blocked_SFX(n, l, gc_chol_trailing_pooled_SFX));
}
