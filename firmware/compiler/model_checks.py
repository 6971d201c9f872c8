"""A .tflite model checked before it is lowered: the flatbuffer's structure, then the graph's meaning.

The flatbuffers runtime reads whatever offsets a file holds (a truncated or corrupt file yields short
arrays or garbage, not an error), so check_flatbuffer walks every table, vector and string of the TFLite
schema (tensorflow/lite/schema/schema.fbs) that the reader can reach and refuses anything that lies
outside the file. check_graph then refuses what TFLite itself would refuse: tensors with a dimension < 1,
quantization scales that are not finite and positive, zero points outside the type's range, per-channel
parameters that do not match their dimension, operator tensor indices out of range, and operator shapes
that do not agree (a fully connected layer whose input does not fit its weights, a convolution whose
output size does not follow from its input, filter, stride and padding).
"""

import math
import struct

import numpy as np

from mcubench.core.errors import ModelError

# Field slots of the schema's tables, in schema.fbs order (a union takes two: its type and its value).
_MODEL = dict(operator_codes=1, subgraphs=2, description=3, buffers=4, metadata_buffer=5, metadata=6,
              signature_defs=7)
_OPERATOR_CODE = dict(custom_code=1)
_SUBGRAPH = dict(tensors=0, inputs=1, outputs=2, operators=3, name=4)
_TENSOR = dict(shape=0, name=3, quantization=4, sparsity=6, shape_signature=7)
_QUANTIZATION = dict(min=0, max=1, scale=2, zero_point=3, details=5)
_OPERATOR = dict(inputs=1, outputs=2, builtin_options=4, custom_options=5, mutating_variable_inputs=7,
                 intermediates=8)
_BUFFER = dict(data=0)
_METADATA = dict(name=0)
_SIGNATURE = dict(inputs=0, outputs=1, signature_key=2)
_TENSOR_MAP = dict(name=0)

_ZERO_POINT_RANGE = {"int8": (-128, 127), "uint8": (0, 255), "int16": (0, 0), "int32": (0, 0), "int64": (0, 0)}


class _Bounds:
    """Offsets of one flatbuffer, each checked against its size before it is followed."""

    def __init__(self, buf, where):
        self.buf, self.size, self.where = buf, len(buf), where

    def _fail(self, what):
        return ModelError(f"{self.where}: corrupt TFLite flatbuffer ({what} lies outside the file: truncated?)")

    def _need(self, pos, length, what):
        if pos < 0 or length < 0 or pos + length > self.size:
            raise self._fail(what)

    def _u32(self, pos, what):
        self._need(pos, 4, what)
        return struct.unpack_from("<I", self.buf, pos)[0]

    def table(self, pos, what):
        """A table at pos: (pos, vtable position, vtable size), its vtable and every field checked."""
        self._need(pos, 4, what)
        vtable = pos - struct.unpack_from("<i", self.buf, pos)[0]
        self._need(vtable, 4, f"{what}'s vtable")
        vt_size, obj_size = struct.unpack_from("<HH", self.buf, vtable)
        if vt_size < 4 or vt_size % 2:
            raise ModelError(f"{self.where}: corrupt TFLite flatbuffer ({what}'s vtable is malformed)")
        self._need(vtable, vt_size, f"{what}'s vtable")
        self._need(pos, obj_size, what)
        for slot in range((vt_size - 4) // 2):
            offset = struct.unpack_from("<H", self.buf, vtable + 4 + 2 * slot)[0]
            if offset and offset >= obj_size:
                raise self._fail(f"a field of {what}")
        return pos, vtable, vt_size

    def _field(self, table, slot):
        pos, vtable, vt_size = table
        if 4 + 2 * slot >= vt_size:
            return None
        offset = struct.unpack_from("<H", self.buf, vtable + 4 + 2 * slot)[0]
        return pos + offset if offset else None

    def ref(self, table, slot, what):
        """Where an offset field (table, vector or string) points, or None when the field is absent."""
        at = self._field(table, slot)
        return None if at is None else at + self._u32(at, what)

    def vector(self, table, slot, element_bytes, what):
        """(first element position, length) of a vector field; (0, 0) when absent."""
        at = self.ref(table, slot, what)
        if at is None:
            return 0, 0
        n = self._u32(at, what)
        self._need(at + 4, n * element_bytes, what)
        return at + 4, n

    def string(self, table, slot, what):
        start, n = self.vector(table, slot, 1, what)
        if start:
            self._need(start, n + 1, f"{what}'s terminator")

    def tables(self, table, slot, what):
        """Every table of a vector-of-tables field."""
        start, n = self.vector(table, slot, 4, what)
        for i in range(n):
            at = start + 4 * i
            yield self.table(at + self._u32(at, what), f"{what}[{i}]")

    def child(self, table, slot, what):
        at = self.ref(table, slot, what)
        return None if at is None else self.table(at, what)


def check_flatbuffer(buf: bytes, where: str):
    """ModelError unless every part of the model the reader can reach lies inside buf."""
    b = _Bounds(buf, where)
    model = b.table(b._u32(0, "the root offset"), "the model table")
    for code in b.tables(model, _MODEL["operator_codes"], "operator_codes"):
        b.string(code, _OPERATOR_CODE["custom_code"], "an operator code's custom name")
    b.string(model, _MODEL["description"], "the description")
    for buffer in b.tables(model, _MODEL["buffers"], "buffers"):
        b.vector(buffer, _BUFFER["data"], 1, "a buffer's data")
    b.vector(model, _MODEL["metadata_buffer"], 4, "metadata_buffer")
    for meta in b.tables(model, _MODEL["metadata"], "metadata"):
        b.string(meta, _METADATA["name"], "a metadata name")
    for signature in b.tables(model, _MODEL["signature_defs"], "signature_defs"):
        for key in ("inputs", "outputs"):
            for tensor_map in b.tables(signature, _SIGNATURE[key], f"a signature's {key}"):
                b.string(tensor_map, _TENSOR_MAP["name"], "a signature tensor name")
        b.string(signature, _SIGNATURE["signature_key"], "a signature key")
    for subgraph in b.tables(model, _MODEL["subgraphs"], "subgraphs"):
        _check_subgraph(b, subgraph)


def _check_subgraph(b, subgraph):
    for key in ("inputs", "outputs"):
        b.vector(subgraph, _SUBGRAPH[key], 4, f"the subgraph's {key}")
    b.string(subgraph, _SUBGRAPH["name"], "the subgraph's name")
    for tensor in b.tables(subgraph, _SUBGRAPH["tensors"], "tensors"):
        b.vector(tensor, _TENSOR["shape"], 4, "a tensor shape")
        b.vector(tensor, _TENSOR["shape_signature"], 4, "a tensor shape signature")
        b.string(tensor, _TENSOR["name"], "a tensor name")
        b.child(tensor, _TENSOR["sparsity"], "a tensor's sparsity")
        quantization = b.child(tensor, _TENSOR["quantization"], "a tensor's quantization")
        if quantization is not None:
            for key, size in (("min", 4), ("max", 4), ("scale", 4), ("zero_point", 8)):
                b.vector(quantization, _QUANTIZATION[key], size, f"a tensor's quantization {key}")
            b.child(quantization, _QUANTIZATION["details"], "a tensor's quantization details")
    for op in b.tables(subgraph, _SUBGRAPH["operators"], "operators"):
        for key in ("inputs", "outputs", "intermediates"):
            b.vector(op, _OPERATOR[key], 4, f"an operator's {key}")
        b.vector(op, _OPERATOR["mutating_variable_inputs"], 1, "an operator's mutating inputs")
        b.vector(op, _OPERATOR["custom_options"], 1, "an operator's custom options")
        b.child(op, _OPERATOR["builtin_options"], "an operator's options")


# ---------------------------------------------------------------------------------------------- graph

def check_graph(graph, where):
    """ModelError (one line, naming the tensor or layer) for a graph TFLite would refuse."""
    if not graph.operators:
        raise ModelError(f"{where}: the model has no operators")
    n = len(graph.tensors)
    for kind, indices in (("input", graph.inputs), ("output", graph.outputs)):
        for i in indices:
            if not 0 <= i < n:
                raise ModelError(f"{where}: model {kind} tensor index {i} is out of range ({n} tensors)")
    for op in graph.operators:
        for i in op.inputs:
            if not (i == -1 or 0 <= i < n):
                raise ModelError(f"{where}: layer {op.index} ({op.op}): input tensor index {i} is out of range")
        for i in op.outputs:
            if not 0 <= i < n:
                raise ModelError(f"{where}: layer {op.index} ({op.op}): output tensor index {i} is out of range")
    for t in graph.tensors:
        _check_tensor(t, where)
    for op in graph.operators:
        check = _SHAPE_CHECKS.get(op.op)
        if check is not None:
            problem = check(graph, op)
            if problem:
                raise ModelError(f"{where}: layer {op.index} ({op.op}): {problem}")


def _check_tensor(t, where):
    label = f"{where}: tensor {t.index} ({t.name})"
    if any(d < 1 for d in t.shape):
        raise ModelError(f"{label}: shape {list(t.shape)}: every dimension must be at least 1")
    if len(t.scale) == 0:
        return
    if not all(math.isfinite(s) and s > 0 for s in t.scale.tolist()):
        raise ModelError(f"{label}: quantization scale {t.scale.tolist()[:4]}: scales must be finite and > 0")
    if len(t.zero_point) != len(t.scale):
        raise ModelError(f"{label}: {len(t.scale)} scales but {len(t.zero_point)} zero points")
    low, high = _ZERO_POINT_RANGE.get(t.dtype, (-(2**63), 2**63 - 1))
    if not all(low <= z <= high for z in t.zero_point.tolist()):
        raise ModelError(f"{label}: zero point {t.zero_point.tolist()[:4]} is outside {low}..{high} for {t.dtype}")
    if len(t.scale) > 1:
        if not 0 <= t.quantized_dimension < len(t.shape) or t.shape[t.quantized_dimension] != len(t.scale):
            raise ModelError(f"{label}: {len(t.scale)} per-channel scales do not match dimension "
                             f"{t.quantized_dimension} of shape {list(t.shape)}")


def _tensor(graph, op, k, outputs=False):
    indices = op.outputs if outputs else op.inputs
    return graph.tensors[indices[k]] if k < len(indices) and indices[k] >= 0 else None


def _out_size(padding, size, kernel, stride, dilation):
    """TFLite's ComputeOutSize (kernels/padding.h)."""
    effective = (kernel - 1) * dilation + 1
    if padding == "SAME":
        return (size + stride - 1) // stride
    return (size + stride - effective) // stride


def _spatial(o, t_in, t_out, k_h, k_w, dilation=True):
    strides = (o.get("stride_h", 0), o.get("stride_w", 0))
    dilations = (o.get("dilation_h", 1), o.get("dilation_w", 1)) if dilation else (1, 1)
    if min(strides) < 1 or min(dilations) < 1 or min(k_h, k_w) < 1:
        return f"stride {strides}, dilation {dilations} and kernel {(k_h, k_w)} must be at least 1"
    expected = tuple(_out_size(o.get("padding"), t_in.shape[1 + a], (k_h, k_w)[a], strides[a], dilations[a])
                     for a in (0, 1))
    if expected != tuple(t_out.shape[1:3]):
        return (f"output {list(t_out.shape)} does not follow from input {list(t_in.shape)}, kernel {k_h}x{k_w}, "
                f"stride {strides} and {o.get('padding')} padding (expected {expected[0]}x{expected[1]})")
    return None


def _operands(graph, op, inputs):
    tensors = [_tensor(graph, op, k) for k in range(inputs)] + [_tensor(graph, op, 0, True)]
    return None if any(t is None for t in tensors) else tensors


def _conv_shapes(graph, op):
    tensors = _operands(graph, op, 2)
    if tensors is None:
        return "missing input, filter or output tensor"
    t_in, t_w, t_out = tensors
    if not (len(t_in.shape) == len(t_w.shape) == len(t_out.shape) == 4):
        return f"input {list(t_in.shape)}, filter {list(t_w.shape)} and output {list(t_out.shape)} must be 4-D"
    if t_in.shape[0] != t_out.shape[0]:
        return f"input batch {t_in.shape[0]} and output batch {t_out.shape[0]} differ"
    out_c = t_out.shape[3]
    if op.op == "DEPTHWISE_CONV_2D":
        if t_w.shape[0] != 1 or t_w.shape[3] != out_c or out_c % t_in.shape[3]:
            return f"filter {list(t_w.shape)} does not fit input {list(t_in.shape)} and output {list(t_out.shape)}"
    elif t_w.shape[0] != out_c or t_in.shape[3] % t_w.shape[3]:
        return f"filter {list(t_w.shape)} does not fit input {list(t_in.shape)} and output {list(t_out.shape)}"
    bias = _tensor(graph, op, 2)
    if bias is not None and int(np.prod(bias.shape)) != out_c:
        return f"bias {list(bias.shape)} does not have one value per output channel ({out_c})"
    return _spatial(op.options, t_in, t_out, t_w.shape[1], t_w.shape[2])


def _fc_shapes(graph, op):
    tensors = _operands(graph, op, 2)
    if tensors is None:
        return "missing input, weights or output tensor"
    t_in, t_w, t_out = tensors
    if len(t_w.shape) != 2:
        return f"weights {list(t_w.shape)} must be 2-D"
    out_depth, in_depth = t_w.shape
    elements = int(np.prod(t_in.shape))
    if elements % in_depth:
        return f"input {list(t_in.shape)} does not fit weights {list(t_w.shape)} ({elements} values, rows of {in_depth})"
    if int(np.prod(t_out.shape)) != elements // in_depth * out_depth:
        return f"output {list(t_out.shape)} does not follow from input {list(t_in.shape)} and weights {list(t_w.shape)}"
    bias = _tensor(graph, op, 2)
    if bias is not None and int(np.prod(bias.shape)) != out_depth:
        return f"bias {list(bias.shape)} does not have one value per output ({out_depth})"
    return None


def _pool_shapes(graph, op):
    tensors = _operands(graph, op, 1)
    if tensors is None:
        return "missing input or output tensor"
    t_in, t_out = tensors
    if not (len(t_in.shape) == len(t_out.shape) == 4) or t_in.shape[0] != t_out.shape[0] \
            or t_in.shape[3] != t_out.shape[3]:
        return f"input {list(t_in.shape)} and output {list(t_out.shape)} must be 4-D with equal batch and channels"
    o = op.options
    return _spatial(o, t_in, t_out, o.get("filter_h", 0), o.get("filter_w", 0), dilation=False)


def _binary_shapes(graph, op):
    tensors = _operands(graph, op, 2)
    if tensors is None:
        return "missing input or output tensor"
    a, b, out = tensors
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        return f"inputs {list(a.shape)} and {list(b.shape)} do not broadcast"
    if tuple(shape) != tuple(out.shape):
        return f"output {list(out.shape)} is not the broadcast of {list(a.shape)} and {list(b.shape)}"
    return None


def _same_size(graph, op):
    tensors = _operands(graph, op, 1)
    if tensors is None:
        return "missing input or output tensor"
    t_in, t_out = tensors
    if int(np.prod(t_in.shape)) != int(np.prod(t_out.shape)):
        return f"input {list(t_in.shape)} and output {list(t_out.shape)} hold different numbers of values"
    return None


def _concat_shapes(graph, op):
    inputs = [graph.tensors[i] for i in op.inputs if i >= 0]
    out = _tensor(graph, op, 0, True)
    if not inputs or out is None:
        return "missing input or output tensor"
    rank = len(out.shape)
    axis = op.options.get("axis", 0)
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis < rank or any(len(t.shape) != rank for t in inputs):
        return f"axis {op.options.get('axis')} and input ranks do not fit output {list(out.shape)}"
    for t in inputs:
        if any(t.shape[d] != out.shape[d] for d in range(rank) if d != axis):
            return f"input {list(t.shape)} does not fit output {list(out.shape)} outside axis {axis}"
    if sum(t.shape[axis] for t in inputs) != out.shape[axis]:
        return f"inputs along axis {axis} do not add up to output {list(out.shape)}"
    return None


_SHAPE_CHECKS = {
    "CONV_2D": _conv_shapes, "DEPTHWISE_CONV_2D": _conv_shapes, "FULLY_CONNECTED": _fc_shapes,
    "AVERAGE_POOL_2D": _pool_shapes, "MAX_POOL_2D": _pool_shapes, "ADD": _binary_shapes, "MUL": _binary_shapes,
    "CONCATENATION": _concat_shapes, "SOFTMAX": _same_size, "RELU": _same_size, "RELU6": _same_size,
    "RELU_N1_TO_1": _same_size, "LOGISTIC": _same_size, "TANH": _same_size, "QUANTIZE": _same_size,
    "DEQUANTIZE": _same_size, "RESHAPE": _same_size, "SQUEEZE": _same_size, "EXPAND_DIMS": _same_size,
}
