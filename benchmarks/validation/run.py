"""Build each validation program for its device, run it on the simulator, cost it, compare with the references."""

from dataclasses import replace
from pathlib import Path
import tempfile

from mcubench.core.device import load_device
from mcubench.core.errors import UsageError
from mcubench.cost_models import estimate, simulation_options
from mcubench.firmware.platform.toolchain import build_elf
from mcubench.simulator.engine import Simulator

from .record import ValidationRecord, ValidationRow, summarize
from .references import references_for

PROGRAMS = Path(__file__).resolve().parent / "programs"
COPIES_SHORT, COPIES_LONG = 4, 14


def _region_cycles(est, name):
    region = est.regions.get(name)
    if region is None:
        raise UsageError(f"validation program has no region {name!r}")
    return region.cycles


def predicted(ref, est) -> float:
    if ref.how == "region":
        return _region_cycles(est, ref.name) - _region_cycles(est, "empty")
    short = _region_cycles(est, f"{ref.name}_x{COPIES_SHORT}")
    long = _region_cycles(est, f"{ref.name}_x{COPIES_LONG}")
    return (long - short) / (COPIES_LONG - COPIES_SHORT)


def run_program(device, program, clock_mhz, workdir):
    if device.proxy is not None:
        # A proxy device's reference program is the proxy-ISA sequence standing for the measured one instruction
        # for instruction, so the stream factor (how much longer compiled code of the real ISA is) does not apply:
        # the references check the timing rules alone.
        device = replace(device, proxy=replace(device.proxy, stream_factor=1.0))
    elf = Path(workdir) / f"{device.name}-{Path(program).stem}-{clock_mhz:g}.elf"
    build_elf(device, [PROGRAMS / program], elf, defines={"MARKER": f"{device.marker_address:#x}"})
    trace = Simulator(elf, device, **simulation_options(device)).run().trace
    return estimate(trace, device, clock_mhz=clock_mhz)


def validate(devices=None) -> ValidationRecord:
    """Every reference of the named devices (all when None): predicted against published."""
    refs = references_for(devices)
    if devices is not None:
        unknown = set(devices) - {r.device for r in refs}
        for name in sorted(unknown):
            load_device(name)  # an unknown name is an error; a known device without references is allowed
    rows, versions, estimates = [], {}, {}
    with tempfile.TemporaryDirectory(prefix="mcubench-validate-") as tmp:
        for ref in refs:
            key = (ref.device, ref.program, ref.clock_mhz)
            if key not in estimates:
                device = load_device(ref.device)
                versions[device.name] = device.version
                estimates[key] = run_program(device, ref.program, ref.clock_mhz, tmp)
            rows.append(ValidationRow(ref.name, ref.device, ref.mechanism, float(predicted(ref, estimates[key])),
                                      float(ref.published), ref.unit, ref.source, ref.relation, ref.basis))
    return ValidationRecord(rows, summarize(rows, versions))
