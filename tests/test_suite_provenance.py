"""The committed test sets are exactly what the documented generators make (PROVENANCE.md is true).

Each test regenerates a test set from its seed with the training script's own function and compares it
with the committed .npz (the models' input quantization and the stored standardization statistics are
taken from the committed files; regenerating those would need TensorFlow and training).
"""

import subprocess

import numpy as np
import pytest

from mcubench.benchmarks.suite import default_suite_path, load_suite
from mcubench.benchmarks.training import images, kws, kws_data, shapes, shapes_data, vibration, vibration_data


@pytest.fixture(scope="module")
def models():
    return {m.name: m for m in load_suite(default_suite_path()).models}


def committed(model):
    with np.load(model.dataset) as npz:
        return {k: npz[k] for k in npz.files}


def quant(model):
    return model.input.scale, model.input.zero_point


def assert_same(made, stored):
    assert sorted(made) == sorted(stored)
    for key in stored:
        assert made[key].dtype == stored[key].dtype and made[key].shape == stored[key].shape, key
        assert np.array_equal(made[key], stored[key]), key


@pytest.mark.slow
def test_images_test_set_is_the_documented_split(models):
    model = models["images"]
    _, _, x_test, y_test = images.load_split(images.SEED)
    assert_same(images.committed_test_set(x_test, y_test, quant(model)), committed(model))


def test_vibration_test_set_is_the_documented_generator(models):
    model = models["vibration"]
    stored = committed(model)
    features, kind = vibration_data.make_set(vibration.TEST_SEED, vibration.TEST_NORMAL, vibration.TEST_PER_FAULT)
    made = vibration.committed_test_set(features, kind, stored["feature_mean"], stored["feature_std"], quant(model))
    assert_same(made, stored)


def _espeak_version():
    if not kws_data.espeak_available():
        return None
    out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout
    return out.split("text-to-speech:")[1].split()[0] if "text-to-speech:" in out else None


@pytest.mark.slow
@pytest.mark.skipif(_espeak_version() != "1.51", reason="the committed clips were made with espeak-ng 1.51")
def test_kws_test_set_is_the_documented_synthesis(models):
    model = models["kws"]
    stored = committed(model)
    mfccs, labels = kws_data.make_set(kws.TEST_SEED, kws.TEST_PER_CLASS, "test")
    assert_same(kws.committed_test_set(mfccs, labels, stored["mfcc_mean"], stored["mfcc_std"], quant(model)), stored)


def test_shapes_test_set_is_the_documented_generator(models):
    model = models["shapes"]
    x_test, y_test = shapes_data.make_set(shapes.TEST_SEED, shapes.TEST_PER_CLASS)
    assert_same(shapes.committed_test_set(x_test, y_test, quant(model)), committed(model))
