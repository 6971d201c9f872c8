"""The default suite: it loads, its models use only the supported ops, and the committed int8 models
reach their accuracy on the committed test sets in the TFLite reference interpreter."""

import numpy as np
import pytest

from mcubench.benchmarks.suite import default_suite_path, load_suite, score
from mcubench.benchmarks.training.common import interpreter_outputs, model_ops
from mcubench.firmware.compiler.lowering import SUPPORTED_OPS

# Floors, a few points under what each committed model measured (see PROVENANCE.md next to each data
# set), so a wrong model, a mis-quantized test set or a broken metric fails, while the number stays
# meaningful: chance is 0.10 for 10 digit classes, 1/12 for the keyword classes, 1/6 for the shapes,
# and an AUC of 0.5 for the anomaly detector.
FLOORS = {"images": 0.95, "vibration": 0.80, "kws": 0.78, "shapes": 0.85}


@pytest.fixture(scope="module")
def suite():
    return load_suite(default_suite_path())


def test_default_suite_loads(suite):
    assert suite.name == "default"
    assert suite.devices == ["cortex-m4-80mhz", "stm32h7", "esp32", "esp32-c3"]
    assert set(FLOORS) <= {m.name for m in suite.models}
    for model in suite.models:
        x, y = model.load_dataset()
        assert x.dtype == np.int8 and len(x) == len(y) and 50 <= len(x) <= 300
        assert model.file.stat().st_size < 1_000_000 and model.dataset.stat().st_size < 1_000_000


def test_default_models_use_only_supported_ops(suite):
    for model in suite.models:
        assert set(model_ops(model.file.read_bytes())) <= set(SUPPORTED_OPS), model.name


@pytest.mark.slow
@pytest.mark.parametrize("reference", ["tflm", "litert"])
@pytest.mark.parametrize("name", sorted(FLOORS))
def test_interpreter_accuracy_above_floor(suite, name, reference):
    # tflm: TFLite Micro, the kernels the firmware reproduces; litert: the TFLite interpreter's reference kernels.
    model = next(m for m in suite.models if m.name == name)
    x, y = model.load_dataset()
    outputs = interpreter_outputs(model.file, x, reference)
    value = score(model.metric, outputs, y, model_output_quant=(model.output.scale, model.output.zero_point),
                  inputs=x)
    assert value >= FLOORS[name], f"{name}: {model.metric} {value:.3f} under the floor {FLOORS[name]}"


def test_vibration_output_shares_the_input_quantization(suite):
    # score("auc") is given the output quantization only; the model was built so that it fits the input.
    model = next(m for m in suite.models if m.name == "vibration")
    assert (model.output.scale, model.output.zero_point) == (model.input.scale, model.input.zero_point)


def test_any_prefix_of_a_test_set_mixes_the_classes(suite):
    # The runner may score only the first N samples (`--samples N`).
    for model in suite.models:
        _, y = model.load_dataset()
        classes = len(np.unique(y))
        assert len(np.unique(y[:classes])) == classes, model.name
