/* C unit tests of csrc/ (portable and, when linked, LAPACK-backed): each routine checked
 * by a property that does not depend on another implementation. Compiled twice by
 * tests/test_csrc.py, per dtype, after the instantiated routines (REAL_T, SFX set there). */
#include <stdio.h>
#include <stdlib.h>

static int failures = 0;
#define CHECK(cond, what) do { if (!(cond)) { printf("FAIL %s: %s\n", TEST_NAME, what); ++failures; } } while (0)

static double rnd(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return ((double)((*state >> 8) & 0xFFFF) / 65536.0) - 0.5;
}

static void fill(REAL_T *x, int count, unsigned seed)
{
    for (int i = 0; i < count; ++i) x[i] = (REAL_T)rnd(&seed);
}

static double tol(void) { return sizeof(REAL_T) == 8 ? 1e-10 : 2e-3; }

static void test_gemm(void)
{
    enum { M = 7, N = 9, K = 5 };
    REAL_T a[K * M + 4], b[N * K + 4], c[M * N], want[M * N];
    for (int ta = 0; ta < 2; ++ta)
        for (int tb = 0; tb < 2; ++tb)
            for (int beta = 0; beta < 2; ++beta) {
                fill(a, K * M, 1u + ta); fill(b, N * K, 2u + tb); fill(c, M * N, 3u);
                for (int i = 0; i < M; ++i)
                    for (int j = 0; j < N; ++j) {
                        double s = beta ? c[i * N + j] : 0;
                        for (int p = 0; p < K; ++p)
                            s += (double)(ta ? a[p * M + i] : a[i * K + p]) * (tb ? b[j * K + p] : b[p * N + j]);
                        want[i * N + j] = (REAL_T)s;
                    }
                if (!beta) for (int i = 0; i < M * N; ++i) c[i] = (REAL_T)NAN;
                GEMM(M, N, K, a, ta ? M : K, ta, b, tb ? K : N, tb, (REAL_T)beta, c, N);
                double err = 0;
                for (int i = 0; i < M * N; ++i) err = fmax(err, fabs((double)c[i] - want[i]));
                CHECK(err < tol(), "gemm against a triple loop");
            }
}

static void test_lu(int n, int r)
{
    /* every path of the LAPACK-backed routines: loops up to GC_LU_LOOPS_MAX, the blocked LU
     * (a last panel of fewer columns, trailing columns in more than one chunk), then getrf */
    REAL_T *a = malloc(sizeof(REAL_T) * n * n), *lu = malloc(sizeof(REAL_T) * n * n);
    REAL_T *b = malloc(sizeof(REAL_T) * n * r), *x = malloc(sizeof(REAL_T) * n * r);
    PIV_T *piv = malloc(sizeof(PIV_T) * n);
    fill(a, n * n, 7u);
    for (int i = 0; i < n; ++i) a[i * n + i] += 2;
    for (int trans = 0; trans < 2; ++trans) {
        memcpy(lu, a, sizeof(REAL_T) * n * n);
        CHECK(LU_FACTOR(n, lu, piv) == 0, "lu_factor of a regular matrix");
        fill(b, n * r, 9u);
        memcpy(x, b, sizeof(REAL_T) * n * r);
        LU_SOLVE(n, r, lu, piv, trans, x);
        double err = 0;
        for (int i = 0; i < n; ++i)
            for (int c = 0; c < r; ++c) {
                double s = 0;
                for (int p = 0; p < n; ++p) s += (double)(trans ? a[p * n + i] : a[i * n + p]) * x[p * r + c];
                err = fmax(err, fabs(s - b[i * r + c]));
            }
        CHECK(err < tol() * n, trans ? "A^T x = b after lu_solve(trans)" : "A x = b after lu_solve");
    }
    free(a); free(lu); free(b); free(x); free(piv);
}

/* a matrix with a zero row and column (both paths' first zero pivot, whichever of A and Aᵀ
 * they factor): the factorisation completes and reports it as getrf's info (zero + 1) */
static void test_lu_singular(int n, int zero)
{
    REAL_T *a = malloc(sizeof(REAL_T) * n * n);
    PIV_T *piv = malloc(sizeof(PIV_T) * n);
    fill(a, n * n, 5u);
    for (int i = 0; i < n; ++i) a[i * n + i] += 2;
    for (int c = 0; c < n; ++c) a[zero * n + c] = a[c * n + zero] = 0;
    CHECK(LU_FACTOR(n, a, piv) == zero + 1, "lu_factor reports the first zero pivot");
    int finite = 1;
    for (int i = 0; i < n * n; ++i) finite &= isfinite(a[i]) != 0;
    CHECK(finite, "lu_factor of a singular matrix stays finite");
    free(a); free(piv);
}

/* op(T) x = b for every triangle, op and diagonal, checked by multiplying back; sizes on
 * every path of the LAPACK-backed routine (loops, trsv, the blocked solve: a last block of
 * fewer rows, columns past the register tiles) */
static void test_trsolve(int n, int r)
{
    REAL_T *a = malloc(sizeof(REAL_T) * n * n), *b = malloc(sizeof(REAL_T) * n * r);
    REAL_T *x = malloc(sizeof(REAL_T) * n * r);
    fill(a, n * n, 11u);
    for (int i = 0; i < n; ++i) a[i * n + i] += 4;
    for (int v = 0; v < 8; ++v) {
        int lower = v & 1, trans = (v >> 1) & 1, unit = (v >> 2) & 1;
        fill(b, n * r, 13u);
        memcpy(x, b, sizeof(REAL_T) * n * r);
        TRSOLVE(n, r, a, lower, trans, unit, x);
        double err = 0;
        for (int i = 0; i < n; ++i)
            for (int c = 0; c < r; ++c) {
                double s = 0;
                for (int p = 0; p < n; ++p) {
                    int row = trans ? p : i, col = trans ? i : p;     /* op(T)[i][p] = T[row][col] */
                    if (lower ? col > row : col < row) continue;
                    s += (row == col && unit ? 1.0 : (double)a[row * n + col]) * x[p * r + c];
                }
                err = fmax(err, fabs(s - b[i * r + c]));
            }
        CHECK(err < tol() * n, "op(T) x = b after trsolve");
    }
    free(a); free(b); free(x);
}

/* Q R = A, Qᵀ Q = I, R upper triangular, R's diagonal as LAPACK signs it (a reflector
 * makes it the opposite of the entry it replaces: here negative on a dominant diagonal) */
static void test_qr(int m, int n)
{
    int k = m < n ? m : n;
    REAL_T *a = malloc(sizeof(REAL_T) * m * n), *q = malloc(sizeof(REAL_T) * m * k);
    REAL_T *r = malloc(sizeof(REAL_T) * k * n), *work = malloc(sizeof(REAL_T) * QR_WORK(m, n));
    fill(a, m * n, 17u);
    for (int i = 0; i < k; ++i) a[i * n + i] += 3;
    QR(m, n, a, q, r, work);
    double err = 0, orth = 0, low = 0;
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) {
            double s = 0;
            for (int p = 0; p < k; ++p) s += (double)q[i * k + p] * r[p * n + j];
            err = fmax(err, fabs(s - a[i * n + j]));
        }
    for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) {
            double s = 0;
            for (int p = 0; p < m; ++p) s += (double)q[p * k + i] * q[p * k + j];
            orth = fmax(orth, fabs(s - (i == j)));
        }
    for (int i = 0; i < k; ++i)
        for (int j = 0; j < i; ++j) low = fmax(low, fabs((double)r[i * n + j]));
    CHECK(err < tol() * 10 && orth < tol() * 10, "Q R = A with orthonormal Q");
    CHECK(low == 0, "R upper triangular");
    for (int i = 0; i < k && i < m - 1; ++i)   /* (the last row of a square has no reflector) */
        CHECK(r[i * n + i] < 0, "R's diagonal signed as LAPACK's");
    free(a); free(q); free(r); free(work);
}

/* e^A e^(−A) = I (a norm that needs squarings), e^diag(d) = diag(e^d), NaN in → NaN out */
static void test_expm(int n, double scale)
{
    REAL_T *a = malloc(sizeof(REAL_T) * n * n), *m = malloc(sizeof(REAL_T) * n * n);
    REAL_T *e = malloc(sizeof(REAL_T) * n * n), *f = malloc(sizeof(REAL_T) * n * n);
    REAL_T *work = malloc(sizeof(REAL_T) * EXPM_WORK(n));
    fill(a, n * n, 19u);
    for (int i = 0; i < n * n; ++i) { a[i] = (REAL_T)(a[i] * scale); m[i] = -a[i]; }
    EXPM(n, a, e, work);
    EXPM(n, m, f, work);
    double err = 0, big = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            double s = 0;
            for (int p = 0; p < n; ++p) s += (double)e[i * n + p] * f[p * n + j];
            err = fmax(err, fabs(s - (i == j)));
            big = fmax(big, fabs((double)e[i * n + j]));
        }
    CHECK(err < tol() * 100 * big, "e^A e^-A = I");
    for (int i = 0; i < n * n; ++i) a[i] = 0;
    for (int i = 0; i < n; ++i) a[i * n + i] = (REAL_T)(i - 1);
    EXPM(n, a, e, work);
    err = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) err = fmax(err, fabs((double)e[i * n + j] - (i == j ? exp(i - 1.0) : 0)));
    CHECK(err < tol() * exp(n - 2.0), "e^diag(d) = diag(e^d)");
    a[1] = (REAL_T)NAN;
    EXPM(n, a, e, work);
    CHECK(e[0] != e[0], "a NaN entry gives NaNs");
    /* L(A, E) against central differences of e^(A ± hE) */
    fill(a, n * n, 23u);
    fill(m, n * n, 29u);
    for (int i = 0; i < n * n; ++i) a[i] = (REAL_T)(a[i] * scale);
    REAL_T *l = malloc(sizeof(REAL_T) * n * n), *ap = malloc(sizeof(REAL_T) * n * n);
    EXPM_FRECHET(n, a, m, l, work);
    const double h = sizeof(REAL_T) == 8 ? 1e-6 : 1e-2;
    for (int i = 0; i < n * n; ++i) ap[i] = (REAL_T)(a[i] + h * m[i]);
    EXPM(n, ap, e, work);
    for (int i = 0; i < n * n; ++i) ap[i] = (REAL_T)(a[i] - h * m[i]);
    EXPM(n, ap, f, work);
    err = 0, big = 0;
    for (int i = 0; i < n * n; ++i) {
        err = fmax(err, fabs((e[i] - (double)f[i]) / (2 * h) - l[i]));
        big = fmax(big, fabs((double)l[i]));
    }
    CHECK(err < (sizeof(REAL_T) == 8 ? 1e-6 : 5e-2) * (1 + big), "expm_frechet = central differences of expm");
    free(l); free(ap);
    free(a); free(m); free(e); free(f); free(work);
}

static void test_lu_small(void)
{
    PIV_T piv[3];
    /* det of a triangular matrix times a permutation: known exactly */
    REAL_T t[9] = {0, 2, 1, 3, 0, 0, 0, 0, 4};   /* det = -(... ) computed by hand: -24 */
    CHECK(LU_FACTOR(3, t, piv) == 0, "lu of a permuted triangle");
    CHECK(fabs((double)LU_DET(3, t, piv) + 24) < tol() * 24, "det = -24");
    REAL_T sign, logdet;
    LU_SLOGDET(3, t, piv, &sign, &logdet);
    CHECK(sign == -1 && fabs((double)logdet - log(24.0)) < tol(), "slogdet = (-1, log 24)");
    REAL_T z[4] = {1, 2, 2, 4};
    CHECK(LU_FACTOR(2, z, piv) != 0, "a singular matrix is reported");
}

/* L Lᵀ = sym(A) at sizes through every path of the LAPACK-backed file (one panel, several
 * panels and passes of the trailing update, potrf beyond GC_CHOL_BLOCKED_MAX); an indefinite
 * matrix reported whether its first bad pivot is in the first panel or a later one */
static void test_cholesky(int n)
{
    REAL_T *g = malloc(sizeof(REAL_T) * n * n), *a = malloc(sizeof(REAL_T) * n * n);
    REAL_T *l = malloc(sizeof(REAL_T) * n * n);
    fill(g, n * n, 11u);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            double s = i == j ? n : 0;
            for (int p = 0; p < n; ++p) s += (double)g[i * n + p] * g[j * n + p];
            a[i * n + j] = (REAL_T)s;
        }
    a[1] += (REAL_T)0.25; a[n] -= (REAL_T)0.25;     /* only the symmetric part counts */
    CHECK(CHOLESKY(n, a, l) == 0, "cholesky of an SPD matrix");
    double err = 0, scale = 0;
    int upper = 1;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            double s = 0;
            for (int p = 0; p < n; ++p) s += (double)l[i * n + p] * l[j * n + p];
            err = fmax(err, fabs(s - 0.5 * (a[i * n + j] + a[j * n + i])));
            scale = fmax(scale, fabs((double)a[i * n + j]));
            if (j > i) upper &= l[i * n + j] == 0;
        }
    CHECK(upper, "upper triangle zero");
    CHECK(err < tol() * scale, "L L^T = sym(A)");
    for (int bad = 0; bad < n; bad += n - 1) {      /* the first and the last pivot */
        for (int i = 0; i < n; ++i) a[i * n + bad] = a[bad * n + i] = 0;
        a[bad * n + bad] = -1;
        CHECK(CHOLESKY(n, a, l) != 0, "indefinite matrix reported");
    }
    free(g); free(a); free(l);
}

static void test_svd_shape(int m, int n)
{
    int k = m < n ? m : n;
    REAL_T *a = malloc(sizeof(REAL_T) * m * n), *u = malloc(sizeof(REAL_T) * m * k);
    REAL_T *s = malloc(sizeof(REAL_T) * k), *vt = malloc(sizeof(REAL_T) * k * n);
    REAL_T *work = malloc(sizeof(REAL_T) * (size_t)(SVD_WORK(m, n) + 16) * 2);
    fill(a, m * n, 13u + m);
    CHECK(SVD(m, n, a, u, s, vt, work) == 0, "svd converges");
    double err = 0, orth = 0;
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) {
            double r = 0;
            for (int p = 0; p < k; ++p) r += (double)u[i * k + p] * s[p] * vt[p * n + j];
            err = fmax(err, fabs(r - a[i * n + j]));
        }
    for (int p = 0; p < k; ++p)
        for (int q = 0; q < k; ++q) {
            double du = 0, dv = 0;
            for (int i = 0; i < m; ++i) du += (double)u[i * k + p] * u[i * k + q];
            for (int j = 0; j < n; ++j) dv += (double)vt[p * n + j] * vt[q * n + j];
            orth = fmax(orth, fmax(fabs(du - (p == q)), fabs(dv - (p == q))));
        }
    CHECK(err < tol() * 10, "U diag(s) Vt = A");
    CHECK(orth < tol() * 10, "U and V have orthonormal columns");
    for (int p = 1; p < k; ++p) CHECK(s[p - 1] >= s[p], "singular values descend");
    for (int p = 0; p < k; ++p) {
        int best = 0;
        for (int i = 1; i < m; ++i) if (fabs((double)u[i * k + p]) > fabs((double)u[best * k + p])) best = i;
        CHECK(u[best * k + p] > 0, "canonical sign");
    }
    free(a); free(u); free(s); free(vt); free(work);
}

static void test_eigh(int N)
{
    /* (the LAPACK-backed routine hands small matrices to the Jacobi rotations: both sizes) */
    REAL_T *a = malloc(sizeof(REAL_T) * N * N), *w = malloc(sizeof(REAL_T) * N), *v = malloc(sizeof(REAL_T) * N * N);
    REAL_T *work = malloc(sizeof(REAL_T) * (size_t)(EIGH_WORK(N) + 16) * 2);
    fill(a, N * N, 17u);
    CHECK(EIGH(N, a, w, v, work) == 0, "eigh converges");
    double err = 0, orth = 0;
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) {
            double av = 0, vv = 0;
            for (int p = 0; p < N; ++p) {
                av += 0.5 * ((double)a[i * N + p] + a[p * N + i]) * v[p * N + j];
                vv += (double)v[p * N + i] * v[p * N + j];
            }
            err = fmax(err, fabs(av - (double)w[j] * v[i * N + j]));
            orth = fmax(orth, fabs(vv - (i == j)));
        }
    CHECK(err < tol() * 10, "sym(A) V = V diag(w)");
    CHECK(orth < tol() * 10, "V orthonormal");
    for (int j = 1; j < N; ++j) CHECK(w[j - 1] <= w[j], "eigenvalues ascend");
    free(a); free(w); free(v); free(work);
}

int main(void)
{
    test_gemm();
    test_lu(6, 3);
    test_lu(80, 2);
    test_lu(70, 1);
    test_lu(200, 1);
    test_lu(300, 2);
    test_lu(801, 1);
    test_lu_singular(100, 20);
    test_lu_singular(70, 69);
    test_lu_small();
    test_expm(5, 0.3);
    test_expm(12, 3.0);
    int qr_shapes[][2] = {{5, 3}, {3, 5}, {4, 4}, {1, 3}, {30, 7}, {130, 70}, {70, 130}, {230, 75}};   /* blocked from k = 65 (LAPACK build) */
    for (unsigned i = 0; i < sizeof qr_shapes / sizeof qr_shapes[0]; ++i) test_qr(qr_shapes[i][0], qr_shapes[i][1]);
    int tri[][2] = {{1, 1}, {5, 1}, {9, 4}, {70, 1}, {20, 15}, {50, 8}, {100, 24}, {33, 40}};
    for (unsigned i = 0; i < sizeof tri / sizeof tri[0]; ++i) test_trsolve(tri[i][0], tri[i][1]);
    int chol[] = {2, 5, 16, 17, 100, 301, 650};
    for (unsigned i = 0; i < sizeof chol / sizeof chol[0]; ++i) test_cholesky(chol[i]);
    test_eigh(6);
    test_eigh(20);
    int shapes[][2] = {{5, 3}, {3, 5}, {1, 4}, {4, 1}, {12, 12}, {30, 7}};
    for (unsigned i = 0; i < sizeof shapes / sizeof shapes[0]; ++i) test_svd_shape(shapes[i][0], shapes[i][1]);
    printf("%s: %d failures\n", TEST_NAME, failures);
    return failures != 0;
}
