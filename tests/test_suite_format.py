"""Suite files: parsing, validation errors naming file and field, bare-model suites."""

from pathlib import Path

import numpy as np
import pytest

from mcubench.benchmarks.suite import DEFAULT_DEVICES, load_suite, suite_from_models
from mcubench.core.errors import SuiteError

KWS_REF = Path(__file__).resolve().parents[1].parent / "shared" / "models" / "mlperf-tiny" / "kws_ref_model.tflite"
needs_ref = pytest.mark.skipif(not KWS_REF.is_file(), reason="MLPerf Tiny reference models not on this machine")


def write_suite(tmp_path, model_lines="", top="", x=None, y=None):
    """A one-model suite around the MLPerf Tiny KWS model (input [1, 49, 10, 1] int8, 12 outputs)."""
    rng = np.random.default_rng(0)
    x = rng.integers(-128, 128, size=(5, 49, 10, 1)).astype(np.int8) if x is None else x
    y = np.arange(5) % 12 if y is None else y
    np.savez(tmp_path / "test.npz", x=x, y=y)
    text = f'''name = "t"
devices = ["cortex-m4-80mhz"]
{top}
[[model]]
name = "kws"
file = "{KWS_REF}"
dataset = "test.npz"
metric = "top1"
{model_lines}
'''
    path = tmp_path / "suite.toml"
    path.write_text(text)
    return path


@needs_ref
def test_loads_a_valid_suite(tmp_path):
    suite = load_suite(write_suite(tmp_path))
    assert suite.name == "t" and suite.title == "t" and suite.devices == ["cortex-m4-80mhz"]
    (model,) = suite.models
    assert model.name == "kws" and model.metric == "top1" and model.file == KWS_REF
    x, y = model.load_dataset()
    assert x.dtype == np.int8 and x.shape == (5, 49, 10, 1) and list(y) == [0, 1, 2, 3, 4]
    assert model.input.shape == (1, 49, 10, 1) and model.output.shape == (1, 12)


@needs_ref
def test_inputs_stored_with_batch_dimension_are_accepted(tmp_path):
    x = np.zeros((3, 1, 49, 10, 1), np.int8)
    x_loaded, _ = load_suite(write_suite(tmp_path, x=x, y=np.zeros(3, int))).models[0].load_dataset()
    assert x_loaded.shape == (3, 49, 10, 1)


def edit(path, old, new):
    path.write_text(path.read_text().replace(old, new))
    return path


def expect_error(path, *fragments):
    with pytest.raises(SuiteError) as err:
        load_suite(path)
    message = str(err.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message


@needs_ref
def test_unknown_key_in_model(tmp_path):
    path = write_suite(tmp_path, model_lines='acuracy = "x"')
    expect_error(path, str(tmp_path / "suite.toml"), "acuracy", "unknown key")


@needs_ref
def test_unknown_top_level_key(tmp_path):
    expect_error(write_suite(tmp_path, top='device = ["x"]'), "suite.toml", "device", "unknown key")


@needs_ref
def test_missing_model_file(tmp_path):
    path = edit(write_suite(tmp_path), str(KWS_REF), "nothere.tflite")
    expect_error(path, "suite.toml", "file", "not found", "nothere.tflite")


@needs_ref
def test_labels_not_matching_inputs(tmp_path):
    expect_error(write_suite(tmp_path, y=np.arange(4)), "test.npz", "y", "4 labels for 5 inputs")


@needs_ref
def test_label_outside_the_model_outputs(tmp_path):
    expect_error(write_suite(tmp_path, y=np.array([0, 1, 2, 3, 12])), "test.npz", "y", "12 outputs")


@needs_ref
def test_dataset_shape_not_matching_model(tmp_path):
    path = write_suite(tmp_path, x=np.zeros((5, 49, 9, 1), np.int8))
    expect_error(path, "test.npz", "x", "(5, 49, 9, 1)", "49, 10, 1")


@needs_ref
def test_dataset_dtype_not_matching_model(tmp_path):
    expect_error(write_suite(tmp_path, x=np.zeros((5, 49, 10, 1), np.float32)), "test.npz", "x", "float32", "int8")


@needs_ref
def test_dataset_without_labels(tmp_path):
    path = write_suite(tmp_path)
    np.savez(tmp_path / "test.npz", x=np.zeros((5, 49, 10, 1), np.int8))
    expect_error(path, "test.npz", "y", "missing")


@needs_ref
def test_unknown_metric(tmp_path):
    expect_error(edit(write_suite(tmp_path), 'metric = "top1"', 'metric = "f1"'), "suite.toml", "metric", "f1")


@needs_ref
def test_auc_needs_binary_labels(tmp_path):
    expect_error(edit(write_suite(tmp_path), 'metric = "top1"', 'metric = "auc"'), "test.npz", "y", "auc")


def test_missing_suite_file_and_bad_toml(tmp_path):
    expect_error(tmp_path / "none.toml", "none.toml", "not found")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n")
    expect_error(bad, "bad.toml", "TOML")


def test_not_a_tflite_model(tmp_path):
    (tmp_path / "m.tflite").write_bytes(b"hello, not a model")
    (tmp_path / "s.toml").write_text('name = "s"\n[[model]]\nname = "m"\nfile = "m.tflite"\n')
    expect_error(tmp_path / "s.toml", "s.toml", "file m.tflite", "not a TFLite")


@needs_ref
def test_suite_from_models_has_no_datasets_and_default_devices(tmp_path):
    suite = suite_from_models([KWS_REF, KWS_REF])
    assert suite.devices == list(DEFAULT_DEVICES)
    assert [m.name for m in suite.models] == ["kws_ref_model", "kws_ref_model_2"]
    assert all(m.dataset is None and m.load_dataset() is None for m in suite.models)
    with pytest.raises(SuiteError, match="missing.tflite"):
        suite_from_models([tmp_path / "missing.tflite"])


@needs_ref
def test_unknown_device(tmp_path):
    expect_error(edit(write_suite(tmp_path), '"cortex-m4-80mhz"', '"cortex-m9"'), "suite.toml", "devices", "cortex-m9")


@needs_ref
def test_duplicate_model_name(tmp_path):
    path = write_suite(tmp_path)
    text = path.read_text()
    path.write_text(text + text[text.index("[[model]]"):])
    expect_error(path, "suite.toml", "name", "duplicate", "kws")


@needs_ref
def test_dataset_without_metric(tmp_path):
    expect_error(edit(write_suite(tmp_path), 'metric = "top1"', ""), "suite.toml", "metric", "missing")


@needs_ref
def test_non_integer_labels(tmp_path):
    expect_error(write_suite(tmp_path, y=np.linspace(0, 1, 5)), "test.npz", "y", "integers")


@needs_ref
def test_dataset_file_missing_or_not_npz(tmp_path):
    path = write_suite(tmp_path)
    (tmp_path / "test.npz").unlink()
    expect_error(path, "suite.toml", "dataset", "not found")
    (tmp_path / "test.npz").write_bytes(b"not a zip")
    expect_error(path, "test.npz", "dataset", "not a readable .npz")
