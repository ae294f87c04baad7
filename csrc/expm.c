/* Matrix exponential by scaling and squaring with Padé approximants (Higham, "The
 * scaling and squaring method for the matrix exponential revisited", 2005): the [m/m]
 * approximant of the lowest degree m in {3, 5, 7, 9} accurate to double precision at
 * ‖A‖₁, else A scaled by 2^-s so that ‖A‖₁ ≤ θ₁₃ and [13/13], exp ≈ (V − U)⁻¹ (V + U),
 * the result squared s times. Products by gc_gemm and the solve by gc_lu_factor/solve
 * (csrc/gemm*.c and the LU file, pasted before). Row-major n×n; gc_expm_work(n) elements
 * of work. A non-finite input gives NaNs. */
static GC_UNUSED long gc_expm_work_SFX(int n)
{
    return 7L * n * n + ((long)n * (long)sizeof(GC_PIV_T) + sizeof(REAL) - 1) / (long)sizeof(REAL);
}

static GC_UNUSED void gc_expm_SFX(int n, const REAL *a, REAL *out, REAL *work)
{
    static const double theta[4] = {1.495585217958292e-2, 2.539398330063230e-1, 9.504178996162932e-1,
                                    2.097847961257068};
    static const double pade[5][14] = {
        {120.0, 60.0, 12.0, 1.0},
        {30240.0, 15120.0, 3360.0, 420.0, 30.0, 1.0},
        {17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0, 1.0},
        {17643225600.0, 8821612800.0, 2075673600.0, 302702400.0, 30270240.0, 2162160.0, 110880.0, 3960.0,
         90.0, 1.0},
        {64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
         10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0,
         1.0}};
    const double theta13 = 5.371920351148152;
    const long nn = (long)n * n;
    GC_PIV_T *piv = (GC_PIV_T *)(void *)work;     /* first: work is aligned for any type */
    REAL *x = work + ((long)n * (long)sizeof(GC_PIV_T) + sizeof(REAL) - 1) / (long)sizeof(REAL);
    REAL *p2 = x + nn, *p4 = p2 + nn, *p6 = p4 + nn, *u = p6 + nn, *v = u + nn, *t = v + nn;
    double norm = 0;
    for (int j = 0; j < n; ++j) {
        double col = 0;
        for (int i = 0; i < n; ++i) col += FABS(a[(long)i * n + j]);
        norm = col > norm ? col : norm;
    }
    if (!(norm <= DBL_MAX)) {             /* inf or NaN entries */
        for (long i = 0; i < nn; ++i) out[i] = (REAL)NAN;
        return;
    }
    int degree = 0, s = 0;                /* pade[degree]: m = 3, 5, 7, 9, 13 */
    while (degree < 4 && norm > theta[degree]) ++degree;
    while (degree == 4 && norm > theta13 && s < 2100) {     /* the fewest halvings to θ₁₃ */
        norm /= 2;
        ++s;
    }
    const double *b = pade[degree];
    const REAL scale = (REAL)ldexp(1.0, -s);
    for (long i = 0; i < nn; ++i) x[i] = a[i] * scale;
    gc_gemm_SFX(n, n, n, x, n, 0, x, n, 0, 0, p2, n);
    if (degree >= 1) gc_gemm_SFX(n, n, n, p2, n, 0, p2, n, 0, 0, p4, n);
    if (degree >= 2) gc_gemm_SFX(n, n, n, p4, n, 0, p2, n, 0, 0, p6, n);
    if (degree == 4) {
        /* U = X (A6 (b13 A6 + b11 A4 + b9 A2) + b7 A6 + b5 A4 + b3 A2 + b1 I),
         * V = A6 (b12 A6 + b10 A4 + b8 A2) + b6 A6 + b4 A4 + b2 A2 + b0 I */
        for (long i = 0; i < nn; ++i) {
            t[i] = (REAL)(b[13] * p6[i] + b[11] * p4[i] + b[9] * p2[i]);
            out[i] = (REAL)(b[12] * p6[i] + b[10] * p4[i] + b[8] * p2[i]);
        }
        gc_gemm_SFX(n, n, n, p6, n, 0, t, n, 0, 0, u, n);
        gc_gemm_SFX(n, n, n, p6, n, 0, out, n, 0, 0, v, n);
        for (long i = 0; i < nn; ++i) {
            t[i] = (REAL)(u[i] + b[7] * p6[i] + b[5] * p4[i] + b[3] * p2[i]);
            v[i] = (REAL)(v[i] + b[6] * p6[i] + b[4] * p4[i] + b[2] * p2[i]);
        }
    } else {
        /* U = X Σ b_{2j+1} A^{2j}, V = Σ b_{2j} A^{2j}, powers up to A^(m−1); A8 = A4 A4 */
        if (degree == 3) gc_gemm_SFX(n, n, n, p4, n, 0, p4, n, 0, 0, u, n);
        for (long i = 0; i < nn; ++i) {
            double ut = b[3] * p2[i], vt = b[2] * p2[i];
            if (degree >= 1) { ut += b[5] * p4[i]; vt += b[4] * p4[i]; }
            if (degree >= 2) { ut += b[7] * p6[i]; vt += b[6] * p6[i]; }
            if (degree >= 3) { ut += b[9] * u[i]; vt += b[8] * u[i]; }
            t[i] = (REAL)ut;
            v[i] = (REAL)vt;
        }
    }
    for (int i = 0; i < n; ++i) {
        t[(long)i * n + i] += (REAL)b[1];
        v[(long)i * n + i] += (REAL)b[0];
    }
    gc_gemm_SFX(n, n, n, x, n, 0, t, n, 0, 0, u, n);
    for (long i = 0; i < nn; ++i) {       /* (V − U) R = V + U */
        t[i] = v[i] - u[i];
        out[i] = v[i] + u[i];
    }
    (void)gc_lu_factor_SFX(n, t, piv);
    gc_lu_solve_SFX(n, n, t, piv, 0, out);
    REAL *from = out, *to = t;            /* R ← R², s times, between out and t */
    for (int q = 0; q < s; ++q) {
        gc_gemm_SFX(n, n, n, from, n, 0, from, n, 0, 0, to, n);
        REAL *swap = from; from = to; to = swap;
    }
    if (from != out) memcpy(out, from, sizeof(REAL) * (size_t)nn);
}
