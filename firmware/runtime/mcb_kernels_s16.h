/*
 * mcb_kernels_s16.h: the int16x8 kernel API of the mcubench inference runtime (16-bit activations with
 * zero point 0, int8 weights, int64 biases), TFLite Micro's reference integer kernels restated so that the
 * outputs are the interpreter's bit for bit.
 *
 * Convolutions and FULLY_CONNECTED add their products in 64 bits, as TFLite does; a product of an int8
 * weight and an int16 input is at most 2^22 in magnitude, so up to 256 of them are first added in 32 bits
 * (integer sums do not depend on the order). The 64-bit accumulator is requantized by TFLite's 64-bit
 * MultiplyByQuantizedMultiplier (the multiplier rounded to 16 bits, one rounding shift). ADD is the int8
 * kernel's arithmetic with a left shift of 15; SOFTMAX uses TFLite's two 513-entry lookup tables (exp on
 * [-10, 0] and 1 / (1 + x)), which the compiler computes as TFLite Micro does in Prepare.
 * Parameter structs are the int8 ones (mcb_kernels.h); offsets are 0 for int16 tensors. CONV_2D and
 * FULLY_CONNECTED weights come as rows of K values with each quad of rows interleaved, [out / 4][K][4], the
 * last out % 4 rows plain (the float kernels' layout, mcb_kernels_f32.h); depthwise weights as in the file.
 */
#ifndef MCB_KERNELS_S16_H
#define MCB_KERNELS_S16_H

#include <stdint.h>

#include "mcb_kernels.h"

/* Scratch of mcb_conv2d_s16: one im2col column of k_h * k_w * in_c int16 values (none for 1x1, stride 1). */
#define MCB_CONV_S16_SCRATCH_BYTES(k) (2 * (k))

void mcb_conv2d_s16(const mcb_conv_params *p, const int16_t *input, const int8_t *filter, const int64_t *bias,
                    int16_t *output, void *scratch);
void mcb_depthwise_conv2d_s16(const mcb_conv_params *p, const int16_t *input, const int8_t *filter,
                              const int64_t *bias, int16_t *output);
void mcb_fully_connected_s16(const mcb_fc_params *p, const int16_t *input, const int8_t *filter,
                             const int64_t *bias, int16_t *output);
void mcb_avg_pool_s16(const mcb_pool_params *p, const int16_t *input, int16_t *output);
void mcb_max_pool_s16(const mcb_pool_params *p, const int16_t *input, int16_t *output);
void mcb_add_s16(const mcb_add_params *p, const int16_t *in1, const int16_t *in2, int16_t *output);

/* SOFTMAX over the last dimension; output scale 1/32768, zero point 0. */
typedef struct {
    int32_t rows, depth;
    int32_t input_multiplier, input_left_shift;  /* the input difference scaled so that -65535 is -10.0 */
    const int16_t *exp_lut;                       /* exp(x) for x in [-10, 0], 513 entries */
    const int16_t *one_over_one_plus_x_lut;       /* 1 / (1 + x) for x in [0, 1], 513 entries */
} mcb_softmax_s16_params;

void mcb_softmax_s16(const mcb_softmax_s16_params *p, const int16_t *input, int16_t *output);

/* QUANTIZE float -> int16 and DEQUANTIZE int16 -> float. */
void mcb_quantize_f32_s16(int32_t size, float scale, int32_t zero_point, const float *input, int16_t *output);
void mcb_dequantize_s16_f32(int32_t size, float scale, int32_t zero_point, const int16_t *input, float *output);

#endif
