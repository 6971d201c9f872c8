/*
 * Cortex-M4/M7 kernels using the DSP extension (ARMv7E-M): SMLAD / SMLABB / SMLATT multiply two 16-bit
 * pairs per instruction, SXTB16 / SXTAB16 widen (and offset) four int8 values in two instructions.
 *
 * Results equal the portable kernels bit for bit: the products and the int32 sums are the same, only
 * their order changes, and requantization is the shared mcb_mbqm. What differs is the layout of the
 * constants, which the compiler packs for these kernels (firmware/compiler/lowering.py):
 *   conv / FC filters: [out_c][K4] int8, K = k_h*k_w*in_c rounded up to a multiple of 4 with zeros;
 *   depthwise filters: int16 [in_c/4][tap][c0, c2, c1, c3] (multiplier 1, in_c a multiple of 4).
 * Columns of the im2col scratch hold (input + offset) as int16 in the order k0, k2, k1, k3 per group of
 * four, the order SXTB16 gives the weights in, so no repacking is needed in the inner loop.
 */
#if defined(__ARM_FEATURE_DSP)

#include <arm_acle.h>
#include <string.h>

#include "mcb_fixedpoint.h"
#include "mcb_kernels.h"

/* A word that may sit at any byte address: ARMv7-M LDR allows unaligned access (memcpy would be a call
 * here, since firmware is built freestanding). */
typedef uint32_t __attribute__((aligned(1), may_alias)) unaligned_u32;

static inline uint32_t load32(const void *p)
{
    return *(const unaligned_u32 *)p;
}

static inline int32_t sxtb16_ror8(uint32_t x)
{
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

static inline int32_t sxtab16_ror8(int32_t a, uint32_t x)
{
    int32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
    return r;
}

static inline int32_t requant(const mcb_requant *rq, int32_t acc, int32_t c, int32_t out_offset,
                              int32_t act_min, int32_t act_max)
{
    int32_t i = rq->per_channel ? c : 0;
    return mcb_clamp(mcb_mbqm(acc, rq->multiplier[i], rq->shift[i]) + out_offset, act_min, act_max);
}

/*
 * The im2col column `j` (0 or 1) of one output pixel into the interleaved column pair: for each group
 * of four k, words [4g + 2j] = (x0, x2) and [4g + 2j + 1] = (x1, x3), offset added. Padding taps give 0,
 * as in TFLite (where they are skipped). `plain` is K4 int16 of scratch for the general path.
 */
static void im2col(const mcb_conv_params *p, const int8_t *in_b, int32_t oy, int32_t ox, int32_t k4,
                   int32_t *cols, int32_t j, int16_t *plain)
{
    const int32_t in_c = p->in_c;
    const int32_t y0 = oy * p->stride_h - p->pad_top, x0 = ox * p->stride_w - p->pad_left;
    int32_t *dst = cols + 2 * j;
    if ((in_c & 3) == 0) {
        /* Fast path: whole groups of four channels, widened, offset and reordered by two SXTAB16. */
        const int32_t offset2 = (int32_t)(((uint32_t)(uint16_t)p->input_offset << 16) | (uint16_t)p->input_offset);
        for (int32_t ky = 0; ky < p->k_h; ++ky) {
            const int32_t iy = y0 + p->dilation_h * ky;
            for (int32_t kx = 0; kx < p->k_w; ++kx) {
                const int32_t ix = x0 + p->dilation_w * kx;
                if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
                    for (int32_t c = 0; c < in_c; c += 4, dst += 4) {
                        dst[0] = 0;
                        dst[1] = 0;
                    }
                    continue;
                }
                const int8_t *src = in_b + (iy * p->in_w + ix) * in_c;
                for (int32_t c = 0; c < in_c; c += 4, dst += 4) {
                    uint32_t x = load32(src + c);
                    dst[0] = __sxtab16(offset2, x);
                    dst[1] = sxtab16_ror8(offset2, x);
                }
            }
        }
        return;
    }
    /* General path: a plain int16 run zero padded to K4, then packed group by group. */
    int16_t *q = plain;
    for (int32_t ky = 0; ky < p->k_h; ++ky) {
        const int32_t iy = y0 + p->dilation_h * ky;
        for (int32_t kx = 0; kx < p->k_w; ++kx) {
            const int32_t ix = x0 + p->dilation_w * kx;
            const int inside = iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w;
            const int8_t *src = in_b + (iy * p->in_w + ix) * in_c;
            for (int32_t c = 0; c < in_c; ++c) {
                *q++ = inside ? (int16_t)(src[c] + p->input_offset) : 0;
            }
        }
    }
    while (q < plain + k4) {
        *q++ = 0;
    }
    for (int32_t k = 0; k < k4; k += 4, dst += 4) {
        dst[0] = (int32_t)(((uint32_t)(uint16_t)plain[k + 2] << 16) | (uint16_t)plain[k]);
        dst[1] = (int32_t)(((uint32_t)(uint16_t)plain[k + 3] << 16) | (uint16_t)plain[k + 1]);
    }
}

/*
 * out[j][c] = requant(bias[c] + sum_k filter[c][k] * col_j[k]) for one or two columns j (two output
 * pixels or batch rows). Channels go in pairs whose filter rows the compiler interleaved four bytes at a
 * time, so one pointer walks both rows and one the column pair: each weight word feeds two columns and
 * each column word two channels (2x2 register tile).
 */
static void gemm_s8_s16(const int8_t *filter, const int32_t *bias, const int32_t *cols, int32_t n_cols,
                        int32_t k4, int32_t out_c, const mcb_requant *rq, int32_t out_offset, int32_t act_min,
                        int32_t act_max, int8_t *out0, int8_t *out1)
{
    const int32_t groups = k4 / 4;
    int32_t c = 0;
    for (; c + 1 < out_c; c += 2) {
        const int32_t *pw = (const int32_t *)(const void *)(filter + c * k4);
        const int32_t *pc = cols;
        int32_t b0 = bias ? bias[c] : 0, b1 = bias ? bias[c + 1] : 0;
        int32_t a00 = b0, a01 = b0, a10 = b1, a11 = b1;
        if (n_cols == 2) {
            for (int32_t g = groups; g > 0; --g) {
                uint32_t wa = (uint32_t)pw[0], wb = (uint32_t)pw[1];
                int32_t wa0 = __sxtb16(wa), wa1 = sxtb16_ror8(wa);
                int32_t wb0 = __sxtb16(wb), wb1 = sxtb16_ror8(wb);
                int32_t x0 = pc[0], x1 = pc[1];
                a00 = __smlad(wa0, x0, a00);
                a00 = __smlad(wa1, x1, a00);
                a10 = __smlad(wb0, x0, a10);
                a10 = __smlad(wb1, x1, a10);
                x0 = pc[2];
                x1 = pc[3];
                a01 = __smlad(wa0, x0, a01);
                a01 = __smlad(wa1, x1, a01);
                a11 = __smlad(wb0, x0, a11);
                a11 = __smlad(wb1, x1, a11);
                pw += 2;
                pc += 4;
            }
            out1[c] = (int8_t)requant(rq, a01, c, out_offset, act_min, act_max);
            out1[c + 1] = (int8_t)requant(rq, a11, c + 1, out_offset, act_min, act_max);
        } else {
            for (int32_t g = groups; g > 0; --g) {
                uint32_t wa = (uint32_t)pw[0], wb = (uint32_t)pw[1];
                int32_t x0 = pc[0], x1 = pc[1];
                a00 = __smlad(__sxtb16(wa), x0, a00);
                a00 = __smlad(sxtb16_ror8(wa), x1, a00);
                a10 = __smlad(__sxtb16(wb), x0, a10);
                a10 = __smlad(sxtb16_ror8(wb), x1, a10);
                pw += 2;
                pc += 4;
            }
        }
        out0[c] = (int8_t)requant(rq, a00, c, out_offset, act_min, act_max);
        out0[c + 1] = (int8_t)requant(rq, a10, c + 1, out_offset, act_min, act_max);
    }
    if (c < out_c) {
        /* The odd last channel: its row stands alone. */
        const int32_t *pw = (const int32_t *)(const void *)(filter + c * k4);
        const int32_t *pc = cols;
        int32_t a00 = bias ? bias[c] : 0, a01 = a00;
        for (int32_t g = groups; g > 0; --g) {
            uint32_t w = (uint32_t)*pw++;
            int32_t w0 = __sxtb16(w), w1 = sxtb16_ror8(w);
            a00 = __smlad(w0, pc[0], a00);
            a00 = __smlad(w1, pc[1], a00);
            if (n_cols == 2) {
                a01 = __smlad(w0, pc[2], a01);
                a01 = __smlad(w1, pc[3], a01);
            }
            pc += 4;
        }
        out0[c] = (int8_t)requant(rq, a00, c, out_offset, act_min, act_max);
        if (n_cols == 2) {
            out1[c] = (int8_t)requant(rq, a01, c, out_offset, act_min, act_max);
        }
    }
}

void mcb_conv2d_s8_dsp(const mcb_conv_params *p, const int8_t *input, const int8_t *filter, const int32_t *bias,
                       int8_t *output, void *scratch)
{
    const int32_t k4 = MCB_DSP_K4(p->k_h * p->k_w * p->in_c);
    const int32_t n_pixels = p->out_h * p->out_w;
    int32_t *cols = (int32_t *)scratch;
    int16_t *plain = (int16_t *)(cols + k4);
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *in_b = input + b * p->in_h * p->in_w * p->in_c;
        int8_t *out_b = output + b * n_pixels * p->out_c;
        int32_t oy = 0, ox = 0;
        for (int32_t px = 0; px < n_pixels; px += 2) {
            const int32_t n_cols = px + 1 < n_pixels ? 2 : 1;
            im2col(p, in_b, oy, ox, k4, cols, 0, plain);
            if (++ox == p->out_w) {
                ox = 0;
                ++oy;
            }
            if (n_cols == 2) {
                im2col(p, in_b, oy, ox, k4, cols, 1, plain);
                if (++ox == p->out_w) {
                    ox = 0;
                    ++oy;
                }
            }
            gemm_s8_s16(filter, bias, cols, n_cols, k4, p->out_c, &p->rq, p->output_offset, p->act_min,
                        p->act_max, out_b + px * p->out_c, out_b + (px + 1) * p->out_c);
        }
    }
}

void mcb_fully_connected_s8_dsp(const mcb_fc_params *p, const int8_t *input, const int8_t *filter,
                                const int32_t *bias, int8_t *output, void *scratch)
{
    const int32_t k4 = MCB_DSP_K4(p->in_depth);
    int32_t *cols = (int32_t *)scratch;
    int16_t *plain = (int16_t *)(cols + k4);
    const mcb_conv_params row = {1, 1, 1, p->in_depth, 1, 1, p->out_depth, 1, 1, 1, 1, 1, 1, 0, 0, 1,
                                 p->input_offset, p->output_offset, p->act_min, p->act_max, p->rq};
    for (int32_t b = 0; b < p->batches; b += 2) {
        const int32_t n_cols = b + 1 < p->batches ? 2 : 1;
        im2col(&row, input + b * p->in_depth, 0, 0, k4, cols, 0, plain);
        if (n_cols == 2) {
            im2col(&row, input + (b + 1) * p->in_depth, 0, 0, k4, cols, 1, plain);
        }
        gemm_s8_s16(filter, bias, cols, n_cols, k4, p->out_depth, &p->rq, p->output_offset, p->act_min,
                    p->act_max, output + b * p->out_depth, output + (b + 1) * p->out_depth);
    }
}

/*
 * Depthwise, multiplier 1, channels a multiple of 4: four channels per step, one SMLABB/SMLATT each per
 * tap. The window clipped to the input is found once per output pixel; weights are group-major
 * ([group][tap][c0, c2, c1, c3] int16), so one pointer walks a group's taps.
 */
void mcb_depthwise_conv2d_s8_dsp(const mcb_conv_params *p, const int8_t *input, const int8_t *filter,
                                 const int32_t *bias, int8_t *output, void *scratch)
{
    (void)scratch;
    const int32_t ch = p->in_c, groups = p->in_c / 4, taps = p->k_h * p->k_w;
    const int32_t *w = (const int32_t *)(const void *)filter;
    const int32_t offset2 = (int32_t)(((uint32_t)(uint16_t)p->input_offset << 16) | (uint16_t)p->input_offset);
    const int32_t step_x = p->dilation_w * ch, step_y = p->dilation_h * p->in_w * ch;
    int8_t *o = output;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *in_b = input + b * p->in_h * p->in_w * ch;
        for (int32_t oy = 0; oy < p->out_h; ++oy) {
            const int32_t y0 = oy * p->stride_h - p->pad_top;
            int32_t ky0 = 0, ky1 = p->k_h;
            while (ky0 < ky1 && y0 + p->dilation_h * ky0 < 0) {
                ++ky0;
            }
            while (ky1 > ky0 && y0 + p->dilation_h * (ky1 - 1) >= p->in_h) {
                --ky1;
            }
            for (int32_t ox = 0; ox < p->out_w; ++ox) {
                const int32_t x0 = ox * p->stride_w - p->pad_left;
                int32_t kx0 = 0, kx1 = p->k_w;
                while (kx0 < kx1 && x0 + p->dilation_w * kx0 < 0) {
                    ++kx0;
                }
                while (kx1 > kx0 && x0 + p->dilation_w * (kx1 - 1) >= p->in_w) {
                    --kx1;
                }
                const int32_t n_kx = kx1 - kx0, n_ky = ky1 - ky0;
                const int8_t *in_first = in_b + ((y0 + p->dilation_h * ky0) * p->in_w + x0 + p->dilation_w * kx0) * ch;
                const int32_t first_tap = ky0 * p->k_w + kx0;
                const int32_t row_skip = 2 * (p->k_w - n_kx); /* weight words from a row's end to the next */
                for (int32_t g = 0; g < groups; ++g) {
                    const int32_t c = 4 * g;
                    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                    if (bias) {
                        a0 = bias[c];
                        a1 = bias[c + 1];
                        a2 = bias[c + 2];
                        a3 = bias[c + 3];
                    }
                    const int32_t *pw = w + (g * taps + first_tap) * 2;
                    const int8_t *row = in_first + c;
                    for (int32_t ky = n_ky; ky > 0; --ky) {
                        const int8_t *pin = row;
                        for (int32_t kx = n_kx; kx > 0; --kx) {
                            uint32_t x = load32(pin);
                            int32_t w02 = pw[0], w13 = pw[1];
                            int32_t x02 = __sxtab16(offset2, x);
                            a0 = __smlabb(x02, w02, a0);
                            a2 = __smlatt(x02, w02, a2);
                            int32_t x13 = sxtab16_ror8(offset2, x);
                            a1 = __smlabb(x13, w13, a1);
                            a3 = __smlatt(x13, w13, a3);
                            pin += step_x;
                            pw += 2;
                        }
                        row += step_y;
                        pw += row_skip;
                    }
                    o[0] = (int8_t)requant(&p->rq, a0, c, p->output_offset, p->act_min, p->act_max);
                    o[1] = (int8_t)requant(&p->rq, a1, c + 1, p->output_offset, p->act_min, p->act_max);
                    o[2] = (int8_t)requant(&p->rq, a2, c + 2, p->output_offset, p->act_min, p->act_max);
                    o[3] = (int8_t)requant(&p->rq, a3, c + 3, p->output_offset, p->act_min, p->act_max);
                    o += 4;
                }
            }
        }
    }
}

#endif
