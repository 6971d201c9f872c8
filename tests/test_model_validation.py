"""Models TFLite itself would refuse are refused before lowering, in one line, exit 2: broken structure
(a file cut short), impossible shapes and quantization parameters, an empty graph."""

from pathlib import Path

import numpy as np
import pytest

from mcubench.benchmarks.cli import EXIT_USAGE, main
from mcubench.core.errors import ModelError
from mcubench.firmware.compiler.build import translate
from mcubench.firmware.compiler.tflite_writer import write_model

SHARED_MODELS = Path(__file__).resolve().parents[2] / "shared" / "models" / "mlperf-tiny"


def _fc_model(input_shape=(1, 64), weights_shape=(10, 64), output_shape=(1, 10), input_scale=0.5,
              input_zero_point=0, weight_scale=0.01, output_scale=0.25, operators=True):
    rng = np.random.default_rng(0)
    tensors = [
        dict(name="input", shape=list(input_shape), dtype="int8", scale=input_scale, zero_point=input_zero_point),
        dict(name="weights", shape=list(weights_shape), dtype="int8", scale=weight_scale, zero_point=0,
             data=rng.integers(-127, 128, size=weights_shape)),
        dict(name="bias", shape=[weights_shape[0]], dtype="int32", scale=input_scale * weight_scale, zero_point=0,
             data=rng.integers(-1000, 1000, size=weights_shape[0])),
        dict(name="output", shape=list(output_shape), dtype="int8", scale=output_scale, zero_point=0),
    ]
    ops = [dict(op="FULLY_CONNECTED", inputs=[0, 1, 2], outputs=[3], options={})] if operators else []
    return write_model(tensors, ops, [0], [3])


CASES = {
    "weight scale +inf": (dict(weight_scale=np.inf), "scales must be finite and > 0"),
    "input dimension -64": (dict(input_shape=(1, -64)), "every dimension must be at least 1"),
    "input of shape [1, 0]": (dict(input_shape=(1, 0)), "every dimension must be at least 1"),
    "FC input [1,70] against weights [10,64]": (dict(input_shape=(1, 70)), "does not fit weights"),
    "FC output of the wrong size": (dict(output_shape=(1, 9)), "does not follow from input"),
    "input zero point 1000": (dict(input_zero_point=1000), "outside -128..127"),
    "input scale 0": (dict(input_scale=0.0), "scales must be finite and > 0"),
    "output scale -0.1": (dict(output_scale=-0.1), "scales must be finite and > 0"),
    "zero operators": (dict(operators=False), "no operators"),
}


def test_the_valid_model_translates(tmp_path):
    path = tmp_path / "fc.tflite"
    path.write_bytes(_fc_model())
    graph, steps, plan, source = translate(path)
    assert steps[0].macs == 640


@pytest.mark.parametrize("case", list(CASES))
def test_bad_model_is_refused_before_lowering(tmp_path, capsys, case):
    changes, words = CASES[case]
    path = tmp_path / "bad.tflite"
    path.write_bytes(_fc_model(**changes))
    with pytest.raises(ModelError, match=words):
        translate(path)
    out = tmp_path / "build"
    assert main(["build", str(path), "--device", "cortex-m4-80mhz", "-o", str(out)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err, err
    assert not out.exists()
    # run with a random input: the error alone (the "input: random int8, seed" line came first before)
    assert main(["run", str(path), "--device", "cortex-m4-80mhz"]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and words in captured.err, captured


@pytest.mark.parametrize("model", ["ad01_int8.tflite", "kws_ref_model.tflite", "FC"])
@pytest.mark.parametrize("cut", [1, 2, 4, 100])
def test_a_file_cut_short_is_refused(tmp_path, model, cut):
    data = _fc_model() if model == "FC" else (SHARED_MODELS / model).read_bytes()
    path = tmp_path / "short.tflite"
    path.write_bytes(data[:-cut])
    with pytest.raises(ModelError, match="corrupt TFLite flatbuffer"):
        translate(path)
