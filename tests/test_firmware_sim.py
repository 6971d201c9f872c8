"""Firmware from compile_model run on the simulator: the four MLPerf Tiny models and single-op models give
the TFLite Micro interpreter's output byte for byte on the simulated Cortex-M4, Cortex-M7 and RV32."""

from pathlib import Path

import numpy as np
import pytest

from mcubench.core.device import load_device
from mcubench.firmware import compile_model
from tests.simulated_firmware import compile_test_model, run_firmware
from tests.test_kernels_ops import GENERATORS, random_inputs, tflm_run

MODELS = Path(__file__).resolve().parents[2] / "shared" / "models" / "mlperf-tiny"
NAMES = ["ad01_int8", "kws_ref_model", "pretrainedResnet_quant", "vww_96_int8"]
DEVICES = ["cortex-m4-80mhz", "stm32h7", "esp32-c3"]


pytestmark = pytest.mark.usefixtures("session_firmware_cache")


@pytest.mark.needs_toolchain
@pytest.mark.slow
@pytest.mark.skipif(not MODELS.is_dir(), reason="MLPerf Tiny models not present in ../shared")
@pytest.mark.parametrize("device_name", DEVICES)
@pytest.mark.parametrize("name", NAMES)
def test_model_bit_exact_on_simulated_device(name, device_name):
    device = load_device(device_name)
    path = MODELS / f"{name}.tflite"
    fw = compile_model(path, device)
    xs = np.random.default_rng(3).integers(-128, 128, size=(2, *fw.input.shape)).astype(np.int8)
    ours, regions = run_firmware(fw, device, xs)
    assert np.array_equal(ours.view(np.int8), tflm_run(path.read_bytes(), xs))
    # One region for the whole inference and one per layer.
    assert "inference" in regions
    assert {layer.region for layer in fw.layers} <= set(regions)


# The *_C4 and NO_HEADROOM cases reach the DSP kernels' other paths (four-channel depthwise, the fast
# im2col, SMLAL requantization) on the Cortex-M4; ADD_LARGE(_RELU6) its ADD
# lookup tables (with and without the SSAT clamp).
@pytest.mark.parametrize("device_name", ["cortex-m4-80mhz", "esp32-c3"])
@pytest.mark.parametrize("op", ["DEPTHWISE_CONV_2D_C4", "CONV_2D_C4", "FULLY_CONNECTED_NO_HEADROOM","CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "ADD_LARGE",
                                "ADD_LARGE_RELU6", "SOFTMAX", "AVERAGE_POOL_2D",
                                "LOGISTIC", "TANH", "MEAN", "QUANTIZE_DEQUANTIZE_FLOAT"])
@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_op_bit_exact_on_simulated_device(tmp_path, op, device_name):
    device = load_device(device_name)
    for case in range(2):  # more random cases run on the host (test_kernels_ops)
        rng = np.random.default_rng([case, len(op), 99])
        model = GENERATORS[op](rng)
        _, fw, t_in = compile_test_model(tmp_path, f"{op}-{case}", model, device)
        xs = random_inputs(rng, t_in, 2)
        ours, _ = run_firmware(fw, device, xs)
        assert np.array_equal(ours.view(np.int8), tflm_run(model, xs)), f"case {case}"
