/* Matrix-vector products and low-rank updates, shared among threads by output slices.
 *
 * gc_gemv:  y = op(A) x + beta y (beta 0 or 1), A rows×cols row-major (leading dimension
 *           lda), op(A) = A (y has rows entries) or Aᵀ (y has cols entries).
 * gc_rank_update: C += Pᵀ Q, C m×n, P r×m, Q r×n (all row-major, contiguous), for the
 *           blocks of a loop's deferred accumulator updates (few rows r);
 *           gc_rank_update_strided the same over strided blocks, subtracting if asked,
 *           and gc_block_solve a block of rows by a small triangle: the pieces of the
 *           blocked LU, Cholesky and triangular solves of csrc/lapack_lu.c and
 *           csrc/lapack_cholesky.c.
 * gc_gemv_team, gc_rank_update_team: one thread's part of the same, called by every
 *           thread of a team (a loop run in one parallel region, codegen/team.py; the
 *           threaded gc_gemv and gc_rank_update open a region around them).
 *
 * Why not the BLAS: a loop calls these once per step on the same matrix. Each thread
 * always computes the same slice of the output, so it reads the same part of A every
 * step — for Aᵀ x too, each thread taking the rows it has for A x and the partial sums
 * added after — so a matrix twice the size of one core's L2 cache stays in the two
 * caches instead of streaming from L3 (a 256×256 float64 recurrence: 2× faster than
 * OpenBLAS's gemv). For a given thread count every output element is summed in the same
 * order. `threads` is 0 where OpenBLAS's own threads may be running (their spinning would
 * compete with OpenMP's). */
#if defined(_OPENMP)
#include <omp.h>
#endif
#ifndef GC_TEAM_AREA          /* once per file, whatever the dtypes */
#define GC_PARALLEL_WORK 65536L       /* matrix elements from which threads pay off */
#define GC_PARTIALS 4096              /* partial sums of a threaded Aᵀ x (entries) */
#define GC_TEAM_AREA (GC_PARTIALS + 8)   /* doubles a team shares: the partial sums, then its barrier */
#define GC_SPINS 128                  /* a waiting thread's busy polls (~3 us) before it yields its core:
                                         two 2-thread processes on 2 cores, 1024 polls 2x slower, 16384 20x */

/* The barrier of a team (the last 8 doubles of its area, zeroed by gc_team_start before the
 * region): an arrival count and a generation the last arrival advances, polled by the
 * others. Acquire/release atomics publish every write before the barrier to every read
 * after it. Against libgomp's barrier: W5 batch 1, 4-6% less time per call (paired runs).
 * A thread waiting longer than GC_SPINS polls yields its core, at once when the team has
 * more threads than the machine has cores. */
typedef struct { int count; unsigned generation; long spins; } gc_team_barrier_t;

static GC_UNUSED void gc_team_start(void *area)
{
    gc_team_barrier_t *b = (gc_team_barrier_t *)(void *)((char *)area + GC_PARTIALS * sizeof(double));
    memset(b, 0, sizeof *b);
#if defined(_OPENMP)
    b->spins = omp_get_max_threads() > omp_get_num_procs() ? 0 : GC_SPINS;   /* more threads than cores: yield at once */
#endif
}

#if defined(__GNUC__) && (defined(__unix__) || defined(__APPLE__))
int sched_yield(void);
#define GC_YIELD() sched_yield()
#else
#define GC_YIELD() ((void)0)
#endif
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define GC_RELAX() __builtin_ia32_pause()
#else
#define GC_RELAX() ((void)0)
#endif

static GC_UNUSED void gc_team_wait(void *area, int nt)
{
#if defined(_OPENMP) && defined(__GNUC__)
    gc_team_barrier_t *b = (gc_team_barrier_t *)(void *)((char *)area + GC_PARTIALS * sizeof(double));
    const unsigned generation = __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE);
    if (__atomic_add_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == nt) {
        __atomic_store_n(&b->count, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&b->generation, generation + 1, __ATOMIC_RELEASE);
        return;
    }
    for (long polls = 0; __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == generation; ++polls) {
        if (polls < b->spins)
            GC_RELAX();
        else
            GC_YIELD();
    }
#elif defined(_OPENMP)
    (void)area; (void)nt;
    GC_PRAGMA(omp barrier)
#else
    (void)area; (void)nt;
#endif
}

/* the team of a loop run by one persistent team (codegen/team.py): gc_part and gc_nt in scope */
#if defined(_OPENMP)
#define GC_TEAM_BARRIER gc_team_wait(gc_part, gc_nt);
#define GC_THREAD_NUM omp_get_thread_num()
#define GC_NUM_THREADS omp_get_num_threads()
#else
#define GC_TEAM_BARRIER
#define GC_THREAD_NUM 0
#define GC_NUM_THREADS 1
#endif
#endif

/* y[lo:hi] of y = A x (rows lo..hi of A) */
static GC_UNUSED void gc_gemv_rows_SFX(int lo, int hi, int cols, const REAL *a, int lda, const REAL *x, int incx,
                                       REAL beta, REAL *y, int incy)
{
    int i = lo;
    if (incx == 1) {
        for (; i + 4 <= hi; i += 4) {
            const REAL *a0 = a + (long)i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
            REAL s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            GC_SIMD_REDUCE(s0, s1, s2, s3)
            for (int j = 0; j < cols; ++j) {
                s0 += a0[j] * x[j];
                s1 += a1[j] * x[j];
                s2 += a2[j] * x[j];
                s3 += a3[j] * x[j];
            }
            REAL *yi = y + (long)i * incy;
            yi[0] = beta == 0 ? s0 : yi[0] + s0;
            yi[incy] = beta == 0 ? s1 : yi[incy] + s1;
            yi[2L * incy] = beta == 0 ? s2 : yi[2L * incy] + s2;
            yi[3L * incy] = beta == 0 ? s3 : yi[3L * incy] + s3;
        }
    }
    for (; i < hi; ++i) {
        const REAL *ai = a + (long)i * lda;
        REAL s = 0;
        for (int j = 0; j < cols; ++j)
            s += ai[j] * x[(long)j * incx];
        y[(long)i * incy] = beta == 0 ? s : y[(long)i * incy] + s;
    }
}

/* y[lo:hi] of y = Aᵀ x (columns lo..hi of A) */
static GC_UNUSED void gc_gemv_cols_SFX(int lo, int hi, int rows, const REAL *a, int lda, const REAL *x, int incx,
                                       REAL beta, REAL *y, int incy)
{
    if (incy != 1) {
        for (int j = lo; j < hi; ++j) {
            REAL s = 0;
            for (int i = 0; i < rows; ++i)
                s += a[(long)i * lda + j] * x[(long)i * incx];
            y[(long)j * incy] = beta == 0 ? s : y[(long)j * incy] + s;
        }
        return;
    }
    if (beta == 0)
        for (int j = lo; j < hi; ++j)
            y[j] = 0;
    int i = 0;
    for (; i + 8 <= rows; i += 8) {     /* y read and written once per 8 rows of A (4: 6% slower in W5) */
        const REAL *a0 = a + (long)i * lda;
        const REAL x0 = x[(long)i * incx], x1 = x[(long)(i + 1) * incx];
        const REAL x2 = x[(long)(i + 2) * incx], x3 = x[(long)(i + 3) * incx];
        const REAL x4 = x[(long)(i + 4) * incx], x5 = x[(long)(i + 5) * incx];
        const REAL x6 = x[(long)(i + 6) * incx], x7 = x[(long)(i + 7) * incx];
        GC_SIMD
        for (int j = lo; j < hi; ++j)
            y[j] += ((a0[j] * x0 + a0[j + lda] * x1) + (a0[j + 2L * lda] * x2 + a0[j + 3L * lda] * x3))
                  + ((a0[j + 4L * lda] * x4 + a0[j + 5L * lda] * x5) + (a0[j + 6L * lda] * x6 + a0[j + 7L * lda] * x7));
    }
    for (; i + 4 <= rows; i += 4) {
        const REAL x0 = x[(long)i * incx], x1 = x[(long)(i + 1) * incx];
        const REAL x2 = x[(long)(i + 2) * incx], x3 = x[(long)(i + 3) * incx];
        const REAL *a0 = a + (long)i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        GC_SIMD
        for (int j = lo; j < hi; ++j)
            y[j] += a0[j] * x0 + a1[j] * x1 + a2[j] * x2 + a3[j] * x3;
    }
    for (; i < rows; ++i) {
        const REAL xi = x[(long)i * incx];
        const REAL *ai = a + (long)i * lda;
        GC_SIMD
        for (int j = lo; j < hi; ++j)
            y[j] += ai[j] * xi;
    }
}

/* [lo, hi) of n items for thread p of np, in multiples of 8 (whole cache lines) */
static GC_UNUSED void gc_share_SFX(int n, int p, int np, int *lo, int *hi)
{
    long per = ((long)n + 8L * np - 1) / (8L * np) * 8;
    long a = per * p, b = a + per;
    *lo = (int)(a < n ? a : n);
    *hi = (int)(b < n ? b : n);
}

/* Thread p's part of y = op(A) x + beta y inside a loop run by a persistent team of np
 * threads (every thread calls with the same arguments; codegen/team.py): A x by the
 * thread's rows of y (gc_share), as gc_gemv does. Aᵀ x: partial sums over the thread's
 * rows of A into its own slice of `part` (the team's area, GC_TEAM_AREA doubles), one
 * wait for the team, then the thread's share of y; for small products (or partial sums
 * that do not fit), a wait and then the thread's columns. Needs: the thread's rows of x (Aᵀ x) or all of x
 * (A x) written and visible. Each element of y is summed as gc_gemv sums it with
 * threads = np, so a loop gives the same results in a team as outside one. */
static GC_UNUSED void gc_gemv_team_SFX(int trans, int rows, int cols, const REAL *a, int lda, const REAL *x,
                                       int incx, REAL beta, REAL *y, int incy, int p, int np, REAL *part)
{
    int lo, hi;
    if (!trans) {
        gc_share_SFX(rows, p, np, &lo, &hi);
        gc_gemv_rows_SFX(lo, hi, cols, a, lda, x, incx, beta, y, incy);
        return;
    }
    if ((long)rows * cols >= GC_PARALLEL_WORK && np > 1 && (long)cols * np <= GC_PARTIALS) {
        gc_share_SFX(rows, p, np, &lo, &hi);
        gc_gemv_cols_SFX(0, cols, hi - lo, a + (long)lo * lda, lda, x + (long)lo * incx, incx, 0,
                         part + (long)p * cols, 1);
        gc_team_wait(part, np);
        gc_share_SFX(cols, p, np, &lo, &hi);
        for (int j = lo; j < hi; ++j) {
            REAL s = part[j];
            for (int q = 1; q < np; ++q)
                s += part[(long)q * cols + j];
            y[(long)j * incy] = beta == 0 ? s : y[(long)j * incy] + s;
        }
        return;
    }
    gc_team_wait(part, np);
    gc_share_SFX(cols, p, np, &lo, &hi);
    gc_gemv_cols_SFX(lo, hi, rows, a, lda, x, incx, beta, y, incy);
}

static GC_UNUSED void gc_gemv_SFX(int trans, int rows, int cols, const REAL *a, int lda, const REAL *x, int incx,
                                  REAL beta, REAL *y, int incy, int threads)
{
    const int n = trans ? cols : rows;
#if defined(_OPENMP)
    if (threads && (long)rows * cols >= GC_PARALLEL_WORK && omp_get_max_threads() > 1) {
        double area[GC_TEAM_AREA];
        gc_team_start(area);
        GC_PRAGMA(omp parallel)
        gc_gemv_team_SFX(trans, rows, cols, a, lda, x, incx, beta, y, incy, omp_get_thread_num(),
                         omp_get_num_threads(), (REAL *)area);
        return;
    }
#else
    (void)threads;
#endif
    if (trans)
        gc_gemv_cols_SFX(0, n, rows, a, lda, x, incx, beta, y, incy);
    else
        gc_gemv_rows_SFX(0, n, cols, a, lda, x, incx, beta, y, incy);
}

/* Rows lo..hi of C += s Pᵀ Q (s = 1, or -1 when `negate`), columns j0..n: P's entry (k, i) at
 * p[k psk + i psi], Q's row k at q + k ldq, C's row i at c + i ldc (gc_rank_update's
 * contiguous blocks; an LU's trailing update reads them in place). Each element sums its
 * r terms in order k = 0, 1, ..., as c += (s p) q like the register tiles below; the loop
 * over a row's columns innermost, so that few columns still vectorise. */
static GC_UNUSED void gc_rank_update_plain_SFX(int lo, int hi, int j0, int n, int r, const REAL *p, long psk,
                                               long psi, const REAL *q, long ldq, REAL *c, long ldc, int negate)
{
    const REAL sign = negate ? -1 : 1;
    if (j0 >= n)
        return;
    for (int i = lo; i < hi; ++i) {
        REAL *ci = c + (long)i * ldc;
        for (int k = 0; k < r; ++k) {
            const REAL e = sign * p[(long)k * psk + (long)i * psi], *qk = q + (long)k * ldq;
            for (int j = j0; j < n; ++j)
                ci[j] += e * qk[j];
        }
    }
}

#if defined(__GNUC__)
/* A 6×(2 vectors) tile of C held in registers while the r rows of Q stream past (GCC's
 * vector extension: a plain loop keeps the tile in memory, 4× slower), the tile's six
 * entries of each row of P copied side by side first, GC_RU_DEPTH rows at a time: per row
 * of Q two vector loads and six broadcasts feed twelve multiply-adds (a 4×3 tile, whose Q
 * vectors did not stay in registers, reached 60% of this: 128×256, rank 16, 54 → 33 µs).
 * The columns past the last whole tile go through one zero-padded tile a row at a time, so
 * every entry is computed by the same vector multiply-adds (a plain loop there rounded
 * differently and ran one scalar chain per entry). */
typedef REAL gc_vec_SFX __attribute__((vector_size(32)));
#define GC_VLEN_SFX ((int)(sizeof(gc_vec_SFX) / sizeof(REAL)))
#ifndef GC_VLOAD          /* vectors stay in locals: returning one from a function changes the ABI */
#define GC_VLOAD(v, x) __builtin_memcpy(&(v), (x), sizeof(v))
#define GC_VSTORE(x, v) __builtin_memcpy((x), &(v), sizeof(v))
#define GC_RU_DEPTH 32
#endif

static GC_UNUSED void gc_rank_update_strided_SFX(int lo, int hi, int n, int r, const REAL *p, long psk, long psi,
                                                 const REAL *q, long ldq, REAL *c, long ldc, int negate)
{
    const int V = GC_VLEN_SFX, T = 2 * V, wide = n - n % T, rows = lo + (hi - lo) / 6 * 6;
    const REAL sign = negate ? -1 : 1;           /* exact: the products' rounding is unchanged */
    REAL pp[GC_RU_DEPTH * 6];
    for (int k0 = 0; k0 < r; k0 += GC_RU_DEPTH) {
        const int depth = r - k0 < GC_RU_DEPTH ? r - k0 : GC_RU_DEPTH;
        const REAL *pd = p + (long)k0 * psk, *qd = q + (long)k0 * ldq;
        for (int i = lo; i < rows; i += 6) {
            for (int k = 0; k < depth; ++k)
                for (int t = 0; t < 6; ++t)
                    pp[k * 6 + t] = sign * pd[(long)k * psk + (long)(i + t) * psi];
            REAL *c0 = c + (long)i * ldc, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc, *c4 = c3 + ldc,
                 *c5 = c4 + ldc;
            for (int j = 0; j < wide; j += T) {
                gc_vec_SFX a0, b0, a1, b1, a2, b2, a3, b3, a4, b4, a5, b5;
                GC_VLOAD(a0, c0 + j); GC_VLOAD(b0, c0 + j + V); GC_VLOAD(a1, c1 + j); GC_VLOAD(b1, c1 + j + V);
                GC_VLOAD(a2, c2 + j); GC_VLOAD(b2, c2 + j + V); GC_VLOAD(a3, c3 + j); GC_VLOAD(b3, c3 + j + V);
                GC_VLOAD(a4, c4 + j); GC_VLOAD(b4, c4 + j + V); GC_VLOAD(a5, c5 + j); GC_VLOAD(b5, c5 + j + V);
                const REAL *pk = pp, *qk = qd + j;
                for (int k = 0; k < depth; ++k, pk += 6, qk += ldq) {
                    gc_vec_SFX u, v;
                    REAL e;
                    GC_VLOAD(u, qk); GC_VLOAD(v, qk + V);
                    e = pk[0]; a0 += e * u; b0 += e * v;
                    e = pk[1]; a1 += e * u; b1 += e * v;
                    e = pk[2]; a2 += e * u; b2 += e * v;
                    e = pk[3]; a3 += e * u; b3 += e * v;
                    e = pk[4]; a4 += e * u; b4 += e * v;
                    e = pk[5]; a5 += e * u; b5 += e * v;
                }
                GC_VSTORE(c0 + j, a0); GC_VSTORE(c0 + j + V, b0); GC_VSTORE(c1 + j, a1); GC_VSTORE(c1 + j + V, b1);
                GC_VSTORE(c2 + j, a2); GC_VSTORE(c2 + j + V, b2); GC_VSTORE(c3 + j, a3); GC_VSTORE(c3 + j + V, b3);
                GC_VSTORE(c4 + j, a4); GC_VSTORE(c4 + j + V, b4); GC_VSTORE(c5 + j, a5); GC_VSTORE(c5 + j + V, b5);
            }
        }
        for (int i = rows; i < hi; ++i) {                 /* the rows past the last 6: one at a time */
            REAL *ci = c + (long)i * ldc;
            for (int j = 0; j < wide; j += T) {
                gc_vec_SFX a0, b0;
                GC_VLOAD(a0, ci + j); GC_VLOAD(b0, ci + j + V);
                const REAL *qk = qd + j;
                for (int k = 0; k < depth; ++k, qk += ldq) {
                    gc_vec_SFX u, v;
                    GC_VLOAD(u, qk); GC_VLOAD(v, qk + V);
                    const REAL e = sign * pd[(long)k * psk + (long)i * psi];
                    a0 += e * u; b0 += e * v;
                }
                GC_VSTORE(ci + j, a0); GC_VSTORE(ci + j + V, b0);
            }
        }
        if (wide < n) {                                   /* the last columns: one tile, zero-padded */
            const int rem = n - wide;
            REAL qpad[GC_RU_DEPTH * 2 * GC_VLEN_SFX], ct[2 * GC_VLEN_SFX];
            for (int k = 0; k < depth; ++k)
                for (int t = 0; t < T; ++t)
                    qpad[k * T + t] = t < rem ? qd[(long)k * ldq + wide + t] : 0;
            for (int i = lo; i < hi; ++i) {
                REAL *ci = c + (long)i * ldc + wide;
                for (int t = 0; t < T; ++t)
                    ct[t] = t < rem ? ci[t] : 0;
                gc_vec_SFX a0, b0;
                GC_VLOAD(a0, ct); GC_VLOAD(b0, ct + V);
                const REAL *qk = qpad;
                for (int k = 0; k < depth; ++k, qk += T) {
                    gc_vec_SFX u, v;
                    GC_VLOAD(u, qk); GC_VLOAD(v, qk + V);
                    const REAL e = sign * pd[(long)k * psk + (long)i * psi];
                    a0 += e * u; b0 += e * v;
                }
                GC_VSTORE(ct, a0); GC_VSTORE(ct + V, b0);
                for (int t = 0; t < rem; ++t)
                    ci[t] = ct[t];
            }
        }
    }
}
#else
static GC_UNUSED void gc_rank_update_strided_SFX(int lo, int hi, int n, int r, const REAL *p, long psk, long psi,
                                                 const REAL *q, long ldq, REAL *c, long ldc, int negate)
{
    gc_rank_update_plain_SFX(lo, hi, 0, n, r, p, psk, psi, q, ldq, c, ldc, negate);
}
#endif

/* rows lo..hi of C += Pᵀ Q, all three contiguous: C m×n, P r×m, Q r×n */
static GC_UNUSED void gc_rank_update_rows_SFX(int lo, int hi, int m, int n, int r, const REAL *p, const REAL *q,
                                              REAL *c)
{
    gc_rank_update_strided_SFX(lo, hi, n, r, p, m, 1, q, n, c, n, 0);
}

/* The nb rows of a block U (row k at u + k ldu, w entries) solved by row operations with the
 * triangle M (entry (k, j) at t[k si + j sj]): forward, row k minus M[k][j] row j for
 * j = 0..k-1; backward, for j = k+1..nb-1 (from the last row); then divided by M[k][k]
 * unless `unit`. The diagonal blocks of the blocked LU, Cholesky and triangular solves. */
static GC_UNUSED void gc_block_solve_SFX(int nb, int w, const REAL *t, long si, long sj, int forward, int unit,
                                         REAL *u, long ldu)
{
    for (int step = 0; step < nb; ++step) {
        const int k = forward ? step : nb - 1 - step;
        REAL *uk = u + (long)k * ldu;
        for (int j = forward ? 0 : k + 1; j < (forward ? k : nb); ++j) {
            const REAL m = t[k * si + j * sj], *uj = u + (long)j * ldu;
            for (int c = 0; c < w; ++c) uk[c] -= m * uj[c];
        }
        if (!unit) {
            const REAL d = t[k * si + k * sj];
            for (int c = 0; c < w; ++c) uk[c] /= d;
        }
    }
}

/* Thread t's rows of C += Pᵀ Q inside a loop run by a persistent team of nt threads. */
static GC_UNUSED void gc_rank_update_team_SFX(int m, int n, int r, const REAL *p, const REAL *q, REAL *c, int t,
                                              int nt)
{
    int lo, hi;
    gc_share_SFX(m, t, nt, &lo, &hi);
    gc_rank_update_rows_SFX(lo, hi, m, n, r, p, q, c);
}

static GC_UNUSED void gc_rank_update_SFX(int m, int n, int r, const REAL *p, const REAL *q, REAL *c, int threads)
{
#if defined(_OPENMP)
    if (threads && (long)m * n >= GC_PARALLEL_WORK && omp_get_max_threads() > 1) {
        GC_PRAGMA(omp parallel)
        gc_rank_update_team_SFX(m, n, r, p, q, c, omp_get_thread_num(), omp_get_num_threads());
        return;
    }
#else
    (void)threads;
#endif
    gc_rank_update_rows_SFX(0, m, m, n, r, p, q, c);
}
