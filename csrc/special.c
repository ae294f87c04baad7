/* digamma and polygamma (graphc.scipy.special), for gammaln's derivatives: computed in
 * double for both dtypes.
 *   psi(x): the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the asymptotic
 *   series ln x - 1/(2x) - sum B_2k / (2k x^2k) to k = 7; x < 0 by the reflection
 *   psi(1 - x) - pi / tan(pi x) (poles at 0, -1, -2, ... give NaN, as SciPy's +-inf/nan).
 *   psi^(n)(x), n >= 1, x > 0: (-1)^(n+1) n! sum_k 1/(x + k)^(n+1) summed to x + k >= 10 + n,
 *   then the asymptotic series (n-1)!/x^n + n!/(2 x^(n+1)) + sum B_2k (2k+n-1)!/((2k)! x^(2k+n));
 *   x < 0 by the reflection formula differentiated n times (n <= 60); poles give NaN. */
static GC_UNUSED double gc_digamma_d_SFX(double x)
{
    static const double B[] = {1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6};
    double shift = 0.0, reflect = 0.0;
    if (x != x) return x;
    if (x <= 0.0) {
        if (x == floor(x)) return NAN;                         /* a pole */
        /* tan has period pi: reduce to x - round(x) first (exact), so that near a pole
         * pi x does not lose the digits that decide tan */
        reflect = -3.14159265358979323846 / tan(3.14159265358979323846 * (x - floor(x + 0.5)));
        x = 1.0 - x;
    }
    while (x < 10.0) {
        shift -= 1.0 / x;
        x += 1.0;
    }
    const double inv2 = 1.0 / (x * x);
    double term = inv2, series = 0.0;
    for (int k = 0; k < 7; ++k) {
        series += B[k] / (2 * (k + 1)) * term;
        term *= inv2;
    }
    return reflect + shift + (log(x) - 0.5 / x - series);
}

static GC_UNUSED double gc_polygamma_d_SFX(int n, double x)
{
    static const double B[] = {1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6,
                               -3617.0 / 510, 43867.0 / 798, -174611.0 / 330};
    if (n == 0) return gc_digamma_d_SFX(x);
    if (x != x || n > 60) return NAN;
    if (x <= 0.0) {
        /* reflection, differentiated n times: psi^(n)(x) = (-1)^n psi^(n)(1 - x) - pi^(n+1) P_n(c),
         * c = cot(pi x), P_0 = c, P_(k+1) = -(1 + c^2) P_k'(c) (polynomials in c) */
        if (x == floor(x)) return NAN;                         /* a pole */
        const double pi = 3.14159265358979323846;
        const double c = 1.0 / tan(pi * (x - floor(x + 0.5)));
        double p[64] = {0.0}, q[64];
        p[1] = 1.0;
        for (int k = 0; k < n; ++k) {
            for (int j = 0; j <= k + 3; ++j) q[j] = 0.0;
            for (int j = 1; j <= k + 1; ++j) {
                q[j - 1] -= j * p[j];
                q[j + 1] -= j * p[j];
            }
            for (int j = 0; j <= k + 3; ++j) p[j] = q[j];
        }
        double poly = 0.0;
        for (int j = n + 1; j >= 0; --j) poly = poly * c + p[j];
        const double mirrored = gc_polygamma_d_SFX(n, 1.0 - x);
        return (n % 2 ? -mirrored : mirrored) - pow(pi, n + 1) * poly;
    }
    double factorial = 1.0;                                    /* n! */
    for (int k = 2; k <= n; ++k) factorial *= k;
    double head = 0.0;
    const double limit = 10.0 + n;
    while (x < limit) {
        head += pow(x, -(double)(n + 1));
        x += 1.0;
    }
    /* tail / n!: 1/(n x^n) + 1/(2 x^(n+1)) + sum B_2k (2k+n-1)!/((2k)! n! x^(2k+n)) */
    const double inv = 1.0 / x, inv2 = inv * inv;
    double xn = pow(x, -(double)n);
    double tail = xn / n + 0.5 * xn * inv;
    double coefficient = 1.0;                                  /* (2k+n-1)! / ((2k)! n!) */
    double power = xn * inv2;
    for (int k = 1; k <= 10; ++k) {
        /* (2k+n-1)!/((2k)! n!) from the previous k: times (2k+n-2)(2k+n-1) / ((2k-1)(2k)) */
        coefficient = k == 1 ? (double)(n + 1) / 2.0
                             : coefficient * (2.0 * k + n - 2) * (2.0 * k + n - 1) / ((2.0 * k - 1) * (2.0 * k));
        tail += B[k - 1] * coefficient * power;
        power *= inv2;
    }
    const double total = factorial * (head + tail);
    return (n % 2 == 1) ? total : -total;
}

static GC_UNUSED inline REAL gc_digamma_SFX(REAL x) { return (REAL)gc_digamma_d_SFX((double)x); }

static GC_UNUSED inline REAL gc_polygamma_SFX(int n, REAL x) { return (REAL)gc_polygamma_d_SFX(n, (double)x); }

/* log |Γ(x)| by the reentrant lgamma_r where the C library has it: C99's lgamma stores the
 * sign of Γ(x) in the global signgam, a data race when threads share a loop. */
#if defined(__GLIBC__) || defined(__APPLE__)
#ifndef GC_LGAMMA_R
#define GC_LGAMMA_R
double lgamma_r(double, int *);
float lgammaf_r(float, int *);
#endif
static GC_UNUSED inline REAL gc_lgamma_SFX(REAL x) { int sign; return LGAMMA_R(x, &sign); }
#else
static GC_UNUSED inline REAL gc_lgamma_SFX(REAL x) { return LGAMMA(x); }
#endif
