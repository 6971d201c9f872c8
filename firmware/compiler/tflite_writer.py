"""A small .tflite writer: one subgraph from plain tensor and operator descriptions.

Used to make single-op test models with chosen shapes and quantization (the TFLite converter is not a
dependency). Only the options of the ops the compiler supports are written.
"""

import flatbuffers
import numpy as np
import tflite

_TYPES = {"int8": tflite.TensorType.INT8, "int32": tflite.TensorType.INT32, "float32": tflite.TensorType.FLOAT32,
          "uint8": tflite.TensorType.UINT8, "int16": tflite.TensorType.INT16, "int64": tflite.TensorType.INT64}


def _vector(b, start_fn, values, prepend):
    start_fn(b, len(values))
    for v in reversed(list(values)):
        prepend(v)
    return b.EndVector()


def _act(o):
    return getattr(tflite.ActivationFunctionType, o.get("activation", "NONE"))


def _add_window(b, table, o, dilation):
    """Padding, strides (and dilations) of a sliding-window op's options table, in the table's field order."""
    fields = [("Padding", getattr(tflite.Padding, o.get("padding", "VALID"))), ("StrideH", o.get("stride_h", 1)),
              ("StrideW", o.get("stride_w", 1))]
    if dilation:
        fields += [("DilationHFactor", o.get("dilation_h", 1)), ("DilationWFactor", o.get("dilation_w", 1))]
    for field, value in fields:
        getattr(tflite, f"{table}Add{field}")(b, value)


def _options(b, op, o):
    """(BuiltinOptions type, offset) for one operator's options."""
    T = tflite.BuiltinOptions
    if op == "CONV_2D":
        tflite.Conv2DOptionsStart(b)
        _add_window(b, "Conv2DOptions", o, dilation=True)
        tflite.Conv2DOptionsAddFusedActivationFunction(b, _act(o))
        return T.Conv2DOptions, tflite.Conv2DOptionsEnd(b)
    if op == "DEPTHWISE_CONV_2D":
        tflite.DepthwiseConv2DOptionsStart(b)
        _add_window(b, "DepthwiseConv2DOptions", o, dilation=True)
        tflite.DepthwiseConv2DOptionsAddDepthMultiplier(b, o.get("depth_multiplier", 1))
        tflite.DepthwiseConv2DOptionsAddFusedActivationFunction(b, _act(o))
        return T.DepthwiseConv2DOptions, tflite.DepthwiseConv2DOptionsEnd(b)
    if op in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        tflite.Pool2DOptionsStart(b)
        _add_window(b, "Pool2DOptions", o, dilation=False)
        tflite.Pool2DOptionsAddFilterHeight(b, o["filter_h"])
        tflite.Pool2DOptionsAddFilterWidth(b, o["filter_w"])
        tflite.Pool2DOptionsAddFusedActivationFunction(b, _act(o))
        return T.Pool2DOptions, tflite.Pool2DOptionsEnd(b)
    if op == "FULLY_CONNECTED":
        tflite.FullyConnectedOptionsStart(b)
        tflite.FullyConnectedOptionsAddFusedActivationFunction(b, _act(o))
        return T.FullyConnectedOptions, tflite.FullyConnectedOptionsEnd(b)
    if op == "ADD":
        tflite.AddOptionsStart(b)
        tflite.AddOptionsAddFusedActivationFunction(b, _act(o))
        return T.AddOptions, tflite.AddOptionsEnd(b)
    if op == "MUL":
        tflite.MulOptionsStart(b)
        tflite.MulOptionsAddFusedActivationFunction(b, _act(o))
        return T.MulOptions, tflite.MulOptionsEnd(b)
    if op == "SOFTMAX":
        tflite.SoftmaxOptionsStart(b)
        tflite.SoftmaxOptionsAddBeta(b, o.get("beta", 1.0))
        return T.SoftmaxOptions, tflite.SoftmaxOptionsEnd(b)
    if op == "CONCATENATION":
        tflite.ConcatenationOptionsStart(b)
        tflite.ConcatenationOptionsAddAxis(b, o["axis"])
        tflite.ConcatenationOptionsAddFusedActivationFunction(b, _act(o))
        return T.ConcatenationOptions, tflite.ConcatenationOptionsEnd(b)
    if op in ("MEAN", "SUM"):
        tflite.ReducerOptionsStart(b)
        tflite.ReducerOptionsAddKeepDims(b, bool(o.get("keep_dims", False)))
        return T.ReducerOptions, tflite.ReducerOptionsEnd(b)
    return T.NONE, None


def _buffers(b, tensors):
    """(buffer offsets, buffer index per tensor): buffer 0 is the empty buffer by convention; each constant
    tensor gets its own."""
    buffer_offsets = [(tflite.BufferStart(b), tflite.BufferEnd(b))[1]]
    tensor_buffer = []
    for t in tensors:
        if t.get("data") is None:
            tensor_buffer.append(0)
            continue
        raw = np.ascontiguousarray(np.asarray(t["data"], dtype=t["dtype"])).tobytes()
        data = b.CreateNumpyVector(np.frombuffer(raw, dtype=np.uint8))
        tflite.BufferStart(b)
        tflite.BufferAddData(b, data)
        buffer_offsets.append(tflite.BufferEnd(b))
        tensor_buffer.append(len(buffer_offsets) - 1)
    return buffer_offsets, tensor_buffer


def _quantization(b, t):
    if t.get("scale") is None:
        return None
    scale = b.CreateNumpyVector(np.atleast_1d(np.asarray(t["scale"], dtype=np.float32)))
    zp = b.CreateNumpyVector(np.atleast_1d(np.asarray(t["zero_point"], dtype=np.int64)))
    tflite.QuantizationParametersStart(b)
    tflite.QuantizationParametersAddScale(b, scale)
    tflite.QuantizationParametersAddZeroPoint(b, zp)
    tflite.QuantizationParametersAddQuantizedDimension(b, t.get("quantized_dimension", 0))
    return tflite.QuantizationParametersEnd(b)


def _tensor(b, t, buf):
    name = b.CreateString(t["name"])
    shape = b.CreateNumpyVector(np.asarray(t["shape"], dtype=np.int32))
    quant = _quantization(b, t)
    tflite.TensorStart(b)
    tflite.TensorAddShape(b, shape)
    tflite.TensorAddType(b, _TYPES[t["dtype"]])
    tflite.TensorAddBuffer(b, buf)
    tflite.TensorAddName(b, name)
    if quant is not None:
        tflite.TensorAddQuantization(b, quant)
    return tflite.TensorEnd(b)


def _operator(b, o, codes):
    ins = b.CreateNumpyVector(np.asarray(o["inputs"], dtype=np.int32))
    outs = b.CreateNumpyVector(np.asarray(o["outputs"], dtype=np.int32))
    opt_type, opt = _options(b, o["op"], o.get("options", {}))
    tflite.OperatorStart(b)
    tflite.OperatorAddOpcodeIndex(b, codes.index(o["op"]))
    tflite.OperatorAddInputs(b, ins)
    tflite.OperatorAddOutputs(b, outs)
    if opt is not None:
        tflite.OperatorAddBuiltinOptionsType(b, opt_type)
        tflite.OperatorAddBuiltinOptions(b, opt)
    return tflite.OperatorEnd(b)


def _subgraph(b, tensor_offsets, op_offsets, inputs, outputs):
    tensors_vec = _vector(b, tflite.SubGraphStartTensorsVector, tensor_offsets, b.PrependUOffsetTRelative)
    ops_vec = _vector(b, tflite.SubGraphStartOperatorsVector, op_offsets, b.PrependUOffsetTRelative)
    in_vec = b.CreateNumpyVector(np.asarray(inputs, dtype=np.int32))
    out_vec = b.CreateNumpyVector(np.asarray(outputs, dtype=np.int32))
    sg_name = b.CreateString("main")
    tflite.SubGraphStart(b)
    tflite.SubGraphAddTensors(b, tensors_vec)
    tflite.SubGraphAddOperators(b, ops_vec)
    tflite.SubGraphAddInputs(b, in_vec)
    tflite.SubGraphAddOutputs(b, out_vec)
    tflite.SubGraphAddName(b, sg_name)
    return tflite.SubGraphEnd(b)


def _operator_code(b, name):
    code = getattr(tflite.BuiltinOperator, name)
    tflite.OperatorCodeStart(b)
    tflite.OperatorCodeAddBuiltinCode(b, code)
    tflite.OperatorCodeAddDeprecatedBuiltinCode(b, min(code, 127))
    tflite.OperatorCodeAddVersion(b, 1)
    return tflite.OperatorCodeEnd(b)


def write_model(tensors, operators, inputs, outputs) -> bytes:
    """tensors: dicts (name, shape, dtype, scale, zero_point, data=None, quantized_dimension=0);
    operators: dicts (op, inputs, outputs, options); inputs/outputs: tensor indices."""
    b = flatbuffers.Builder(1024)
    buffer_offsets, tensor_buffer = _buffers(b, tensors)
    tensor_offsets = [_tensor(b, t, buf) for t, buf in zip(tensors, tensor_buffer)]
    codes = list(dict.fromkeys(o["op"] for o in operators))  # in order of first use
    op_offsets = [_operator(b, o, codes) for o in operators]
    subgraph = _subgraph(b, tensor_offsets, op_offsets, inputs, outputs)
    code_offsets = [_operator_code(b, name) for name in codes]

    codes_vec = _vector(b, tflite.ModelStartOperatorCodesVector, code_offsets, b.PrependUOffsetTRelative)
    subgraphs_vec = _vector(b, tflite.ModelStartSubgraphsVector, [subgraph], b.PrependUOffsetTRelative)
    buffers_vec = _vector(b, tflite.ModelStartBuffersVector, buffer_offsets, b.PrependUOffsetTRelative)
    desc = b.CreateString("mcubench test model")
    tflite.ModelStart(b)
    tflite.ModelAddVersion(b, 3)
    tflite.ModelAddOperatorCodes(b, codes_vec)
    tflite.ModelAddSubgraphs(b, subgraphs_vec)
    tflite.ModelAddBuffers(b, buffers_vec)
    tflite.ModelAddDescription(b, desc)
    b.Finish(tflite.ModelEnd(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def write_graph(graph, tensor_dicts=None) -> bytes:
    """A model file from a graph read by tflite_reader (its first subgraph, the options the writer knows),
    with some tensors replaced: tensor_dicts maps a tensor index to a write_model tensor dict."""
    tensor_dicts = tensor_dicts or {}
    tensors = []
    for t in graph.tensors:
        if t.index in tensor_dicts:
            tensors.append(tensor_dicts[t.index])
            continue
        d = dict(name=t.name, shape=list(t.shape), dtype=t.dtype, data=t.data)
        if len(t.scale):
            d.update(scale=t.scale, zero_point=t.zero_point, quantized_dimension=t.quantized_dimension)
        tensors.append(d)
    operators = [dict(op=op.op, inputs=op.inputs, outputs=op.outputs, options=op.options) for op in graph.operators]
    return write_model(tensors, operators, graph.inputs, graph.outputs)
