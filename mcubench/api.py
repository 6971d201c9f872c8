"""The public Python API: the command line's steps as functions, for notebooks and search scripts.

    import mcubench
    device = mcubench.load_device("cortex-m4-80mhz")       # built-in name or a .toml file
    fw = mcubench.compile_model("model.tflite", device)      # firmware ELF + layer table + arena plan
    trace = mcubench.simulate(fw.elf_path, device)           # run in Unicorn with native tracing
    est = mcubench.estimate(trace, device)                   # cycles, latency, energy, peak RAM, flash
    results = mcubench.run_suite(devices=["cortex-m4-80mhz"], max_samples=10)
    frame = mcubench.results_frame(results)                  # one pandas row per model x device
    mcubench.render_report(results, "out/")                  # Markdown, HTML, CSV, plots

docs/api.md walks through it. Everything here is a thin, stable name for a function of a stage package.
"""

from pathlib import Path

from mcubench.benchmarks.runner import run_suite as _run_suite
from mcubench.benchmarks.suite import default_suite_path, load_suite
from mcubench.core.device import Device, load_device as _load_device
from mcubench.core.results import Battery, Results, load_results, save_results
from mcubench.cost_models import Estimate, simulation_options
from mcubench.cost_models import estimate as _estimate
from mcubench.firmware import Firmware, compile_model
from mcubench.reports import render_all
from mcubench.core.trace import Trace
from mcubench.simulator.engine import simulate as _simulate

__all__ = [
    "Battery",
    "Device",
    "Estimate",
    "Firmware",
    "Results",
    "Trace",
    "compile_model",
    "estimate",
    "load_device",
    "estimate_model",
    "load_results",
    "render_report",
    "results_frame",
    "run_suite",
    "save_results",
    "simulate",
]


def load_device(name_or_path) -> Device:
    """A built-in device by name (`mcubench devices` lists them), or a device description file (.toml)."""
    if isinstance(name_or_path, Device):
        return name_or_path
    return _load_device(str(name_or_path))


def simulate(elf, device, *, writes=None, reads=None) -> Trace:
    """Run a firmware ELF once from reset on the device, traced as its cost model needs."""
    device = load_device(device)
    return _simulate(elf, device, writes=writes, reads=reads, **simulation_options(device))


def estimate(trace: Trace, device, *, clock_mhz=None, voltage_v=None) -> Estimate:
    """Cycles, latency, energy, peak RAM and flash of a trace on a device (optionally another clock or voltage)."""
    return _estimate(trace, load_device(device), clock_mhz=clock_mhz, voltage_v=voltage_v)


def estimate_model(model, device, *, input=None, clock_mhz=None, voltage_v=None) -> Estimate:
    """One call for search loops: build (cached), run one inference and cost it.

    model: a .tflite path or its bytes; input: an int8 array of the input's shape (default: the fixed-seed
    random input `mcubench bench --samples 0` uses). Raises FitError when the model does not fit the device.
    """
    import tempfile

    from mcubench.benchmarks.runner import ModelOnDevice, random_input

    device = load_device(device)
    with tempfile.TemporaryDirectory(prefix="mcubench-model-") as tmp:
        if isinstance(model, (bytes, bytearray)):
            path = Path(tmp) / "model.tflite"
            path.write_bytes(model)
        else:
            path = Path(model)
        on_device = ModelOnDevice(path, device)
        trace, _ = on_device.measure(random_input(on_device.fw) if input is None else input)
    return _estimate(trace, device, clock_mhz=clock_mhz, voltage_v=voltage_v)


def run_suite(suite=None, devices=("cortex-m4-80mhz",), *, max_samples=None, clock_mhz=None, voltage_v=None) -> Results:
    """Benchmark a suite file (default: the built-in suite) on devices (names, files or Device records)."""
    suite = load_suite(Path(suite) if suite is not None else default_suite_path())
    return _run_suite(
        suite, [load_device(d) for d in devices], max_samples=max_samples, clock_mhz=clock_mhz, voltage_v=voltage_v
    )


def results_frame(results):
    """A results record (or the path of its JSON) as a pandas DataFrame, one row per model x device.

    Columns are the record's scalar fields (units in their names) plus accuracy_<field>.
    """
    import io

    import pandas as pd

    from mcubench.reports.csv_export import render_csv

    if not isinstance(results, Results):
        results = load_results(results)
    buffer = io.StringIO()
    render_csv(results, buffer)
    buffer.seek(0)
    return pd.read_csv(buffer)


def render_report(results, out_dir, battery=None) -> list:
    """Write summary.md, report.html, results.csv, layers.csv and plots into out_dir; returns the paths.

    battery: a Battery(capacity_mah, voltage_v) to give the battery-life figures for; by default the
    record's own (records from mcubench bench and run carry them for 1000 mAh at 3.0 V).
    """
    from mcubench.benchmarks.battery import with_battery_life

    if not isinstance(results, Results):
        results = load_results(results)
    if battery is not None or results.battery is None:
        results = with_battery_life(results, battery or Battery())
    return render_all(results, out_dir)
