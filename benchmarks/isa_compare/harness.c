/*
 * The same C for both ISAs: each of the runtime's int8 kernels (firmware/runtime) and two plain loops runs once
 * on fixed pseudo-random data between two calls of isa_mark(), which the trace reader uses to cut the
 * instruction stream into one region per case (benchmarks/isa_compare.py keeps the case order in CASES).
 * main returns a checksum of every output, so the two builds can be checked to have computed the same thing.
 */
#include <stddef.h>
#include <stdint.h>

#include "mcb_kernels.h"

void isa_mark(void); /* an empty function in the start-up file: a region boundary */

static uint32_t lcg = 12345u;
static int8_t next_s8(void)
{
    lcg = lcg * 1103515245u + 12345u;
    return (int8_t)(lcg >> 16);
}
static void fill(int8_t *p, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        p[i] = next_s8();
    }
}

static int8_t input[16 * 16 * 16];
static int8_t input2[16 * 16 * 16];
static int8_t weights[16 * 3 * 3 * 16];
static int8_t output[16 * 16 * 16];
static int32_t bias[64];
static int32_t multipliers[64];
static int32_t shifts[64];

static uint32_t checksum(uint32_t sum, const int8_t *p, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        sum = sum * 31u + (uint8_t)p[i];
    }
    return sum;
}

/* A TFLite-reference style int8 dot product, one element per iteration (the shape of an FC inner loop). */
__attribute__((noinline)) static int32_t dot_s8(const int8_t *a, const int8_t *b, int32_t n, int32_t offset)
{
    int32_t acc = 0;
    for (int32_t i = 0; i < n; ++i) {
        acc += (int32_t)a[i] * ((int32_t)b[i] + offset);
    }
    return acc;
}

/* A byte copy loop (the shape of PAD, CONCATENATION and reshapes). */
__attribute__((noinline)) static void copy_bytes(int8_t *dst, const int8_t *src, int32_t n)
{
    for (int32_t i = 0; i < n; ++i) {
        dst[i] = src[i];
    }
}

static mcb_requant requant(int per_channel)
{
    mcb_requant rq = {multipliers, shifts, per_channel, 0};
    return rq;
}

int main(void)
{
    fill(input, sizeof input);
    fill(input2, sizeof input2);
    fill(weights, sizeof weights);
    for (int i = 0; i < 64; ++i) {
        bias[i] = (int32_t)next_s8() * 97;
        multipliers[i] = 1073741824 + (int32_t)next_s8() * 4000000;
        shifts[i] = -7 - (i & 3);
    }
    uint32_t sum = 0;

    /* conv3x3: 10x10x8 -> 10x10x8, SAME padding, per-channel requantization. */
    const mcb_conv_params conv = {.batches = 1, .in_h = 10, .in_w = 10, .in_c = 8, .out_h = 10, .out_w = 10,
                                  .out_c = 8, .k_h = 3, .k_w = 3, .stride_h = 1, .stride_w = 1, .dilation_h = 1,
                                  .dilation_w = 1, .pad_top = 1, .pad_left = 1, .depth_multiplier = 0,
                                  .input_offset = 128, .output_offset = -3, .act_min = -128, .act_max = 127,
                                  .rq = requant(1)};
    isa_mark();
    mcb_conv2d_s8(&conv, input, weights, bias, output, NULL);
    isa_mark();
    sum = checksum(sum, output, 10 * 10 * 8);

    /* conv1x1 (pointwise): 8x8x16 -> 8x8x16. */
    const mcb_conv_params pw = {.batches = 1, .in_h = 8, .in_w = 8, .in_c = 16, .out_h = 8, .out_w = 8,
                                .out_c = 16, .k_h = 1, .k_w = 1, .stride_h = 1, .stride_w = 1, .dilation_h = 1,
                                .dilation_w = 1, .input_offset = 128, .output_offset = -3, .act_min = -128,
                                .act_max = 127, .rq = requant(1)};
    isa_mark();
    mcb_conv2d_s8(&pw, input, weights, bias, output, NULL);
    isa_mark();
    sum = checksum(sum, output, 8 * 8 * 16);

    /* depthwise 3x3: 12x12x16, multiplier 1, SAME padding. */
    const mcb_conv_params dw = {.batches = 1, .in_h = 12, .in_w = 12, .in_c = 16, .out_h = 12, .out_w = 12,
                                .out_c = 16, .k_h = 3, .k_w = 3, .stride_h = 1, .stride_w = 1, .dilation_h = 1,
                                .dilation_w = 1, .pad_top = 1, .pad_left = 1, .depth_multiplier = 1,
                                .input_offset = 128, .output_offset = -3, .act_min = -128, .act_max = 127,
                                .rq = requant(1)};
    isa_mark();
    mcb_depthwise_conv2d_s8(&dw, input, weights, bias, output, NULL);
    isa_mark();
    sum = checksum(sum, output, 12 * 12 * 16);

    /* fully connected: 256 -> 32, per-tensor requantization. */
    const mcb_fc_params fc = {.batches = 1, .in_depth = 256, .out_depth = 32, .input_offset = 128,
                              .output_offset = -3, .act_min = -128, .act_max = 127, .rq = requant(0)};
    isa_mark();
    mcb_fully_connected_s8(&fc, input, weights, bias, output, NULL);
    isa_mark();
    sum = checksum(sum, output, 32);

    /* average and max pooling 2x2 stride 2: 12x12x16 -> 6x6x16. */
    const mcb_pool_params pool = {.batches = 1, .in_h = 12, .in_w = 12, .channels = 16, .out_h = 6, .out_w = 6,
                                  .k_h = 2, .k_w = 2, .stride_h = 2, .stride_w = 2, .act_min = -128,
                                  .act_max = 127};
    isa_mark();
    mcb_avg_pool_s8(&pool, input, output);
    isa_mark();
    sum = checksum(sum, output, 6 * 6 * 16);
    isa_mark();
    mcb_max_pool_s8(&pool, input, output);
    isa_mark();
    sum = checksum(sum, output, 6 * 6 * 16);

    /* element-wise add of two 1024-element tensors (TFLite's left shift 20). */
    const mcb_add_params add = {.bc = {.out_dims = {1, 1, 1, 1024}, .in1_strides = {0, 0, 0, 1},
                                       .in2_strides = {0, 0, 0, 1}, .flat = 1},
                                .left_shift = 20, .in1_offset = 5, .in1_multiplier = 1073741824, .in1_shift = -1,
                                .in2_offset = -7, .in2_multiplier = 1500000000, .in2_shift = -2,
                                .output_offset = -2, .output_multiplier = 1200000000, .output_shift = -18,
                                .act_min = -128, .act_max = 127};
    isa_mark();
    mcb_add_s8(&add, input, input2, output);
    isa_mark();
    sum = checksum(sum, output, 1024);

    /* softmax over 4 rows of 64 (gemmlowp fixed-point exp). */
    const mcb_softmax_params sm = {.rows = 4, .depth = 64, .input_multiplier = 1518500250,
                                   .input_left_shift = 22, .diff_min = -248};
    isa_mark();
    mcb_softmax_s8(&sm, input, output);
    isa_mark();
    sum = checksum(sum, output, 4 * 64);

    /* requantize (RELU-style clamp) of 1024 elements. */
    const mcb_requantize_params rq = {.size = 1024, .input_offset = 3, .output_offset = -5,
                                      .multiplier = 1300000000, .shift = -1, .act_min = -5, .act_max = 127};
    isa_mark();
    mcb_requantize_s8(&rq, input, output);
    isa_mark();
    sum = checksum(sum, output, 1024);

    /* plain loops */
    isa_mark();
    int32_t d = dot_s8(input, input2, 2048, 7);
    isa_mark();
    sum = sum * 31u + (uint32_t)d;
    isa_mark();
    copy_bytes(output, input, 2048);
    isa_mark();
    sum = checksum(sum, output, 2048);

    return (int)(sum ^ (sum >> 8) ^ (sum >> 16) ^ (sum >> 24)) & 0xff;
}
