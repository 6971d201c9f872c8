"""Float32 firmware on the simulator: the MLPerf Tiny float models and single-op float models give the
TFLite Micro interpreter's outputs (bit for bit, or within the stated tolerance where expf is involved)
on cores with an FPU (Cortex-M4F, Cortex-M7) and with software floating point (RV32IMC, Cortex-M0+);
a float model too large for a device is a FitError that names the memory and both sizes."""

from pathlib import Path

import numpy as np
import pytest

from mcubench.benchmarks.reference import interpreter_outputs, outputs_agree
from mcubench.core.device import load_device
from mcubench.core.errors import FitError
from mcubench.firmware import compile_model
from tests.simulated_firmware import compile_test_model, run_firmware
from tests.test_kernels_f32 import GENERATORS, check_f32, float_inputs

MODELS = Path(__file__).resolve().parents[2] / "shared" / "models" / "mlperf-tiny"


pytestmark = pytest.mark.usefixtures("session_firmware_cache")


def float_outputs(fw, device, xs):
    """The firmware's float32 outputs on each input (the float models run long on soft-float cores)."""
    return run_firmware(fw, device, xs, budget_instructions=2_000_000_000)[0].view(np.float32)


@pytest.mark.skipif(not MODELS.is_dir(), reason="MLPerf Tiny models not present in ../shared")
@pytest.mark.parametrize("name, device_name", [
    ("ad01_fp32", "stm32h7"), ("ad01_fp32", "esp32-c3"),
    ("kws_ref_model_float32", "cortex-m4-80mhz"), ("kws_ref_model_float32", "stm32h7"),
    ("pretrainedResnet_float32", "stm32h7"),
])
@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_float_model_matches_tflm_on_simulated_device(name, device_name):
    device = load_device(device_name)
    path = MODELS / f"{name}.tflite"
    fw = compile_model(path, device)
    xs = np.random.default_rng(5).standard_normal(size=(2, *fw.input.shape)).astype(np.float32)
    ours = float_outputs(fw, device, xs)
    refs = interpreter_outputs(path, xs)
    assert all(outputs_agree(o, r) for o, r in zip(ours, refs))


@pytest.mark.skipif(not MODELS.is_dir(), reason="MLPerf Tiny models not present in ../shared")
@pytest.mark.parametrize("name, device_name, memory", [
    ("pretrainedResnet_float32", "cortex-m4-80mhz", "sram1"),  # 197 KB of arena, 96 KB of SRAM1
    ("ad01_fp32", "stm32g0", "flash"),  # 1 MB of weights, 128 KB of flash
])
@pytest.mark.slow
def test_float_model_too_large_is_a_fit_error_with_the_numbers(name, device_name, memory):
    device = load_device(device_name)
    with pytest.raises(FitError) as info:
        compile_model(MODELS / f"{name}.tflite", device)
    shortfalls = {m: (need, have) for m, need, have in info.value.shortfalls}
    need, have = shortfalls[memory]
    assert need > have == device.memory_map.by_name(memory).size


# Cores with an FPU (M4F: FPv4-SP, M7: FPv5) and without (RV32IMC, Cortex-M0+ ARMv6-M: libgcc soft float).
@pytest.mark.parametrize("device_name", ["cortex-m4-80mhz", "stm32h7", "esp32-c3", "stm32g0"])
@pytest.mark.parametrize("op", ["CONV_2D", "CONV_2D_1X1", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED_HYBRID",
                                "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD", "MEAN", "SOFTMAX", "TANH"])
@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_f32_op_on_simulated_device(tmp_path, op, device_name):
    device = load_device(device_name)
    rng = np.random.default_rng([len(op), 7])
    path, fw, t_in = compile_test_model(tmp_path, op, GENERATORS[op](rng), device)
    xs = float_inputs(rng, t_in.shape, 2)
    check_f32(float_outputs(fw, device, xs), interpreter_outputs(path, xs),
              exact=op not in ("SOFTMAX", "TANH"))
