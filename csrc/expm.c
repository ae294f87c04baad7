/* Matrix exponential and its Fréchet derivative by scaling and squaring with Padé
 * approximants: e^A (Higham, "The scaling and squaring method for the matrix exponential
 * revisited", 2005) and L(A, E) alongside (Al-Mohy and Higham, "Computing the Fréchet
 * derivative of the matrix exponential", 2009, algorithm 6.4). The [m/m] approximant of the
 * lowest degree m in {3, 5, 7, 9} accurate to double precision at ‖A‖₁, else A and E scaled
 * by 2^-s so that ‖A‖₁ ≤ θ₁₃ and [13/13]; e^A ≈ R = (V − U)⁻¹ (V + U) and
 * L = (V − U)⁻¹ (L_U + L_V + (L_U − L_V) R), then s times L ← R L + L R, R ← R².
 * Products by gc_gemm and solves by gc_lu_factor/solve (csrc/gemm*.c and the LU file,
 * pasted before). Row-major n×n; gc_expm_work(n) elements of work (18 n² used here, the
 * last n² by gc_expm_frechet). Non-finite input gives
 * NaNs. graphc/ops/expm.py holds the same algorithm in NumPy (the reference). */
static GC_UNUSED long gc_expm_work_SFX(int n)
{
    return 19L * n * n + ((long)n * (long)sizeof(GC_PIV_T) + sizeof(REAL) - 1) / (long)sizeof(REAL);
}

/* r = e^a and, when e is not NULL, l = L(a, e) */
static GC_UNUSED void gc_expm_pade_SFX(int n, const REAL *a, const REAL *e, REAL *r, REAL *l, REAL *work)
{
    static const double theta[5] = {1.495585217958292e-2, 2.539398330063230e-1, 9.504178996162932e-1,
                                    2.097847961257068, 5.371920351148152};
    static const double pade[5][14] = {
        {120.0, 60.0, 12.0, 1.0},
        {30240.0, 15120.0, 3360.0, 420.0, 30.0, 1.0},
        {17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0, 1.0},
        {17643225600.0, 8821612800.0, 2075673600.0, 302702400.0, 30270240.0, 2162160.0, 110880.0, 3960.0,
         90.0, 1.0},
        {64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
         10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0,
         1.0}};
    const long nn = (long)n * n;
    GC_PIV_T *piv = (GC_PIV_T *)(void *)work;     /* first: work is aligned for any type */
    REAL *x = work + ((long)n * (long)sizeof(GC_PIV_T) + sizeof(REAL) - 1) / (long)sizeof(REAL);
    REAL *y = x + nn, *a2 = y + nn, *a4 = a2 + nn, *a6 = a4 + nn, *m2 = a6 + nn, *m4 = m2 + nn, *m6 = m4 + nn;
    REAL *w1 = m6 + nn, *z1 = w1 + nn, *w = z1 + nn, *u = w + nn, *v = u + nn, *lu = v + nn, *lv = lu + nn;
    REAL *t1 = lv + nn, *t2 = t1 + nn, *a8 = t2 + nn;
    double norm = 0;
    int finite = 1;
    for (int j = 0; j < n; ++j) {
        double col = 0;
        for (int i = 0; i < n; ++i) col += FABS(a[(long)i * n + j]);
        norm = col > norm ? col : norm;
    }
    if (e)
        for (long i = 0; i < nn; ++i) finite &= e[i] - e[i] == 0;
    if (!(norm <= DBL_MAX) || !finite) {
        for (long i = 0; i < nn; ++i) {
            r[i] = (REAL)NAN;
            if (l) l[i] = (REAL)NAN;
        }
        return;
    }
    int degree = 0, s = 0;                /* pade[degree]: m = 3, 5, 7, 9, 13 */
    while (degree < 4 && norm > theta[degree]) ++degree;
    while (degree == 4 && norm > theta[4] && s < 2100) {    /* the fewest halvings to θ₁₃ */
        norm /= 2;
        ++s;
    }
    const double *b = pade[degree];
    const REAL scale = (REAL)ldexp(1.0, -s);
#define GC_MM(p, q, beta, c) gc_gemm_SFX(n, n, n, p, n, 0, q, n, 0, beta, c, n)
    for (long i = 0; i < nn; ++i) {
        x[i] = a[i] * scale;
        if (e) y[i] = e[i] * scale;
    }
    GC_MM(x, x, 0, a2);
    if (e) { GC_MM(x, y, 0, m2); GC_MM(y, x, 1, m2); }
    if (degree >= 1) {
        GC_MM(a2, a2, 0, a4);
        if (e) { GC_MM(a2, m2, 0, m4); GC_MM(m2, a2, 1, m4); }
    }
    if (degree >= 2) {
        GC_MM(a4, a2, 0, a6);
        if (e) { GC_MM(a4, m2, 0, m6); GC_MM(m4, a2, 1, m6); }
    }
    if (degree == 4) {
        for (long i = 0; i < nn; ++i) {
            w1[i] = (REAL)(b[13] * a6[i] + b[11] * a4[i] + b[9] * a2[i]);
            z1[i] = (REAL)(b[12] * a6[i] + b[10] * a4[i] + b[8] * a2[i]);
        }
        GC_MM(a6, w1, 0, w);
        GC_MM(a6, z1, 0, v);
        for (long i = 0; i < nn; ++i) {
            w[i] += (REAL)(b[7] * a6[i] + b[5] * a4[i] + b[3] * a2[i]);
            v[i] += (REAL)(b[6] * a6[i] + b[4] * a4[i] + b[2] * a2[i]);
        }
        for (int i = 0; i < n; ++i) {
            w[(long)i * n + i] += (REAL)b[1];
            v[(long)i * n + i] += (REAL)b[0];
        }
        if (e) {
            for (long i = 0; i < nn; ++i) t1[i] = (REAL)(b[13] * m6[i] + b[11] * m4[i] + b[9] * m2[i]);
            GC_MM(a6, t1, 0, t2);            /* t2 = L_W = A6 (…M) + M6 W1 + b7 M6 + b5 M4 + b3 M2 */
            GC_MM(m6, w1, 1, t2);
            for (long i = 0; i < nn; ++i) t2[i] += (REAL)(b[7] * m6[i] + b[5] * m4[i] + b[3] * m2[i]);
            GC_MM(x, t2, 0, lu);             /* L_U = X L_W + Y W */
            GC_MM(y, w, 1, lu);
            for (long i = 0; i < nn; ++i) t1[i] = (REAL)(b[12] * m6[i] + b[10] * m4[i] + b[8] * m2[i]);
            GC_MM(a6, t1, 0, lv);            /* L_V = A6 (…M) + M6 Z1 + b6 M6 + b4 M4 + b2 M2 */
            GC_MM(m6, z1, 1, lv);
            for (long i = 0; i < nn; ++i) lv[i] += (REAL)(b[6] * m6[i] + b[4] * m4[i] + b[2] * m2[i]);
        }
    } else {
        /* W = Σ b_{2j+1} A^{2j}, V = Σ b_{2j} A^{2j}, powers up to A^(m−1) (A8 = A4 A4);
         * L_W = Σ_{j≥1} b_{2j+1} M_{2j}, L_V = Σ_{j≥1} b_{2j} M_{2j} (M8 = A4 M4 + M4 A4) */
        if (degree == 3) {
            GC_MM(a4, a4, 0, a8);
            if (e) { GC_MM(a4, m4, 0, t2); GC_MM(m4, a4, 1, t2); }
        }
        for (long i = 0; i < nn; ++i) {
            double wi = b[3] * a2[i], vi = b[2] * a2[i], lwi = 0, lvi = 0;
            if (e) { lwi = b[3] * m2[i]; lvi = b[2] * m2[i]; }
            const REAL *pw[3] = {a4, a6, a8}, *pm[3] = {m4, m6, t2};     /* A4, A6, A8 and M4, M6, M8 */
            for (int j = 1; j <= degree; ++j) {
                wi += b[2 * j + 3] * pw[j - 1][i];
                vi += b[2 * j + 2] * pw[j - 1][i];
                if (e) {
                    lwi += b[2 * j + 3] * pm[j - 1][i];
                    lvi += b[2 * j + 2] * pm[j - 1][i];
                }
            }
            w[i] = (REAL)wi;
            v[i] = (REAL)vi;
            if (e) { t1[i] = (REAL)lwi; lv[i] = (REAL)lvi; }
        }
        for (int i = 0; i < n; ++i) {
            w[(long)i * n + i] += (REAL)b[1];
            v[(long)i * n + i] += (REAL)b[0];
        }
        if (e) {
            GC_MM(x, t1, 0, lu);             /* L_U = X L_W + Y W */
            GC_MM(y, w, 1, lu);
        }
    }
    GC_MM(x, w, 0, u);
    for (long i = 0; i < nn; ++i) {       /* (V − U) R = V + U */
        t1[i] = v[i] - u[i];
        r[i] = v[i] + u[i];
    }
    (void)gc_lu_factor_SFX(n, t1, piv);
    gc_lu_solve_SFX(n, n, t1, piv, 0, r);
    if (e) {                              /* (V − U) L = L_U + L_V + (L_U − L_V) R */
        for (long i = 0; i < nn; ++i) {
            t2[i] = lu[i] - lv[i];
            l[i] = lu[i] + lv[i];
        }
        GC_MM(t2, r, 1, l);
        gc_lu_solve_SFX(n, n, t1, piv, 0, l);
    }
    for (int q = 0; q < s; ++q) {         /* undo the scaling: L ← R L + L R, R ← R² */
        if (e) {
            GC_MM(r, l, 0, t2);
            GC_MM(l, r, 1, t2);
            memcpy(l, t2, sizeof(REAL) * (size_t)nn);
        }
        GC_MM(r, r, 0, t2);
        memcpy(r, t2, sizeof(REAL) * (size_t)nn);
    }
#undef GC_MM
}

static GC_UNUSED void gc_expm_SFX(int n, const REAL *a, REAL *out, REAL *work)
{
    gc_expm_pade_SFX(n, a, 0, out, 0, work);
}

/* L(a, e); e^a goes to the work area's last n² elements */
static GC_UNUSED void gc_expm_frechet_SFX(int n, const REAL *a, const REAL *e, REAL *out, REAL *work)
{
    gc_expm_pade_SFX(n, a, e, work + gc_expm_work_SFX(n) - (long)n * n, out, work);
}
