"""The model's C and the portable kernels built for this machine: numerics checks without a simulator."""

from pathlib import Path
import subprocess

import numpy as np

from mcubench.core.errors import BuildError
from mcubench.firmware.compiler.build import FLOAT_CFLAGS, RUNTIME_DIR, kernel_sources, translate


def build_host_executable(model_path, out_path, cc="gcc"):
    """Build the model for the host; returns its graph."""
    graph, steps, plan, source = translate(model_path, "portable")
    out_path = Path(out_path)
    src = out_path.with_suffix(".c")
    src.write_text(source)
    cmd = [cc, "-O2", *FLOAT_CFLAGS, "-DMCB_HOST", f"-I{RUNTIME_DIR}", str(src), str(RUNTIME_DIR / "mcb_host_main.c"),
           *map(str, kernel_sources("portable")), "-lm", "-o", str(out_path)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(f"host build of {graph.name} failed: {proc.stderr.strip().splitlines()[0] if proc.stderr else ''}")
    return graph


def run_host(exe_path, inputs: np.ndarray, output_nbytes: int) -> np.ndarray:
    """Run a host executable on a batch of inputs (first axis): outputs as raw int8 rows."""
    data = np.ascontiguousarray(inputs).tobytes()
    proc = subprocess.run([str(exe_path)], input=data, capture_output=True, check=True)
    return np.frombuffer(proc.stdout, dtype=np.int8).reshape(len(inputs), output_nbytes)


def run_model_on_host(directory, model_bytes, make_inputs):
    """Write a generated model into directory, build it for the host and run it: (model path, inputs, outputs as
    raw int8 rows). make_inputs(input tensor) draws the inputs."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "m.tflite"
    path.write_bytes(model_bytes)
    graph = build_host_executable(path, directory / "m")
    t_in, t_out = graph.tensors[graph.inputs[0]], graph.tensors[graph.outputs[0]]
    xs = make_inputs(t_in)
    return path, xs, run_host(directory / "m", xs, t_out.nbytes)
