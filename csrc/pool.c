/* Elementwise loops of a BLAS-calling kernel, shared by OpenBLAS's own thread pool.
 * A kernel that calls the BLAS cannot open OpenMP threads: OpenBLAS's workers spin after
 * each call and two busy pools on the same cores cost milliseconds. So a costly loop
 * between BLAS calls (the tanh of an RNN step) runs as a function over a span [lo, hi)
 * of its outer loop, and OpenBLAS's pool runs one span per thread (gotoblas_pthread:
 * the calling thread takes the first, the pool's workers the others). Every element is
 * computed by the same expression whatever the split, so results do not depend on it. */
int gotoblas_pthread(int numthreads, void *function, void *args, int stride);
int scipy_openblas_get_num_threads64_(void);

typedef struct {
    const void *const *arg;
    void *const *res;
    void *work;
    long lo, hi;
    char pad[24];              /* one span per 64-byte line */
} gc_span;

#define GC_POOL_MAX 16

static GC_UNUSED void gc_pool_run(void (*fn)(void *), const void *const *arg, void *const *res, void *work,
                                  long n)
{
    gc_span spans[GC_POOL_MAX];
    long k = scipy_openblas_get_num_threads64_();
    k = k < 1 ? 1 : k > GC_POOL_MAX ? GC_POOL_MAX : k;
    k = k > n ? n : k;
    for (long j = 0; j < k; ++j) {
        spans[j].arg = arg;
        spans[j].res = res;
        spans[j].work = work;
        spans[j].lo = n * j / k;
        spans[j].hi = n * (j + 1) / k;
    }
    if (k <= 1) {
        fn(&spans[0]);
    } else {
        union { void (*fn)(void *); void *p; } routine;    /* as POSIX's dlsym, the other way */
        routine.fn = fn;
        gotoblas_pthread((int)k, routine.p, spans, (int)sizeof(gc_span));
    }
}
