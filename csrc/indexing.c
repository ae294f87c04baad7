/* Data-dependent indexing: gather, scatter-add, scatter-max/min, a stable argsort and searchsorted.
 * Indices travel as doubles holding integers (graphc computes in floats, as CasADi does);
 * an index is rounded to the nearest integer, negative ones count from the end as in
 * NumPy, and one outside [-n, n) (or NaN) makes the routine return 5, which the caller
 * returns as its error code. Stacks: `nb` independent problems laid out one after another.
 * Sort order is NumPy's: NaNs after everything else. */

/* The index that double v names in an axis of length n, or -1 when it names none. */
static GC_UNUSED long gc_index_SFX(double v, long n)
{
    if (!(v > -(double)n - 0.5 && v < (double)n - 0.5))
        return -1;                              /* out of range, or NaN */
    long k = (long)(v < 0 ? v - 0.5 : v + 0.5);
    return k < 0 ? k + n : k;
}

/* out[b, j, :] = table[b, idx[b, j], :]: table nb×n×rest, idx nb×ni, out nb×ni×rest. */
static GC_UNUSED int gc_gather_SFX(long nb, long n, long rest, long ni, const REAL *table, const double *idx,
                                   REAL *out)
{
    for (long b = 0; b < nb; ++b) {
        const REAL *t = table + b * n * rest;
        for (long j = 0; j < ni; ++j) {
            long k = gc_index_SFX(idx[b * ni + j], n);
            if (k < 0) return 5;
            REAL *o = out + (b * ni + j) * rest;
            if (rest <= 8)                      /* short rows: a loop beats memcpy's call */
                for (long r = 0; r < rest; ++r) o[r] = t[k * rest + r];
            else
                memcpy(o, t + k * rest, sizeof(REAL) * (size_t)rest);
        }
    }
    return 0;
}

/* out[b, idx[b, j], :] combined with upd[b, j, :] in order of j (deterministic): added
 * (how 0), or replaced where the update is larger (1) or smaller (2) or NaN (a NaN stays,
 * as jnp.maximum). out nb×n×rest holds the starting values, upd nb×ni×rest. */
static GC_UNUSED int gc_scatter_combine_SFX(long nb, long n, long rest, long ni, const REAL *upd, const double *idx,
                                            int how, REAL *out)
{
    for (long b = 0; b < nb; ++b) {
        REAL *o = out + b * n * rest;
        for (long j = 0; j < ni; ++j) {
            long k = gc_index_SFX(idx[b * ni + j], n);
            if (k < 0) return 5;
            const REAL *u = upd + (b * ni + j) * rest;
            REAL *ok = o + k * rest;
            if (how == 0) {
                for (long r = 0; r < rest; ++r) ok[r] += u[r];
            } else {
                for (long r = 0; r < rest; ++r)
                    if ((how == 1 ? u[r] > ok[r] : u[r] < ok[r]) || u[r] != u[r])
                        ok[r] = u[r];
            }
        }
    }
    return 0;
}

/* out = 0, then each update added into the row its index names (scatter-add). */
static GC_UNUSED int gc_scatter_add_SFX(long nb, long n, long rest, long ni, const REAL *upd, const double *idx,
                                        REAL *out)
{
    memset(out, 0, sizeof(REAL) * (size_t)(nb * n * rest));
    return gc_scatter_combine_SFX(nb, n, rest, ni, upd, idx, 0, out);
}

/* out = x (nb×n×rest), then each update combined by max (or min) into its row. */
static GC_UNUSED int gc_scatter_extremum_SFX(long nb, long n, long rest, long ni, const REAL *x, const REAL *upd,
                                             const double *idx, int maximum, REAL *out)
{
    if (out != x)
        memcpy(out, x, sizeof(REAL) * (size_t)(nb * n * rest));
    return gc_scatter_combine_SFX(nb, n, rest, ni, upd, idx, maximum ? 1 : 2, out);
}

/* out[b, k] = the last j with idx[b, j] naming row k, or ni when none does (as a double):
 * which update a scatter that overwrites keeps. idx nb×ni, out nb×n. */
static GC_UNUSED int gc_last_writer_SFX(long nb, long n, long ni, const double *idx, double *out)
{
    for (long b = 0; b < nb; ++b) {
        double *o = out + b * n;
        for (long k = 0; k < n; ++k) o[k] = (double)ni;
        for (long j = 0; j < ni; ++j) {
            long k = gc_index_SFX(idx[b * ni + j], n);
            if (k < 0) return 5;
            o[k] = (double)j;
        }
    }
    return 0;
}

/* An unsigned key ordered as NumPy sorts: -0.0 and 0.0 equal, NaN after +inf (all NaNs
 * equal); descending sorts -x. Floats convert to double exactly, so one key type serves. */
static GC_UNUSED unsigned long long gc_sort_key_SFX(double v, int descending)
{
    if (v != v) return ~0ULL;
    if (descending) v = -v;
    if (v == 0) v = 0;
    unsigned long long u;
    memcpy(&u, &v, sizeof u);
    return (u >> 63) ? ~u : u | (1ULL << 63);
}

#define GC_ARGSORT_MERGE_MAX 256
/* After a pass: the arrays written become the ones read. */
static GC_UNUSED void gc_argsort_flip_SFX(unsigned long long **sk, unsigned long long **dk, int **si, int **di)
{
    unsigned long long *tk = *sk;
    int *ti = *si;
    *sk = *dk;
    *dk = tk;
    *si = *di;
    *di = ti;
}
     /* graphc/lower_calls.py's argsort_work sizes scratch by it */

/* Stable argsort of each row of x (nb rows of length n) into out as doubles: an LSD radix
 * sort of the keys, 11 bits a pass, skipping the passes whose digit all keys share (a
 * float32's low mantissa bits, a narrow range's exponent); rows of up to
 * GC_ARGSORT_MERGE_MAX entries by a merge sort of the keys (the radix passes' count arrays
 * cost more there). Scratch: 24 n bytes (two key and two index arrays), and 48 KiB of digit
 * counts for longer rows (graphc/lower_calls.py's argsort_work). */
static GC_UNUSED void gc_argsort_SFX(long nb, long n, const REAL *x, int descending, double *out, void *work)
{
    enum { BITS = 11, BUCKETS = 1 << 11, PASSES = 6 };
    unsigned long long *ka = (unsigned long long *)work, *kb = ka + n;
    int *ia = (int *)(void *)(kb + n), *ib = ia + n;
    int (*count)[1 << 11] = (int (*)[1 << 11])(void *)(ib + n);
    for (long b = 0; b < nb; ++b) {
        const REAL *row = x + b * n;
        for (long i = 0; i < n; ++i) {
            ka[i] = gc_sort_key_SFX((double)row[i], descending);
            ia[i] = (int)i;
        }
        const int *result = ia;
        if (n <= GC_ARGSORT_MERGE_MAX) {     /* insertion-sorted runs of 16, merged */
            for (long lo = 0; lo < n; lo += 16) {
                long hi = lo + 16 < n ? lo + 16 : n;
                for (long i = lo + 1; i < hi; ++i) {
                    unsigned long long v = ka[i];
                    int vi = ia[i];
                    long j = i;
                    for (; j > lo && v < ka[j - 1]; --j) {
                        ka[j] = ka[j - 1];
                        ia[j] = ia[j - 1];
                    }
                    ka[j] = v;
                    ia[j] = vi;
                }
            }
            unsigned long long *sk = ka, *dk = kb;
            int *si = ia, *di = ib;
            for (long width = 16; width < n; width *= 2) {
                for (long lo = 0; lo < n; lo += 2 * width) {
                    long mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
                    long i = lo, j = mid, k = lo;
                    while (i < mid && j < hi) {
                        if (sk[j] < sk[i]) { dk[k] = sk[j]; di[k++] = si[j++]; }
                        else { dk[k] = sk[i]; di[k++] = si[i++]; }
                    }
                    for (; i < mid; ++i, ++k) { dk[k] = sk[i]; di[k] = si[i]; }
                    for (; j < hi; ++j, ++k) { dk[k] = sk[j]; di[k] = si[j]; }
                }
                gc_argsort_flip_SFX(&sk, &dk, &si, &di);
            }
            result = si;
        } else {
            memset(count, 0, sizeof(int) * PASSES * BUCKETS);
            for (long i = 0; i < n; ++i)
                for (int p = 0; p < PASSES; ++p) ++count[p][(ka[i] >> (p * BITS)) & (BUCKETS - 1)];
            unsigned long long *sk = ka, *dk = kb;
            int *si = ia, *di = ib;
            for (int p = 0; p < PASSES; ++p) {
                int *c = count[p], shift = p * BITS;
                if (c[(sk[0] >> shift) & (BUCKETS - 1)] == n) continue;     /* one digit for all */
                int total = 0;
                for (int d = 0; d < BUCKETS; ++d) {
                    int t = c[d];
                    c[d] = total;
                    total += t;
                }
                for (long i = 0; i < n; ++i) {
                    int at = c[(sk[i] >> shift) & (BUCKETS - 1)]++;
                    dk[at] = sk[i];
                    di[at] = si[i];
                }
                gc_argsort_flip_SFX(&sk, &dk, &si, &di);
            }
            result = si;
        }
        for (long i = 0; i < n; ++i) out[b * n + i] = (double)result[i];
    }
}

/* Where each v would go in sorted a to keep it sorted (NumPy's searchsorted: side 0 the
 * first such place, side 1 the last; NaN after everything): a nb×n, v nb×nv. A number's
 * place is the count of entries below it (or not above it), which NaN entries never are.
 * Branch-free binary search whose halvings depend on n alone, so a block of queries
 * advances level by level together: the inner loop runs over independent queries and
 * vectorises (gathered loads, compares, adds), where one query at a time is a chain of
 * dependent loads. */
static GC_UNUSED void gc_searchsorted_SFX(long nb, long n, long nv, const REAL *a, const REAL *v, int right,
                                          double *out)
{
    enum { BLOCK = 256 };
    long lo[BLOCK];
    for (long b = 0; b < nb; ++b) {
        const REAL *row = a + b * n;
        long numbers = n;                       /* entries before the first NaN */
        while (numbers > 0 && row[numbers - 1] != row[numbers - 1]) --numbers;
        for (long j0 = 0; j0 < nv; j0 += BLOCK) {
            const long m = nv - j0 < BLOCK ? nv - j0 : BLOCK;
            const REAL *x = v + b * nv + j0;
            for (long q = 0; q < m; ++q) lo[q] = 0;
            if (n > 0) {
                for (long len = n; len > 1; len -= len >> 1) {
                    const long half = len >> 1;
                    if (right)
                        for (long q = 0; q < m; ++q) lo[q] += (long)(row[lo[q] + half] <= x[q]) * half;
                    else
                        for (long q = 0; q < m; ++q) lo[q] += (long)(row[lo[q] + half] < x[q]) * half;
                }
                if (right)
                    for (long q = 0; q < m; ++q) lo[q] += row[lo[q]] <= x[q];
                else
                    for (long q = 0; q < m; ++q) lo[q] += row[lo[q]] < x[q];
            }
            for (long q = 0; q < m; ++q)                 /* NaN queries: after the numbers */
                out[b * nv + j0 + q] = x[q] != x[q] ? (double)(right ? n : numbers) : (double)lo[q];
        }
    }
}
