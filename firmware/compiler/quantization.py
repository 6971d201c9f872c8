"""TFLite's quantization parameter arithmetic (done once, at compile time, in double precision as TFLite
does it in its kernels' Prepare step), so the integer parameters the firmware gets are TFLite's own."""

import math

import numpy as np

INT8_MIN, INT8_MAX = -128, 127


def quantize_multiplier(real: float):
    """(Q31 multiplier, shift) with real = multiplier * 2^(shift - 31); TFLite's QuantizeMultiplier."""
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    q_fixed = int(math.floor(abs(q) * (1 << 31) + 0.5)) * (1 if q >= 0 else -1)  # std::round: half away
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return (1 << 31) - 1, 30
    return q_fixed, shift


def _round_half_away(x):
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def activation_range(activation: str, scale: float, zero_point: int):
    """The int8 clamp of a fused activation (TFLite's CalculateActivationRangeQuantized)."""
    scale32 = np.float32(scale)

    def q(f):  # float arithmetic, as the C++ lambda does it
        return zero_point + int(_round_half_away(float(np.float32(f) / scale32)))

    if activation == "NONE":
        return INT8_MIN, INT8_MAX
    if activation == "RELU":
        return max(INT8_MIN, q(0.0)), INT8_MAX
    if activation == "RELU6":
        return max(INT8_MIN, q(0.0)), min(INT8_MAX, q(6.0))
    if activation == "RELU_N1_TO_1":
        return max(INT8_MIN, q(-1.0)), min(INT8_MAX, q(1.0))
    return None


def softmax_params(beta: float, input_scale: float):
    """(input_multiplier, input_left_shift, diff_min) of TFLite's int8 softmax (5 integer bits)."""
    integer_bits = 5
    real = min(float(beta) * float(input_scale) * (1 << (31 - integer_bits)), (1 << 31) - 1.0)
    multiplier, left_shift = quantize_multiplier(real)
    max_input_rescaled = 1.0 * ((1 << integer_bits) - 1) * (1 << (31 - integer_bits)) / (1 << left_shift)
    diff_min = -int(math.floor(max_input_rescaled))
    return multiplier, left_shift, diff_min
