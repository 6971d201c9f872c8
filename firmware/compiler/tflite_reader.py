"""Read a .tflite flatbuffer into a plain graph: tensors (shape, type, quantization, constant data) and
operators (name, tensor indices, options), in execution order. Only the first subgraph is used.

The one reader of model files: the firmware compiler, the suite loader and the training scripts use it.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import tflite

from mcubench.core.errors import ModelError

from .model_checks import check_flatbuffer

_OP_NAMES = {v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")}
_TYPE_NAMES = {v: k.lower() for k, v in vars(tflite.TensorType).items() if not k.startswith("_")}
_NUMPY_TYPES = {"int8": np.int8, "uint8": np.uint8, "int16": np.int16, "int32": np.int32, "int64": np.int64,
                "float32": np.float32, "bool": np.bool_}
_ACTIVATIONS = {v: k for k, v in vars(tflite.ActivationFunctionType).items() if not k.startswith("_")}
_PADDINGS = {v: k for k, v in vars(tflite.Padding).items() if not k.startswith("_")}


@dataclass
class Tensor:
    index: int
    name: str
    shape: tuple
    dtype: str  # "int8", "int32", "float32", ...
    scale: np.ndarray  # float32 per channel (length 1 when per-tensor), empty when not quantized
    zero_point: np.ndarray  # int64, same length as scale
    quantized_dimension: int
    data: np.ndarray | None  # constant content, already shaped; None for activations

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) * np.dtype(_NUMPY_TYPES.get(self.dtype, np.int8)).itemsize


@dataclass(frozen=True)
class TensorInfo:
    """A model input or output: shape (with batch), type and per-tensor quantization (0.0 and 0 if none)."""

    shape: tuple
    dtype: str
    scale: float
    zero_point: int
    nbytes: int

    @classmethod
    def of(cls, tensor: Tensor) -> "TensorInfo":
        return cls(tensor.shape, tensor.dtype, float(tensor.scale[0]) if len(tensor.scale) else 0.0,
                   int(tensor.zero_point[0]) if len(tensor.zero_point) else 0, tensor.nbytes)


@dataclass
class Operator:
    index: int
    op: str  # builtin name, e.g. "CONV_2D"
    inputs: list  # tensor indices, -1 for an omitted optional input
    outputs: list
    options: dict = field(default_factory=dict)


@dataclass
class Graph:
    name: str
    tensors: list
    operators: list
    inputs: list
    outputs: list

    def io(self) -> tuple[TensorInfo, TensorInfo]:
        """The first input and the first output."""
        return TensorInfo.of(self.tensors[self.inputs[0]]), TensorInfo.of(self.tensors[self.outputs[0]])


def _options(op, opname):
    """The builtin options an op's lowering needs, as a dict with readable values."""
    table = op.BuiltinOptions()
    if table is None:
        return {}

    def load(cls):
        obj = cls()
        obj.Init(table.Bytes, table.Pos)
        return obj

    if opname == "CONV_2D":
        o = load(tflite.Conv2DOptions)
        return dict(padding=_PADDINGS[o.Padding()], stride_h=o.StrideH(), stride_w=o.StrideW(),
                    dilation_h=o.DilationHFactor(), dilation_w=o.DilationWFactor(),
                    activation=_ACTIVATIONS[o.FusedActivationFunction()])
    if opname == "DEPTHWISE_CONV_2D":
        o = load(tflite.DepthwiseConv2DOptions)
        return dict(padding=_PADDINGS[o.Padding()], stride_h=o.StrideH(), stride_w=o.StrideW(),
                    dilation_h=o.DilationHFactor(), dilation_w=o.DilationWFactor(),
                    depth_multiplier=o.DepthMultiplier(), activation=_ACTIVATIONS[o.FusedActivationFunction()])
    if opname in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        o = load(tflite.Pool2DOptions)
        return dict(padding=_PADDINGS[o.Padding()], stride_h=o.StrideH(), stride_w=o.StrideW(),
                    filter_h=o.FilterHeight(), filter_w=o.FilterWidth(),
                    activation=_ACTIVATIONS[o.FusedActivationFunction()])
    if opname == "FULLY_CONNECTED":
        o = load(tflite.FullyConnectedOptions)
        return dict(activation=_ACTIVATIONS[o.FusedActivationFunction()], weights_format=o.WeightsFormat(),
                    keep_num_dims=bool(o.KeepNumDims()))
    if opname == "ADD":
        return dict(activation=_ACTIVATIONS[load(tflite.AddOptions).FusedActivationFunction()])
    if opname == "MUL":
        return dict(activation=_ACTIVATIONS[load(tflite.MulOptions).FusedActivationFunction()])
    if opname == "SOFTMAX":
        return dict(beta=float(load(tflite.SoftmaxOptions).Beta()))
    if opname == "CONCATENATION":
        o = load(tflite.ConcatenationOptions)
        return dict(axis=o.Axis(), activation=_ACTIVATIONS[o.FusedActivationFunction()])
    if opname in ("MEAN", "SUM"):
        return dict(keep_dims=bool(load(tflite.ReducerOptions).KeepDims()))
    return {}


def _tensor(model, sg, i):
    t = sg.Tensors(i)
    dtype = _TYPE_NAMES.get(t.Type(), f"type{t.Type()}")
    shape = tuple(int(d) for d in t.ShapeAsNumpy()) if t.ShapeLength() else ()
    q = t.Quantization()
    scale = np.zeros(0, np.float32)
    zero_point = np.zeros(0, np.int64)
    qdim = 0
    if q is not None and q.ScaleLength():
        scale = q.ScaleAsNumpy().astype(np.float32)
        zero_point = q.ZeroPointAsNumpy().astype(np.int64) if q.ZeroPointLength() else np.zeros(len(scale), np.int64)
        qdim = q.QuantizedDimension()
    data = None
    buf = model.Buffers(t.Buffer()) if t.Buffer() < model.BuffersLength() else None
    if buf is not None and buf.DataLength():
        if dtype not in _NUMPY_TYPES:
            raise ModelError(f"tensor {i} ({t.Name().decode(errors='replace')}) has unsupported type {dtype}")
        raw = buf.DataAsNumpy().tobytes()
        data = np.frombuffer(raw, dtype=_NUMPY_TYPES[dtype]).reshape(shape)
    name = t.Name().decode(errors="replace") if t.Name() else f"t{i}"
    return Tensor(i, name, shape, dtype, scale, zero_point, qdim, data)


def read_model(path) -> Graph:
    """Parse a .tflite file; ModelError (one line) if it is not a readable TFLite flatbuffer."""
    path = Path(path)
    try:
        buf = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{path}: cannot read ({exc.strerror})") from None
    return parse_model(buf, path.stem, where=str(path))


def parse_model(buf: bytes, name: str = "model", where: str = "model") -> Graph:
    """Parse .tflite bytes; ModelError starting with `where` if they are not a readable TFLite flatbuffer."""
    if len(buf) < 8 or buf[4:8] != b"TFL3":
        raise ModelError(f"{where}: not a TFLite model (no TFL3 flatbuffer identifier)")
    check_flatbuffer(buf, where)
    try:
        model = tflite.Model.GetRootAsModel(buf, 0)
        if model.SubgraphsLength() < 1:
            raise ModelError(f"{where}: the model has no subgraph")
        sg = model.Subgraphs(0)
        tensors = [_tensor(model, sg, i) for i in range(sg.TensorsLength())]
        operators = []
        for k in range(sg.OperatorsLength()):
            op = sg.Operators(k)
            code = model.OperatorCodes(op.OpcodeIndex())
            builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
            opname = _OP_NAMES.get(builtin, f"BUILTIN_{builtin}")
            if opname == "CUSTOM":
                custom = code.CustomCode()
                opname = f"CUSTOM:{custom.decode(errors='replace') if custom else '?'}"
            operators.append(Operator(k, opname, [int(x) for x in op.InputsAsNumpy()] if op.InputsLength() else [],
                                      [int(x) for x in op.OutputsAsNumpy()], _options(op, opname)))
        inputs = [int(x) for x in sg.InputsAsNumpy()]
        outputs = [int(x) for x in sg.OutputsAsNumpy()]
    except ModelError:
        raise
    except Exception as exc:  # the flatbuffers runtime raises assorted errors on corrupt offsets
        raise ModelError(f"{where}: corrupt TFLite flatbuffer ({type(exc).__name__})") from None
    if not inputs or not outputs:
        raise ModelError(f"{where}: the model has no input or no output")
    return Graph(name, tensors, operators, inputs, outputs)



def precision(graph) -> str:
    """What the model's layers compute in: "int16x8" (16-bit activations), "float32" or "int8", from the
    types of the operators' outputs (the QUANTIZE/DEQUANTIZE conversions at a model's edges aside)."""
    kinds = {graph.tensors[i].dtype for op in graph.operators if op.op not in ("QUANTIZE", "DEQUANTIZE")
             for i in op.outputs}
    if "int16" in kinds:
        return "int16x8"
    if "float32" in kinds and "int8" not in kinds:
        return "float32"
    return "int8"


def signature(graph) -> tuple:
    """The network's shape, whatever its types: (op, output shape) of every operator, in order. Two
    variants of one network (float32, int8, int16x8) have the same signature."""
    return tuple((op.op, tuple(graph.tensors[op.outputs[0]].shape) if op.outputs else ()) for op in graph.operators)
