"""Int16x8 firmware on the simulator: single-op int16x8 models give the TFLite Micro interpreter's outputs
byte for byte on the simulated Cortex-M4, Cortex-M7, RV32IMC and Cortex-M0+."""

import numpy as np
import pytest

from mcubench.core.device import load_device
from tests.simulated_firmware import compile_test_model, run_firmware
from tests.test_kernels_s16 import GENERATORS, inputs_for, tflm_raw


pytestmark = pytest.mark.usefixtures("session_firmware_cache")


@pytest.mark.parametrize("device_name", ["cortex-m4-80mhz", "stm32h7", "esp32-c3", "stm32g0"])
@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED_LONG", "AVERAGE_POOL_2D", "ADD",
                                "SOFTMAX", "QUANTIZE_DEQUANTIZE_FLOAT"])
@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_s16_op_on_simulated_device(tmp_path, op, device_name):
    device = load_device(device_name)
    rng = np.random.default_rng([len(op), 16])
    model = GENERATORS[op](rng)
    _, fw, t_in = compile_test_model(tmp_path, op, model, device)
    xs = inputs_for(rng, t_in, 2)
    assert np.array_equal(run_firmware(fw, device, xs)[0], tflm_raw(model, xs))
