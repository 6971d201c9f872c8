"""The four MLPerf Tiny models: generated C equals the TFLite Micro reference interpreter byte for byte,
and compile_model builds firmware for a Cortex-M4 and an RV32 device with a sound layer table and plan."""

from pathlib import Path

import numpy as np
import pytest

from mcubench.benchmarks.reference import interpreter_outputs
from mcubench.core.device import load_device
from mcubench.firmware import compile_model
from mcubench.core.errors import FitError, ModelError

from host_build import build_host_executable, run_host

MODELS = Path(__file__).resolve().parents[2] / "shared" / "models" / "mlperf-tiny"
NAMES = ["ad01_int8", "kws_ref_model", "pretrainedResnet_quant", "vww_96_int8"]
needs_models = pytest.mark.skipif(not MODELS.is_dir(), reason="MLPerf Tiny models not present in ../shared")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MCUBENCH_CACHE", str(tmp_path / "cache"))



@pytest.mark.slow
@needs_models
@pytest.mark.parametrize("name", NAMES)
def test_host_build_is_bit_exact_with_tflite_micro(tmp_path, name):
    path = MODELS / f"{name}.tflite"
    graph = build_host_executable(path, tmp_path / name)
    t_in, t_out = graph.tensors[graph.inputs[0]], graph.tensors[graph.outputs[0]]
    xs = np.random.default_rng(7).integers(-128, 128, size=(3, *t_in.shape)).astype(np.int8)
    ours = run_host(tmp_path / name, xs, t_out.nbytes)
    assert np.array_equal(ours, interpreter_outputs(path, xs))


@pytest.mark.needs_toolchain
@pytest.mark.slow
@needs_models
@pytest.mark.parametrize("device_name", ["cortex-m4-80mhz", "esp32-c3"])
def test_compile_model_for_a_device(tmp_path, device_name):
    device = load_device(device_name)
    fw = compile_model(MODELS / "kws_ref_model.tflite", device, out_dir=tmp_path / "out")
    assert fw.elf_path.exists() and fw.model_name == "kws_ref_model"
    assert [l.op for l in fw.layers][:3] == ["CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D"]
    assert fw.layers[-1].op == "SOFTMAX" and len({l.region for l in fw.layers}) == len(fw.layers)
    # 2.66 M MACs, the figure the MLPerf Tiny paper gives for the DS-CNN.
    assert 2.6e6 < sum(l.macs for l in fw.layers) < 2.7e6
    assert fw.input.shape == (1, 49, 10, 1) and fw.input.nbytes == 490 and fw.input.dtype == "int8"
    assert fw.output.nbytes == 12 and fw.output.zero_point == -128
    # The input is written where .data is stored (start-up copies it to RAM); the output is read in RAM.
    assert device.memory_map.area_at(fw.input.address).name == device.placement.rodata or \
        device.memory_map.area_at(fw.input.address).kind == "flash"
    assert device.memory_map.area_at(fw.output.address).name == device.placement.data
    assert fw.arena_lower_bound_bytes <= fw.arena_bytes
    assert fw.weights_bytes > 20000
    assert fw.compiler.split()[0].endswith("gcc")
    d = fw.to_dict()
    assert d["layers"][0]["region"] == fw.layers[0].region and d["plan"]["buffers"]
    out = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert out == ["kws_ref_model.c", "kws_ref_model.elf", "kws_ref_model.layers.json", "kws_ref_model.plan.json"]
    # Same content, same build: the second call comes from the cache.
    again = compile_model(MODELS / "kws_ref_model.tflite", device)
    assert again.elf_path == fw.elf_path and again.input == fw.input


def test_not_a_tflite_file(tmp_path):
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"this is not a flatbuffer at all")
    with pytest.raises(ModelError, match="not a TFLite model"):
        compile_model(bad, "cortex-m4-80mhz", out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_truncated_tflite_file(tmp_path):
    src = (MODELS / "kws_ref_model.tflite").read_bytes() if MODELS.is_dir() else b"\x00\x00\x00\x00TFL3"
    bad = tmp_path / "cut.tflite"
    bad.write_bytes(src[:200])
    with pytest.raises(ModelError):
        compile_model(bad, "cortex-m4-80mhz")


@needs_models
def test_model_too_big_for_ram_is_a_fit_error(tmp_path):
    # VWW's 55 KB arena and 27 KB input do not fit a 36 KB STM32G0.
    with pytest.raises(FitError, match=r"bytes too many"):
        compile_model(MODELS / "vww_96_int8.tflite", "stm32g0")
