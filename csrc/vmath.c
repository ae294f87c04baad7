/* exp, expm1, tanh and sigmoid that gcc can vectorise (glibc's are scalar calls), computed
 * in double for both dtypes, accurate to a few ulp:
 *   x = n ln2 + r, |r| <= ln2/2 (Cody-Waite, the shift trick for n), e^r - 1 by its Taylor
 *   polynomial to degree 13 (truncation below 2^-53 relative; Estrin's scheme), 2^n applied in two halves so
 *   that overflow gives inf and deep underflow 0 without branches. */
/* 2^kd for an integer kd, |kd| <= 1022 */
static GC_UNUSED inline double gc_pow2_SFX(double kd)
{
    long long n;
    double shifted = kd + 0x1.8p52, s;
    memcpy(&n, &shifted, sizeof n);
    n = (n - 0x4338000000000000LL + 1023) << 52;
    memcpy(&s, &n, sizeof s);
    return s;
}

/* y 2^kd for an integer kd in [-1077, 1025]: two factors 2^h 2^(kd-h), each a normal number */
static GC_UNUSED inline double gc_scale2_SFX(double y, double kd)
{
    const double h = floor(kd * 0.5);
    return y * gc_pow2_SFX(h) * gc_pow2_SFX(kd - h);
}

/* (e^r - 1) for |r| <= 0.35: Taylor to r^13, evaluated by Estrin's scheme (pairs, then
 * powers r^2, r^4, r^8): a dependency chain of 5 multiply-adds instead of Horner's 13, so
 * that a vectorised loop is not bound by their latency (tanh through it: 5.9 -> 3.1 ns per
 * element; tanh now uses the shorter approximant below). */
static GC_UNUSED inline double gc_expm1_poly_SFX(double r)
{
    const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    const double a0 = 1.0 + r * 0.5, a1 = 1.0 / 6.0 + r * (1.0 / 24.0);
    const double a2 = 1.0 / 120.0 + r * (1.0 / 720.0), a3 = 1.0 / 5040.0 + r * (1.0 / 40320.0);
    const double a4 = 1.0 / 362880.0 + r * (1.0 / 3628800.0);
    const double a5 = 1.0 / 39916800.0 + r * (1.0 / 479001600.0), a6 = 1.0 / 6227020800.0;
    const double b0 = a0 + r2 * a1, b1 = a2 + r2 * a3, b2 = a4 + r2 * a5;
    const double d0 = b0 + r4 * b1, d1 = b2 + r4 * a6;
    return (d0 + r8 * d1) * r;
}

/* kd, the nearest integer to x / ln 2, and r = x - kd ln 2 (Cody-Waite, two parts of ln 2) */
#ifndef GC_REDUCE_LN2
#define GC_REDUCE_LN2(x, kd, r)                                                          \
    do {                                                                                 \
        kd = (x) * 0x1.71547652b82fep0 + 0x1.8p52;                                       \
        kd -= 0x1.8p52;                                                                  \
        r = ((x) - kd * 0x1.62e42fefa3800p-1) - kd * 0x1.ef35793c76730p-45;              \
    } while (0)
#endif

static GC_UNUSED inline double gc_exp_d_SFX(double x)
{
    double kd, r;
    x = x < -746.0 ? -746.0 : x > 710.0 ? 710.0 : x;
    GC_REDUCE_LN2(x, kd, r);
    return gc_scale2_SFX(1.0 + gc_expm1_poly_SFX(r), kd);
}

static GC_UNUSED inline double gc_expm1_d_SFX(double x)
{
    double kd, r;
    x = x < -746.0 ? -746.0 : x > 710.0 ? 710.0 : x;
    GC_REDUCE_LN2(x, kd, r);
    double p = gc_expm1_poly_SFX(r);                       /* e^r - 1, no cancellation */
    double s = gc_scale2_SFX(1.0, kd);                     /* 2^n, exact */
    if (kd > 1000.0) return gc_scale2_SFX(1.0 + p, kd) - 1.0;   /* e^x itself; 2^n would overflow */
    return kd == 0 ? p : s * p + (s - 1.0);
}

static GC_UNUSED inline REAL gc_exp_SFX(REAL x) { return (REAL)gc_exp_d_SFX((double)x); }

static GC_UNUSED inline REAL gc_expm1_SFX(REAL x) { return (REAL)gc_expm1_d_SFX((double)x); }

/* tanh |x| = (e^2|x| - 1) / (e^2|x| + 1) with e^2|x| = 2^n P(r) / P(-r), P(r)/P(-r) exp's [6/6]
 * Pade approximant (relative error below 1e-18 for |r| <= ln2/2): one division in all,
 * P(r) = E(r^2) + r O(r^2). The numerator is written (2^n - 1) E + (2^n + 1) r O, which does
 * not cancel for small x (n = 0: 2 r O). Ten fewer multiply-adds than through expm1:
 * 36 -> 31 us for 16384 doubles. */
static GC_UNUSED inline REAL gc_tanh_SFX(REAL x)
{
    double a = fabs((double)x) * 2.0, kd, r;
    a = a > 40.0 ? 40.0 : a;                               /* tanh(20) rounds to 1 */
    GC_REDUCE_LN2(a, kd, r);
    const double r2 = r * r, r4 = r2 * r2;
    const double E = (1.0 + r2 * (5.0 / 44.0)) + r4 * (1.0 / 792.0 + r2 * (1.0 / 665280.0));
    const double O = (0.5 + r2 * (1.0 / 66.0)) + r4 * (1.0 / 15840.0);
    const double rO = r * O, s = gc_pow2_SFX(kd), sm = s - 1.0, sp = s + 1.0;
    const double t = (sm * E + sp * rO) / (sp * E + sm * rO);
    return (REAL)(x < 0 ? -t : t);
}

static GC_UNUSED inline REAL gc_sigmoid_SFX(REAL x)
{
    return (REAL)(1.0 / (1.0 + gc_exp_d_SFX(-(double)x)));
}
