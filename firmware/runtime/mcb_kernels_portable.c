/*
 * Portable C int8 kernels: TFLite's reference integer kernels restated loop for loop, so the results are
 * the reference interpreter's byte for byte on any target. Used as-is on RV32 and ARMv6-M; for Cortex-M4/M7
 * the compiler calls the DSP variants of the hot ones (mcb_kernels_dsp.c, other names) and these for the rest.
 */
#include "mcb_broadcast.h"
#include "mcb_kernels.h"
#include "mcb_fixedpoint.h"
#include "mcb_window.h"

static inline int32_t requant_channel(const mcb_requant *rq, int32_t acc, int32_t c)
{
    int32_t i = rq->per_channel ? c : 0;
    return mcb_mbqm(acc, rq->multiplier[i], rq->shift[i]);
}

/*
 * Four output channels per pass over the window: each input value is loaded and offset once for four
 * multiply-adds (the sums are the same as TFLite's, in another order, so the result is identical).
 */
void mcb_conv2d_s8(const mcb_conv_params *p, const int8_t *input, const int8_t *filter,
                            const int32_t *bias, int8_t *output, void *scratch)
{
    (void)scratch;
    const int32_t in_c = p->in_c, out_c = p->out_c, off = p->input_offset;
    const int32_t k_size = p->k_h * p->k_w * in_c;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *in_b = input + b * p->in_h * p->in_w * in_c;
        for (int32_t oy = 0; oy < p->out_h; ++oy) {
            const int32_t y0 = oy * p->stride_h - p->pad_top;
            int32_t ky0, ky1;
            mcb_clip_taps(y0, p->k_h, p->dilation_h, p->in_h, &ky0, &ky1);
            for (int32_t ox = 0; ox < p->out_w; ++ox) {
                const int32_t x0 = ox * p->stride_w - p->pad_left;
                int32_t kx0, kx1;
                mcb_clip_taps(x0, p->k_w, p->dilation_w, p->in_w, &kx0, &kx1);
                int32_t oc = 0;
                for (; oc + 3 < out_c; oc += 4) {
                    const int8_t *w0 = filter + oc * k_size;
                    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                    for (int32_t ky = ky0; ky < ky1; ++ky) {
                        const int32_t iy = y0 + p->dilation_h * ky;
                        for (int32_t kx = kx0; kx < kx1; ++kx) {
                            const int8_t *in = in_b + (iy * p->in_w + x0 + p->dilation_w * kx) * in_c;
                            const int8_t *w = w0 + (ky * p->k_w + kx) * in_c;
                            for (int32_t ic = 0; ic < in_c; ++ic) {
                                const int32_t x = (int32_t)in[ic] + off;
                                a0 += (int32_t)w[ic] * x;
                                a1 += (int32_t)w[ic + k_size] * x;
                                a2 += (int32_t)w[ic + 2 * k_size] * x;
                                a3 += (int32_t)w[ic + 3 * k_size] * x;
                            }
                        }
                    }
                    if (bias) {
                        a0 += bias[oc];
                        a1 += bias[oc + 1];
                        a2 += bias[oc + 2];
                        a3 += bias[oc + 3];
                    }
                    output[oc] = (int8_t)mcb_clamp(requant_channel(&p->rq, a0, oc) + p->output_offset, p->act_min, p->act_max);
                    output[oc + 1] = (int8_t)mcb_clamp(requant_channel(&p->rq, a1, oc + 1) + p->output_offset, p->act_min, p->act_max);
                    output[oc + 2] = (int8_t)mcb_clamp(requant_channel(&p->rq, a2, oc + 2) + p->output_offset, p->act_min, p->act_max);
                    output[oc + 3] = (int8_t)mcb_clamp(requant_channel(&p->rq, a3, oc + 3) + p->output_offset, p->act_min, p->act_max);
                }
                for (; oc < out_c; ++oc) {
                    const int8_t *w0 = filter + oc * k_size;
                    int32_t acc = 0;
                    for (int32_t ky = ky0; ky < ky1; ++ky) {
                        const int32_t iy = y0 + p->dilation_h * ky;
                        for (int32_t kx = kx0; kx < kx1; ++kx) {
                            const int8_t *in = in_b + (iy * p->in_w + x0 + p->dilation_w * kx) * in_c;
                            const int8_t *w = w0 + (ky * p->k_w + kx) * in_c;
                            for (int32_t ic = 0; ic < in_c; ++ic) {
                                acc += (int32_t)w[ic] * ((int32_t)in[ic] + off);
                            }
                        }
                    }
                    if (bias) {
                        acc += bias[oc];
                    }
                    output[oc] = (int8_t)mcb_clamp(requant_channel(&p->rq, acc, oc) + p->output_offset, p->act_min, p->act_max);
                }
                output += out_c;
            }
        }
    }
}

void mcb_depthwise_conv2d_s8(const mcb_conv_params *p, const int8_t *input, const int8_t *filter,
                                      const int32_t *bias, int8_t *output, void *scratch)
{
    (void)scratch;
    const int32_t in_c = p->in_c, out_c = p->out_c, mult = p->depth_multiplier, off = p->input_offset;
    const int32_t step_x = p->dilation_w * in_c, step_y = p->dilation_h * p->in_w * in_c;
    const int32_t wrow = p->k_w * out_c; /* filter bytes per kernel row */
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *in_b = input + b * p->in_h * p->in_w * in_c;
        for (int32_t oy = 0; oy < p->out_h; ++oy) {
            const int32_t y0 = oy * p->stride_h - p->pad_top;
            int32_t ky0, ky1;
            mcb_clip_taps(y0, p->k_h, p->dilation_h, p->in_h, &ky0, &ky1);
            for (int32_t ox = 0; ox < p->out_w; ++ox) {
                const int32_t x0 = ox * p->stride_w - p->pad_left;
                int32_t kx0, kx1;
                mcb_clip_taps(x0, p->k_w, p->dilation_w, p->in_w, &kx0, &kx1);
                /* The first tap inside the window, in the input and in the filter. */
                const int8_t *in_first = in_b + ((y0 + p->dilation_h * ky0) * p->in_w + x0 + p->dilation_w * kx0) * in_c;
                const int8_t *w_first = filter + (ky0 * p->k_w + kx0) * out_c;
                for (int32_t ic = 0; ic < in_c; ++ic) {
                    for (int32_t m = 0; m < mult; ++m) {
                        const int32_t oc = ic * mult + m;
                        int32_t acc = 0;
                        const int8_t *in_row = in_first + ic, *w_row = w_first + oc;
                        for (int32_t ky = ky0; ky < ky1; ++ky, in_row += step_y, w_row += wrow) {
                            const int8_t *in = in_row, *w = w_row;
                            for (int32_t kx = kx0; kx < kx1; ++kx, in += step_x, w += out_c) {
                                acc += ((int32_t)*in + off) * (int32_t)*w;
                            }
                        }
                        if (bias) {
                            acc += bias[oc];
                        }
                        acc = requant_channel(&p->rq, acc, oc) + p->output_offset;
                        output[oc] = (int8_t)mcb_clamp(acc, p->act_min, p->act_max);
                    }
                }
                output += out_c;
            }
        }
    }
}

void mcb_fully_connected_s8(const mcb_fc_params *p, const int8_t *input, const int8_t *filter,
                                     const int32_t *bias, int8_t *output, void *scratch)
{
    (void)scratch;
    const int32_t n = p->in_depth, off = p->input_offset;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *in = input + b * n;
        int32_t o = 0;
        /* Four weight rows per pass over the input row. */
        for (; o + 3 < p->out_depth; o += 4) {
            const int8_t *w = filter + o * n;
            int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            for (int32_t i = 0; i < n; ++i) {
                const int32_t x = (int32_t)in[i] + off;
                a0 += (int32_t)w[i] * x;
                a1 += (int32_t)w[i + n] * x;
                a2 += (int32_t)w[i + 2 * n] * x;
                a3 += (int32_t)w[i + 3 * n] * x;
            }
            const int32_t acc[4] = {a0, a1, a2, a3};
            for (int32_t k = 0; k < 4; ++k) {
                int32_t v = acc[k] + (bias ? bias[o + k] : 0);
                v = requant_channel(&p->rq, v, o + k) + p->output_offset;
                output[o + k] = (int8_t)mcb_clamp(v, p->act_min, p->act_max);
            }
        }
        for (; o < p->out_depth; ++o) {
            const int8_t *w = filter + o * n;
            int32_t acc = 0;
            for (int32_t i = 0; i < n; ++i) {
                acc += (int32_t)w[i] * ((int32_t)in[i] + off);
            }
            if (bias) {
                acc += bias[o];
            }
            acc = requant_channel(&p->rq, acc, o) + p->output_offset;
            output[o] = (int8_t)mcb_clamp(acc, p->act_min, p->act_max);
        }
        output += p->out_depth;
    }
}

/* TFLite's average: divide rounding half away from zero (an empty window keeps 0), then clamp. */
static inline int8_t avg_round(int32_t acc, int32_t count, const mcb_pool_params *p)
{
    if (count > 0) {
        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
    }
    return (int8_t)mcb_clamp(acc, p->act_min, p->act_max);
}

void mcb_avg_pool_s8(const mcb_pool_params *p, const int8_t *input, int8_t *output)
{
    const int32_t ch = p->channels;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *in_b = input + b * p->in_h * p->in_w * ch;
        for (int32_t oy = 0; oy < p->out_h; ++oy) {
            for (int32_t ox = 0; ox < p->out_w; ++ox) {
                int32_t ky0, ky1, kx0, kx1, y0, x0;
                mcb_pool_window(p, oy, ox, &ky0, &ky1, &kx0, &kx1, &y0, &x0);
                const int32_t count = (ky1 - ky0) * (kx1 - kx0);
                const int8_t *corner = in_b + ((y0 + ky0) * p->in_w + (x0 + kx0)) * ch;
                int32_t c = 0;
                /* Four channels at a time, walking the window with one pointer (channels are contiguous). */
                for (; c + 3 < ch; c += 4) {
                    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                    const int8_t *row = corner + c;
                    for (int32_t ky = ky0; ky < ky1; ++ky, row += p->in_w * ch) {
                        const int8_t *q = row;
                        for (int32_t kx = kx0; kx < kx1; ++kx, q += ch) {
                            a0 += q[0];
                            a1 += q[1];
                            a2 += q[2];
                            a3 += q[3];
                        }
                    }
                    *output++ = avg_round(a0, count, p);
                    *output++ = avg_round(a1, count, p);
                    *output++ = avg_round(a2, count, p);
                    *output++ = avg_round(a3, count, p);
                }
                for (; c < ch; ++c) {
                    int32_t acc = 0;
                    const int8_t *row = corner + c;
                    for (int32_t ky = ky0; ky < ky1; ++ky, row += p->in_w * ch) {
                        const int8_t *q = row;
                        for (int32_t kx = kx0; kx < kx1; ++kx, q += ch) {
                            acc += *q;
                        }
                    }
                    *output++ = avg_round(acc, count, p);
                }
            }
        }
    }
}

void mcb_max_pool_s8(const mcb_pool_params *p, const int8_t *input, int8_t *output)
{
    const int32_t ch = p->channels;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *in_b = input + b * p->in_h * p->in_w * ch;
        for (int32_t oy = 0; oy < p->out_h; ++oy) {
            for (int32_t ox = 0; ox < p->out_w; ++ox) {
                int32_t ky0, ky1, kx0, kx1, y0, x0;
                mcb_pool_window(p, oy, ox, &ky0, &ky1, &kx0, &kx1, &y0, &x0);
                for (int32_t c = 0; c < ch; ++c) {
                    int32_t best = -128;
                    for (int32_t ky = ky0; ky < ky1; ++ky) {
                        for (int32_t kx = kx0; kx < kx1; ++kx) {
                            int32_t v = in_b[((y0 + ky) * p->in_w + (x0 + kx)) * ch + c];
                            best = v > best ? v : best;
                        }
                    }
                    *output++ = (int8_t)mcb_clamp(best, p->act_min, p->act_max);
                }
            }
        }
    }
}

void mcb_add_s8(const mcb_add_params *p, const int8_t *in1, const int8_t *in2, int8_t *output)
{
    MCB_BROADCAST_LOOP(&p->bc, {
        int32_t a = (int32_t)((uint32_t)(in1[i1_] + p->in1_offset) << p->left_shift);
        int32_t b = (int32_t)((uint32_t)(in2[i2_] + p->in2_offset) << p->left_shift);
        a = mcb_mbqm(a, p->in1_multiplier, p->in1_shift);
        b = mcb_mbqm(b, p->in2_multiplier, p->in2_shift);
        int32_t out = mcb_mbqm(a + b, p->output_multiplier, p->output_shift) + p->output_offset;
        output[o_] = (int8_t)mcb_clamp(out, p->act_min, p->act_max);
    });
}

void mcb_mul_s8(const mcb_mul_params *p, const int8_t *in1, const int8_t *in2, int8_t *output)
{
    MCB_BROADCAST_LOOP(&p->bc, {
        int32_t prod = (in1[i1_] + p->in1_offset) * (in2[i2_] + p->in2_offset);
        int32_t out = mcb_mbqm(prod, p->output_multiplier, p->output_shift) + p->output_offset;
        output[o_] = (int8_t)mcb_clamp(out, p->act_min, p->act_max);
    });
}

void mcb_softmax_s8(const mcb_softmax_params *p, const int8_t *input, int8_t *output)
{
    for (int32_t r = 0; r < p->rows; ++r) {
        const int8_t *in = input + r * p->depth;
        int8_t *out = output + r * p->depth;
        int32_t max_in_row = -128;
        for (int32_t c = 0; c < p->depth; ++c) {
            max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
        }
        int32_t sum_of_exps = 0; /* Q12.19 */
        for (int32_t c = 0; c < p->depth; ++c) {
            int32_t diff = in[c] - max_in_row;
            if (diff >= p->diff_min) {
                int32_t scaled = mcb_srdhm((int32_t)((uint32_t)diff << p->input_left_shift), p->input_multiplier);
                sum_of_exps += mcb_rdbp(mcb_exp_on_negative_values_q5(scaled), 12);
            }
        }
        /* 1 / sum as TFLite's GetReciprocal: normalise, then 1/(1+x). */
        int headroom_plus_one = sum_of_exps ? __builtin_clz((uint32_t)sum_of_exps) : 32;
        int num_bits_over_unit = 12 - headroom_plus_one;
        int32_t shifted_sum_minus_one =
            (int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - ((uint32_t)1 << 31));
        int32_t shifted_scale = mcb_one_over_one_plus_x(shifted_sum_minus_one);
        for (int32_t c = 0; c < p->depth; ++c) {
            int32_t diff = in[c] - max_in_row;
            int32_t v = -128;
            if (diff >= p->diff_min) {
                int32_t scaled = mcb_srdhm((int32_t)((uint32_t)diff << p->input_left_shift), p->input_multiplier);
                int32_t e = mcb_exp_on_negative_values_q5(scaled);
                v = mcb_rdbp(mcb_srdhm(shifted_scale, e), num_bits_over_unit + 31 - 8) - 128;
                v = mcb_clamp(v, -128, 127);
            }
            out[c] = (int8_t)v;
        }
    }
}

void mcb_requantize_s8(const mcb_requantize_params *p, const int8_t *input, int8_t *output)
{
    for (int32_t i = 0; i < p->size; ++i) {
        int32_t v = mcb_mbqm(input[i] + p->input_offset, p->multiplier, p->shift) + p->output_offset;
        output[i] = (int8_t)mcb_clamp(v, p->act_min, p->act_max);
    }
}

void mcb_pad_s8(const mcb_pad_params *p, const int8_t *input, int8_t *output)
{
    int32_t od[4];
    for (int k = 0; k < 4; ++k) {
        od[k] = p->before[k] + p->in_dims[k] + p->after[k];
    }
    for (int32_t d0 = 0; d0 < od[0]; ++d0) {
        for (int32_t d1 = 0; d1 < od[1]; ++d1) {
            for (int32_t d2 = 0; d2 < od[2]; ++d2) {
                const int32_t i0 = d0 - p->before[0], i1 = d1 - p->before[1], i2 = d2 - p->before[2];
                const int row_inside = i0 >= 0 && i0 < p->in_dims[0] && i1 >= 0 && i1 < p->in_dims[1] &&
                                       i2 >= 0 && i2 < p->in_dims[2];
                for (int32_t d3 = 0; d3 < od[3]; ++d3) {
                    const int32_t i3 = d3 - p->before[3];
                    if (row_inside && i3 >= 0 && i3 < p->in_dims[3]) {
                        *output++ = input[((i0 * p->in_dims[1] + i1) * p->in_dims[2] + i2) * p->in_dims[3] + i3];
                    } else {
                        *output++ = (int8_t)p->value;
                    }
                }
            }
        }
    }
}

void mcb_concat_s8(int32_t outer, int32_t n_inputs, const int8_t *const *inputs,
                            const int32_t *inner_sizes, int8_t *output)
{
    for (int32_t o = 0; o < outer; ++o) {
        for (int32_t k = 0; k < n_inputs; ++k) {
            const int8_t *src = inputs[k] + o * inner_sizes[k];
            for (int32_t i = 0; i < inner_sizes[k]; ++i) {
                *output++ = src[i];
            }
        }
    }
}
