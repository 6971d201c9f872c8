/*
 * mcb_kernels_f32.h: the float32 kernel API of the mcubench inference runtime.
 *
 * The kernels add up every output in the order TFLite Micro's float reference kernels do (filter row,
 * filter column, input channel; then the bias), with multiplies and adds rounded separately (the
 * firmware is built with -ffp-contract=off, so no fused multiply-add), so CONV_2D, DEPTHWISE_CONV_2D,
 * FULLY_CONNECTED, pooling, ADD, MUL, MEAN, RELU and RELU6 give the interpreter's float32 results
 * bit for bit. SOFTMAX, LOGISTIC and TANH use this runtime's own expf/tanhf (mcb_mathf.h), a few units
 * in the last place from the C library's.
 *
 * The same C compiles to FPU instructions on the Cortex-M4F (FPv4-SP) and Cortex-M7 (FPv5) and to
 * calls of the compiler's software floating point (libgcc) on the Cortex-M0+ and RV32IMC.
 * PAD and CONCATENATION of float tensors are byte copies by the int8 kernels (mcb_kernels.h).
 * Activations are NHWC. Weights are packed by the compiler so that the kernels read them in one
 * sequential stream (flash prefetch and caches like that): CONV_2D [out_c][k_h][k_w][in_c] and
 * FULLY_CONNECTED [out][in] as rows of K = k_h * k_w * in_c (or in) values with each quad of rows
 * interleaved, [out / 4][K][4], the last out % 4 rows plain; DEPTHWISE_CONV_2D [1][k_h][k_w][C] with
 * multiplier 1 and C a multiple of 4 as [C / 4][k_h][k_w][4], otherwise as in the file.
 */
#ifndef MCB_KERNELS_F32_H
#define MCB_KERNELS_F32_H

#include <stdint.h>

#include "mcb_kernels.h"

/* CONV_2D and DEPTHWISE_CONV_2D; act_min/act_max are the fused activation (TFLite's float range). */
typedef struct {
    int32_t batches;
    int32_t in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t k_h, k_w;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t depth_multiplier;       /* depthwise only */
    float act_min, act_max;
} mcb_conv_f32_params;

/* Scratch of mcb_conv2d_f32: two im2col columns of k_h * k_w * in_c floats (none for 1x1, stride 1). */
#define MCB_CONV_F32_SCRATCH_BYTES(k) (2 * 4 * (k))

void mcb_conv2d_f32(const mcb_conv_f32_params *p, const float *input, const float *filter, const float *bias,
                    float *output, void *scratch);
void mcb_depthwise_conv2d_f32(const mcb_conv_f32_params *p, const float *input, const float *filter,
                              const float *bias, float *output);

typedef struct {
    int32_t batches, in_depth, out_depth;
    float act_min, act_max;
} mcb_fc_f32_params;

void mcb_fully_connected_f32(const mcb_fc_f32_params *p, const float *input, const float *filter,
                             const float *bias, float *output);

typedef struct {
    int32_t batches;
    int32_t in_h, in_w, channels;
    int32_t out_h, out_w;
    int32_t k_h, k_w;
    int32_t stride_h, stride_w;
    int32_t pad_top, pad_left;
    float act_min, act_max;
} mcb_pool_f32_params;

void mcb_avg_pool_f32(const mcb_pool_f32_params *p, const float *input, float *output);
void mcb_max_pool_f32(const mcb_pool_f32_params *p, const float *input, float *output);

/* ADD and MUL with broadcasting (mcb_broadcast, mcb_kernels.h). */
typedef struct {
    mcb_broadcast bc;
    float act_min, act_max;
} mcb_binary_f32_params;

void mcb_add_f32(const mcb_binary_f32_params *p, const float *in1, const float *in2, float *output);
void mcb_mul_f32(const mcb_binary_f32_params *p, const float *in1, const float *in2, float *output);

/* SOFTMAX over the last dimension: exp((x - max) * beta) / sum. */
void mcb_softmax_f32(int32_t rows, int32_t depth, float beta, const float *input, float *output);

/* RELU (lo = 0, hi = FLT_MAX) and RELU6 (0, 6): TFLite Micro's comparisons, so -0 stays -0. */
void mcb_clamp_f32(int32_t size, float lo, float hi, const float *input, float *output);

void mcb_logistic_f32(int32_t size, const float *input, float *output);
void mcb_tanh_f32(int32_t size, const float *input, float *output);

/* MEAN over the middle axis of [outer][reduce][inner]: the sum in input order, divided by reduce. */
void mcb_mean_f32(int32_t outer, int32_t reduce, int32_t inner, const float *input, float *output);

#endif
