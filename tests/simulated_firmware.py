"""Firmware of a test model built by compile_model and run on the simulator, for the tests that compare
its outputs with the TFLite Micro interpreter (test_firmware_sim.py and its float32 and int16x8 twins)."""

import numpy as np

from mcubench.firmware import compile_model
from mcubench.firmware.compiler.tflite_reader import read_model

import mcubench.simulator.engine as engine


def run_firmware(fw, device, xs, **simulator_options):
    """Run the firmware on each input: (its outputs as raw bytes, one uint8 row per input; the region names
    of the last run). Every run must exit with status 0."""
    sim = engine.Simulator(fw.elf_path, device, memory_tracing=False, **simulator_options)
    outs, regions = [], None
    for x in xs:
        res = sim.run(writes={fw.input.address: np.ascontiguousarray(x).tobytes()},
                      reads={"out": (fw.output.address, fw.output.nbytes)})
        assert res.trace.exit_status == 0
        outs.append(np.frombuffer(res.reads["out"], np.uint8))
        regions = [r.name for r in res.trace.regions]
    return np.stack(outs), regions


def compile_test_model(directory, name, model_bytes, device):
    """Write a generated model as name.tflite in directory and compile it: (path, firmware, input tensor)."""
    path = directory / f"{name}.tflite"
    path.write_bytes(model_bytes)
    fw = compile_model(path, device)
    graph = read_model(path)
    return path, fw, graph.tensors[graph.inputs[0]]
