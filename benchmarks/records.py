"""Results rows from estimates, and the Results record around them.

A model row is a .tflite compiled by mcubench (per-layer figures from the layer table); a firmware row is
an ELF as the user built it (per-region figures from --region and marked regions). `mcubench bench`
writes model rows, `mcubench run` writes either kind: the same record, read by `report` and `check`.
"""

import base64
import datetime
import hashlib
from pathlib import Path
import subprocess

from mcubench import __version__
from mcubench.benchmarks.battery import with_battery_life
from mcubench.core.results import ArenaBuffer, DeviceInfo, LayerResult, RegionResult, ResultRow, Results

REPO_ROOT = Path(__file__).resolve().parent.parent


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    except OSError:
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def file_sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def device_info(device) -> DeviceInfo:
    from mcubench.benchmarks.validation.power import device_energy_check
    from mcubench.benchmarks.validation.record import device_trust
    from mcubench.cost_models.estimate import device_sources

    sources, assumptions = device_sources(device)
    clock = device.need("clock").default_mhz
    return DeviceInfo(device.name, device.title, device.version, device.core, clock, sources, assumptions,
                      device_trust(device.name), device_energy_check(device))


def make_results(suite, rows, devices, failures=()) -> Results:
    """The record of these rows, with their battery life on the default battery (benchmarks/battery.py)."""
    from mcubench.benchmarks.validation.power import method_energy_check

    return with_battery_life(Results(
        suite=suite, rows=rows, devices={d.name: device_info(d) for d in devices},
        mcubench_version=__version__, git_commit=git_commit(),
        created_utc=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        failures=list(failures), energy_method_check=method_energy_check(),
    ))


def _common(device, est) -> dict:
    """The fields every row takes from the device and the estimate."""
    from mcubench.cost_models.estimate import device_sources
    from mcubench.cost_models.power import sleep_power_mw

    device_assumptions = set(device_sources(device)[1])
    return dict(
        device=device.name, device_title=est.device_title, device_version=device.version, isa=device.isa,
        proxy_isa=est.proxy_isa, clock_mhz=est.clock_mhz, voltage_v=est.voltage_v,
        instructions=int(est.instructions), cycles=int(est.cycles), latency_ms=est.latency_ms,
        energy_uj=est.energy_uj, avg_power_mw=est.avg_power_mw,
        idle_power_mw=float(sleep_power_mw(device, est.voltage_v)),  # between runs the device sleeps
        peak_ram_bytes=int(est.peak_ram_bytes), static_ram_bytes=int(est.static_ram_bytes),
        stack_bytes=int(est.stack_bytes), heap_bytes=int(est.heap_bytes), flash_bytes=int(est.flash_bytes),
        cycles_by_cause={k: int(v) for k, v in est.cycles_by_cause.items()},
        notes=[a for a in est.assumptions if a not in device_assumptions],
    )


def arena_live_bytes(plan) -> list:
    """Arena bytes in use at each step of the plan (buffers whose lifetime covers it, scratch included)."""
    buffers = plan.get("buffers", [])
    steps = max((b["last_step"] for b in buffers), default=-1) + 1
    return [sum(b["bytes"] for b in buffers if b["first_step"] <= s <= b["last_step"]) for s in range(steps)]


def arena_plan(fw) -> list:
    """The firmware's arena plan with its steps named by layer: [ArenaBuffer]."""
    last = len(fw.layers) - 1
    buffers = []
    for b in fw.plan.get("buffers", []):
        first = fw.layers[b["first_step"]]
        buffers.append(ArenaBuffer(written_by=first.region, kind=b["kind"], offset_bytes=int(b["offset"]),
                                   bytes=int(b["bytes"]), first_layer=first.index,
                                   last_layer=fw.layers[min(b["last_step"], last)].index))
    return buffers


def _layers(fw, est):
    live = arena_live_bytes(fw.plan)
    layers = []
    for step, layer in enumerate(fw.layers):
        region = est.regions.get(layer.region)
        if region is None:
            continue
        layers.append(LayerResult(
            index=layer.index, name=layer.region, op=layer.op, output_shape=list(layer.output_shape),
            macs=int(layer.macs), cycles=int(region.cycles), latency_ms=region.latency_ms,
            energy_uj=region.energy_uj,
            cycles_per_mac=(region.cycles / layer.macs) if layer.macs else None,
            weights_bytes=int(layer.weights_bytes), arena_live_bytes=live[step] if step < len(live) else 0,
        ))
    return layers


def model_row(name, title, model_file, fw, device, est, *, accuracy=None, sim_wall_s_per_sample=0.0,
              input_kind="", input_seed=None) -> ResultRow:
    """A row for mcubench's own firmware of a model (fw: the compiled Firmware). input_kind and input_seed
    say what the measured run was given: "test-set", "random" (with its seed) or "file"."""
    return ResultRow(
        model=name, model_title=title, model_sha256=file_sha256(model_file), **_common(device, est),
        macs=sum(int(layer.macs) for layer in fw.layers), arena_bytes=int(fw.arena_bytes),
        weights_bytes=int(fw.weights_bytes), accuracy=accuracy, layers=_layers(fw, est), compiler=fw.compiler,
        cflags=fw.cflags, sim_wall_s_per_sample=sim_wall_s_per_sample, kind="model", input_kind=input_kind,
        input_seed=input_seed, code_bytes=fw.plan.get("text_bytes"), arena_plan=arena_plan(fw),
    )


def firmware_row(name, elf_sha256, device, est, trace) -> ResultRow:
    """A row for a firmware ELF as given (or a saved trace of one): whole-run figures plus its regions."""
    regions = [RegionResult(r.name, r.parent, int(r.calls), int(r.instructions), int(r.cycles), r.latency_ms,
                            r.energy_uj) for r in est.regions.values()]
    return ResultRow(
        model=name, model_title=name, model_sha256=elf_sha256, **_common(device, est), macs=0, arena_bytes=0,
        weights_bytes=0, accuracy=None, kind="firmware", regions=regions, exit_status=trace.exit_status,
        console=trace.console, console_base64=base64.b64encode(trace.console_bytes).decode(),
        code_bytes=int(trace.image.text_bytes), reserved_ram_bytes=int(trace.image.reserved_bytes),
    )
