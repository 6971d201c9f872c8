/*
 * Int16x8 kernels, portable C on every target: TFLite Micro's reference integer kernels for 16-bit
 * activations (see mcb_kernels_s16.h).
 */
#include "mcb_kernels_s16.h"
#include "mcb_broadcast.h"
#include "mcb_fixedpoint.h"
#include "mcb_mathf.h"
#include "mcb_window.h"

/* TFLite's MultiplyByQuantizedMultiplier for a 64-bit accumulator: the Q31 multiplier rounded to 16 bits,
 * then one rounding right shift by 15 - shift. */
static inline int32_t mcb_mbqm64(int64_t x, int32_t multiplier, int32_t shift)
{
    const int32_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
    const int total_shift = 15 - shift;
    return (int32_t)((x * reduced + ((int64_t)1 << (total_shift - 1))) >> total_shift);
}

static inline int16_t requant_s16(const mcb_requant *rq, int64_t acc, int32_t c, int32_t lo, int32_t hi)
{
    const int32_t i = rq->per_channel ? c : 0;
    return (int16_t)mcb_clamp(mcb_mbqm64(acc, rq->multiplier[i], rq->shift[i]), lo, hi);
}

/* Products added in 32 bits this many at a time (each is at most 2^22 in magnitude). */
#define MCB_S16_BLOCK 256

/* Every output channel of one column (k int16 values), four channels per pass over the column, their
 * weights interleaved (mcb_kernels_s16.h) so that one pointer walks them. */
static void dot_columns_s16(const int16_t *col, int32_t k, int32_t out_c, const int8_t *filter, const int64_t *bias,
                            const mcb_requant *rq, int32_t lo, int32_t hi, int16_t *out)
{
    int32_t oc = 0;
    for (; oc + 3 < out_c; oc += 4) {
        const int8_t *w = filter + oc * k;
        int64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (int32_t i0 = 0; i0 < k; i0 += MCB_S16_BLOCK) {
            const int32_t end = k - i0 < MCB_S16_BLOCK ? k : i0 + MCB_S16_BLOCK;
            int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int32_t i = i0; i < end; ++i, w += 4) {
                const int32_t x = col[i];
                s0 += w[0] * x;
                s1 += w[1] * x;
                s2 += w[2] * x;
                s3 += w[3] * x;
            }
            a0 += s0;
            a1 += s1;
            a2 += s2;
            a3 += s3;
        }
        if (bias) {
            a0 += bias[oc];
            a1 += bias[oc + 1];
            a2 += bias[oc + 2];
            a3 += bias[oc + 3];
        }
        out[oc] = requant_s16(rq, a0, oc, lo, hi);
        out[oc + 1] = requant_s16(rq, a1, oc + 1, lo, hi);
        out[oc + 2] = requant_s16(rq, a2, oc + 2, lo, hi);
        out[oc + 3] = requant_s16(rq, a3, oc + 3, lo, hi);
    }
    for (; oc < out_c; ++oc) {
        const int8_t *w = filter + oc * k;
        int64_t acc = 0;
        for (int32_t i0 = 0; i0 < k; i0 += MCB_S16_BLOCK) {
            const int32_t end = k - i0 < MCB_S16_BLOCK ? k : i0 + MCB_S16_BLOCK;
            int32_t s = 0;
            for (int32_t i = i0; i < end; ++i) {
                s += w[i] * (int32_t)col[i];
            }
            acc += s;
        }
        if (bias) {
            acc += bias[oc];
        }
        out[oc] = requant_s16(rq, acc, oc, lo, hi);
    }
}

/* The window of output pixel (oy, ox) as one column in (row, column, channel) order, taps outside the
 * input as 0 (they add nothing, as the reference skips them). */
static void im2col_s16(const mcb_conv_params *p, const int16_t *in_b, int32_t oy, int32_t ox, int16_t *col)
{
    const int32_t y0 = oy * p->stride_h - p->pad_top, x0 = ox * p->stride_w - p->pad_left;
    for (int32_t ky = 0; ky < p->k_h; ++ky) {
        const int32_t iy = y0 + p->dilation_h * ky;
        for (int32_t kx = 0; kx < p->k_w; ++kx) {
            const int32_t ix = x0 + p->dilation_w * kx;
            const int inside = iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w;
            const int16_t *src = in_b + (iy * p->in_w + ix) * p->in_c;
            for (int32_t c = 0; c < p->in_c; ++c) {
                *col++ = inside ? src[c] : 0;
            }
        }
    }
}

/* Without scratch (a 1x1, stride-1 convolution over the whole input) the columns are the input pixels;
 * otherwise each is copied into scratch first (im2col). */
void mcb_conv2d_s16(const mcb_conv_params *p, const int16_t *input, const int8_t *filter, const int64_t *bias,
                    int16_t *output, void *scratch)
{
    const int32_t k = p->k_h * p->k_w * p->in_c;
    const int32_t pixels = p->out_h * p->out_w;
    int16_t *col = (int16_t *)scratch;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int16_t *in_b = input + b * p->in_h * p->in_w * p->in_c;
        for (int32_t px = 0; px < pixels; ++px) {
            const int16_t *c = in_b + px * k;
            if (col) {
                im2col_s16(p, in_b, px / p->out_w, px % p->out_w, col);
                c = col;
            }
            dot_columns_s16(c, k, p->out_c, filter, bias, &p->rq, p->act_min, p->act_max,
                            output + (b * pixels + px) * p->out_c);
        }
    }
}

/* Over the taps inside the window (the window sum fits 32 bits: the compiler allows at most 256 taps).
 * Multiplier 1: four channels at a time (a pixel's channels and a tap's weights are contiguous). */
void mcb_depthwise_conv2d_s16(const mcb_conv_params *p, const int16_t *input, const int8_t *filter,
                              const int64_t *bias, int16_t *output)
{
    const int32_t in_c = p->in_c, out_c = p->out_c, mult = p->depth_multiplier;
    const int32_t step_x = p->dilation_w * in_c, step_y = p->dilation_h * p->in_w * in_c, w_row = p->k_w * out_c;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int16_t *in_b = input + b * p->in_h * p->in_w * in_c;
        for (int32_t oy = 0; oy < p->out_h; ++oy) {
            const int32_t y0 = oy * p->stride_h - p->pad_top;
            int32_t ky0, ky1;
            mcb_clip_taps(y0, p->k_h, p->dilation_h, p->in_h, &ky0, &ky1);
            for (int32_t ox = 0; ox < p->out_w; ++ox) {
                const int32_t x0 = ox * p->stride_w - p->pad_left;
                int32_t kx0, kx1;
                mcb_clip_taps(x0, p->k_w, p->dilation_w, p->in_w, &kx0, &kx1);
                const int16_t *in_first = in_b + ((y0 + p->dilation_h * ky0) * p->in_w + x0 + p->dilation_w * kx0) * in_c;
                const int8_t *w_first = filter + (ky0 * p->k_w + kx0) * out_c;
                int32_t c = 0;
                if (mult == 1) {
                    for (; c + 3 < in_c; c += 4) {
                        int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                        const int16_t *x_row = in_first + c;
                        const int8_t *wr = w_first + c;
                        for (int32_t ky = ky0; ky < ky1; ++ky, x_row += step_y, wr += w_row) {
                            const int16_t *x = x_row;
                            const int8_t *w = wr;
                            for (int32_t kx = kx0; kx < kx1; ++kx, x += step_x, w += out_c) {
                                s0 += w[0] * (int32_t)x[0];
                                s1 += w[1] * (int32_t)x[1];
                                s2 += w[2] * (int32_t)x[2];
                                s3 += w[3] * (int32_t)x[3];
                            }
                        }
                        const int32_t sums[4] = {s0, s1, s2, s3};
                        for (int32_t k = 0; k < 4; ++k) {
                            const int64_t acc = (int64_t)sums[k] + (bias ? bias[c + k] : 0);
                            output[c + k] = requant_s16(&p->rq, acc, c + k, p->act_min, p->act_max);
                        }
                    }
                }
                for (int32_t oc = c * mult; oc < out_c; ++oc) {
                    int32_t sum = 0;
                    const int16_t *x_row = in_first + oc / mult;
                    const int8_t *wr = w_first + oc;
                    for (int32_t ky = ky0; ky < ky1; ++ky, x_row += step_y, wr += w_row) {
                        const int16_t *x = x_row;
                        const int8_t *w = wr;
                        for (int32_t kx = kx0; kx < kx1; ++kx, x += step_x, w += out_c) {
                            sum += *w * (int32_t)*x;
                        }
                    }
                    const int64_t acc = (int64_t)sum + (bias ? bias[oc] : 0);
                    output[oc] = requant_s16(&p->rq, acc, oc, p->act_min, p->act_max);
                }
                output += out_c;
            }
        }
    }
}

void mcb_fully_connected_s16(const mcb_fc_params *p, const int16_t *input, const int8_t *filter,
                             const int64_t *bias, int16_t *output)
{
    for (int32_t b = 0; b < p->batches; ++b) {
        dot_columns_s16(input + b * p->in_depth, p->in_depth, p->out_depth, filter, bias, &p->rq, p->act_min,
                        p->act_max, output + b * p->out_depth);
    }
}

void mcb_avg_pool_s16(const mcb_pool_params *p, const int16_t *input, int16_t *output)
{
    const int32_t ch = p->channels;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int16_t *in_b = input + b * p->in_h * p->in_w * ch;
        for (int32_t oy = 0; oy < p->out_h; ++oy) {
            for (int32_t ox = 0; ox < p->out_w; ++ox) {
                int32_t ky0, ky1, kx0, kx1, y0, x0;
                mcb_pool_window(p, oy, ox, &ky0, &ky1, &kx0, &kx1, &y0, &x0);
                const int32_t count = (ky1 - ky0) * (kx1 - kx0);
                for (int32_t c = 0; c < ch; ++c) {
                    int32_t acc = 0;
                    for (int32_t ky = ky0; ky < ky1; ++ky) {
                        for (int32_t kx = kx0; kx < kx1; ++kx) {
                            acc += in_b[((y0 + ky) * p->in_w + (x0 + kx)) * ch + c];
                        }
                    }
                    /* TFLite's rounding division (half away from zero). */
                    if (count > 0) {
                        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                    }
                    *output++ = (int16_t)mcb_clamp(acc, p->act_min, p->act_max);
                }
            }
        }
    }
}

void mcb_max_pool_s16(const mcb_pool_params *p, const int16_t *input, int16_t *output)
{
    const int32_t ch = p->channels;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int16_t *in_b = input + b * p->in_h * p->in_w * ch;
        for (int32_t oy = 0; oy < p->out_h; ++oy) {
            for (int32_t ox = 0; ox < p->out_w; ++ox) {
                int32_t ky0, ky1, kx0, kx1, y0, x0;
                mcb_pool_window(p, oy, ox, &ky0, &ky1, &kx0, &kx1, &y0, &x0);
                for (int32_t c = 0; c < ch; ++c) {
                    int32_t best = -32768;
                    for (int32_t ky = ky0; ky < ky1; ++ky) {
                        for (int32_t kx = kx0; kx < kx1; ++kx) {
                            const int32_t v = in_b[((y0 + ky) * p->in_w + (x0 + kx)) * ch + c];
                            best = v > best ? v : best;
                        }
                    }
                    *output++ = (int16_t)mcb_clamp(best, p->act_min, p->act_max);
                }
            }
        }
    }
}

void mcb_add_s16(const mcb_add_params *p, const int16_t *in1, const int16_t *in2, int16_t *output)
{
    MCB_BROADCAST_LOOP(&p->bc, {
        int32_t a = (int32_t)((uint32_t)(in1[i1_] + p->in1_offset) << p->left_shift);
        int32_t b = (int32_t)((uint32_t)(in2[i2_] + p->in2_offset) << p->left_shift);
        a = mcb_mbqm(a, p->in1_multiplier, p->in1_shift);
        b = mcb_mbqm(b, p->in2_multiplier, p->in2_shift);
        const int32_t out = mcb_mbqm(a + b, p->output_multiplier, p->output_shift) + p->output_offset;
        output[o_] = (int16_t)mcb_clamp(out, p->act_min, p->act_max);
    });
}

/* TFLite's LUTLookup: 512 segments of 128 input steps each, interpolated. */
static inline int16_t lut_lookup_s16(int16_t value, const int16_t *lut)
{
    const int32_t index = 256 + (value >> 7);
    const int32_t offset = value & 0x7f;
    const int16_t slope = (int16_t)(lut[index + 1] - lut[index]);
    return (int16_t)(lut[index] + ((slope * offset + 64) >> 7));
}

void mcb_softmax_s16(const mcb_softmax_s16_params *p, const int16_t *input, int16_t *output)
{
    for (int32_t r = 0; r < p->rows; ++r) {
        const int16_t *in = input + r * p->depth;
        int16_t *out = output + r * p->depth;
        int32_t max_in_row = -32768;
        for (int32_t c = 0; c < p->depth; ++c) {
            max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
        }
        /* exp(x - max), Q0.15, kept in the output row until the sum is known. */
        int32_t sum_of_exps = 0;
        for (int32_t c = 0; c < p->depth; ++c) {
            const int32_t scaled = mcb_mbqm(in[c] - max_in_row, p->input_multiplier, p->input_left_shift);
            out[c] = lut_lookup_s16((int16_t)mcb_clamp(scaled + 32767, -32768, 32767), p->exp_lut);
            sum_of_exps += out[c];
        }
        const int headroom_plus_one = sum_of_exps ? __builtin_clz((uint32_t)sum_of_exps) : 32;
        const int32_t shifted_sum = (int32_t)((((int64_t)sum_of_exps << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
        /* 1 / (1 + x) with x = sum - 1, recentred from [0, 65535] to [-32768, 32767]. */
        const int32_t sym = mcb_clamp(shifted_sum - ((1 << 15) + (1 << 16)), -32768, 32767);
        const int32_t reciprocal = lut_lookup_s16((int16_t)sym, p->one_over_one_plus_x_lut);
        const int right_shift = 31 - headroom_plus_one;
        const int64_t round = (int64_t)1 << (right_shift - 1);
        for (int32_t c = 0; c < p->depth; ++c) {
            const int32_t v = (int32_t)(((int64_t)out[c] * reciprocal + round) >> right_shift);
            out[c] = (int16_t)mcb_clamp(v, 0, 32767);
        }
    }
}

void mcb_quantize_f32_s16(int32_t size, float scale, int32_t zero_point, const float *input, int16_t *output)
{
    for (int32_t i = 0; i < size; ++i) {
        const int32_t q = mcb_round_f32(input[i] / scale);
        /* Clamp before adding the zero point so saturated values cannot wrap. */
        output[i] = (int16_t)mcb_clamp(mcb_clamp(q, -(1 << 20), 1 << 20) + zero_point, -32768, 32767);
    }
}

void mcb_dequantize_s16_f32(int32_t size, float scale, int32_t zero_point, const int16_t *input, float *output)
{
    /* scale * (x - zero point) is exact in double and in float rounds the same way: one rounding. */
    for (int32_t i = 0; i < size; ++i) {
        output[i] = scale * (float)((int32_t)input[i] - zero_point);
    }
}
