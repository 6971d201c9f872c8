"""Float32 and int16x8 variants of an int8 model, for comparing the three on a device when only the int8
model is at hand (no training run, no TensorFlow):

- int16x8: the same network with 16-bit activations. Each int8 activation tensor keeps the real range its
  int8 quantization covers, now symmetric over the int16 range (scale = max |range end| / 32767, zero
  point 0, TFLite's int16 convention); weights stay the int8 ones, biases become int64 in the new
  input scale (the same real values), SOFTMAX outputs get TFLite's 1/32768. These are the activation ranges
  the int8 model was calibrated for, so the variant is what post-training 16x8 quantization with the same
  calibration gives, up to TFLite taking the range from the float minimum and maximum.
- float32: the int8 network with every weight and bias dequantized and float activations: the int8
  model's weights, computed without activation quantization.

`python -m mcubench.benchmarks.variants model_int8.tflite --int16x8 a.tflite --float32 b.tflite`
"""

import argparse
import sys

import numpy as np

from mcubench.core.errors import McubenchError, ModelError

_WEIGHTED = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED")
_INT16_OPS = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD",
              "SOFTMAX", "RESHAPE", "SQUEEZE", "EXPAND_DIMS", "PAD", "CONCATENATION", "QUANTIZE", "DEQUANTIZE")
_FLOAT_OPS = _INT16_OPS + ("MUL", "MEAN", "RELU", "RELU6", "LOGISTIC", "TANH")


def _real_range(t):
    return ((-128 - float(t.zero_point[0])) * float(t.scale[0]), (127 - float(t.zero_point[0])) * float(t.scale[0]))


def _round_half_away(x):
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def _roles(graph):
    """tensor index -> ("weights" | "bias", the operator) for the constant operands of weighted layers."""
    roles = {}
    for op in graph.operators:
        if op.op in _WEIGHTED:
            roles[op.inputs[1]] = ("weights", op)
            if len(op.inputs) > 2 and op.inputs[2] >= 0:
                roles[op.inputs[2]] = ("bias", op)
    return roles


def _check_ops(graph, allowed, what):
    for op in graph.operators:
        if op.op not in allowed:
            raise ModelError(f"{graph.name}: layer {op.index} ({op.op}) has no {what} kernel")
    if not any(t.dtype == "int8" for t in graph.tensors):
        raise ModelError(f"{graph.name}: not an int8 model")


def int16x8_variant(graph) -> bytes:
    """The int16x8 model of an int8 graph (module docstring)."""
    from mcubench.firmware.compiler.tflite_writer import write_graph

    _check_ops(graph, _INT16_OPS, "int16x8")
    roles = _roles(graph)
    scale16 = {}
    for t in graph.tensors:
        if t.dtype == "int8" and t.index not in roles and len(t.scale):
            lo, hi = _real_range(t)
            scale16[t.index] = np.float32(max(abs(lo), abs(hi)) / 32767)
    for op in graph.operators:
        if op.op == "SOFTMAX":
            scale16[op.outputs[0]] = np.float32(1 / 32768)
    tensors = {}
    for t in graph.tensors:
        if t.index in scale16:
            d = dict(name=t.name, shape=list(t.shape), dtype="int16", scale=scale16[t.index], zero_point=0)
            if t.data is not None:  # a constant operand (of ADD, CONCATENATION): the same real values
                real = (t.data.astype(np.float64) - float(t.zero_point[0])) * float(t.scale[0])
                d["data"] = np.clip(_round_half_away(real / float(scale16[t.index])), -32768, 32767).astype(np.int16)
            tensors[t.index] = d
    for index, (role, op) in roles.items():
        t = graph.tensors[index]
        if role == "bias":
            if t.dtype != "int32":
                raise ModelError(f"{graph.name}: layer {op.index} ({op.op}): bias is {t.dtype}, not int32")
            old_in = float(graph.tensors[op.inputs[0]].scale[0])
            new_in = float(scale16[op.inputs[0]])
            w = graph.tensors[op.inputs[1]]
            tensors[index] = dict(name=t.name, shape=list(t.shape), dtype="int64",
                                  data=_round_half_away(t.data.astype(np.float64) * (old_in / new_in)).astype(np.int64),
                                  scale=(np.float32(new_in) * w.scale.astype(np.float32)).astype(np.float32),
                                  zero_point=np.zeros(len(w.scale), np.int64), quantized_dimension=0)
    return write_graph(graph, tensor_dicts=tensors)


def float32_variant(graph) -> bytes:
    """The float32 model of an int8 graph: weights and biases dequantized, every activation float32, the
    conversions at the edges (QUANTIZE, DEQUANTIZE) dropped."""
    from mcubench.firmware.compiler.tflite_writer import write_graph

    _check_ops(graph, _FLOAT_OPS, "float32")
    if any(op.op in ("QUANTIZE", "DEQUANTIZE") for op in graph.operators):
        raise ModelError(f"{graph.name}: a model with QUANTIZE/DEQUANTIZE at its edges is not supported")
    roles = _roles(graph)
    tensors = {}
    for t in graph.tensors:
        if not len(t.scale) or t.dtype not in ("int8", "int32"):
            continue
        d = dict(name=t.name, shape=list(t.shape), dtype="float32")
        if t.data is not None:
            axis = t.quantized_dimension if roles.get(t.index, ("", None))[0] == "weights" else 0
            shape = [1] * t.data.ndim
            if len(t.scale) > 1:
                shape[axis] = len(t.scale)
            scale = t.scale.astype(np.float64).reshape(shape)
            zero = t.zero_point.astype(np.float64).reshape(shape)
            d["data"] = ((t.data.astype(np.float64) - zero) * scale).astype(np.float32)
        tensors[t.index] = d
    return write_graph(graph, tensor_dicts=tensors)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mcubench.benchmarks.variants",
                                     description="float32 and int16x8 variants of an int8 .tflite model")
    parser.add_argument("model", help="the int8 model")
    parser.add_argument("--int16x8", metavar="OUT.tflite")
    parser.add_argument("--float32", metavar="OUT.tflite")
    args = parser.parse_args(argv)
    from mcubench.core.atomic import write_bytes_atomic
    from mcubench.firmware.compiler.tflite_reader import read_model

    try:
        graph = read_model(args.model)
        for path, make in ((args.int16x8, int16x8_variant), (args.float32, float32_variant)):
            if path:
                write_bytes_atomic(path, make(graph))
    except McubenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
