"""Int16x8 models (16-bit activations, int8 weights, int64 biases) of every op the int16 lowering covers, on
random shapes and quantization: the generated C (host build) equals the TFLite Micro interpreter byte for
byte. Models are written with firmware.compiler.tflite_writer."""

import zlib

import numpy as np
import pytest

from mcubench.benchmarks.reference import interpreter_outputs
from mcubench.firmware.compiler.tflite_writer import write_model

from host_build import run_model_on_host
from random_layers import broadcast_shapes, conv_window, pool_window

ACTS = ["NONE", "RELU", "RELU6"]


def _act16(name, shape, scale):
    return dict(name=name, shape=list(shape), dtype="int16", scale=np.float32(scale), zero_point=0)


def _out_scale(span, rng):
    """An output scale covering +-span over the int16 range, with some slack so clamping happens too."""
    return np.float32(max(span * rng.uniform(0.6, 1.1) / 32767, 1e-9))


def conv_model(rng, depthwise=False, pointwise=False):
    win = conv_window(rng, depthwise, max_hw=10, pointwise=pointwise)
    c, oc, kh, kw = win.c, win.oc, win.kh, win.kw
    in_scale = rng.uniform(1e-4, 1e-3)
    w_shape = win.filter_shape(depthwise)
    wscale = rng.uniform(0.002, 0.02, size=oc).astype(np.float32)
    if rng.random() < 0.2:
        wscale = wscale[:1]
    k = kh * kw * (1 if depthwise else c)
    span = 32768 * 128 * in_scale * float(np.mean(wscale)) * np.sqrt(k) * 0.5
    bias_scale = (np.float32(in_scale) * wscale).astype(np.float32)
    tensors = [_act16("in", (1, win.h, win.w, c), in_scale),
               dict(name="w", shape=list(w_shape), dtype="int8", scale=wscale, zero_point=np.zeros(len(wscale), np.int64),
                    quantized_dimension=3 if depthwise else 0,
                    data=rng.integers(-127, 128, size=w_shape).astype(np.int8)),
               dict(name="b", shape=[oc], dtype="int64", scale=bias_scale, zero_point=np.zeros(len(bias_scale), np.int64),
                    data=rng.integers(-300000, 300000, size=oc).astype(np.int64)),
               _act16("out", (1, win.oh, win.ow, oc), _out_scale(span, rng))]
    opts = win.conv_options(str(rng.choice(ACTS)), depthwise)
    op = "DEPTHWISE_CONV_2D" if depthwise else "CONV_2D"
    return write_model(tensors, [dict(op=op, inputs=[0, 1, 2], outputs=[3], options=opts)], [0], [3])


def fc_model(rng, long=False):
    batches = int(rng.integers(1, 4))
    n_in = int(rng.integers(300, 700)) if long else int(rng.integers(1, 80))  # long: several 256-product blocks
    n_out = int(rng.integers(1, 40))
    in_scale = rng.uniform(1e-4, 1e-3)
    wscale = np.float32(rng.uniform(0.002, 0.02))
    span = 32768 * 128 * in_scale * float(wscale) * np.sqrt(n_in) * 0.5
    tensors = [_act16("in", (batches, n_in), in_scale),
               dict(name="w", shape=[n_out, n_in], dtype="int8", scale=wscale, zero_point=0,
                    data=rng.integers(-127, 128, size=(n_out, n_in)).astype(np.int8)),
               dict(name="b", shape=[n_out], dtype="int64", scale=np.float32(in_scale) * wscale, zero_point=0,
                    data=rng.integers(-300000, 300000, size=n_out).astype(np.int64)),
               _act16("out", (batches, n_out), _out_scale(span, rng))]
    ops = [dict(op="FULLY_CONNECTED", inputs=[0, 1, 2], outputs=[3], options=dict(activation=str(rng.choice(ACTS))))]
    return write_model(tensors, ops, [0], [3])


def pool_model(rng, op):
    win = pool_window(rng)
    scale = rng.uniform(1e-4, 1e-2)
    opts = win.pool_options(str(rng.choice(ACTS)))
    return write_model([_act16("in", (1, win.h, win.w, win.c), scale), _act16("out", (1, win.oh, win.ow, win.c), scale)],
                       [dict(op=op, inputs=[0], outputs=[1], options=opts)], [0], [1])


def add_model(rng):
    shape, shape2 = broadcast_shapes(rng, 0.4)
    s1, s2 = rng.uniform(1e-4, 1e-3), rng.uniform(1e-4, 1e-3)
    b = _act16("b", shape2, s2)
    b["data"] = rng.integers(-32768, 32768, size=shape2).astype(np.int16)
    out = _act16("out", shape, _out_scale(32768 * (s1 + s2), rng))
    ops = [dict(op="ADD", inputs=[0, 1], outputs=[2], options=dict(activation=str(rng.choice(ACTS))))]
    return write_model([_act16("a", shape, s1), b, out], ops, [0], [2])


def softmax_model(rng):
    rows, depth = int(rng.integers(1, 4)), int(rng.integers(1, 40))
    tensors = [_act16("in", (rows, depth), rng.uniform(1e-4, 1e-3)), _act16("out", (rows, depth), 1 / 32768)]
    opts = dict(beta=float(rng.choice([1.0, 0.5, 2.0])))
    return write_model(tensors, [dict(op="SOFTMAX", inputs=[0], outputs=[1], options=opts)], [0], [1])


def reshape_pad_concat_model(rng):
    """RESHAPE (an alias), PAD and CONCATENATION of int16 tensors: byte copies of two-byte elements."""
    shape = [1] + [int(d) for d in rng.integers(1, 5, size=3)]
    scale = rng.uniform(1e-4, 1e-3)
    pads = np.array([[0, 0]] + [[int(rng.integers(0, 3)), int(rng.integers(0, 3))] for _ in range(3)], np.int32)
    padded = [s + int(p.sum()) for s, p in zip(shape, pads)]
    n = int(np.prod(padded))
    tensors = [_act16("in", shape, scale), dict(name="pads", shape=[4, 2], dtype="int32", data=pads),
               _act16("padded", padded, scale), dict(name="new_shape", shape=[2], dtype="int32",
                                                      data=np.array([1, n], np.int32)),
               _act16("flat", [1, n], scale), _act16("out", [1, 2 * n], scale)]
    ops = [dict(op="PAD", inputs=[0, 1], outputs=[2]), dict(op="RESHAPE", inputs=[2, 3], outputs=[4]),
           dict(op="CONCATENATION", inputs=[4, 4], outputs=[5], options=dict(axis=1))]
    return write_model(tensors, ops, [0], [5])


def float_interface_model(rng):
    """float -> QUANTIZE (int16) -> FULLY_CONNECTED -> DEQUANTIZE -> float, as a converter writes a 16x8
    model with float input and output."""
    n_in, n_out = int(rng.integers(2, 40)), int(rng.integers(2, 20))
    in_scale = np.float32(1 / 4096)
    wscale = np.float32(0.01)
    tensors = [dict(name="f_in", shape=[1, n_in], dtype="float32"), _act16("q", (1, n_in), in_scale),
               dict(name="w", shape=[n_out, n_in], dtype="int8", scale=wscale, zero_point=0,
                    data=rng.integers(-127, 128, size=(n_out, n_in)).astype(np.int8)),
               dict(name="b", shape=[n_out], dtype="int64", scale=in_scale * wscale, zero_point=0,
                    data=rng.integers(-3000, 3000, size=n_out).astype(np.int64)),
               _act16("y", (1, n_out), _out_scale(8 * 128 * 0.01 * np.sqrt(n_in), rng)),
               dict(name="f_out", shape=[1, n_out], dtype="float32")]
    ops = [dict(op="QUANTIZE", inputs=[0], outputs=[1]),
           dict(op="FULLY_CONNECTED", inputs=[1, 2, 3], outputs=[4], options=dict(activation="NONE")),
           dict(op="DEQUANTIZE", inputs=[4], outputs=[5])]
    return write_model(tensors, ops, [0], [5])


GENERATORS = {
    "CONV_2D": lambda rng: conv_model(rng),
    "CONV_2D_1X1": lambda rng: conv_model(rng, pointwise=True),
    "DEPTHWISE_CONV_2D": lambda rng: conv_model(rng, depthwise=True),
    "FULLY_CONNECTED": fc_model,
    "FULLY_CONNECTED_LONG": lambda rng: fc_model(rng, long=True),
    "AVERAGE_POOL_2D": lambda rng: pool_model(rng, "AVERAGE_POOL_2D"),
    "MAX_POOL_2D": lambda rng: pool_model(rng, "MAX_POOL_2D"),
    "ADD": add_model,
    "SOFTMAX": softmax_model,
    "RESHAPE_PAD_CONCATENATION": reshape_pad_concat_model,
    "QUANTIZE_DEQUANTIZE_FLOAT": float_interface_model,
}


def inputs_for(rng, tensor, n):
    if tensor.dtype == "float32":
        return (rng.normal(0, 2, size=(n, *tensor.shape))).astype(np.float32)
    return rng.integers(-32768, 32768, size=(n, *tensor.shape)).astype(np.int16)


def tflm_raw(model_bytes, xs):
    """TFLite Micro's outputs as raw bytes per input, as the host build prints them."""
    return np.ascontiguousarray(interpreter_outputs(model_bytes, xs)).view(np.uint8).reshape(len(xs), -1)


@pytest.mark.slow
@pytest.mark.parametrize("op", sorted(GENERATORS))
def test_s16_op_bit_exact_on_random_cases(tmp_path, op):
    for case in range(3):
        rng = np.random.default_rng([zlib.crc32(op.encode()), case, 16])
        model = GENERATORS[op](rng)
        _, xs, ours = run_model_on_host(tmp_path / str(case), model, lambda t_in, rng=rng: inputs_for(rng, t_in, 3))
        ours, ref = ours.view(np.uint8), tflm_raw(model, xs)
        diff = np.flatnonzero(ours != ref)
        assert diff.size == 0, f"case {case}: {diff.size} bytes differ, first at byte {diff[0]}"
