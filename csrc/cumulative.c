/* Running sums along the last axis, in order (NumPy's cumsum adds sequentially too, so
 * results agree bit for bit): nb rows of n, forward or from the end. */
static GC_UNUSED void gc_cumsum_SFX(long nb, long n, const REAL *x, int reverse, REAL *out)
{
    for (long b = 0; b < nb; ++b) {
        const REAL *row = x + b * n;
        REAL *o = out + b * n, acc = 0;
        if (reverse)
            for (long i = n - 1; i >= 0; --i) o[i] = acc += row[i];
        else
            for (long i = 0; i < n; ++i) o[i] = acc += row[i];
    }
}
