/*
 * Cortex-M4/M7 kernels using the DSP extension (ARMv7E-M): SMLAD / SMLABB / SMLATT multiply two 16-bit
 * pairs per instruction, SXTB16 / SXTAB16 widen (and offset) four int8 values in two instructions.
 *
 * Results equal the portable kernels bit for bit: the products and the int32 sums are the same, only
 * their order changes, and requantization computes TFLite's MultiplyByQuantizedMultiplier exactly
 * (requant_q). What differs is the layout of the constants, which the compiler packs for these kernels
 * (firmware/compiler/lowering.py, described in mcb_kernels.h):
 *   conv / FC filters: rows of K4 int8 (K = k_h*k_w*in_c rounded up to 4 with zeros), row pairs
 *   interleaved four bytes at a time;
 *   depthwise filters: int16 [in_c/4][tap][c0, c2, c1, c3] (multiplier 1, in_c a multiple of 4).
 * Columns of the im2col scratch hold (input + offset) as int16 in the order k0, k2, k1, k3 per group of
 * four, the order SXTB16 gives the weights in, so no repacking is needed in the inner loop.
 */
#if defined(__ARM_FEATURE_DSP)

#include <arm_acle.h>

#include "mcb_fixedpoint.h"
#include "mcb_kernels.h"

/*
 * Code-layout and unrolling choices, made for the cost models' fetch and branch rules and measured on and
 * off by benchmarks/kernel_ablation.py. The compiler sets every one for the device (BuildVariant in
 * firmware/compiler/build.py); the defaults here are the plain forms.
 *   MCB_LOOP_ALIGN    bytes the inline-assembly loops' heads start on (as -falign-loops does for C loops)
 *   MCB_DW_ALIGN      bytes mcb_depthwise_conv2d_s8_dsp starts on
 *   MCB_MAC_GROUPS    groups of four k per iteration of the 2x2 MAC loop: 1, 2 or 4
 *   MCB_WIDEN_GROUPS  groups of four int8 per iteration of the im2col widening: 1 or 2
 *   MCB_ADD_ELEMENTS  elements per iteration of the ADD loop: 1 or 2
 */
#ifndef MCB_LOOP_ALIGN
#define MCB_LOOP_ALIGN 1
#endif
#ifndef MCB_DW_ALIGN
#define MCB_DW_ALIGN 1
#endif
#ifndef MCB_MAC_GROUPS
#define MCB_MAC_GROUPS 1
#endif
#ifndef MCB_WIDEN_GROUPS
#define MCB_WIDEN_GROUPS 1
#endif
#ifndef MCB_ADD_ELEMENTS
#define MCB_ADD_ELEMENTS 1
#endif
#define MCB_STR_(x) #x
#define MCB_STR(x) MCB_STR_(x)
/* Assembly that starts a loop head on MCB_LOOP_ALIGN bytes (padding with NOPs run once, on entry). */
#if MCB_LOOP_ALIGN > 1
#define MCB_ASM_LOOP_HEAD ".balign " MCB_STR(MCB_LOOP_ALIGN) "\n\t"
#else
#define MCB_ASM_LOOP_HEAD ""
#endif

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

/*
 * mcb_mbqm in fewer instructions, same result. Per channel, the split of the shift is found once
 * (channel_q). Per output, the doubling high multiply r = (x * m + 2^30) >> 31 is either an SMLAL or,
 * when the compiler proved |x| < 2^30 for the layer (mcb_requant.headroom), one SMMULR of 2x and m
 * ((2xm + 2^31) >> 32 is the same number). Then TFLite's RoundingDivideByPOT(r, e), round half away from
 * zero, is (r + 2^(e-1) - (r < 0)) >> e for e >= 1 (smask turns the sign term off for e = 0); the sum
 * cannot overflow since |r| < |x|.
 */
typedef struct {
    int32_t mult, left, right, round, smask;
} chq;

static inline chq channel_q(const mcb_requant *rq, int32_t c, const int fast)
{
    chq q;
    const int32_t i = rq->per_channel ? c : 0;
    const int32_t s = rq->shift[i];
    q.mult = rq->multiplier[i];
    q.left = s > 0 ? s : 0;
    q.right = q.left - s;
    q.round = q.right > 0 ? 1 << (q.right - 1) : 0;
    q.smask = q.right > 0 ? -1 : 0;
    q.left += fast ? 1 : 0;
    return q;
}

static inline int8_t requant_q(int32_t acc, chq q, const int fast, int32_t out_offset, int32_t act_min,
                               int32_t act_max)
{
    int32_t r;
    const int32_t x = (int32_t)((uint32_t)acc << q.left);
    if (fast) {
        __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(x), "r"(q.mult));
    } else {
        r = (int32_t)(((int64_t)x * q.mult + (1 << 30)) >> 31);
    }
    r = (r + q.round + ((r >> 31) & q.smask)) >> q.right;
    return (int8_t)mcb_clamp(r + out_offset, act_min, act_max);
}

/* `bytes` (a multiple of 4) int8 at src into interleaved column words: per group of four, (x0, x2) and
 * (x1, x3) plus the offset, at dst[0] and dst[1] (dst steps 4 words a group, the column pair's stride).
 * MCB_WIDEN_GROUPS 2: two groups per iteration where possible (the loop's compare and branch cost as much
 * as a group). */
static inline int32_t *widen_groups(int32_t *dst, const int8_t *src, int32_t bytes, int32_t offset2)
{
    const int8_t *const stop = src + bytes;
#if MCB_WIDEN_GROUPS == 1
    for (; src != stop; src += 4, dst += 4) {
        const uint32_t x = load32(src);
        dst[0] = __sxtab16(offset2, x);
        dst[1] = sxtab16_ror8(offset2, x);
    }
    return dst;
#elif MCB_WIDEN_GROUPS == 2
    if (bytes & 4) {
        const uint32_t x = load32(src);
        dst[0] = __sxtab16(offset2, x);
        dst[1] = sxtab16_ror8(offset2, x);
        src += 4;
        dst += 4;
    }
    for (; src != stop; src += 8, dst += 8) {
        const uint32_t x = load32(src), y = load32(src + 4);
        dst[0] = __sxtab16(offset2, x);
        dst[1] = sxtab16_ror8(offset2, x);
        dst[4] = __sxtab16(offset2, y);
        dst[5] = sxtab16_ror8(offset2, y);
    }
    return dst;
#else
#error "MCB_WIDEN_GROUPS must be 1 or 2"
#endif
}

/* Padding taps: `bytes` / 4 groups of zeros. */
static inline int32_t *zero_groups(int32_t *dst, int32_t bytes)
{
    for (int32_t i = 0; i < bytes; i += 4, dst += 4) {
        dst[0] = 0;
        dst[1] = 0;
    }
    return dst;
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
    const int32_t offset2 = (int32_t)(((uint32_t)(uint16_t)p->input_offset << 16) | (uint16_t)p->input_offset);
    if ((in_c & 3) == 0 && p->k_h == 1 && p->k_w == 1) {
        /* 1x1: the column is the pixel's channels (or zeros where stride and padding leave the input). */
        if (y0 < 0 || y0 >= p->in_h || x0 < 0 || x0 >= p->in_w) {
            zero_groups(dst, in_c);
        } else {
            widen_groups(dst, in_b + (y0 * p->in_w + x0) * in_c, in_c, offset2);
        }
        return;
    }
    int32_t kx0 = 0, kx1 = p->k_w;
    while (kx0 < kx1 && x0 + p->dilation_w * kx0 < 0) {
        ++kx0;
    }
    while (kx1 > kx0 && x0 + p->dilation_w * (kx1 - 1) >= p->in_w) {
        --kx1;
    }
    if ((in_c & 3) == 0) {
        /* Fast path: whole groups of four channels, widened, offset and reordered by two SXTAB16. The
         * taps of a row inside the input are one run of NHWC memory when dilation_w is 1. */
        for (int32_t ky = 0; ky < p->k_h; ++ky) {
            const int32_t iy = y0 + p->dilation_h * ky;
            if (iy < 0 || iy >= p->in_h || kx0 == kx1) {
                dst = zero_groups(dst, p->k_w * in_c);
                continue;
            }
            dst = zero_groups(dst, kx0 * in_c);
            const int8_t *src = in_b + (iy * p->in_w + x0 + p->dilation_w * kx0) * in_c;
            if (p->dilation_w == 1) {
                dst = widen_groups(dst, src, (kx1 - kx0) * in_c, offset2);
            } else {
                for (int32_t kx = kx0; kx < kx1; ++kx, src += p->dilation_w * in_c) {
                    dst = widen_groups(dst, src, in_c, offset2);
                }
            }
            dst = zero_groups(dst, (p->k_w - kx1) * in_c);
        }
        return;
    }
    /* General path: a plain int16 run zero padded to K4, then packed group by group. The taps of a row
     * that fall inside the input are one contiguous run of NHWC memory when dilation_w is 1. */
    int16_t *q = plain;
    const int32_t row_len = p->k_w * in_c;
    for (int32_t ky = 0; ky < p->k_h; ++ky) {
        const int32_t iy = y0 + p->dilation_h * ky;
        if (iy < 0 || iy >= p->in_h || kx0 == kx1) {
            for (int32_t i = 0; i < row_len; ++i) {
                *q++ = 0;
            }
            continue;
        }
        for (int32_t i = 0; i < kx0 * in_c; ++i) {
            *q++ = 0;
        }
        const int8_t *src = in_b + (iy * p->in_w + x0 + p->dilation_w * kx0) * in_c;
        if (p->dilation_w == 1) {
            const int32_t n = (kx1 - kx0) * in_c;
            for (int32_t i = 0; i < n; ++i) {
                *q++ = (int16_t)(src[i] + p->input_offset);
            }
        } else {
            for (int32_t kx = kx0; kx < kx1; ++kx, src += p->dilation_w * in_c) {
                for (int32_t c = 0; c < in_c; ++c) {
                    *q++ = (int16_t)(src[c] + p->input_offset);
                }
            }
        }
        for (int32_t i = kx1 * in_c; i < row_len; ++i) {
            *q++ = 0;
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
 * The 2x2 tile's inner loop, written out because the compiler spills its 13 live values: per group of
 * four k, one LDRD of the two channels' weight words, two LDRD of the column pair, four SXTB16 and eight
 * SMLAD (16 MACs in 15 instructions plus the loop's). groups >= 1; pw and pc word aligned.
 */
static inline __attribute__((always_inline)) void mac_2x2(const int32_t *pw, const int32_t *pc, int32_t groups,
                                                          int32_t *a00, int32_t *a01, int32_t *a10, int32_t *a11)
{
    int32_t c00 = *a00, c01 = *a01, c10 = *a10, c11 = *a11;
    int32_t wa, wb, x0, x1, t0, t1;
    /* MCB_MAC_GROUPS groups per loop iteration (the n % MCB_MAC_GROUPS first groups straight-line): the
     * loop's subs and taken branch cost as much as 4 MACs. */
#define MCB_MAC_2X2_GROUP                                   \
    "ldrd %[wa], %[wb], [%[pw]], #8\n\t"                  \
    "ldrd %[x0], %[x1], [%[pc]], #8\n\t"                  \
    "sxtb16 %[t0], %[wa]\n\t"                             \
    "sxtb16 %[t1], %[wb]\n\t"                             \
    "sxtb16 %[wa], %[wa], ror #8\n\t"                     \
    "sxtb16 %[wb], %[wb], ror #8\n\t"                     \
    "smlad %[c00], %[t0], %[x0], %[c00]\n\t"              \
    "smlad %[c10], %[t1], %[x0], %[c10]\n\t"              \
    "smlad %[c00], %[wa], %[x1], %[c00]\n\t"              \
    "smlad %[c10], %[wb], %[x1], %[c10]\n\t"              \
    "ldrd %[x0], %[x1], [%[pc]], #8\n\t"                  \
    "smlad %[c01], %[t0], %[x0], %[c01]\n\t"              \
    "smlad %[c11], %[t1], %[x0], %[c11]\n\t"              \
    "smlad %[c01], %[wa], %[x1], %[c01]\n\t"              \
    "smlad %[c11], %[wb], %[x1], %[c11]\n\t"
#if MCB_MAC_GROUPS == 1
#define MCB_MAC_2X2_LOOP                                    \
        MCB_ASM_LOOP_HEAD                                   \
        "1:\n\t"                                            \
        MCB_MAC_2X2_GROUP                                   \
        "subs %[n], %[n], #1\n\t"                           \
        "bne 1b\n\t"
#elif MCB_MAC_GROUPS == 2
#define MCB_MAC_2X2_LOOP                                    \
        "tst %[n], #1\n\t"                                  \
        "beq 2f\n\t"                                        \
        MCB_MAC_2X2_GROUP                                   \
        "2:\n\t"                                            \
        "lsrs %[n], %[n], #1\n\t"                           \
        "beq 3f\n\t"                                        \
        MCB_ASM_LOOP_HEAD                                   \
        "1:\n\t"                                            \
        MCB_MAC_2X2_GROUP                                   \
        MCB_MAC_2X2_GROUP                                   \
        "subs %[n], %[n], #1\n\t"                           \
        "bne 1b\n\t"                                        \
        "3:\n\t"
#elif MCB_MAC_GROUPS == 4
#define MCB_MAC_2X2_LOOP                                    \
        "tst %[n], #1\n\t"                                  \
        "beq 2f\n\t"                                        \
        MCB_MAC_2X2_GROUP                                   \
        "2:\n\t"                                            \
        "tst %[n], #2\n\t"                                  \
        "beq 4f\n\t"                                        \
        MCB_MAC_2X2_GROUP                                   \
        MCB_MAC_2X2_GROUP                                   \
        "4:\n\t"                                            \
        "lsrs %[n], %[n], #2\n\t"                           \
        "beq 3f\n\t"                                        \
        MCB_ASM_LOOP_HEAD                                   \
        "1:\n\t"                                            \
        MCB_MAC_2X2_GROUP                                   \
        MCB_MAC_2X2_GROUP                                   \
        MCB_MAC_2X2_GROUP                                   \
        MCB_MAC_2X2_GROUP                                   \
        "subs %[n], %[n], #1\n\t"                           \
        "bne 1b\n\t"                                        \
        "3:\n\t"
#else
#error "MCB_MAC_GROUPS must be 1, 2 or 4"
#endif
    __asm__ volatile(
        MCB_MAC_2X2_LOOP
        : [c00] "+r"(c00), [c01] "+r"(c01), [c10] "+r"(c10), [c11] "+r"(c11), [pw] "+r"(pw), [pc] "+r"(pc),
          [n] "+r"(groups), [wa] "=&r"(wa), [wb] "=&r"(wb), [x0] "=&r"(x0), [x1] "=&r"(x1), [t0] "=&r"(t0),
          [t1] "=&r"(t1)
        :
        : "cc", "memory");
#undef MCB_MAC_2X2_LOOP
#undef MCB_MAC_2X2_GROUP
    *a00 = c00;
    *a01 = c01;
    *a10 = c10;
    *a11 = c11;
}

/* The most columns a block holds: mcb_dsp_block_cols() in mcb_kernels.h. */
#define MCB_DSP_BLOCK_MAX 16
/* With a small data cache in front of the weights (the STM32L4's 256 B ART data cache; the build passes
 * its size), a channel pair's rows longer than the cache (8 bytes a group) are walked in chunks of at most
 * 3/4 of it, leaving room for the other constants: a chunk then stays cached for all the block's columns
 * instead of missing on each. Larger caches (the M7's 16 KB) hold whole rows, and chunking only costs. */
#if defined(MCB_WEIGHT_CACHE_BYTES) && MCB_WEIGHT_CACHE_BYTES <= 1024
#define MCB_DSP_CACHED (MCB_WEIGHT_CACHE_BYTES / 8)
#define MCB_DSP_CHUNK (MCB_WEIGHT_CACHE_BYTES * 3 / 32)
#else
#define MCB_DSP_CACHED 0x7fffffff
#define MCB_DSP_CHUNK 0x7fffffff
#endif

/* Scratch layout (mcb_dsp_scratch_bytes): the interleaved column pairs of one block, then (general im2col
 * path only) one plain int16 column. */
static inline int16_t *plain_column(int32_t *cols, int32_t total_cols, int32_t k4)
{
    int32_t block = total_cols < mcb_dsp_block_cols(k4) ? total_cols : mcb_dsp_block_cols(k4);
    block = (block + 1) & ~1;
    return (int16_t *)(cols + block * k4 / 2);
}

/*
 * out[j][c] = requant(bias[c] + sum_k filter[c][k] * col_j[k]) for the n_cols (<= MCB_DSP_BLOCK_MAX)
 * columns j of a block, stored at out + j * out_stride + c. Channels go in pairs whose filter rows the compiler
 * interleaved four bytes at a time, and columns in pairs interleaved the same way, so one pointer walks
 * both rows and one a column pair: each weight word feeds two columns and each column word two channels
 * (a 2x2 register tile of accumulators).
 */
static inline __attribute__((always_inline)) void gemm_block_body(
    const int8_t *filter, const int32_t *bias, const int32_t *cols, int32_t n_cols, int32_t k4, int32_t out_c,
    const mcb_requant *rq, int32_t out_offset, int32_t act_min, int32_t act_max, int8_t *out, int32_t out_stride,
    const int fast)
{
    const int32_t groups = k4 / 4;
    const int32_t pair_words = k4; /* one interleaved column pair, in words */
    int32_t c = 0;
    for (; c + 1 < out_c; c += 2) {
        const int32_t *w_pair = (const int32_t *)(const void *)(filter + c * k4);
        const chq q0 = channel_q(rq, c, fast), q1 = channel_q(rq, c + 1, fast);
        const int32_t b0 = bias ? bias[c] : 0, b1 = bias ? bias[c + 1] : 0;
        /* Accumulate the whole block first, then requantize channel by channel: the two phases each keep
         * their few live values in registers. */
        int32_t acc0[MCB_DSP_BLOCK_MAX], acc1[MCB_DSP_BLOCK_MAX];
        if (n_cols < 2) {
            /* Only the 2x1 tile below (a fully connected layer's single batch row). */
        } else if (groups <= MCB_DSP_CACHED) {
            for (int32_t j = 0; j + 1 < n_cols; j += 2) {
                int32_t a00 = b0, a01 = b0, a10 = b1, a11 = b1;
                mac_2x2(w_pair, cols + (j / 2) * pair_words, groups, &a00, &a01, &a10, &a11);
                acc0[j] = a00;
                acc0[j + 1] = a01;
                acc1[j] = a10;
                acc1[j + 1] = a11;
            }
        } else {
            const int32_t n_chunks = (groups + MCB_DSP_CHUNK - 1) / MCB_DSP_CHUNK;
            const int32_t chunk = (groups + n_chunks - 1) / n_chunks;
            for (int32_t g0 = 0; g0 < groups; g0 += chunk) {
                const int32_t gn = groups - g0 < chunk ? groups - g0 : chunk;
                for (int32_t j = 0; j + 1 < n_cols; j += 2) {
                    int32_t a00 = b0, a01 = b0, a10 = b1, a11 = b1;
                    if (g0 > 0) {
                        a00 = acc0[j];
                        a01 = acc0[j + 1];
                        a10 = acc1[j];
                        a11 = acc1[j + 1];
                    }
                    mac_2x2(w_pair + 2 * g0, cols + (j / 2) * pair_words + 4 * g0, gn, &a00, &a01, &a10, &a11);
                    acc0[j] = a00;
                    acc0[j + 1] = a01;
                    acc1[j] = a10;
                    acc1[j + 1] = a11;
                }
            }
        }
        int32_t j = n_cols & ~1;
        if (j < n_cols) {
            /* An odd last column (one output pixel or batch row): a 2x1 tile. */
            const int32_t *pw = w_pair;
            const int32_t *pc = cols + (j / 2) * pair_words;
            int32_t a00 = b0, a10 = b1;
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
            acc0[j] = a00;
            acc1[j] = a10;
        }
        int8_t *o = out + c;
        for (j = 0; j < n_cols; ++j, o += out_stride) {
            o[0] = requant_q(acc0[j], q0, fast, out_offset, act_min, act_max);
        }
        o = out + c + 1;
        for (j = 0; j < n_cols; ++j, o += out_stride) {
            o[0] = requant_q(acc1[j], q1, fast, out_offset, act_min, act_max);
        }
    }
    if (c < out_c) {
        /* The odd last channel: its row stands alone. */
        const chq q0 = channel_q(rq, c, fast);
        const int32_t b0 = bias ? bias[c] : 0;
        for (int32_t j = 0; j < n_cols; j += 2) {
            const int32_t *pw = (const int32_t *)(const void *)(filter + c * k4);
            const int32_t *pc = cols + (j / 2) * pair_words;
            int32_t a00 = b0, a01 = b0;
            for (int32_t g = groups; g > 0; --g) {
                uint32_t w = (uint32_t)*pw++;
                int32_t w0 = __sxtb16(w), w1 = sxtb16_ror8(w);
                a00 = __smlad(w0, pc[0], a00);
                a00 = __smlad(w1, pc[1], a00);
                a01 = __smlad(w0, pc[2], a01);
                a01 = __smlad(w1, pc[3], a01);
                pc += 4;
            }
            int8_t *o = out + j * out_stride + c;
            o[0] = requant_q(a00, q0, fast, out_offset, act_min, act_max);
            if (j + 1 < n_cols) {
                o[out_stride] = requant_q(a01, q0, fast, out_offset, act_min, act_max);
            }
        }
    }
}

static void gemm_block(const int8_t *filter, const int32_t *bias, const int32_t *cols, int32_t n_cols, int32_t k4,
                       int32_t out_c, const mcb_requant *rq, int32_t out_offset, int32_t act_min, int32_t act_max,
                       int8_t *out, int32_t out_stride)
{
    if (rq->headroom) {
        gemm_block_body(filter, bias, cols, n_cols, k4, out_c, rq, out_offset, act_min, act_max, out, out_stride, 1);
    } else {
        gemm_block_body(filter, bias, cols, n_cols, k4, out_c, rq, out_offset, act_min, act_max, out, out_stride, 0);
    }
}

void mcb_conv2d_s8_dsp(const mcb_conv_params *p, const int8_t *input, const int8_t *filter, const int32_t *bias,
                       int8_t *output, void *scratch)
{
    const int32_t k4 = MCB_DSP_K4(p->k_h * p->k_w * p->in_c);
    const int32_t n_pixels = p->out_h * p->out_w;
    int32_t *cols = (int32_t *)scratch;
    int16_t *plain = plain_column(cols, n_pixels, k4);
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *in_b = input + b * p->in_h * p->in_w * p->in_c;
        int8_t *out_b = output + b * n_pixels * p->out_c;
        int32_t oy = 0, ox = 0;
        const int32_t block = mcb_dsp_block_cols(k4);
        for (int32_t px = 0; px < n_pixels; px += block) {
            const int32_t n_cols = n_pixels - px < block ? n_pixels - px : block;
            for (int32_t j = 0; j < n_cols; ++j) {
                im2col(p, in_b, oy, ox, k4, cols + (j / 2) * k4, j & 1, plain);
                if (++ox == p->out_w) {
                    ox = 0;
                    ++oy;
                }
            }
            gemm_block(filter, bias, cols, n_cols, k4, p->out_c, &p->rq, p->output_offset, p->act_min, p->act_max,
                       out_b + px * p->out_c, p->out_c);
        }
    }
}

void mcb_fully_connected_s8_dsp(const mcb_fc_params *p, const int8_t *input, const int8_t *filter,
                                const int32_t *bias, int8_t *output, void *scratch)
{
    const int32_t k4 = MCB_DSP_K4(p->in_depth);
    int32_t *cols = (int32_t *)scratch;
    int16_t *plain = plain_column(cols, p->batches, k4);
    const mcb_conv_params row = {.batches = 1, .in_h = 1, .in_w = 1, .in_c = p->in_depth, .out_h = 1, .out_w = 1,
                                 .out_c = p->out_depth, .k_h = 1, .k_w = 1, .stride_h = 1, .stride_w = 1,
                                 .dilation_h = 1, .dilation_w = 1, .pad_top = 0, .pad_left = 0,
                                 .depth_multiplier = 1, .input_offset = p->input_offset,
                                 .output_offset = p->output_offset, .act_min = p->act_min, .act_max = p->act_max,
                                 .rq = p->rq};
    const int32_t block = mcb_dsp_block_cols(k4);
    for (int32_t b = 0; b < p->batches; b += block) {
        const int32_t n_cols = p->batches - b < block ? p->batches - b : block;
        for (int32_t j = 0; j < n_cols; ++j) {
            im2col(&row, input + (b + j) * p->in_depth, 0, 0, k4, cols + (j / 2) * k4, j & 1, plain);
        }
        gemm_block(filter, bias, cols, n_cols, k4, p->out_depth, &p->rq, p->output_offset, p->act_min, p->act_max,
                   output + b * p->out_depth, p->out_depth);
    }
}

/*
 * Depthwise, multiplier 1, channels a multiple of 4: four channels per step, one SMLABB/SMLATT each per
 * tap. Groups of four channels are the outer loop, so a group's weights ([group][tap][c0, c2, c1, c3]
 * int16, contiguous) stay in the flash accelerator's small data cache while every output pixel uses them.
 */
static inline __attribute__((always_inline)) void depthwise_body(const mcb_conv_params *p, const int8_t *input,
                                                                 const int8_t *filter, const int32_t *bias,
                                                                 int8_t *output, const int fast)
{
    const int32_t ch = p->in_c, groups = p->in_c / 4, taps = p->k_h * p->k_w;
    const int32_t offset2 = (int32_t)(((uint32_t)(uint16_t)p->input_offset << 16) | (uint16_t)p->input_offset);
    const int32_t step_x = p->dilation_w * ch, step_y = p->dilation_h * p->in_w * ch;
    const int32_t out_offset = p->output_offset, act_min = p->act_min, act_max = p->act_max;
    /* Input offsets of the taps, for windows that need no clipping (up to 7x7 kernels). */
    int32_t tap_offset[49];
    const int use_table = taps <= 49;
    if (use_table) {
        for (int32_t ky = 0, t = 0; ky < p->k_h; ++ky) {
            for (int32_t kx = 0; kx < p->k_w; ++kx, ++t) {
                tap_offset[t] = ky * step_y + kx * step_x;
            }
        }
    }
    for (int32_t g = 0; g < groups; ++g) {
        const int32_t c = 4 * g;
        const int32_t *w_group = (const int32_t *)(const void *)filter + g * taps * 2;
        const chq q0 = channel_q(&p->rq, c, fast);
        const chq q1 = channel_q(&p->rq, c + 1, fast);
        const chq q2 = channel_q(&p->rq, c + 2, fast);
        const chq q3 = channel_q(&p->rq, c + 3, fast);
        int32_t b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        if (bias) {
            b0 = bias[c];
            b1 = bias[c + 1];
            b2 = bias[c + 2];
            b3 = bias[c + 3];
        }
        for (int32_t b = 0; b < p->batches; ++b) {
            const int8_t *in_b = input + b * p->in_h * p->in_w * ch + c;
            int8_t *o = output + b * p->out_h * p->out_w * ch + c;
            for (int32_t oy = 0; oy < p->out_h; ++oy) {
                const int32_t y0 = oy * p->stride_h - p->pad_top;
                int32_t ky0 = 0, ky1 = p->k_h;
                while (ky0 < ky1 && y0 + p->dilation_h * ky0 < 0) {
                    ++ky0;
                }
                while (ky1 > ky0 && y0 + p->dilation_h * (ky1 - 1) >= p->in_h) {
                    --ky1;
                }
                const int32_t n_ky = ky1 - ky0;
                const int8_t *in_row = in_b + (y0 + p->dilation_h * ky0) * p->in_w * ch;
                const int row_inside = n_ky == p->k_h;
                for (int32_t ox = 0; ox < p->out_w; ++ox, o += ch) {
                    const int32_t x0 = ox * p->stride_w - p->pad_left;
                    if (row_inside && use_table && x0 >= 0 && x0 + p->dilation_w * (p->k_w - 1) < p->in_w) {
                        /* The whole window is inside the input: one flat loop over the taps. */
                        const int8_t *base = in_row + x0 * ch;
                        const int32_t *pw = w_group;
                        int32_t a0 = b0, a1 = b1, a2 = b2, a3 = b3;
                        for (int32_t t = 0; t < taps; ++t) {
                            uint32_t x = load32(base + tap_offset[t]);
                            int32_t w02 = pw[0], w13 = pw[1];
                            int32_t x02 = __sxtab16(offset2, x);
                            a0 = __smlabb(x02, w02, a0);
                            a2 = __smlatt(x02, w02, a2);
                            int32_t x13 = sxtab16_ror8(offset2, x);
                            a1 = __smlabb(x13, w13, a1);
                            a3 = __smlatt(x13, w13, a3);
                            pw += 2;
                        }
                        o[0] = requant_q(a0, q0, fast, out_offset, act_min, act_max);
                        o[1] = requant_q(a1, q1, fast, out_offset, act_min, act_max);
                        o[2] = requant_q(a2, q2, fast, out_offset, act_min, act_max);
                        o[3] = requant_q(a3, q3, fast, out_offset, act_min, act_max);
                        continue;
                    }
                    int32_t kx0 = 0, kx1 = p->k_w;
                    while (kx0 < kx1 && x0 + p->dilation_w * kx0 < 0) {
                        ++kx0;
                    }
                    while (kx1 > kx0 && x0 + p->dilation_w * (kx1 - 1) >= p->in_w) {
                        --kx1;
                    }
                    const int32_t n_kx = kx1 - kx0;
                    const int32_t row_skip = 2 * (p->k_w - n_kx); /* weight words from a row's end to the next */
                    const int32_t *pw = w_group + (ky0 * p->k_w + kx0) * 2;
                    const int8_t *row = in_row + (x0 + p->dilation_w * kx0) * ch;
                    int32_t a0 = b0, a1 = b1, a2 = b2, a3 = b3;
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
                    o[0] = requant_q(a0, q0, fast, out_offset, act_min, act_max);
                    o[1] = requant_q(a1, q1, fast, out_offset, act_min, act_max);
                    o[2] = requant_q(a2, q2, fast, out_offset, act_min, act_max);
                    o[3] = requant_q(a3, q3, fast, out_offset, act_min, act_max);
                }
            }
        }
    }
}

/* With MCB_DW_ALIGN 32, started on a 32-byte boundary (the M7's cache line) so its loops' placement does
 * not shift with the size of the code before it, which moved their cost by a few percent on the cache models. */
#if MCB_DW_ALIGN > 1
__attribute__((aligned(MCB_DW_ALIGN)))
#endif
void mcb_depthwise_conv2d_s8_dsp(const mcb_conv_params *p, const int8_t *input, const int8_t *filter,
                                 const int32_t *bias, int8_t *output, void *scratch)
{
    (void)scratch;
    if (p->rq.headroom) {
        depthwise_body(p, input, filter, bias, output, 1);
    } else {
        depthwise_body(p, input, filter, bias, output, 0);
    }
}

/* One input's (or the sum's) rescaling in ADD: TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp. */
typedef struct {
    int32_t mult, right, round, smask;
} addq;

static inline addq add_q(int32_t mult, int32_t shift)
{
    addq q;
    q.mult = mult;
    q.right = shift < 0 ? -shift : 0;
    q.round = q.right > 0 ? 1 << (q.right - 1) : 0;
    q.smask = q.right > 0 ? -1 : 0;
    return q;
}

/* x < 2^30 in magnitude (see requant_q): the doubling high multiply is one SMMULR of 2x. */
static inline int32_t add_scale(int32_t x, addq q)
{
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(x << 1), "r"(q.mult));
    return (r + q.round + ((r >> 31) & q.smask)) >> q.right;
}

/*
 * ADD of same-shape int8 tensors. With TFLite's left shift of 20, |(x + offset) << 20| <= 255 * 2^20
 * < 2^28, each rescaled input is smaller still and their sum below 2^29, so every multiply fits the
 * SMMULR form. Other shapes (broadcasting) or a different left shift go to the portable kernel.
 * With scratch (2 KB, which the compiler reserves for large enough tensors), each input's rescaled term
 * comes from a 256-entry table built once: an int8 input takes only 256 values, and the table holds the
 * same numbers the per-element rescaling would compute.
 */
void mcb_add_s8_dsp(const mcb_add_params *p, const int8_t *in1, const int8_t *in2, int8_t *output, void *scratch)
{
    if (!p->bc.flat || p->left_shift > 20) {
        mcb_add_s8(p, in1, in2, output);
        return;
    }
    const int32_t n = p->bc.out_dims[0] * p->bc.out_dims[1] * p->bc.out_dims[2] * p->bc.out_dims[3];
    const addq q1 = add_q(p->in1_multiplier, p->in1_shift), q2 = add_q(p->in2_multiplier, p->in2_shift);
    const addq qo = add_q(p->output_multiplier, p->output_shift);
    const int32_t off1 = p->in1_offset, off2 = p->in2_offset, ls = p->left_shift;
    const int32_t out_offset = p->output_offset, act_min = p->act_min, act_max = p->act_max;
    if (scratch && qo.right <= 22) {
        /* The tables hold the rescaled terms doubled, the SMMULR operand of the output rescaling; the
         * output offset joins its rounding term, (r + round + (offset << e)) >> e = ((r + round) >> e)
         * + offset, which cannot overflow for e <= 22 (|r| < 2^29, |offset| <= 2^8). */
        int32_t *t1 = (int32_t *)scratch, *t2 = t1 + 256;
        for (int32_t v = -128; v < 128; ++v) {
            t1[v + 128] = add_scale((v + off1) << ls, q1) << 1;
            t2[v + 128] = add_scale((v + off2) << ls, q2) << 1;
        }
        const int32_t *c1 = t1 + 128, *c2 = t2 + 128;
        const int32_t mult = qo.mult, round = qo.round + (int32_t)((uint32_t)out_offset << qo.right);
        const int32_t smask = qo.smask, right = qo.right;
        int32_t i = 0;
        if (right >= 1 && act_max == 127 && n >= 2) {
            /* MCB_ADD_ELEMENTS elements per iteration, written out since the compiler spills and branches
             * around the clamp: the rounding sign term is r >> 31 (e >= 1), and SSAT does the upper clamp. */
            const int8_t *p1 = in1, *p2 = in2;
            int8_t *po = output;
            const int8_t *end = in1 + (n & ~(MCB_ADD_ELEMENTS - 1));
            int32_t x, y;
            __asm__ volatile(
#define MCB_ADD_ONE                                   \
                "ldrsb %[x], [%[p1]], #1\n\t"          \
                "ldrsb %[y], [%[p2]], #1\n\t"          \
                "ldr %[x], [%[c1], %[x], lsl #2]\n\t"  \
                "ldr %[y], [%[c2], %[y], lsl #2]\n\t"  \
                "add %[x], %[x], %[y]\n\t"             \
                "smmulr %[x], %[x], %[mult]\n\t"       \
                "add %[y], %[round], %[x], asr #31\n\t" \
                "add %[x], %[x], %[y]\n\t"             \
                "asr %[x], %[x], %[right]\n\t"         \
                "cmp %[x], %[amin]\n\t"                \
                "it lt\n\t"                            \
                "movlt %[x], %[amin]\n\t"              \
                "ssat %[x], #8, %[x]\n\t"              \
                "strb %[x], [%[po]], #1\n\t"
#if MCB_ADD_ELEMENTS == 1
#define MCB_ADD_LOOP_BODY MCB_ADD_ONE
#elif MCB_ADD_ELEMENTS == 2
#define MCB_ADD_LOOP_BODY MCB_ADD_ONE MCB_ADD_ONE
#else
#error "MCB_ADD_ELEMENTS must be 1 or 2"
#endif
                MCB_ASM_LOOP_HEAD
                "1:\n\t"
                MCB_ADD_LOOP_BODY
                "cmp %[p1], %[end]\n\t"
                "bne 1b\n\t"
#undef MCB_ADD_LOOP_BODY
#undef MCB_ADD_ONE
                : [p1] "+r"(p1), [p2] "+r"(p2), [po] "+r"(po), [x] "=&r"(x), [y] "=&r"(y)
                : [c1] "r"(c1), [c2] "r"(c2), [mult] "r"(mult), [round] "r"(round), [right] "r"(right),
                  [amin] "r"(act_min), [end] "r"(end)
                : "cc", "memory");
            i = n & ~(MCB_ADD_ELEMENTS - 1);
        }
        for (; i < n; ++i) {
            int32_t r;
            __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(c1[in1[i]] + c2[in2[i]]), "r"(mult));
            r = (r + round + ((r >> 31) & smask)) >> right;
            output[i] = (int8_t)mcb_clamp(r, act_min, act_max);
        }
        return;
    }
    for (int32_t i = 0; i < n; ++i) {
        const int32_t a = add_scale((in1[i] + off1) << ls, q1);
        const int32_t b = add_scale((in2[i] + off2) << ls, q2);
        output[i] = (int8_t)mcb_clamp(add_scale(a + b, qo) + out_offset, act_min, act_max);
    }
}

#endif
