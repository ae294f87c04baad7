/* First-order linear recurrences along the last axis, in order: y[k] = a[k] y[k-1] + b[k]
 * from y[-1] = 0 (from the end with reverse: y[k] = a[k] y[k+1] + b[k]); nb rows of n.
 * a has b's shape, or is one number for all (a_step 0). Running sums (a = 1) and products
 * are such recurrences and come out as NumPy's sequential cumsum and cumprod do. */
static GC_UNUSED void gc_linrec_SFX(long nb, long n, const REAL *a, long a_step, const REAL *b, int reverse,
                                    REAL *out)
{
    for (long r = 0; r < nb; ++r) {
        const REAL *ar = a + r * n * a_step, *br = b + r * n;
        REAL *o = out + r * n, y = 0;
        if (reverse)
            for (long k = n - 1; k >= 0; --k) o[k] = y = ar[k * a_step] * y + br[k];
        else
            for (long k = 0; k < n; ++k) o[k] = y = ar[k * a_step] * y + br[k];
    }
}
