/* Greedy colouring of a sparse pattern's columns so that columns sharing a row differ in
 * colour (graphc/ad/sparsity.py: colour), built as a kernel of its own (the graphc_entry
 * convention), not pasted into generated code: the Python loop took 0.6 s for 10^5 columns.
 *   arg: n (one int64), the pattern's CSC column pointers and row indices, its CSR row
 *        pointers and column indices (int64);
 *   res: the n colours (int64);  work: n + 1 int64 marks. */
#include <stdint.h>

int graphc_entry(const void *const *arg, void *const *res, void *work)
{
    const int64_t n = *(const int64_t *)arg[0];
    const int64_t *col_ptr = (const int64_t *)arg[1], *row_of = (const int64_t *)arg[2];
    const int64_t *row_ptr = (const int64_t *)arg[3], *col_of = (const int64_t *)arg[4];
    int64_t *colour = (int64_t *)res[0], *mark = (int64_t *)work;
    for (int64_t j = 0; j <= n; ++j) mark[j] = -1;
    for (int64_t j = 0; j < n; ++j) colour[j] = -1;
    for (int64_t j = 0; j < n; ++j) {
        for (int64_t p = col_ptr[j]; p < col_ptr[j + 1]; ++p) {     /* colours of j's neighbours */
            const int64_t r = row_of[p];
            for (int64_t q = row_ptr[r]; q < row_ptr[r + 1]; ++q) {
                const int64_t c = colour[col_of[q]];
                if (c >= 0) mark[c] = j;
            }
        }
        int64_t c = 0;
        while (mark[c] == j) ++c;                                    /* the least one free */
        colour[j] = c;
    }
    return 0;
}
