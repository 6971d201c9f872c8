/*
 * mcb_kernels.h: the int8 kernel API of the mcubench inference runtime.
 *
 * Every kernel follows TensorFlow Lite's int8 quantization rules exactly (per-channel weights,
 * per-tensor activations, gemmlowp fixed-point requantization with the same rounding), so outputs
 * equal the TFLite reference interpreter byte for byte. All layouts are NHWC, weights as in the
 * .tflite file: CONV_2D [out_c][k_h][k_w][in_c], DEPTHWISE [1][k_h][k_w][out_c], FC [out][in].
 *
 * Two implementations share these signatures: portable C (mcb_kernels_portable.c and
 * mcb_kernels_extra.c, any target) and Cortex-M4/M7 DSP variants (the *_dsp functions below, in
 * mcb_kernels_dsp.c), which the compiler calls on ARMv7E-M devices. A variant may use `scratch` (arena memory the
 * compiler reserves for the duration of the layer, 16-byte aligned); the portable code ignores it.
 * Parameters are const structs the code generator places in flash.
 *
 * Multipliers are Q31 (TFLite QuantizeMultiplier) and shifts are signed: positive = left shift.
 */
#ifndef MCB_KERNELS_H
#define MCB_KERNELS_H

#include <stdint.h>

/* Requantization per output channel (n entries; per-tensor layers point at one value and set
 * per_channel = 0). */
typedef struct {
    const int32_t *multiplier;
    const int32_t *shift;
    int32_t per_channel;
    /* 1 when the compiler proved every |accumulator << left shift| < 2^30 for this layer (from its
     * weights and biases), which lets the DSP kernels requantize with one SMMULR; portable code ignores it. */
    int32_t headroom;
} mcb_requant;

/* CONV_2D and DEPTHWISE_CONV_2D. */
typedef struct {
    int32_t batches;
    int32_t in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t k_h, k_w;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;      /* TFLite's padding offsets (SAME: floor of total / 2) */
    int32_t depth_multiplier;       /* depthwise only: out_c = in_c * depth_multiplier */
    int32_t input_offset;           /* minus the input zero point */
    int32_t output_offset;          /* the output zero point */
    int32_t act_min, act_max;       /* fused activation as an int8 clamp */
    mcb_requant rq;
} mcb_conv_params;

void mcb_conv2d_s8(const mcb_conv_params *p, const int8_t *input, const int8_t *filter,
                   const int32_t *bias, int8_t *output, void *scratch);
void mcb_depthwise_conv2d_s8(const mcb_conv_params *p, const int8_t *input, const int8_t *filter,
                             const int32_t *bias, int8_t *output, void *scratch);

/* FULLY_CONNECTED: output[b][o] = requant(sum_i (in[b][i] + input_offset) * w[o][i] + bias[o]). */
typedef struct {
    int32_t batches, in_depth, out_depth;
    int32_t input_offset, output_offset;
    int32_t act_min, act_max;
    mcb_requant rq;
} mcb_fc_params;

void mcb_fully_connected_s8(const mcb_fc_params *p, const int8_t *input, const int8_t *filter,
                            const int32_t *bias, int8_t *output, void *scratch);

/* AVERAGE_POOL_2D and MAX_POOL_2D (input and output share quantization, as TFLite requires). */
typedef struct {
    int32_t batches;
    int32_t in_h, in_w, channels;
    int32_t out_h, out_w;
    int32_t k_h, k_w;
    int32_t stride_h, stride_w;
    int32_t pad_top, pad_left;
    int32_t act_min, act_max;
} mcb_pool_params;

void mcb_avg_pool_s8(const mcb_pool_params *p, const int8_t *input, int8_t *output);
void mcb_max_pool_s8(const mcb_pool_params *p, const int8_t *input, int8_t *output);

/* Broadcasting over up to 4 dimensions: strides are in elements, 0 on a broadcast dimension. */
typedef struct {
    int32_t out_dims[4];
    int32_t in1_strides[4];
    int32_t in2_strides[4];
    int32_t flat;                   /* 1: same shapes, one flat loop of out_dims product elements */
} mcb_broadcast;

/* ADD: TFLite's int8 add with left_shift 20 and three multipliers. */
typedef struct {
    mcb_broadcast bc;
    int32_t left_shift;
    int32_t in1_offset, in1_multiplier, in1_shift;
    int32_t in2_offset, in2_multiplier, in2_shift;
    int32_t output_offset, output_multiplier, output_shift;
    int32_t act_min, act_max;
} mcb_add_params;

void mcb_add_s8(const mcb_add_params *p, const int8_t *in1, const int8_t *in2, int8_t *output);

/* MUL: (in1 + off1) * (in2 + off2) requantized by one multiplier. */
typedef struct {
    mcb_broadcast bc;
    int32_t in1_offset, in2_offset;
    int32_t output_offset, output_multiplier, output_shift;
    int32_t act_min, act_max;
} mcb_mul_params;

void mcb_mul_s8(const mcb_mul_params *p, const int8_t *in1, const int8_t *in2, int8_t *output);

/* SOFTMAX over the last dimension, gemmlowp fixed-point exp as in TFLite's reference kernel;
 * output scale 1/256, zero point -128. */
typedef struct {
    int32_t rows, depth;
    int32_t input_multiplier, input_left_shift, diff_min;
} mcb_softmax_params;

void mcb_softmax_s8(const mcb_softmax_params *p, const int8_t *input, int8_t *output);

/* LOGISTIC and TANH (int8, TFLite's fixed-point reference kernels). */
typedef struct {
    int32_t size;
    int32_t input_zero_point, input_range_radius;
    int32_t input_multiplier, input_left_shift;
} mcb_activation_params;

void mcb_logistic_s8(const mcb_activation_params *p, const int8_t *input, int8_t *output);
void mcb_tanh_s8(const mcb_activation_params *p, const int8_t *input, int8_t *output);

/* RELU / RELU6 / RELU_N1_TO_1 and QUANTIZE int8->int8: out = clamp(zp_out + requant(in - zp_in)). */
typedef struct {
    int32_t size;
    int32_t input_offset, output_offset;
    int32_t multiplier, shift;
    int32_t act_min, act_max;
} mcb_requantize_params;

void mcb_requantize_s8(const mcb_requantize_params *p, const int8_t *input, int8_t *output);

/* QUANTIZE float->int8 and DEQUANTIZE int8->float. */
void mcb_quantize_f32_s8(int32_t size, float scale, int32_t zero_point, const float *input, int8_t *output);
void mcb_dequantize_s8_f32(int32_t size, float scale, int32_t zero_point, const int8_t *input, float *output);

/* PAD (4-D, constant value = the output zero point unless PADV2 gives one). */
typedef struct {
    int32_t in_dims[4];
    int32_t before[4], after[4];
    int32_t value;
} mcb_pad_params;

void mcb_pad_s8(const mcb_pad_params *p, const int8_t *input, int8_t *output);

/* CONCATENATION: outer x (sum of inner sizes); inputs share the output's quantization. */
void mcb_concat_s8(int32_t outer, int32_t n_inputs, const int8_t *const *inputs, const int32_t *inner_sizes,
                   int8_t *output);

/* MEAN over the middle axis of [outer][reduce][inner], TFLite's integer QuantizedMeanOrSum: the sum of
 * (x - input zero point) requantized by one multiplier in which the compiler folded 1/reduce
 * ((m << floor(log2 reduce)) / reduce, shift adjusted, as TFLite does). */
typedef struct {
    int32_t outer, reduce, inner;
    int32_t input_zero_point, output_zero_point;
    int32_t multiplier, shift;
} mcb_mean_params;

void mcb_mean_s8(const mcb_mean_params *p, const int8_t *input, int8_t *output);

/*
 * Cortex-M4/M7 DSP variants (mcb_kernels_dsp.c, ARMv7E-M only): the same signatures, constants packed
 * by the compiler for them. Conv/FC filters: rows of K = k_h*k_w*in_c rounded up to K4 (a multiple of
 * 4) with zeros, and the rows of each channel pair (2i, 2i+1) interleaved four bytes at a time (an odd
 * last row stays plain). Depthwise filters: int16 [in_c / 4][tap][c0, c2, c1, c3] (multiplier 1 and
 * in_c a multiple of 4 only). Scratch: conv and FC need mcb_dsp_scratch_bytes(K, columns, in_c) below.
 * Depthwise none.
 */

/* K rounded up to whole 32-bit words of int8: the length of a packed filter row and of an im2col column. */
#define MCB_DSP_K4(k) (((k) + 3) & ~3)

/* Output pixels (or batch rows) whose im2col columns are built and kept together, so each channel pair's
 * weights are read from flash once per block instead of once per pixel pair: 16 for short columns
 * (K4 <= 144, at most 4.6 KB of scratch), 8 otherwise. k4: K already rounded by MCB_DSP_K4. */
static inline int32_t mcb_dsp_block_cols(int32_t k4)
{
    return k4 <= 144 ? 16 : 8;
}

/* The scratch of the DSP conv and FC kernels, for columns output pixels (conv) or batch rows (FC): the int16
 * im2col columns of one block, interleaved in pairs (min(columns, block) rounded up to a pair), plus one
 * plain column when in_c is not a multiple of 4. The one definition: the kernels lay their scratch out by
 * it, and the compiler's arena plan reserves it (firmware/compiler/lowering.py mirrors it; the test
 * tests/test_kernel_params.py compiles this function and compares). */
static inline int32_t mcb_dsp_scratch_bytes(int32_t k, int32_t columns, int32_t in_c)
{
    const int32_t k4 = MCB_DSP_K4(k);
    int32_t block = columns < mcb_dsp_block_cols(k4) ? columns : mcb_dsp_block_cols(k4);
    block = (block + 1) & ~1;
    return 2 * k4 * (block + ((in_c & 3) ? 1 : 0));
}

void mcb_conv2d_s8_dsp(const mcb_conv_params *p, const int8_t *input, const int8_t *filter,
                       const int32_t *bias, int8_t *output, void *scratch);
void mcb_depthwise_conv2d_s8_dsp(const mcb_conv_params *p, const int8_t *input, const int8_t *filter,
                                 const int32_t *bias, int8_t *output, void *scratch);
void mcb_fully_connected_s8_dsp(const mcb_fc_params *p, const int8_t *input, const int8_t *filter,
                                const int32_t *bias, int8_t *output, void *scratch);
void mcb_add_s8_dsp(const mcb_add_params *p, const int8_t *in1, const int8_t *in2, int8_t *output,
                    void *scratch);

#endif
