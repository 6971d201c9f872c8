"""Every supported op on random shapes and quantization parameters: the generated C (host build) equals
the TFLite Micro reference interpreter byte for byte. Models are written with firmware.compiler.tflite_writer."""

import zlib

import numpy as np
import pytest

from mcubench.benchmarks.reference import interpreter_outputs
from mcubench.firmware.compiler.tflite_writer import write_model

from host_build import run_model_on_host
from random_layers import broadcast_shapes, conv_window, pool_window

ACTS = ["NONE", "RELU", "RELU6"]


def _quant_for(real, rng):
    """Output quantization covering the float results (with some random slack so clamping happens too)."""
    lo, hi = float(np.min(real)), float(np.max(real))
    lo, hi = min(lo, 0.0), max(hi, 1e-3)
    span = (hi - lo) * rng.uniform(0.6, 1.1)
    scale = max(span / 255.0, 1e-6)
    zp = int(np.clip(round(-128 - lo / scale), -128, 127))
    return np.float32(scale), zp


def _act_tensor(name, shape, rng, scale=None, zp=None):
    return dict(name=name, shape=list(shape), dtype="int8",
                scale=np.float32(scale if scale is not None else rng.uniform(0.005, 0.1)),
                zero_point=int(zp if zp is not None else rng.integers(-100, 100)))


def _dequant(t, x):
    return (x.astype(np.float64) - t["zero_point"]) * float(t["scale"])


def conv_model(rng, depthwise=False, channels=None):
    win = conv_window(rng, depthwise, channels=channels)
    c, oc, kh, kw = win.c, win.oc, win.kh, win.kw
    inp = _act_tensor("in", (1, win.h, win.w, c), rng)
    w_shape = win.filter_shape(depthwise)
    wdata = rng.integers(-127, 128, size=w_shape).astype(np.int8)
    wscale = rng.uniform(0.002, 0.02, size=oc).astype(np.float32)
    per_channel = rng.random() < 0.8
    if not per_channel:
        wscale = wscale[:1]
    bias_scale = (np.float32(inp["scale"]) * wscale).astype(np.float32)
    bias = rng.integers(-3000, 3000, size=oc).astype(np.int32)
    # Rough float range of the accumulation for the output quantization.
    k = kh * kw * (1 if depthwise else c)
    real_span = 128 * 128 * float(inp["scale"]) * float(np.mean(wscale)) * np.sqrt(k) * 0.8
    out_scale, out_zp = _quant_for(np.array([-real_span, real_span]), rng)
    act = str(rng.choice(ACTS))
    tensors = [inp,
               dict(name="w", shape=list(w_shape), dtype="int8", scale=wscale, zero_point=np.zeros(len(wscale), np.int64),
                    quantized_dimension=3 if depthwise else 0, data=wdata),
               dict(name="b", shape=[oc], dtype="int32", scale=bias_scale, zero_point=np.zeros(len(bias_scale), np.int64),
                    data=bias),
               dict(name="out", shape=[1, win.oh, win.ow, oc], dtype="int8", scale=out_scale, zero_point=out_zp)]
    opts = win.conv_options(act, depthwise)
    op = "DEPTHWISE_CONV_2D" if depthwise else "CONV_2D"
    return write_model(tensors, [dict(op=op, inputs=[0, 1, 2], outputs=[3], options=opts)], [0], [3])


def fc_model(rng):
    batches, n_in, n_out = int(rng.integers(1, 4)), int(rng.integers(1, 80)), int(rng.integers(1, 40))
    inp = _act_tensor("in", (batches, n_in), rng)
    wscale = np.float32(rng.uniform(0.002, 0.02))
    real_span = 128 * 128 * float(inp["scale"]) * float(wscale) * np.sqrt(n_in) * 0.8
    out_scale, out_zp = _quant_for(np.array([-real_span, real_span]), rng)
    tensors = [inp,
               dict(name="w", shape=[n_out, n_in], dtype="int8", scale=wscale, zero_point=0,
                    data=rng.integers(-127, 128, size=(n_out, n_in)).astype(np.int8)),
               dict(name="b", shape=[n_out], dtype="int32", scale=np.float32(inp["scale"]) * wscale, zero_point=0,
                    data=rng.integers(-3000, 3000, size=n_out).astype(np.int32)),
               dict(name="out", shape=[batches, n_out], dtype="int8", scale=out_scale, zero_point=out_zp)]
    ops = [dict(op="FULLY_CONNECTED", inputs=[0, 1, 2], outputs=[3], options=dict(activation=str(rng.choice(ACTS))))]
    return write_model(tensors, ops, [0], [3])


def fc_without_headroom_model(rng):
    """A long FC whose requantization multiplier exceeds 1 (a left shift): the compiler cannot prove
    accumulator headroom, so the DSP kernel takes its SMLAL requantization path."""
    n_in, n_out = int(rng.integers(900, 1200)), int(rng.integers(3, 9))
    inp = _act_tensor("in", (1, n_in), rng, scale=0.05)
    wscale = np.float32(0.01)
    out_scale = np.float32(float(inp["scale"]) * float(wscale) / rng.uniform(150, 300))
    tensors = [inp,
               dict(name="w", shape=[n_out, n_in], dtype="int8", scale=wscale, zero_point=0,
                    data=rng.integers(-127, 128, size=(n_out, n_in)).astype(np.int8)),
               dict(name="b", shape=[n_out], dtype="int32", scale=np.float32(inp["scale"]) * wscale, zero_point=0,
                    data=rng.integers(-100, 100, size=n_out).astype(np.int32)),
               dict(name="out", shape=[1, n_out], dtype="int8", scale=out_scale, zero_point=0)]
    ops = [dict(op="FULLY_CONNECTED", inputs=[0, 1, 2], outputs=[3], options=dict(activation="NONE"))]
    return write_model(tensors, ops, [0], [3])


def pool_model(rng, op):
    win = pool_window(rng)
    inp = _act_tensor("in", (1, win.h, win.w, win.c), rng)
    out = dict(inp, name="out", shape=[1, win.oh, win.ow, win.c])
    opts = win.pool_options(str(rng.choice(ACTS)))
    return write_model([inp, out], [dict(op=op, inputs=[0], outputs=[1], options=opts)], [0], [1])


def binary_model(rng, op, large=False, activation=None):
    if large:  # from 1024 elements, odd counts too: the DSP ADD's table paths
        shape = [1, int(rng.integers(8, 17)), int(rng.integers(8, 17)), int(rng.integers(9, 18))]
        shape2 = list(shape)
    else:
        shape, shape2 = broadcast_shapes(rng, 0.4)
    a, b = _act_tensor("a", shape, rng), _act_tensor("b", shape2, rng)
    if op == "ADD":
        span = 128 * (float(a["scale"]) + float(b["scale"]))
    else:
        span = 128 * 128 * float(a["scale"]) * float(b["scale"])
    out_scale, out_zp = _quant_for(np.array([-span, span]), rng)
    out = dict(name="out", shape=shape, dtype="int8", scale=out_scale, zero_point=out_zp)
    activation = activation or str(rng.choice(ACTS))
    ops = [dict(op=op, inputs=[0, 1], outputs=[2], options=dict(activation=activation))]
    # Two graph inputs are not supported by the harness: make the second operand a constant.
    b["data"] = rng.integers(-128, 128, size=shape2).astype(np.int8)
    return write_model([a, b, out], ops, [0], [2])


def add_two_activations_model(rng):
    """ADD of a tensor and a RELU of it (two activation inputs, in-place legal)."""
    shape = [1, int(rng.integers(1, 8)), int(rng.integers(1, 8)), int(rng.integers(1, 8))]
    a = _act_tensor("a", shape, rng)
    r = _act_tensor("r", shape, rng)
    out = _act_tensor("out", shape, rng, scale=float(a["scale"]) * 2, zp=0)
    ops = [dict(op="RELU", inputs=[0], outputs=[1]), dict(op="ADD", inputs=[0, 1], outputs=[2])]
    return write_model([a, r, out], ops, [0], [2])


def softmax_model(rng):
    rows, depth = int(rng.integers(1, 4)), int(rng.integers(1, 40))
    inp = _act_tensor("in", (rows, depth), rng, scale=rng.uniform(0.01, 0.3))
    out = dict(name="out", shape=[rows, depth], dtype="int8", scale=np.float32(1 / 256), zero_point=-128)
    opts = dict(beta=float(rng.choice([1.0, 0.5, 2.0])))
    return write_model([inp, out], [dict(op="SOFTMAX", inputs=[0], outputs=[1], options=opts)], [0], [1])


def unary_model(rng, op):
    shape = [1, int(rng.integers(1, 6)), int(rng.integers(1, 6)), int(rng.integers(1, 8))]
    inp = _act_tensor("in", shape, rng)
    # TFLite Micro's RELU6 assumes the converter's choice: output quantization = input quantization.
    out = dict(inp, name="out") if op == "RELU6" else _act_tensor("out", shape, rng)
    return write_model([inp, out], [dict(op=op, inputs=[0], outputs=[1])], [0], [1])


def pad_model(rng):
    shape = [1, int(rng.integers(1, 6)), int(rng.integers(1, 6)), int(rng.integers(1, 5))]
    pads = np.array([[0, 0]] + [[int(rng.integers(0, 3)), int(rng.integers(0, 3))] for _ in range(3)], np.int32)
    inp = _act_tensor("in", shape, rng)
    out = dict(inp, name="out", shape=[s + int(p.sum()) for s, p in zip(shape, pads)])
    paddings = dict(name="pads", shape=[4, 2], dtype="int32", data=pads)
    return write_model([inp, paddings, out], [dict(op="PAD", inputs=[0, 1], outputs=[2])], [0], [2])


def concat_model(rng):
    shape = [1, int(rng.integers(1, 5)), int(rng.integers(1, 5)), int(rng.integers(1, 5))]
    axis = int(rng.integers(1, 4))
    inp = _act_tensor("in", shape, rng)
    relu = dict(inp, name="relu")
    const_shape = list(shape)
    const_shape[axis] = int(rng.integers(1, 4))
    const = dict(inp, name="const", shape=const_shape, data=rng.integers(-128, 128, size=const_shape).astype(np.int8))
    out_shape = list(shape)
    out_shape[axis] = 2 * shape[axis] + const_shape[axis]
    out = dict(inp, name="out", shape=out_shape)
    ops = [dict(op="RELU", inputs=[0], outputs=[1]),
           dict(op="CONCATENATION", inputs=[0, 2, 1], outputs=[3], options=dict(axis=axis - 4 if rng.random() < 0.5 else axis))]
    return write_model([inp, relu, const, out], ops, [0], [3])


def reshape_model(rng):
    """RESHAPE between two layers: the alias must not break the plan."""
    shape = [1, int(rng.integers(1, 6)), int(rng.integers(1, 6)), int(rng.integers(1, 6))]
    inp = _act_tensor("in", shape, rng)
    relu = _act_tensor("relu", shape, rng)
    flat = dict(relu, name="flat", shape=[1, int(np.prod(shape))])
    new_shape = dict(name="new_shape", shape=[2], dtype="int32", data=np.array([1, int(np.prod(shape))], np.int32))
    out = dict(name="out", shape=[1, int(np.prod(shape))], dtype="int8", scale=np.float32(1 / 256), zero_point=-128)
    ops = [dict(op="RELU", inputs=[0], outputs=[1]), dict(op="RESHAPE", inputs=[1, 3], outputs=[2]),
           dict(op="SOFTMAX", inputs=[2], outputs=[4], options=dict(beta=1.0))]
    return write_model([inp, relu, flat, new_shape, out], ops, [0], [4])


def logistic_tanh_model(rng, op):
    shape = [1, int(rng.integers(1, 6)), int(rng.integers(1, 6)), int(rng.integers(1, 8))]
    inp = _act_tensor("in", shape, rng, scale=rng.uniform(0.005, 0.2))
    scale, zp = (1 / 256, -128) if op == "LOGISTIC" else (1 / 128, 0)
    out = dict(name="out", shape=shape, dtype="int8", scale=np.float32(scale), zero_point=zp)
    return write_model([inp, out], [dict(op=op, inputs=[0], outputs=[1])], [0], [1])


def mean_model(rng):
    shape = [1, int(rng.integers(1, 7)), int(rng.integers(1, 7)), int(rng.integers(1, 9))]
    inp = _act_tensor("in", shape, rng)
    keep = bool(rng.random() < 0.5)
    out = _act_tensor("out", [1, 1, 1, shape[3]] if keep else [1, shape[3]], rng,
                      scale=float(inp["scale"]) * rng.uniform(0.5, 2.0))
    axes = dict(name="axes", shape=[2], dtype="int32", data=np.array([1, 2], np.int32))
    ops = [dict(op="MEAN", inputs=[0, 2], outputs=[1], options=dict(keep_dims=keep))]
    return write_model([inp, out, axes], ops, [0], [1])


def quantize_float_model(rng):
    """float input -> QUANTIZE -> RELU -> DEQUANTIZE -> float output (a float-interface int8 model)."""
    shape = [1, int(rng.integers(1, 6)), int(rng.integers(1, 6)), int(rng.integers(1, 6))]
    f_in = dict(name="f_in", shape=shape, dtype="float32")
    q = _act_tensor("q", shape, rng)
    r = _act_tensor("r", shape, rng)
    f_out = dict(name="f_out", shape=shape, dtype="float32")
    ops = [dict(op="QUANTIZE", inputs=[0], outputs=[1]), dict(op="RELU", inputs=[1], outputs=[2]),
           dict(op="DEQUANTIZE", inputs=[2], outputs=[3])]
    return write_model([f_in, q, r, f_out], ops, [0], [3])


GENERATORS = {
    "CONV_2D": lambda rng: conv_model(rng, depthwise=False),
    "DEPTHWISE_CONV_2D": lambda rng: conv_model(rng, depthwise=True),
    "FULLY_CONNECTED": fc_model,
    "FULLY_CONNECTED_NO_HEADROOM": fc_without_headroom_model,
    "DEPTHWISE_CONV_2D_C4": lambda rng: conv_model(rng, depthwise=True, channels=[4, 8, 12]),
    "CONV_2D_C4": lambda rng: conv_model(rng, depthwise=False, channels=[4, 8, 16]),
    "AVERAGE_POOL_2D": lambda rng: pool_model(rng, "AVERAGE_POOL_2D"),
    "MAX_POOL_2D": lambda rng: pool_model(rng, "MAX_POOL_2D"),
    "ADD": lambda rng: binary_model(rng, "ADD"),
    "ADD_LARGE": lambda rng: binary_model(rng, "ADD", large=True),
    "ADD_LARGE_RELU6": lambda rng: binary_model(rng, "ADD", large=True, activation="RELU6"),
    "ADD_TWO_ACTIVATIONS": add_two_activations_model,
    "MUL": lambda rng: binary_model(rng, "MUL"),
    "SOFTMAX": softmax_model,
    "RELU": lambda rng: unary_model(rng, "RELU"),
    "RELU6": lambda rng: unary_model(rng, "RELU6"),
    "QUANTIZE": lambda rng: unary_model(rng, "QUANTIZE"),
    "PAD": pad_model,
    "CONCATENATION": concat_model,
    "RESHAPE": reshape_model,
    "LOGISTIC": lambda rng: logistic_tanh_model(rng, "LOGISTIC"),
    "TANH": lambda rng: logistic_tanh_model(rng, "TANH"),
    "MEAN": mean_model,
    "QUANTIZE_DEQUANTIZE_FLOAT": quantize_float_model,
}

CASES_PER_OP = 4


def tflm_run(model_bytes, xs):
    """TFLite Micro's outputs as raw bytes per input (any output type), as the host build prints them."""
    return np.ascontiguousarray(interpreter_outputs(model_bytes, xs)).view(np.int8).reshape(len(xs), -1)


def random_inputs(rng, t_in, n):
    """n random inputs for a model input tensor: int8 values, or floats over a few quantization steps."""
    if t_in.dtype == "float32":
        return (rng.normal(0, 3, size=(n, *t_in.shape)) * rng.choice([0.1, 1.0, 10.0])).astype(np.float32)
    return rng.integers(-128, 128, size=(n, *t_in.shape)).astype(np.int8)


def check_on_host(tmp_path, model_bytes, rng, n_inputs=3):
    _, xs, ours = run_model_on_host(tmp_path, model_bytes, lambda t_in: random_inputs(rng, t_in, n_inputs))
    ref = tflm_run(model_bytes, xs)
    assert ours.shape == ref.shape
    diff = np.flatnonzero(ours != ref)
    assert diff.size == 0, f"{diff.size} bytes differ, first at {diff[0]}: ours {ours.flat[diff[0]]}, ref {ref.flat[diff[0]]}"


@pytest.mark.slow
@pytest.mark.parametrize("op", sorted(GENERATORS))
def test_op_bit_exact_on_random_cases(tmp_path, op):
    for case in range(CASES_PER_OP):
        rng = np.random.default_rng([zlib.crc32(op.encode()), case])
        check_on_host(tmp_path / str(case), GENERATORS[op](rng), rng)
