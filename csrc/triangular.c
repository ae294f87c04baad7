/* Portable triangular solves, row-major: B ← op(T)⁻¹ B in place, B n×nrhs, where T is the
 * lower (lower != 0) or upper triangle of the n×n matrix a (the other triangle is never
 * read; with unit != 0 the diagonal is taken as ones and not read either), op(T) = Tᵀ when
 * trans != 0. Also the small-matrix path of csrc/lapack.c (below the size where a BLAS
 * call's fixed cost outweighs the work). */
#ifndef GC_SIMD_SUM
#define GC_SIMD_SUM                 /* outside generated files: sums in order */
#endif
static GC_UNUSED void gc_trsolve_loops_SFX(int n, int nrhs, const REAL *a, int lower, int trans, int unit, REAL *b)
{
    /* M = op(T): M[i][j] is a[i*n + j], or a[j*n + i] when transposed. M is lower
     * triangular exactly when lower != trans: then rows are solved first to last. */
    const long si = trans ? 1 : n, sj = trans ? n : 1;
    const int forward = lower != trans, first = forward ? 0 : n - 1, step = forward ? 1 : -1;
    if (nrhs == 1 && trans) {
        /* one right-hand side, M's columns contiguous: each solved entry updates the
         * entries after it (a vectorisable axpy down M's column) */
        for (int k = 0, i = first; k < n; ++k, i += step) {
            if (!unit) b[i] /= a[(long)i * n + i];
            const REAL x = b[i], *col = a + (long)i * n;
            if (forward)
                for (int j = i + 1; j < n; ++j) b[j] -= col[j] * x;
            else
                for (int j = 0; j < i; ++j) b[j] -= col[j] * x;
        }
        return;
    }
    if (nrhs == 1) {
        /* one right-hand side, M's rows contiguous: each entry is a dot product with the
         * entries solved before it */
        for (int k = 0, i = first; k < n; ++k, i += step) {
            const REAL *row = a + (long)i * n;
            const int lo = forward ? 0 : i + 1, hi = forward ? i : n;
            REAL acc = 0;
            GC_SIMD_SUM
            for (int j = lo; j < hi; ++j) acc += row[j] * b[j];
            b[i] = unit ? b[i] - acc : (b[i] - acc) / row[i];
        }
        return;
    }
    /* several right-hand sides: row operations on B, the inner loop over its contiguous rows */
    for (int k = 0, i = first; k < n; ++k, i += step) {
        REAL *bi = b + (long)i * nrhs;
        const int lo = forward ? 0 : i + 1, hi = forward ? i : n;
        for (int j = lo; j < hi; ++j) {
            const REAL m = a[i * si + j * sj], *bj = b + (long)j * nrhs;
            for (int c = 0; c < nrhs; ++c) bi[c] -= m * bj[c];
        }
        if (!unit) {
            const REAL d = a[i * si + i * sj];
            for (int c = 0; c < nrhs; ++c) bi[c] /= d;
        }
    }
}
