/*
 * mcb_mathf.h: expf and tanhf for the float32 kernels (the firmware links no C math library).
 *
 * expf: x = k ln2 + r with |r| <= ln2 / 2 (Cody-Waite: ln2 split in a part exact in float and a
 * remainder), exp(r) by its Taylor polynomial to degree 7 (truncation below 1e-8 relative), times 2^k
 * built in the exponent bits. tanhf: its Taylor polynomial to degree 15 for |x| < 0.4 (truncation
 * below 1e-9), 1 - 2 / (exp(2|x|) + 1) above, where the subtraction loses at most two bits.
 * Both stay within a few units in the last place of the C library's results. mcb_round_f32 is
 * std::round to an int32 (saturating), as TFLite's QUANTIZE calls it.
 */
#ifndef MCB_MATHF_H
#define MCB_MATHF_H

#include <stdint.h>

static inline float mcb_f32_from_bits(uint32_t bits)
{
    union {
        uint32_t u;
        float f;
    } v = {bits};
    return v.f;
}

/* 2^k as a float for -126 <= k <= 127. */
static inline float mcb_pow2f(int32_t k)
{
    return mcb_f32_from_bits((uint32_t)(k + 127) << 23);
}

/* std::round of a float (half away from zero) without the C library. */
static inline int32_t mcb_round_f32(float x)
{
    if (x >= 2147483520.0f) {
        return INT32_MAX;
    }
    if (x <= -2147483648.0f) {
        return INT32_MIN;
    }
    int32_t t = (int32_t)x; /* truncates */
    const float frac = x - (float)t; /* exact: t and x are within one unit */
    if (frac >= 0.5f) {
        t += 1;
    } else if (frac <= -0.5f) {
        t -= 1;
    }
    return t;
}

static inline float mcb_expf(float x)
{
    if (x != x) {
        return x;
    }
    if (x > 88.72283935546875f) {
        return mcb_f32_from_bits(0x7F800000u); /* +inf */
    }
    if (x < -103.97208404541015625f) {
        return 0.0f;
    }
    const float log2e = 1.44269502162933349609375f;
    const int32_t k = (int32_t)(x * log2e + (x >= 0.0f ? 0.5f : -0.5f));
    const float ln2_hi = 0.693145751953125f;      /* 12 significant bits: k * ln2_hi is exact */
    const float ln2_lo = 1.428606765330187045e-6f;
    const float r = (x - (float)k * ln2_hi) - (float)k * ln2_lo;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    if (k > 127) {
        return p * mcb_pow2f(k - 1) * 2.0f;
    }
    if (k < -126) {
        return p * mcb_pow2f(k + 100) * mcb_pow2f(-100);
    }
    return p * mcb_pow2f(k);
}

static inline float mcb_tanhf(float x)
{
    const float a = x < 0.0f ? -x : x;
    float t;
    if (a < 0.4f) {
        const float x2 = x * x;
        float p = -929569.0f / 638512875.0f;
        p = p * x2 + 21844.0f / 6081075.0f;
        p = p * x2 - 1382.0f / 155925.0f;
        p = p * x2 + 62.0f / 2835.0f;
        p = p * x2 - 17.0f / 315.0f;
        p = p * x2 + 2.0f / 15.0f;
        p = p * x2 - 1.0f / 3.0f;
        return x + x * x2 * p;
    }
    t = 1.0f - 2.0f / (mcb_expf(2.0f * a) + 1.0f);
    return x < 0.0f ? -t : t;
}

#endif
