"""The numerics oracle: int8 outputs of a TFLite reference interpreter for the same inputs.

The firmware's kernels reproduce TensorFlow Lite Micro's reference kernels bit for bit, so TFLite Micro
(the tflite-micro package) is the default oracle. The TFLite interpreter's default kernels (XNNPACK) round
some int8 results differently, so agreement with them is not expected.
"""

import numpy as np


def interpreter_outputs(model_path, xs, reference="tflm"):
    """int8 outputs of a TFLite reference interpreter for int8 inputs, flattened: [N, outputs].

    reference="tflm": TFLite Micro's interpreter (the tflite-micro package), the kernels the firmware
    reproduces bit for bit. reference="litert": the TFLite interpreter (ai_edge_litert) with its reference
    kernels (OpResolverType.BUILTIN_REF). The two differ by 1 LSB in some FULLY_CONNECTED outputs, and the
    TFLite interpreter's default (optimized, XNNPACK) kernels differ again, e.g. in the DS-CNN.
    """
    xs = [np.asarray(x, dtype=np.int8) for x in xs]
    outputs = []
    if reference == "tflm":
        from tflite_micro.python.tflite_micro import runtime

        interpreter = runtime.Interpreter.from_file(str(model_path))
        shape = interpreter.get_input_details(0)["shape"]
        for x in xs:
            interpreter.set_input(x.reshape(shape), 0)
            interpreter.invoke()
            outputs.append(interpreter.get_output(0).reshape(-1).copy())
    elif reference == "litert":
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        interpreter = Interpreter(model_path=str(model_path), experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        interpreter.allocate_tensors()
        inp = interpreter.get_input_details()[0]
        out = interpreter.get_output_details()[0]
        for x in xs:
            interpreter.set_tensor(inp["index"], x.reshape(inp["shape"]))
            interpreter.invoke()
            outputs.append(interpreter.get_tensor(out["index"]).reshape(-1).copy())
    else:
        raise ValueError(f"unknown reference {reference!r}")
    return np.stack(outputs)
