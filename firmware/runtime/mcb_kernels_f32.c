/*
 * Float32 kernels, portable C for every target (FPU instructions or software floating point, as the
 * target's compiler flags say). Each output sums its terms in TFLite Micro's reference order, starting
 * from +0, bias added last; see mcb_kernels_f32.h for what that buys.
 */
#include "mcb_broadcast.h"
#include "mcb_kernels_f32.h"
#include "mcb_mathf.h"
#include "mcb_window.h"

/* TFLite's ActivationFunctionWithMinMax: min(max(x, lo), hi) with std::max/std::min's comparisons. */
static inline float clamp_f32(float x, float lo, float hi)
{
    x = x < lo ? lo : x;
    return hi < x ? hi : x;
}

/* Four output channels oc..oc + 3 from their sums a0..a3: the bias (if any) added last, as the reference
 * adds it, then the fused activation (a macro, not a function, so that each kernel compiles as if written
 * out: the float32 figures of the quantization suite stay those measured). */
#define STORE_QUAD_F32(out, bias, oc, a0, a1, a2, a3, lo, hi) \
    do {                                                      \
        if (bias) {                                           \
            a0 += (bias)[oc];                                 \
            a1 += (bias)[(oc) + 1];                           \
            a2 += (bias)[(oc) + 2];                           \
            a3 += (bias)[(oc) + 3];                           \
        }                                                     \
        (out)[oc] = clamp_f32(a0, lo, hi);                    \
        (out)[(oc) + 1] = clamp_f32(a1, lo, hi);              \
        (out)[(oc) + 2] = clamp_f32(a2, lo, hi);              \
        (out)[(oc) + 3] = clamp_f32(a3, lo, hi);              \
    } while (0)

/*
 * One im2col column: the window of output pixel (oy, ox) as k_h * k_w * in_c floats in (row, column,
 * channel) order, taps outside the input as +0. A zero tap adds +-0 to the running sum, which leaves it
 * unchanged (the sum starts at +0 and is never -0), so the result equals the reference's, which skips them.
 */
static void im2col_f32(const mcb_conv_f32_params *p, const float *in_b, int32_t oy, int32_t ox, float *col)
{
    const int32_t y0 = oy * p->stride_h - p->pad_top, x0 = ox * p->stride_w - p->pad_left;
    for (int32_t ky = 0; ky < p->k_h; ++ky) {
        const int32_t iy = y0 + p->dilation_h * ky;
        for (int32_t kx = 0; kx < p->k_w; ++kx) {
            const int32_t ix = x0 + p->dilation_w * kx;
            if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
                for (int32_t c = 0; c < p->in_c; ++c) {
                    *col++ = 0.0f;
                }
            } else {
                const float *src = in_b + (iy * p->in_w + ix) * p->in_c;
                for (int32_t c = 0; c < p->in_c; ++c) {
                    *col++ = src[c];
                }
            }
        }
    }
}

/* Outputs of two pixels (columns c0, c1 of k values) for every output channel, four channels at a time
 * (filter rows in quads, MCB_F32 layout in mcb_kernels_f32.h): each weight is loaded once for two
 * multiply-adds, and the weights are read in one sequential stream. */
static void conv_two_columns(const float *c0, const float *c1, int32_t k, int32_t out_c, const float *filter,
                             const float *bias, float lo, float hi, float *out0, float *out1)
{
    int32_t oc = 0;
    for (; oc + 3 < out_c; oc += 4) {
        const float *w = filter + oc * k;
        float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
        float b0 = 0.0f, b1 = 0.0f, b2 = 0.0f, b3 = 0.0f;
        for (int32_t i = 0; i < k; ++i, w += 4) {
            const float x = c0[i], y = c1[i];
            const float v0 = w[0], v1 = w[1], v2 = w[2], v3 = w[3];
            a0 += x * v0;
            b0 += y * v0;
            a1 += x * v1;
            b1 += y * v1;
            a2 += x * v2;
            b2 += y * v2;
            a3 += x * v3;
            b3 += y * v3;
        }
        if (bias) {
            a0 += bias[oc];
            b0 += bias[oc];
            a1 += bias[oc + 1];
            b1 += bias[oc + 1];
            a2 += bias[oc + 2];
            b2 += bias[oc + 2];
            a3 += bias[oc + 3];
            b3 += bias[oc + 3];
        }
        out0[oc] = clamp_f32(a0, lo, hi);
        out0[oc + 1] = clamp_f32(a1, lo, hi);
        out0[oc + 2] = clamp_f32(a2, lo, hi);
        out0[oc + 3] = clamp_f32(a3, lo, hi);
        out1[oc] = clamp_f32(b0, lo, hi);
        out1[oc + 1] = clamp_f32(b1, lo, hi);
        out1[oc + 2] = clamp_f32(b2, lo, hi);
        out1[oc + 3] = clamp_f32(b3, lo, hi);
    }
    for (; oc < out_c; ++oc) {
        const float *w = filter + oc * k;
        float a = 0.0f, b = 0.0f;
        for (int32_t i = 0; i < k; ++i) {
            a += c0[i] * w[i];
            b += c1[i] * w[i];
        }
        if (bias) {
            a += bias[oc];
            b += bias[oc];
        }
        out0[oc] = clamp_f32(a, lo, hi);
        out1[oc] = clamp_f32(b, lo, hi);
    }
}

/* One pixel (column c of k values), four channels at a time (filter rows in quads). */
static void conv_one_column(const float *c, int32_t k, int32_t out_c, const float *filter, const float *bias,
                            float lo, float hi, float *out)
{
    int32_t oc = 0;
    for (; oc + 3 < out_c; oc += 4) {
        const float *w = filter + oc * k;
        float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
        for (int32_t i = 0; i < k; ++i, w += 4) {
            const float x = c[i];
            a0 += x * w[0];
            a1 += x * w[1];
            a2 += x * w[2];
            a3 += x * w[3];
        }
        STORE_QUAD_F32(out, bias, oc, a0, a1, a2, a3, lo, hi);
    }
    for (; oc < out_c; ++oc) {
        const float *w = filter + oc * k;
        float a = 0.0f;
        for (int32_t i = 0; i < k; ++i) {
            a += c[i] * w[i];
        }
        if (bias) {
            a += bias[oc];
        }
        out[oc] = clamp_f32(a, lo, hi);
    }
}

/*
 * Pixels two at a time. Without scratch (the compiler gives none to a 1x1, stride-1 convolution over the
 * whole input) the columns are read straight from the input, where each pixel's channels are contiguous;
 * otherwise they are copied into scratch first (im2col).
 */
void mcb_conv2d_f32(const mcb_conv_f32_params *p, const float *input, const float *filter, const float *bias,
                    float *output, void *scratch)
{
    const int32_t k = p->k_h * p->k_w * p->in_c;
    const int32_t pixels = p->out_h * p->out_w;
    const int direct = scratch == 0;
    float *col0 = (float *)scratch, *col1 = col0 + k;
    for (int32_t b = 0; b < p->batches; ++b) {
        const float *in_b = input + b * p->in_h * p->in_w * p->in_c;
        float *out_b = output + b * pixels * p->out_c;
        int32_t px = 0;
        for (; px + 1 < pixels; px += 2) {
            const float *c0, *c1;
            if (direct) {
                c0 = in_b + px * k;
                c1 = c0 + k;
            } else {
                im2col_f32(p, in_b, px / p->out_w, px % p->out_w, col0);
                im2col_f32(p, in_b, (px + 1) / p->out_w, (px + 1) % p->out_w, col1);
                c0 = col0;
                c1 = col1;
            }
            conv_two_columns(c0, c1, k, p->out_c, filter, bias, p->act_min, p->act_max, out_b + px * p->out_c,
                             out_b + (px + 1) * p->out_c);
        }
        if (px < pixels) {
            const float *c0 = in_b + px * k;
            if (!direct) {
                im2col_f32(p, in_b, px / p->out_w, px % p->out_w, col0);
                c0 = col0;
            }
            conv_one_column(c0, k, p->out_c, filter, bias, p->act_min, p->act_max, out_b + px * p->out_c);
        }
    }
}

/*
 * Over the taps inside the window, in (row, column) order as the reference visits them. Multiplier 1 and
 * channels a multiple of 4: four channels at a time, their weights packed per channel quad (mcb_kernels_f32.h);
 * otherwise one output channel at a time over the file's layout.
 */
void mcb_depthwise_conv2d_f32(const mcb_conv_f32_params *p, const float *input, const float *filter,
                              const float *bias, float *output)
{
    const int32_t in_c = p->in_c, out_c = p->out_c, mult = p->depth_multiplier;
    const int32_t step_x = p->dilation_w * in_c, step_y = p->dilation_h * p->in_w * in_c;
    const int32_t w_row = p->k_w * out_c, taps = p->k_h * p->k_w;
    const int packed = mult == 1 && (in_c & 3) == 0;
    const float lo = p->act_min, hi = p->act_max;
    for (int32_t b = 0; b < p->batches; ++b) {
        const float *in_b = input + b * p->in_h * p->in_w * in_c;
        for (int32_t oy = 0; oy < p->out_h; ++oy) {
            const int32_t y0 = oy * p->stride_h - p->pad_top;
            int32_t ky0, ky1;
            mcb_clip_taps(y0, p->k_h, p->dilation_h, p->in_h, &ky0, &ky1);
            for (int32_t ox = 0; ox < p->out_w; ++ox) {
                const int32_t x0 = ox * p->stride_w - p->pad_left;
                int32_t kx0, kx1;
                mcb_clip_taps(x0, p->k_w, p->dilation_w, p->in_w, &kx0, &kx1);
                /* The first tap inside the window, in the input and in the filter. */
                const float *in_first = in_b + ((y0 + p->dilation_h * ky0) * p->in_w + x0 + p->dilation_w * kx0) * in_c;
                const int32_t first_tap = ky0 * p->k_w + kx0;
                int32_t c = 0;
                if (packed) {
                    for (; c < in_c; c += 4) {
                        float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
                        const float *x_row = in_first + c, *w_row_p = filter + c * taps + 4 * first_tap;
                        for (int32_t ky = ky0; ky < ky1; ++ky, x_row += step_y, w_row_p += 4 * p->k_w) {
                            const float *x = x_row, *w = w_row_p;
                            for (int32_t kx = kx0; kx < kx1; ++kx, x += step_x, w += 4) {
                                a0 += x[0] * w[0];
                                a1 += x[1] * w[1];
                                a2 += x[2] * w[2];
                                a3 += x[3] * w[3];
                            }
                        }
                        STORE_QUAD_F32(output, bias, c, a0, a1, a2, a3, lo, hi);
                    }
                }
                for (int32_t oc = c * mult; oc < out_c; ++oc) {
                    float acc = 0.0f;
                    const float *x_row = in_first + oc / mult, *w_row_p = filter + first_tap * out_c + oc;
                    for (int32_t ky = ky0; ky < ky1; ++ky, x_row += step_y, w_row_p += w_row) {
                        const float *x = x_row, *w = w_row_p;
                        for (int32_t kx = kx0; kx < kx1; ++kx, x += step_x, w += out_c) {
                            acc += *x * *w;
                        }
                    }
                    if (bias) {
                        acc += bias[oc];
                    }
                    output[oc] = clamp_f32(acc, lo, hi);
                }
                output += out_c;
            }
        }
    }
}

void mcb_fully_connected_f32(const mcb_fc_f32_params *p, const float *input, const float *filter,
                             const float *bias, float *output)
{
    const int32_t n = p->in_depth;
    for (int32_t b = 0; b < p->batches; ++b) {
        conv_one_column(input + b * n, n, p->out_depth, filter, bias, p->act_min, p->act_max,
                        output + b * p->out_depth);
    }
}

/* The window of a pooling output cell, clipped to the input (mcb_pool_window for this parameter struct). */
static inline void pool_window_f32(const mcb_pool_f32_params *p, int32_t oy, int32_t ox, int32_t *ky0,
                                   int32_t *ky1, int32_t *kx0, int32_t *kx1, int32_t *y0, int32_t *x0)
{
    *y0 = oy * p->stride_h - p->pad_top;
    *x0 = ox * p->stride_w - p->pad_left;
    *ky0 = *y0 < 0 ? -*y0 : 0;
    *kx0 = *x0 < 0 ? -*x0 : 0;
    *ky1 = p->in_h - *y0 < p->k_h ? p->in_h - *y0 : p->k_h;
    *kx1 = p->in_w - *x0 < p->k_w ? p->in_w - *x0 : p->k_w;
}

void mcb_avg_pool_f32(const mcb_pool_f32_params *p, const float *input, float *output)
{
    const int32_t ch = p->channels;
    for (int32_t b = 0; b < p->batches; ++b) {
        const float *in_b = input + b * p->in_h * p->in_w * ch;
        for (int32_t oy = 0; oy < p->out_h; ++oy) {
            for (int32_t ox = 0; ox < p->out_w; ++ox) {
                int32_t ky0, ky1, kx0, kx1, y0, x0;
                pool_window_f32(p, oy, ox, &ky0, &ky1, &kx0, &kx1, &y0, &x0);
                const float count = (float)((ky1 - ky0) * (kx1 - kx0));
                const float *corner = in_b + ((y0 + ky0) * p->in_w + (x0 + kx0)) * ch;
                for (int32_t c = 0; c < ch; ++c) {
                    float total = 0.0f;
                    const float *row = corner + c;
                    for (int32_t ky = ky0; ky < ky1; ++ky, row += p->in_w * ch) {
                        const float *q = row;
                        for (int32_t kx = kx0; kx < kx1; ++kx, q += ch) {
                            total += *q;
                        }
                    }
                    *output++ = clamp_f32(total / count, p->act_min, p->act_max);
                }
            }
        }
    }
}

void mcb_max_pool_f32(const mcb_pool_f32_params *p, const float *input, float *output)
{
    const int32_t ch = p->channels;
    for (int32_t b = 0; b < p->batches; ++b) {
        const float *in_b = input + b * p->in_h * p->in_w * ch;
        for (int32_t oy = 0; oy < p->out_h; ++oy) {
            for (int32_t ox = 0; ox < p->out_w; ++ox) {
                int32_t ky0, ky1, kx0, kx1, y0, x0;
                pool_window_f32(p, oy, ox, &ky0, &ky1, &kx0, &kx1, &y0, &x0);
                for (int32_t c = 0; c < ch; ++c) {
                    float best = -3.40282347e+38f; /* std::numeric_limits<float>::lowest() */
                    for (int32_t ky = ky0; ky < ky1; ++ky) {
                        for (int32_t kx = kx0; kx < kx1; ++kx) {
                            const float v = in_b[((y0 + ky) * p->in_w + (x0 + kx)) * ch + c];
                            best = best < v ? v : best; /* std::max(best, v) */
                        }
                    }
                    *output++ = clamp_f32(best, p->act_min, p->act_max);
                }
            }
        }
    }
}

void mcb_add_f32(const mcb_binary_f32_params *p, const float *in1, const float *in2, float *output)
{
    MCB_BROADCAST_LOOP(&p->bc, { output[o_] = clamp_f32(in1[i1_] + in2[i2_], p->act_min, p->act_max); });
}

void mcb_mul_f32(const mcb_binary_f32_params *p, const float *in1, const float *in2, float *output)
{
    MCB_BROADCAST_LOOP(&p->bc, { output[o_] = clamp_f32(in1[i1_] * in2[i2_], p->act_min, p->act_max); });
}

void mcb_softmax_f32(int32_t rows, int32_t depth, float beta, const float *input, float *output)
{
    for (int32_t r = 0; r < rows; ++r) {
        const float *in = input + r * depth;
        float *out = output + r * depth;
        float max = -3.40282347e+38f;
        for (int32_t c = 0; c < depth; ++c) {
            max = max < in[c] ? in[c] : max;
        }
        float sum = 0.0f;
        for (int32_t c = 0; c < depth; ++c) {
            const float e = mcb_expf((in[c] - max) * beta);
            out[c] = e;
            sum += e;
        }
        for (int32_t c = 0; c < depth; ++c) {
            out[c] = out[c] / sum;
        }
    }
}

void mcb_clamp_f32(int32_t size, float lo, float hi, const float *input, float *output)
{
    for (int32_t i = 0; i < size; ++i) {
        const float v = input[i];
        output[i] = hi < v ? hi : (v < lo ? lo : v);
    }
}

void mcb_logistic_f32(int32_t size, const float *input, float *output)
{
    /* TFLite's reference cut-offs: 1 above 16.619..., exp(x) below -9, 1 / (1 + exp(-x)) between. */
    for (int32_t i = 0; i < size; ++i) {
        const float v = input[i];
        float result;
        if (v > 16.619047164916992188f) {
            result = 1.0f;
        } else if (v < -9.0f) {
            result = mcb_expf(v);
        } else {
            result = 1.0f / (1.0f + mcb_expf(-v));
        }
        output[i] = result;
    }
}

void mcb_tanh_f32(int32_t size, const float *input, float *output)
{
    for (int32_t i = 0; i < size; ++i) {
        output[i] = mcb_tanhf(input[i]);
    }
}

void mcb_mean_f32(int32_t outer, int32_t reduce, int32_t inner, const float *input, float *output)
{
    const float n = (float)reduce;
    for (int32_t o = 0; o < outer; ++o) {
        const float *in_o = input + o * reduce * inner;
        for (int32_t i = 0; i < inner; ++i) {
            float sum = 0.0f;
            for (int32_t r = 0; r < reduce; ++r) {
                sum += in_o[r * inner + i];
            }
            *output++ = sum / n;
        }
    }
}
