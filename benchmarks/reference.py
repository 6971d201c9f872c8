"""The numerics oracle: outputs of a TFLite reference interpreter for the same inputs.

The firmware's integer kernels reproduce TensorFlow Lite Micro's reference kernels bit for bit, so TFLite
Micro (the tflite-micro package) is the default oracle. The TFLite interpreter's default kernels (XNNPACK)
round some int8 results differently, so agreement with them is not expected.

Float32 outputs are compared within FLOAT_RTOL / FLOAT_ATOL (outputs_agree). The float kernels add up
every output in the reference kernels' order with separately rounded multiplies and adds, so CONV_2D,
DEPTHWISE_CONV_2D, FULLY_CONNECTED, pooling, ADD, MUL, MEAN and the clamps give the interpreter's float32
results bit for bit; the firmware's own expf/tanhf (SOFTMAX, LOGISTIC, TANH) are within a few units in the
last place (ulp, 2^-23 relative) of the C library's that the interpreter calls. FLOAT_RTOL = 1e-5 is about
80 ulp: room for those few ulp to grow through the layers after a TANH or LOGISTIC. FLOAT_ATOL, scaled
by the largest output, covers outputs near zero, whose relative error grows in a subtraction.
"""

import numpy as np

FLOAT_RTOL = 1e-5
FLOAT_ATOL = 1e-6  # times the largest |output| of the sample


def outputs_agree(ours, reference) -> bool:
    """True when a firmware output equals the interpreter's: exactly for integer tensors, within
    FLOAT_RTOL and FLOAT_ATOL for float32 ones."""
    ours, reference = np.asarray(ours).reshape(-1), np.asarray(reference).reshape(-1)
    if ours.shape != reference.shape:
        return False
    if not np.issubdtype(reference.dtype, np.floating):
        return bool(np.array_equal(ours, reference))
    ours, reference = ours.astype(np.float64), reference.astype(np.float64)
    if not np.array_equal(np.isfinite(ours), np.isfinite(reference)):
        return False
    finite = np.isfinite(reference)
    if not np.array_equal(ours[~finite], reference[~finite]):
        return False
    scale = float(np.max(np.abs(reference[finite]), initial=0.0))
    diff = np.abs(ours[finite] - reference[finite])
    return bool(np.all(diff <= FLOAT_RTOL * np.abs(reference[finite]) + FLOAT_ATOL * scale))


def model_bytes(model) -> bytes:
    """A model given as a .tflite path or as its bytes."""
    if isinstance(model, (bytes, bytearray, memoryview)):
        return bytes(model)
    with open(model, "rb") as f:
        return f.read()


def oracle_model_bytes(model) -> bytes:
    """The model the interpreter runs (model: a path or the bytes): the model itself, or, when it has
    hybrid layers (float activations, int8 weights), which TFLite Micro refuses, the same network with
    those weights as the firmware's float32 values."""
    from mcubench.firmware.compiler.lowering_f32 import hybrid_weights
    from mcubench.firmware.compiler.tflite_reader import parse_model
    from mcubench.firmware.compiler.tflite_writer import write_graph

    data = model_bytes(model)
    graph = parse_model(data)
    replace = hybrid_weights(graph)
    if not replace:
        return data
    return write_graph(graph, {i: dict(name=graph.tensors[i].name, shape=list(graph.tensors[i].shape),
                                       dtype="float32", data=values) for i, values in replace.items()})


def interpreter_outputs(model, xs, reference="tflm"):
    """Outputs of a TFLite reference interpreter for inputs xs, flattened: [N, outputs], in the output
    tensor's type. model: a .tflite path or its bytes. Inputs are taken as the model's input type.

    reference="tflm": TFLite Micro's interpreter (the tflite-micro package), the kernels the firmware
    reproduces. reference="litert": the TFLite interpreter (ai_edge_litert) with its reference
    kernels (OpResolverType.BUILTIN_REF). The two differ by 1 LSB in some int8 FULLY_CONNECTED outputs, and
    the TFLite interpreter's default (optimized, XNNPACK) kernels differ again, e.g. in the DS-CNN.
    """
    outputs = []
    if reference == "tflm":
        from tflite_micro.python.tflite_micro import runtime

        interpreter = runtime.Interpreter.from_bytes(oracle_model_bytes(model))
        detail = interpreter.get_input_details(0)
        for x in xs:
            interpreter.set_input(np.asarray(x, dtype=detail["dtype"]).reshape(detail["shape"]), 0)
            interpreter.invoke()
            outputs.append(interpreter.get_output(0).reshape(-1).copy())
    elif reference == "litert":
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        interpreter = Interpreter(model_content=model_bytes(model), experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        interpreter.allocate_tensors()
        inp = interpreter.get_input_details()[0]
        out = interpreter.get_output_details()[0]
        for x in xs:
            interpreter.set_tensor(inp["index"], np.asarray(x, dtype=inp["dtype"]).reshape(inp["shape"]))
            interpreter.invoke()
            outputs.append(interpreter.get_tensor(out["index"]).reshape(-1).copy())
    else:
        raise ValueError(f"unknown reference {reference!r}")
    return np.stack(outputs)
