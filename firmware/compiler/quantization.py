"""TFLite's quantization parameter arithmetic (done once, at compile time, in double precision as TFLite
does it in its kernels' Prepare step), so the integer parameters the firmware gets are TFLite's own."""

import ctypes
import ctypes.util
import functools
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


def activation_range(activation: str, scale: float, zero_point: int, qmin=INT8_MIN, qmax=INT8_MAX):
    """The clamp of a fused activation in a quantized type of range [qmin, qmax], int8 unless given
    (TFLite's CalculateActivationRangeQuantized)."""
    scale32 = np.float32(scale)

    def q(f):  # float arithmetic, as the C++ lambda does it
        return zero_point + int(_round_half_away(float(np.float32(f) / scale32)))

    if activation == "NONE":
        return qmin, qmax
    if activation == "RELU":
        return max(qmin, q(0.0)), qmax
    if activation == "RELU6":
        return max(qmin, q(0.0)), min(qmax, q(6.0))
    if activation == "RELU_N1_TO_1":
        return max(qmin, q(-1.0)), min(qmax, q(1.0))
    return None


def softmax_params(beta: float, input_scale: float):
    """(input_multiplier, input_left_shift, diff_min) of TFLite's int8 softmax (5 integer bits)."""
    integer_bits = 5
    real = min(float(beta) * float(input_scale) * (1 << (31 - integer_bits)), (1 << 31) - 1.0)
    multiplier, left_shift = quantize_multiplier(real)
    max_input_rescaled = 1.0 * ((1 << integer_bits) - 1) * (1 << (31 - integer_bits)) / (1 << left_shift)
    diff_min = -int(math.floor(max_input_rescaled))
    return multiplier, left_shift, diff_min


def _round_half_away_f32(x):
    """std::round on a float32: half away from zero, exact (x - trunc(x) is exact in float)."""
    x = np.float32(x)
    t = np.float32(np.trunc(x))
    if np.abs(np.float32(x - t)) >= np.float32(0.5):
        t = np.float32(t + (np.float32(1) if x > 0 else np.float32(-1)))
    return t


@functools.lru_cache(maxsize=None)
def _expf():
    """The C library's expf, the function TFLite Micro's float LUT generation calls."""
    libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    libm.expf.restype = ctypes.c_float
    libm.expf.argtypes = [ctypes.c_float]
    return lambda v: np.float32(libm.expf(float(v)))


def _lut_int16(input_scale, input_zero_point, output_scale, output_zero_point, transform):
    """TFLite's LUTPopulateInt16<float>: 513 int16 values of transform over the int16 input range, each
    sample nudged by half the error of linear interpolation at the segment's midpoint; float32 arithmetic
    step by step as the C++ does it."""
    f = np.float32
    input_min = f(input_scale) * f(-32768 - input_zero_point)
    input_max = f(input_scale) * f(32767 - input_zero_point)
    output_min = f(output_scale) * f(-32768 - output_zero_point)
    output_max = f(output_scale) * f(32767 - output_zero_point)
    steps = 512
    step = f(f(input_max - input_min) / f(steps))
    half_step = f(step / f(2))
    scaling_inv = f(f(65536) / f(output_max - output_min))
    lut = np.zeros(steps + 1, np.int16)
    for i in range(steps):
        val = transform(f(input_min + f(f(i) * step)))
        val_midpoint = transform(f(f(input_min + f(f(i) * step)) + half_step))
        val_next = transform(f(input_min + f(f(i + 1) * step)))
        sample = _round_half_away_f32(f(val * scaling_inv))
        interpolated = _round_half_away_f32(f(f(f(val_next * scaling_inv) + sample) / f(2)))
        midpoint = _round_half_away_f32(f(val_midpoint * scaling_inv))
        bias = _round_half_away_f32(f(f(interpolated - midpoint) / f(2)))
        lut[i] = int(min(max(f(sample - bias), f(-32768)), f(32767)))
    last = _round_half_away_f32(f(transform(input_max) * scaling_inv))
    lut[steps] = int(min(max(last, f(-32768)), f(32767)))
    return lut


def softmax_int16_luts():
    """(exp LUT on [-10, 0], 1 / (1 + x) LUT on [0, 1]) of TFLite Micro's int16 softmax (Prepare)."""
    f = np.float32
    span = f(65535)
    expf = _expf()
    exp_lut = _lut_int16(f(10.0) / span, 32767, f(2.0) / span, 0, expf)
    reciprocal_lut = _lut_int16(f(1.0) / span, -32768, f(2.0) / span, 0, lambda v: f(f(1.0) / f(f(1.0) + v)))
    return exp_lut, reciprocal_lut


def softmax_int16_params(beta: float, input_scale: float):
    """(input multiplier, input left shift) of TFLite's int16 softmax: the input difference scaled so
    that -65535 stands for -10.0."""
    return quantize_multiplier(float(input_scale) * float(beta) / (10.0 / 65535.0))
