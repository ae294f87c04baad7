/* Unit tests of csrc/gemv.c against naive loops: every transposition, strides, beta 0
 * and 1, sizes below and above the threading threshold, ragged edges; the rank update
 * for ragged row and column counts; the team barrier. Pasted after the instantiated routines (REAL_T,
 * GEMV, RANK_UPDATE defined by tests/test_gemv.py). Exit status 0 when all pass. */
#include <stdio.h>
#include <stdlib.h>

static REAL_T frand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (REAL_T)((*s >> 8) % 2001) / (REAL_T)1000 - (REAL_T)1;
}

static int close_to(REAL_T a, REAL_T b, REAL_T scale)
{
    REAL_T d = a > b ? a - b : b - a;
    return d <= (REAL_T)(sizeof(REAL_T) == 8 ? 1e-12 : 2e-4) * (scale > 1 ? scale : 1);
}

static int check_gemv(int trans, int rows, int cols, int lda, int incx, int incy, int beta, int threads)
{
    unsigned s = (unsigned)(rows * 31 + cols * 7 + trans + 2 * beta);
    int nx = trans ? rows : cols, ny = trans ? cols : rows, bad = 0;
    REAL_T *a = malloc(sizeof(REAL_T) * ((size_t)rows * lda + 1));
    REAL_T *x = malloc(sizeof(REAL_T) * ((size_t)nx * incx + 1));
    REAL_T *y = malloc(sizeof(REAL_T) * ((size_t)ny * incy + 1));
    REAL_T *want = malloc(sizeof(REAL_T) * ((size_t)ny + 1));
    for (long i = 0; i < (long)rows * lda; ++i) a[i] = frand(&s);
    for (long i = 0; i < (long)nx * incx; ++i) x[i] = frand(&s);
    for (long i = 0; i < (long)ny * incy; ++i) y[i] = frand(&s);
    for (int o = 0; o < ny; ++o) {
        REAL_T acc = beta ? y[(long)o * incy] : 0;
        for (int t = 0; t < nx; ++t)
            acc += (trans ? a[(long)t * lda + o] : a[(long)o * lda + t]) * x[(long)t * incx];
        want[o] = acc;
    }
    GEMV(trans, rows, cols, a, lda, x, incx, (REAL_T)beta, y, incy, threads);
    for (int o = 0; o < ny; ++o)
        if (!close_to(y[(long)o * incy], want[o], (REAL_T)nx))
            bad = 1;
    if (bad)
        printf("gemv trans=%d %dx%d lda=%d incx=%d incy=%d beta=%d threads=%d: wrong\n", trans, rows, cols, lda,
               incx, incy, beta, threads);
    free(a); free(x); free(y); free(want);
    return bad;
}

static int check_rank_update(int m, int n, int r, int threads)
{
    unsigned s = (unsigned)(m * 13 + n * 5 + r);
    int bad = 0;
    REAL_T *p = malloc(sizeof(REAL_T) * ((size_t)r * m + 1)), *q = malloc(sizeof(REAL_T) * ((size_t)r * n + 1));
    REAL_T *c = malloc(sizeof(REAL_T) * (size_t)m * n), *want = malloc(sizeof(REAL_T) * (size_t)m * n);
    for (long i = 0; i < (long)r * m; ++i) p[i] = frand(&s);
    for (long i = 0; i < (long)r * n; ++i) q[i] = frand(&s);
    for (long i = 0; i < (long)m * n; ++i) want[i] = c[i] = frand(&s);
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j)
            for (int k = 0; k < r; ++k)
                want[(long)i * n + j] += p[(long)k * m + i] * q[(long)k * n + j];
    RANK_UPDATE(m, n, r, p, q, c, threads);
    for (long i = 0; i < (long)m * n; ++i)
        if (!close_to(c[i], want[i], (REAL_T)r))
            bad = 1;
    if (bad)
        printf("rank update %dx%d r=%d threads=%d: wrong\n", m, n, r, threads);
    free(p); free(q); free(c); free(want);
    return bad;
}

/* The team barrier: each round every thread writes its slot, waits, reads every slot
 * (all must hold the round), waits again. */
static int check_team_barrier(int threads, int rounds)
{
    int bad = 0;
#if defined(_OPENMP)
    double area[GC_TEAM_AREA];
    volatile int slots[8] = {0};
    gc_team_start(area);
    GC_PRAGMA(omp parallel num_threads(threads) reduction(+:bad))
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        for (int r = 1; r <= rounds; ++r) {
            slots[t] = r;
            gc_team_wait(area, nt);
            for (int u = 0; u < nt; ++u)
                bad += slots[u] != r;
            gc_team_wait(area, nt);
        }
    }
    if (bad)
        printf("team barrier, %d threads: %d stale reads\n", threads, bad);
#else
    (void)threads; (void)rounds;
#endif
    return bad != 0;
}

int main(void)
{
    static const int sizes[][2] = {{1, 1}, {1, 7}, {7, 1}, {5, 3}, {33, 17}, {64, 130}, {300, 260}, {1030, 70}};
    int failures = 0;
    for (unsigned z = 0; z < sizeof sizes / sizeof sizes[0]; ++z)
        for (int trans = 0; trans < 2; ++trans)
            for (int beta = 0; beta < 2; ++beta)
                for (int threads = 0; threads < 2; ++threads) {
                    int rows = sizes[z][0], cols = sizes[z][1];
                    failures += check_gemv(trans, rows, cols, cols, 1, 1, beta, threads);
                    failures += check_gemv(trans, rows, cols, cols + 3, 2, 3, beta, threads);
                }
    static const int updates[][3] = {{1, 1, 1}, {3, 5, 2}, {4, 8, 4}, {9, 17, 5}, {256, 256, 16}, {300, 259, 7},
                                        {257, 250, 70}, {13, 300, 33}, {8, 96, 32}};
    for (unsigned z = 0; z < sizeof updates / sizeof updates[0]; ++z)
        for (int threads = 0; threads < 2; ++threads)
            failures += check_rank_update(updates[z][0], updates[z][1], updates[z][2], threads);
    failures += check_team_barrier(2, 20000) + check_team_barrier(3, 2000);
    printf("%s: %d failures\n", TEST_NAME, failures);
    return failures != 0;
}
