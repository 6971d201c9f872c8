/*
 * The less frequent int8 kernels, portable C on every target: LOGISTIC, TANH (gemmlowp fixed point, as
 * TFLite's reference integer kernels), QUANTIZE from float, DEQUANTIZE to float, and MEAN over the
 * spatial axes of a 4-D tensor (TFLite's reference_integer_ops::Mean).
 */
#include "mcb_fixedpoint.h"
#include "mcb_kernels.h"
#include "mcb_mathf.h"

/* Input (minus zero point) rescaled to Q4.27, as both activations take it; 0 when out of range. */
static inline int mcb_activation_input(const mcb_activation_params *p, int8_t x, int32_t *q4)
{
    const int32_t input = (int32_t)x - p->input_zero_point;
    if (input <= -p->input_range_radius) {
        return -1;
    }
    if (input >= p->input_range_radius) {
        return 1;
    }
    *q4 = mcb_mbqm(input, p->input_multiplier, p->input_left_shift);
    return 0;
}

void mcb_logistic_s8(const mcb_activation_params *p, const int8_t *input, int8_t *output)
{
    for (int32_t i = 0; i < p->size; ++i) {
        int32_t a;
        const int range = mcb_activation_input(p, input[i], &a);
        if (range) {
            output[i] = range < 0 ? -128 : 127;
            continue;
        }
        /* logistic(a) = 1 / (1 + exp(-|a|)) for a > 0, 1 minus that for a < 0, 1/2 at 0 (Q0.31). */
        int32_t result;
        if (a == 0) {
            result = 1 << 30;
        } else {
            const int32_t abs_a = a > 0 ? a : -a;
            const int32_t positive = mcb_one_over_one_plus_x(mcb_exp_on_negative_values(-abs_a, 4));
            result = a > 0 ? positive : INT32_MAX - positive;
        }
        /* Output scale 1/256, zero point -128. */
        output[i] = (int8_t)mcb_clamp(mcb_rdbp(result, 23) - 128, -128, 127);
    }
}

void mcb_tanh_s8(const mcb_activation_params *p, const int8_t *input, int8_t *output)
{
    for (int32_t i = 0; i < p->size; ++i) {
        int32_t a;
        const int range = mcb_activation_input(p, input[i], &a);
        if (range) {
            output[i] = range < 0 ? -128 : 127;
            continue;
        }
        /* tanh(a) = -(1 - exp(-2|a|)) / (1 + exp(-2|a|)) sign-adjusted: the Q4 raw value read as Q5 is 2a. */
        int32_t result = 0;
        if (a != 0) {
            const int32_t n = a < 0 ? a : -a;
            const int32_t t = mcb_one_minus_x_over_one_plus_x(mcb_exp_on_negative_values(n, 5));
            result = a < 0 ? -t : t;
        }
        /* Output scale 1/128, zero point 0. */
        output[i] = (int8_t)mcb_clamp(mcb_rdbp(result, 24), -128, 127);
    }
}

void mcb_quantize_f32_s8(int32_t size, float scale, int32_t zero_point, const float *input, int8_t *output)
{
    for (int32_t i = 0; i < size; ++i) {
        const int32_t q = mcb_round_f32(input[i] / scale);
        /* Clamp before adding the zero point so saturated values cannot wrap. */
        output[i] = (int8_t)mcb_clamp(mcb_clamp(q, -1024, 1024) + zero_point, -128, 127);
    }
}

void mcb_dequantize_s8_f32(int32_t size, float scale, int32_t zero_point, const int8_t *input, float *output)
{
    /* scale * (x - zero point) is exact in double and in float rounds the same way: one rounding. */
    for (int32_t i = 0; i < size; ++i) {
        output[i] = scale * (float)((int32_t)input[i] - zero_point);
    }
}

void mcb_mean_s8(const mcb_mean_params *p, const int8_t *input, int8_t *output)
{
    for (int32_t o = 0; o < p->outer; ++o) {
        const int8_t *in_o = input + o * p->reduce * p->inner;
        for (int32_t i = 0; i < p->inner; ++i) {
            int32_t sum = 0;
            for (int32_t r = 0; r < p->reduce; ++r) {
                sum += in_o[r * p->inner + i];
            }
            const int32_t acc = mcb_mbqm(sum - p->input_zero_point * p->reduce, p->multiplier, p->shift);
            *output++ = (int8_t)mcb_clamp(acc + p->output_zero_point, -128, 127);
        }
    }
}
