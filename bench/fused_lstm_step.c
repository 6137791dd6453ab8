/* A fused LSTM time step: a PROTOTYPE for `make bench`, not used by lstmgrad.
 *
 * lstmgrad/models/lstm.py runs each time step as about ten numpy calls, one pass over the
 * (B, 4H) or (B, H) arrays each. These two functions do the same elementwise work in one call
 * per step, forward (with W_x x_t + b) and backward, over blocks that stay in cache; the matmuls
 * stay in numpy (bench/fused.py), where lstm.py has them.
 *
 * The operations are those of lstm.py, in the same order and the same association, so that with
 * -ffp-contract=off (no fused multiply-add) and a tanh that rounds as numpy's does, every result
 * is bit-identical. Gates are stored as in lstm.py: per row, [i | f | C~ | o], H each; the rows of
 * i, f and o hold z/2 (W_x, b, W_h pre-scaled) so that sigmoid(z) = 0.5 * tanh(z/2) + 0.5.
 *
 * Every array is (S, B, n) with rows of one seed contiguous (row stride n = 4H or H) and a seed
 * stride of its own, in elements (lstm.py's time-major arrays are seed-major in memory for some).
 *
 * The vector tanh: glibc's libmvec (_ZGV?N?v_tanh). With -ffast-math, glibc's <math.h> declares
 * tanh `omp declare simd` itself; without it, FUSED_DECLARE_SIMD makes the declaration here
 * (with -fopenmp-simd -fno-math-errno). Check the build with `objdump -d | grep _ZGV`: on an
 * AVX-512 CPU, gcc's -march=native prefers 256-bit vectors and so calls the AVX2 variant
 * (_ZGVdN4v_tanh), which rounds differently from numpy; -mprefer-vector-width=512 gets the
 * 8-wide _ZGVeN8v_tanh, which gave numpy's bits on every value tried (bench/fused_results.md).
 */
#include <math.h>
#include <stddef.h>

#ifdef FUSED_DECLARE_SIMD
#pragma omp declare simd notinbranch
double tanh(double);
#pragma omp declare simd notinbranch
float tanhf(float);
#endif

/* one element of the backward step; DH is dL/dh_t at this element */
#define BACKWARD_BODY(T, DH)                                                                       \
    {                                                                                              \
        T i = gr[j], f = gr[H + j], g = gr[2 * H + j], o = gr[3 * H + j];                          \
        T tc = tr[j];                                                                              \
        T dh = DH;                                                                                 \
        T c = dc[j] + dh * (o * (one - tc * tc));                                                  \
        dzr[j] = c * ((g * i) * (one - i));                                                        \
        dzr[H + j] = c * ((cp[j] * f) * (one - f));                                                \
        dzr[2 * H + j] = c * (i * (one - g * g));                                                  \
        dzr[3 * H + j] = dh * ((tc * o) * (one - o));                                              \
        dc[j] = c * f;                                                                             \
    }

#define DEFINE_STEP(T, TANH, SUFFIX)                                                               \
                                                                                                   \
/* y = tanh(x + a) over n contiguous values (a may be NULL). The bulk runs in whole vectors   \
 * and the last n % 16 values go through the same vector function on a zero-padded buffer: a      \
 * remainder loop would call a narrower libmvec variant, which rounds differently (fused.py). */   \
static void tanh_block_##SUFFIX(long n, T *x, const T *a, T *y)                                   \
{                                                                                                  \
    long m = n & ~15L;                                                                             \
    if (a) {                                                                                       \
        _Pragma("omp simd")                                                                        \
        for (long k = 0; k < m; k++) y[k] = TANH(x[k] + a[k]);                                     \
    } else {                                                                                       \
        _Pragma("omp simd")                                                                        \
        for (long k = 0; k < m; k++) y[k] = TANH(x[k]);                                            \
    }                                                                                              \
    if (m < n) {                                                                                   \
        T buf[16] = {0};                                                                           \
        for (long k = m; k < n; k++) buf[k - m] = a ? x[k] + a[k] : x[k];                          \
        _Pragma("omp simd")                                                                        \
        for (long k = 0; k < 16; k++) buf[k] = TANH(buf[k]);                                       \
        for (long k = m; k < n; k++) y[k] = buf[k - m];                                            \
    }                                                                                              \
}                                                                                                  \
                                                                                                   \
/* z_t = (W_x x_t + b) + W_h h_{t-1}, with W_h h_{t-1} already computed (all pre-scaled); then    \
 * gates = scale * tanh(z_t) + offset, in place; C_t = f_t * C_{t-1} + i_t * C~_t; tanh(C_t);      \
 * h_t = o_t * tanh(C_t). If x is NULL, z already holds W_x x_t + b (lstmgrad's input_projection); \
 * else x_t (row r of seed s at x + s*sx + r*rx, D values), W_x (4H, D) and b (4H) give it here, \
 * summed in input_projection's order: x_0 W_0, + x_d W_d for d = 1..D-1, + b. */                  \
void lstm_forward_step_##SUFFIX(long S, long B, long H,                                            \
                                T *z, long sz, const T *Wh_h, long sw,                             \
                                const T *C_prev, long sCp, T *C, long sC,                          \
                                T *tanh_C, long stc, T *h, long sh,                                \
                                const T *x, long sx, long rx, long D,                              \
                                const T *W_x, long sWx, const T *b, long sb)                       \
{                                                                                                  \
    const T half = (T)0.5;                                                                         \
    for (long s = 0; s < S; s++) {                                                                 \
        if (x)                                                                                     \
            for (long r = 0; r < B; r++) {                                                         \
                const T *xr = x + s * sx + r * rx, *wx = W_x + s * sWx, *bs = b + s * sb;          \
                T *zr = z + s * sz + r * 4 * H;                                                    \
                _Pragma("omp simd")                                                                \
                for (long j = 0; j < 4 * H; j++) {                                                 \
                    T acc = xr[0] * wx[j * D];                                                     \
                    for (long d = 1; d < D; d++) acc = acc + xr[d] * wx[j * D + d];                \
                    zr[j] = acc + bs[j];                                                           \
                }                                                                                  \
            }                                                                                      \
        /* one seed's (B, 4H) and (B, H) blocks are contiguous */                                  \
        tanh_block_##SUFFIX(B * 4 * H, z + s * sz, Wh_h + s * sw, z + s * sz);                     \
        for (long r = 0; r < B; r++) {                                                             \
            T *zr = z + s * sz + r * 4 * H;                                                        \
            const T *cp = C_prev + s * sCp + r * H;                                                \
            T *cr = C + s * sC + r * H;                                                            \
            _Pragma("omp simd")                                                                    \
            for (long j = 0; j < H; j++) {                                                         \
                T i = zr[j] * half + half;                                                         \
                T f = zr[H + j] * half + half;                                                     \
                T g = zr[2 * H + j] * (T)1 + (T)0;  /* lstm.py: *scale (1), +offset (0) */         \
                T o = zr[3 * H + j] * half + half;                                                 \
                zr[j] = i; zr[H + j] = f; zr[2 * H + j] = g; zr[3 * H + j] = o;                    \
                cr[j] = f * cp[j] + i * g;                                                         \
            }                                                                                      \
        }                                                                                          \
        tanh_block_##SUFFIX(B * H, C + s * sC, NULL, tanh_C + s * stc);                            \
        for (long r = 0; r < B; r++) {                                                             \
            const T *zr = z + s * sz + r * 4 * H, *tr = tanh_C + s * stc + r * H;                  \
            T *hr = h + s * sh + r * H;                                                            \
            _Pragma("omp simd")                                                                    \
            for (long j = 0; j < H; j++) hr[j] = zr[3 * H + j] * tr[j];                            \
        }                                                                                          \
    }                                                                                              \
}                                                                                                  \
                                                                                                   \
/* dh_t = dh_next (+ dh_tm, the loss's own term at h_t, if not NULL);                              \
 * dC += dh_t * o (1 - tanh(C_t)^2); dz_t = [dC C~ i(1-i), dC C_{t-1} f(1-f), dC i (1-C~^2),       \
 * dh_t tanh(C_t) o(1-o)]; then dC *= f_t, the gradient at C_{t-1}. */                             \
void lstm_backward_step_##SUFFIX(long S, long B, long H,                                           \
                                 const T *gates, long sg, const T *tanh_C, long stc,               \
                                 const T *C_prev, long sCp, const T *dh_next, long sdh,            \
                                 const T *dh_tm, long sdt, T *dC, long sdC, T *dz, long sdz)       \
{                                                                                                  \
    const T one = (T)1;                                                                            \
    for (long s = 0; s < S; s++)                                                                   \
        for (long r = 0; r < B; r++) {                                                             \
            const T *gr = gates + s * sg + r * 4 * H;                                              \
            const T *tr = tanh_C + s * stc + r * H, *cp = C_prev + s * sCp + r * H;                \
            const T *dn = dh_next + s * sdh + r * H;                                               \
            const T *dt = dh_tm ? dh_tm + s * sdt + r * H : NULL;                                  \
            T *dc = dC + s * sdC + r * H, *dzr = dz + s * sdz + r * 4 * H;                         \
            if (dt) {                                                                              \
                _Pragma("omp simd")                                                                \
                for (long j = 0; j < H; j++) BACKWARD_BODY(T, dn[j] + dt[j])                       \
            } else {                                                                               \
                _Pragma("omp simd")                                                                \
                for (long j = 0; j < H; j++) BACKWARD_BODY(T, dn[j])                               \
            }                                                                                      \
        }                                                                                          \
}

DEFINE_STEP(double, tanh, f64)
DEFINE_STEP(float, tanhf, f32)

/* For the ulp comparison: tanh over n values through the same vector path as the steps. */
void tanh_array_f64(long n, double *x, double *y) { tanh_block_f64(n, x, NULL, y); }

void tanh_array_f32(long n, float *x, float *y) { tanh_block_f32(n, x, NULL, y); }
