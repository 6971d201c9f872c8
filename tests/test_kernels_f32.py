"""Float32 models of every op on random shapes: the generated C (host build) against the TFLite Micro
interpreter. Ops whose kernels only multiply, add, divide and compare must give the interpreter's float32
results bit for bit; SOFTMAX, LOGISTIC and TANH (the firmware's own expf/tanhf) must agree within the
stated tolerance (benchmarks.reference.outputs_agree). Hybrid layers (int8 weights, float activations)
are checked against the interpreter on the same network with the weights dequantized."""

import zlib

import numpy as np
import pytest

from mcubench.benchmarks.reference import FLOAT_ATOL, FLOAT_RTOL, interpreter_outputs, outputs_agree
from mcubench.firmware.compiler.tflite_writer import write_model

from host_build import run_model_on_host
from random_layers import broadcast_shapes, conv_window, pool_window

ACTS = ["NONE", "RELU", "RELU6"]
APPROXIMATE = {"SOFTMAX", "LOGISTIC", "TANH"}  # the ops that call expf/tanhf


def _f(name, shape, data=None):
    return dict(name=name, shape=list(shape), dtype="float32", data=data)


def _normal(rng, shape, scale=1.0):
    return (rng.normal(0, scale, size=shape)).astype(np.float32)


def conv_model(rng, depthwise=False, hybrid=False):
    win = conv_window(rng, depthwise)
    oc, w_shape = win.oc, win.filter_shape(depthwise)
    if hybrid:
        scale = rng.uniform(0.002, 0.02, size=1).astype(np.float32)
        weights = dict(name="w", shape=list(w_shape), dtype="int8", scale=scale, zero_point=np.zeros(1, np.int64),
                       data=rng.integers(-127, 128, size=w_shape).astype(np.int8))
    else:
        weights = _f("w", w_shape, _normal(rng, w_shape))
    tensors = [_f("in", (1, win.h, win.w, win.c)), weights, _f("b", (oc,), _normal(rng, (oc,))),
               _f("out", (1, win.oh, win.ow, oc))]
    opts = win.conv_options(str(rng.choice(ACTS)), depthwise)
    op = "DEPTHWISE_CONV_2D" if depthwise else "CONV_2D"
    return write_model(tensors, [dict(op=op, inputs=[0, 1, 2], outputs=[3], options=opts)], [0], [3])


def pointwise_model(rng):
    """1x1 stride-1 convolution: the kernel reads its columns straight from the input (no scratch)."""
    h, w, c, oc = (int(v) for v in rng.integers(1, 9, size=4))
    tensors = [_f("in", (1, h, w, c)), _f("w", (oc, 1, 1, c), _normal(rng, (oc, 1, 1, c))),
               _f("b", (oc,), _normal(rng, (oc,))), _f("out", (1, h, w, oc))]
    opts = dict(padding=str(rng.choice(["SAME", "VALID"])), activation=str(rng.choice(ACTS)))
    return write_model(tensors, [dict(op="CONV_2D", inputs=[0, 1, 2], outputs=[3], options=opts)], [0], [3])


def fc_model(rng, hybrid=False):
    batches, n_in, n_out = int(rng.integers(1, 4)), int(rng.integers(1, 80)), int(rng.integers(1, 40))
    if hybrid:
        weights = dict(name="w", shape=[n_out, n_in], dtype="int8", scale=np.float32(rng.uniform(0.002, 0.02)),
                       zero_point=0, data=rng.integers(-127, 128, size=(n_out, n_in)).astype(np.int8))
    else:
        weights = _f("w", (n_out, n_in), _normal(rng, (n_out, n_in)))
    tensors = [_f("in", (batches, n_in)), weights, _f("b", (n_out,), _normal(rng, (n_out,))),
               _f("out", (batches, n_out))]
    ops = [dict(op="FULLY_CONNECTED", inputs=[0, 1, 2], outputs=[3], options=dict(activation=str(rng.choice(ACTS))))]
    return write_model(tensors, ops, [0], [3])


def pool_model(rng, op):
    win = pool_window(rng)
    opts = win.pool_options(str(rng.choice(ACTS)))
    return write_model([_f("in", (1, win.h, win.w, win.c)), _f("out", (1, win.oh, win.ow, win.c))],
                       [dict(op=op, inputs=[0], outputs=[1], options=opts)], [0], [1])


def binary_model(rng, op):
    shape, shape2 = broadcast_shapes(rng, 0.5)
    ops = [dict(op=op, inputs=[0, 1], outputs=[2], options=dict(activation=str(rng.choice(ACTS))))]
    return write_model([_f("a", shape), _f("b", shape2, _normal(rng, shape2)), _f("out", shape)], ops, [0], [2])


def add_two_activations_model(rng):
    shape = [1] + [int(d) for d in rng.integers(1, 8, size=3)]
    ops = [dict(op="RELU", inputs=[0], outputs=[1]), dict(op="ADD", inputs=[0, 1], outputs=[2])]
    return write_model([_f("a", shape), _f("r", shape), _f("out", shape)], ops, [0], [2])


def softmax_model(rng):
    rows, depth = int(rng.integers(1, 4)), int(rng.integers(1, 40))
    opts = dict(beta=float(rng.choice([1.0, 0.5, 2.0])))
    return write_model([_f("in", (rows, depth)), _f("out", (rows, depth))],
                       [dict(op="SOFTMAX", inputs=[0], outputs=[1], options=opts)], [0], [1])


def unary_model(rng, op):
    shape = [1] + [int(d) for d in rng.integers(1, 7, size=3)]
    return write_model([_f("in", shape), _f("out", shape)], [dict(op=op, inputs=[0], outputs=[1])], [0], [1])


def mean_model(rng):
    shape = [1] + [int(d) for d in rng.integers(1, 8, size=3)]
    keep = bool(rng.random() < 0.5)
    axes = dict(name="axes", shape=[2], dtype="int32", data=np.array([1, 2], np.int32))
    out = _f("out", [1, 1, 1, shape[3]] if keep else [1, shape[3]])
    ops = [dict(op="MEAN", inputs=[0, 2], outputs=[1], options=dict(keep_dims=keep))]
    return write_model([_f("in", shape), out, axes], ops, [0], [1])


def pad_model(rng):
    shape = [1] + [int(d) for d in rng.integers(1, 6, size=3)]
    pads = np.array([[0, 0]] + [[int(rng.integers(0, 3)), int(rng.integers(0, 3))] for _ in range(3)], np.int32)
    out = _f("out", [s + int(p.sum()) for s, p in zip(shape, pads)])
    paddings = dict(name="pads", shape=[4, 2], dtype="int32", data=pads)
    return write_model([_f("in", shape), paddings, out], [dict(op="PAD", inputs=[0, 1], outputs=[2])], [0], [2])


def concat_model(rng):
    shape = [1] + [int(d) for d in rng.integers(1, 5, size=3)]
    axis = int(rng.integers(1, 4))
    const_shape = list(shape)
    const_shape[axis] = int(rng.integers(1, 4))
    out_shape = list(shape)
    out_shape[axis] = 2 * shape[axis] + const_shape[axis]
    ops = [dict(op="RELU", inputs=[0], outputs=[1]),
           dict(op="CONCATENATION", inputs=[0, 2, 1], outputs=[3], options=dict(axis=axis))]
    return write_model([_f("in", shape), _f("relu", shape), _f("const", const_shape, _normal(rng, const_shape)),
                        _f("out", out_shape)], ops, [0], [3])


def reshape_model(rng):
    shape = [1] + [int(d) for d in rng.integers(1, 6, size=3)]
    n = int(np.prod(shape))
    new_shape = dict(name="new_shape", shape=[2], dtype="int32", data=np.array([1, n], np.int32))
    ops = [dict(op="RELU", inputs=[0], outputs=[1]), dict(op="RESHAPE", inputs=[1, 3], outputs=[2]),
           dict(op="RELU6", inputs=[2], outputs=[4])]
    return write_model([_f("in", shape), _f("relu", shape), _f("flat", [1, n]), new_shape, _f("out", [1, n])],
                       ops, [0], [4])


GENERATORS = {
    "CONV_2D": lambda rng: conv_model(rng),
    "CONV_2D_1X1": pointwise_model,
    "CONV_2D_HYBRID": lambda rng: conv_model(rng, hybrid=True),
    "DEPTHWISE_CONV_2D": lambda rng: conv_model(rng, depthwise=True),
    "FULLY_CONNECTED": fc_model,
    "FULLY_CONNECTED_HYBRID": lambda rng: fc_model(rng, hybrid=True),
    "AVERAGE_POOL_2D": lambda rng: pool_model(rng, "AVERAGE_POOL_2D"),
    "MAX_POOL_2D": lambda rng: pool_model(rng, "MAX_POOL_2D"),
    "ADD": lambda rng: binary_model(rng, "ADD"),
    "ADD_TWO_ACTIVATIONS": add_two_activations_model,
    "MUL": lambda rng: binary_model(rng, "MUL"),
    "SOFTMAX": softmax_model,
    "RELU": lambda rng: unary_model(rng, "RELU"),
    "RELU6": lambda rng: unary_model(rng, "RELU6"),
    "LOGISTIC": lambda rng: unary_model(rng, "LOGISTIC"),
    "TANH": lambda rng: unary_model(rng, "TANH"),
    "MEAN": mean_model,
    "PAD": pad_model,
    "CONCATENATION": concat_model,
    "RESHAPE": reshape_model,
}


def float_inputs(rng, shape, n):
    """n inputs over a few decades, with exact zeros, ties and large magnitudes among them."""
    xs = rng.normal(0, 1, size=(n, *shape)) * rng.choice([0.01, 1.0, 30.0], size=(n, *shape))
    xs[rng.random(size=xs.shape) < 0.05] = 0.0
    return xs.astype(np.float32)



def check_f32(ours, ref, exact):
    """Bit for bit (compared as raw bits, so -0 and +0 differ) or within the stated tolerance."""
    assert ours.shape == ref.shape
    if exact:
        diff = np.flatnonzero(ours.view(np.uint32) != ref.view(np.uint32))
        assert diff.size == 0, f"{diff.size} outputs differ, first at {diff[0]}: {ours.flat[diff[0]]!r} vs {ref.flat[diff[0]]!r}"
    else:
        for o, r in zip(ours, ref):
            assert outputs_agree(o, r), f"max difference {np.max(np.abs(o - r))} (rtol {FLOAT_RTOL}, atol {FLOAT_ATOL})"


@pytest.mark.slow
@pytest.mark.parametrize("op", sorted(GENERATORS))
def test_f32_op_matches_tflm_on_random_cases(tmp_path, op):
    for case in range(3):
        rng = np.random.default_rng([zlib.crc32(op.encode()), case, 32])
        path, xs, ours = run_model_on_host(tmp_path / str(case), GENERATORS[op](rng),
                                           lambda t_in, rng=rng: float_inputs(rng, t_in.shape, 3))
        check_f32(ours.view(np.float32), interpreter_outputs(path, xs), exact=not any(a in op for a in APPROXIMATE))


def test_expf_and_tanhf_within_a_few_ulp_of_the_c_library(tmp_path):
    """The firmware's expf and tanhf against the host C library over their whole useful range."""
    src = tmp_path / "mathf.c"
    src.write_text('#include <stdio.h>\n#include "mcb_mathf.h"\nint main(void){float x;'
                   'while(fread(&x,4,1,stdin)==1){float r[2]={mcb_expf(x),mcb_tanhf(x)};fwrite(r,4,2,stdout);}return 0;}')
    import subprocess

    from mcubench.firmware.compiler.build import FLOAT_CFLAGS, RUNTIME_DIR

    subprocess.run(["gcc", "-O2", *FLOAT_CFLAGS, f"-I{RUNTIME_DIR}", str(src), "-o", str(tmp_path / "m")], check=True)
    xs = np.concatenate([np.linspace(-110, 95, 200001), np.linspace(-1, 1, 20001),
                         np.random.default_rng(0).normal(0, 10, 20000)]).astype(np.float32)
    out = np.frombuffer(subprocess.run([str(tmp_path / "m")], input=xs.tobytes(), capture_output=True,
                                       check=True).stdout, np.float32).reshape(-1, 2)
    for got, want in ((out[:, 0], np.exp(xs.astype(np.float64))), (out[:, 1], np.tanh(xs.astype(np.float64)))):
        want32 = want.astype(np.float32)
        normal = np.isfinite(want32) & (np.abs(want32) >= np.finfo(np.float32).tiny)
        ulp = np.abs(got[normal].astype(np.float64) - want[normal]) / np.spacing(np.abs(want32[normal]))
        assert ulp.max() <= 4, f"{ulp.max():.1f} ulp"
        assert np.array_equal(np.isinf(got), np.isinf(want32))
