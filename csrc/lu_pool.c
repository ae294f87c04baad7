/* A blocked LU (csrc/lapack_lu.c) whose trailing updates are shared by OpenBLAS's pool
 * (csrc/pool.c), in a kernel that calls the BLAS: each thread takes a span of the trailing
 * columns (their swaps, U12 and update are independent), the panels stay on the calling
 * thread. Every column is computed the same way whatever the split, so results equal
 * gc_lu_factor's. */
#define GC_LU_POOL_WORK 262144L   /* multiply-adds of a trailing update from which the pool pays off */

typedef struct { REAL *m; const long *piv; int n, j0, j1; } gc_lu_step_SFX;

static GC_UNUSED void gc_lu_trailing_span_SFX(void *p)
{
    const gc_span *s = (const gc_span *)p;
    const gc_lu_step_SFX *t = (const gc_lu_step_SFX *)s->work;
    gc_lu_trailing_SFX(t->m, t->piv, t->n, t->j0, t->j1, t->j1 + (int)s->lo, t->j1 + (int)s->hi);
}

static GC_UNUSED void gc_lu_trailing_pooled_SFX(REAL *m, const long *piv, int n, int j0, int j1)
{
    const long rest = n - j1;
    if (rest * rest * (j1 - j0) < GC_LU_POOL_WORK) {
        gc_lu_trailing_SFX(m, piv, n, j0, j1, j1, n);
        return;
    }
    gc_lu_step_SFX step = {m, piv, n, j0, j1};
    gc_pool_run(gc_lu_trailing_span_SFX, NULL, NULL, &step, rest);
}

static GC_UNUSED int gc_lu_factor_pooled_SFX(int n, REAL *a, long *piv)
{
    if (n <= GC_LU_LOOPS_MAX || n > GC_LU_BLOCKED_MAX)
        return gc_lu_factor_SFX(n, a, piv);
    return (int)gc_getrf_blocked_SFX(n, a, piv, gc_lu_trailing_pooled_SFX);
}
