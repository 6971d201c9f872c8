/*
 * mcb_fixedpoint.h: the integer arithmetic TFLite's int8 kernels are defined by.
 *
 * These reproduce, operation for operation, the gemmlowp fixed-point primitives TFLite's reference
 * kernels call (SaturatingRoundingDoublingHighMul, RoundingDivideByPOT, MultiplyByQuantizedMultiplier,
 * exp_on_negative_values, one_over_one_plus_x_for_x_in_0_1), because bit-exactness with the reference
 * interpreter depends on every rounding step being the same.
 */
#ifndef MCB_FIXEDPOINT_H
#define MCB_FIXEDPOINT_H

#include <stdint.h>

static inline int32_t mcb_srdhm(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN) {
        return INT32_MAX; /* the one product that overflows */
    }
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    /* C division truncates toward zero, as gemmlowp's does. */
    return (int32_t)((ab + nudge) / (1ll << 31));
}

/* Round-half-away-from-zero division by 2^exponent (0 <= exponent <= 31). */
static inline int32_t mcb_rdbp(int32_t x, int exponent)
{
    int32_t mask = (int32_t)((1ll << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/*
 * x * multiplier * 2^shift, TFLite's MultiplyByQuantizedMultiplier (double rounding).
 * The doubling high multiply is written as (x * m + 2^30) >> 31: for the non-negative multipliers
 * QuantizeMultiplier produces it equals gemmlowp's SaturatingRoundingDoublingHighMul (whose only
 * saturating case needs m = INT32_MIN), and compiles to one multiply-accumulate (SMLAL on Arm).
 */
static inline int32_t mcb_mbqm(int32_t x, int32_t multiplier, int32_t shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    int64_t prod = (int64_t)(int32_t)((uint32_t)x << left) * multiplier + (1ll << 30);
    return mcb_rdbp((int32_t)(prod >> 31), right);
}

static inline int32_t mcb_clamp(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/* gemmlowp SaturatingRoundingMultiplyByPOT with a positive exponent: a saturating left shift. */
static inline int32_t mcb_sat_shl(int32_t x, int exponent)
{
    int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << exponent);
}

/* exp(a) for a in [-1/4, 0), a and the result with 0 integer bits (Q0.31). */
static inline int32_t mcb_exp_quarter(int32_t a)
{
    const int32_t constant_term = 1895147668;  /* exp(-1/8) */
    const int32_t one_third = 715827883;
    int32_t x = a + (1 << 28);                 /* Taylor expansion around -1/8 */
    int32_t x2 = mcb_srdhm(x, x);
    int32_t x3 = mcb_srdhm(x2, x);
    int32_t x4 = mcb_srdhm(x2, x2);
    int32_t x4_over_4 = mcb_rdbp(x4, 2);
    int32_t poly = mcb_rdbp(mcb_srdhm(x4_over_4 + x3, one_third) + x2, 1);
    return constant_term + mcb_srdhm(constant_term, x + poly);
}

/* exp(a) for a <= 0 given with `integer_bits` integer bits (1..5; Q5.26 for softmax); result Q0.31.
 * gemmlowp's exp_on_negative_values: exp of the remainder modulo 1/4 by a polynomial, times exp(-2^k)
 * for each set bit of the rest. */
static inline int32_t mcb_exp_on_negative_values(int32_t a, int integer_bits)
{
    const int fractional_bits = 31 - integer_bits;
    const int32_t one_quarter = 1 << (fractional_bits - 2);
    const int32_t mask = one_quarter - 1;
    int32_t a_mod_quarter_minus_one_quarter = (a & mask) - one_quarter;
    int32_t result = mcb_exp_quarter(mcb_sat_shl(a_mod_quarter_minus_one_quarter, integer_bits));
    int32_t remainder = a_mod_quarter_minus_one_quarter - a;
    /* exp(-2^k) for k = -2..4, Q0.31; only the exponents below integer_bits exist. */
    static const int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    for (int k = 0; k < integer_bits + 2 && k < 7; ++k) {
        if (remainder & (1 << (fractional_bits - 2 + k))) {
            result = mcb_srdhm(result, multipliers[k]);
        }
    }
    if (a == 0) {
        result = INT32_MAX;
    }
    return result;
}

static inline int32_t mcb_exp_on_negative_values_q5(int32_t a)
{
    return mcb_exp_on_negative_values(a, 5);
}

/* The Newton-Raphson iterations gemmlowp uses for 1/(1 + a), a in [0, 1) Q0.31: x ~ 1/(1+a) in Q2.29. */
static inline int32_t mcb_newton_reciprocal_q2(int32_t a)
{
    int64_t sum = (int64_t)a + INT32_MAX;
    int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    const int32_t c48_17 = 1515870810;     /* 48/17, Q2.29 */
    const int32_t cneg32_17 = -1010580540; /* -32/17, Q2.29 */
    int32_t x = c48_17 + mcb_srdhm(half_denominator, cneg32_17);
    for (int i = 0; i < 3; ++i) {
        int32_t hdx = mcb_srdhm(half_denominator, x);
        int32_t one_minus = (1 << 29) - hdx;
        x = x + mcb_sat_shl(mcb_srdhm(x, one_minus), 2);
    }
    return x;
}

/* (1 - a) / (1 + a) for a in [0, 1), Q0.31 (gemmlowp one_minus_x_over_one_plus_x_for_x_in_0_1). */
static inline int32_t mcb_one_minus_x_over_one_plus_x(int32_t a)
{
    return mcb_sat_shl(mcb_newton_reciprocal_q2(a) - (1 << 29), 2);
}

/* 1 / (1 + x) for x in [0, 1), both Q0.31 (gemmlowp one_over_one_plus_x_for_x_in_0_1). */
static inline int32_t mcb_one_over_one_plus_x(int32_t a)
{
    return mcb_sat_shl(mcb_newton_reciprocal_q2(a), 1);
}

#endif
