"""Int16x8 firmware on the simulator: single-op int16x8 models give the TFLite Micro interpreter's outputs
byte for byte on the simulated Cortex-M4, Cortex-M7, RV32IMC and Cortex-M0+."""

import numpy as np
import pytest

from mcubench.core.device import load_device
from mcubench.firmware import compile_model
from mcubench.firmware.compiler.tflite_reader import read_model
from tests.test_kernels_s16 import GENERATORS, inputs_for, tflm_raw

import mcubench.simulator.engine as engine


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("MCUBENCH_CACHE", str(tmp_path_factory.getbasetemp() / "fw-cache"))


@pytest.mark.parametrize("device_name", ["cortex-m4-80mhz", "stm32h7", "esp32-c3", "stm32g0"])
@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED_LONG", "AVERAGE_POOL_2D", "ADD",
                                "SOFTMAX", "QUANTIZE_DEQUANTIZE_FLOAT"])
@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_s16_op_on_simulated_device(tmp_path, op, device_name):
    device = load_device(device_name)
    rng = np.random.default_rng([len(op), 16])
    model = GENERATORS[op](rng)
    path = tmp_path / f"{op}.tflite"
    path.write_bytes(model)
    fw = compile_model(path, device)
    graph = read_model(path)
    xs = inputs_for(rng, graph.tensors[graph.inputs[0]], 2)
    sim = engine.Simulator(fw.elf_path, device, memory_tracing=False)
    outs = []
    for x in xs:
        res = sim.run(writes={fw.input.address: x.tobytes()}, reads={"out": (fw.output.address, fw.output.nbytes)})
        assert res.trace.exit_status == 0
        outs.append(np.frombuffer(res.reads["out"], np.uint8))
    assert np.array_equal(np.stack(outs), tflm_raw(model, xs))
