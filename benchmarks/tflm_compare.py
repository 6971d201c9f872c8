"""An unmodified TensorFlow Lite Micro firmware against mcubench's own firmware for the same model and input.

    python3 -m mcubench.benchmarks.tflm_compare [--devices cortex-m4-80mhz,stm32h7]

Uses the fixtures in ../shared (not part of this repository): the TFLM CMSIS-NN build of the MLPerf Tiny
KWS model (kws_cmsisnn_m4.elf), the model itself and the input embedded in the ELF. For each device:
- the TFLM build with --profile tflm (each kernel Eval a region) and tflite::MicroInterpreter::Invoke;
- mcubench's own firmware for kws_ref_model.tflite run on input.npy (per-layer regions, summed per op);
- the outputs: the TFLM console's OUTPUT line against mcubench's output tensor, byte for byte;
- the TFLM build's peak RAM, broken down (arena, other static data, heap, stack, reserved placeholders),
  checked against the arena use it prints and the sizes its linker script reserves.
"""

import argparse
from pathlib import Path
import re
import sys

import numpy as np

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TFLM_ELF = SHARED / "firmware" / "tflm-kws" / "kws_cmsisnn_m4.elf"
MODEL = SHARED / "models" / "mlperf-tiny" / "kws_ref_model.tflite"
INPUT = SHARED / "firmware" / "tflm-kws" / "input.npy"
INVOKE = "tflite::MicroInterpreter::Invoke"


def tflm_run(device):
    """(Estimate, Trace, op names, Simulator) of the TFLM build with every kernel a region."""
    from mcubench.cost_models import estimate, simulation_options
    from mcubench.simulator.engine import Simulator
    from mcubench.simulator.tflm import kernel_regions

    kernels = kernel_regions(Simulator(TFLM_ELF, device, memory_tracing=False))
    sim = Simulator(TFLM_ELF, device, function_regions=[INVOKE, *kernels], **simulation_options(device))
    trace = sim.run().trace
    return estimate(trace, device), trace, [k.name for k in kernels], sim


def own_run(device):
    """(Estimate, Firmware, output bytes) of mcubench's own firmware for the model on the same input."""
    from mcubench.benchmarks.runner import ModelOnDevice
    from mcubench.cost_models import estimate

    mod = ModelOnDevice(MODEL, device)
    x = np.load(INPUT).astype(np.int8).reshape(mod.fw.input.shape)
    trace, output = mod.measure(x)
    return estimate(trace, device), mod.fw, output.astype(np.int8).tobytes()


def tflm_output(trace) -> bytes:
    """The int8 output the TFLM application prints: `OUTPUT 80 80 ... 8f` (hex bytes)."""
    line = re.search(r"^OUTPUT ((?:[0-9a-f]{2} ?)+)$", trace.console, flags=re.M)
    if line is None:
        raise SystemExit(f"{TFLM_ELF.name}: no OUTPUT line in its console:\n{trace.console}")
    return bytes(int(h, 16) for h in line.group(1).split())


def ram_breakdown(trace, sim):
    """Peak RAM of the TFLM build, part by part, with the figures it is checked against."""
    symbols = {}
    from elftools.elf.elffile import ELFFile

    with open(TFLM_ELF, "rb") as f:
        for sym in ELFFile(f).get_section_by_name(".symtab").iter_symbols():
            symbols.setdefault(sym.name, (sym["st_value"], sym["st_size"]))
    arena = next(size for name, (_, size) in symbols.items() if "tensor_arena" in name)
    printed = re.search(r"arena_used_bytes (\d+) of (\d+)", trace.console)
    image = trace.image
    return {
        "static_bytes": image.static_ram_bytes,
        "arena_bytes (in static)": arena,
        "other_static_bytes": image.static_ram_bytes - arena,
        "heap_bytes": trace.heap_bytes,
        "stack_bytes": trace.stack_high_water_bytes,
        "peak_ram_bytes": image.static_ram_bytes + trace.heap_bytes + trace.stack_high_water_bytes,
        "reserved_bytes (not counted)": image.reserved_bytes,
        "reserved sections": image.reserved_sections,
        "printed arena use": f"{printed.group(1)} of {printed.group(2)}" if printed else "not printed",
        "linker _Min_Heap_Size + _Min_Stack_Size": symbols["_Min_Heap_Size"][0] + symbols["_Min_Stack_Size"][0],
        "sbrk calls": int(sim._lib.tracer_sbrk_calls(sim._tracer)),
    }


def compare(device, out):
    t_est, trace, ops, sim = tflm_run(device)
    o_est, fw, own_output = own_run(device)
    tflm_bytes = tflm_output(trace)
    out.write(f"\n## {device.name}\n\n")
    out.write(f"outputs byte-identical: {tflm_bytes == own_output} (TFLM {tflm_bytes.hex(' ')}, "
              f"mcubench {own_output.hex(' ')})\n\n")
    own_by_op = {}
    for layer in fw.layers:
        region = o_est.regions.get(layer.region)
        if region is not None:
            calls, cycles, macs = own_by_op.get(layer.op, (0, 0, 0))
            own_by_op[layer.op] = (calls + 1, cycles + region.cycles, macs + layer.macs)
    out.write("| op | TFLM calls | TFLM cycles | mcubench layers | mcubench cycles | MACs | TFLM cyc/MAC | "
              "mcubench cyc/MAC | TFLM / mcubench |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    rows = sorted((t_est.regions[op] for op in ops if t_est.regions[op].calls), key=lambda r: -r.cycles)
    for r in rows:
        calls, cycles, macs = own_by_op.get(r.name, (0, 0, 0))
        per_mac = (f"{r.cycles / macs:.2f}", f"{cycles / macs:.2f}") if macs else ("", "")
        ratio = f"{r.cycles / cycles:.2f}" if cycles else ""
        out.write(f"| {r.name} | {r.calls} | {r.cycles:,} | {calls} | {cycles:,} | {macs:,} | {per_mac[0]} | "
                  f"{per_mac[1]} | {ratio} |\n")
    own_layers = sum(c for _, c, _ in own_by_op.values())
    invoke = t_est.regions[INVOKE]
    out.write(f"| **Invoke / all layers** | {invoke.calls} | {invoke.cycles:,} | {len(fw.layers)} | {own_layers:,} | "
              f"{sum(m for _, _, m in own_by_op.values()):,} | | | {invoke.cycles / own_layers:.2f} |\n")
    out.write(f"| **whole run** | | {t_est.cycles:,} | | {o_est.cycles:,} | | | | {t_est.cycles / o_est.cycles:.2f} |\n\n")
    out.write("TFLM build's RAM:\n\n")
    for key, value in ram_breakdown(trace, sim).items():
        out.write(f"- {key}: {value:,}\n" if isinstance(value, int) else f"- {key}: {value}\n")
    out.write(f"\nmcubench's own firmware: peak RAM {o_est.peak_ram_bytes:,} B (static {o_est.static_ram_bytes:,}, "
              f"arena {fw.arena_bytes:,}, stack {o_est.stack_bytes:,}), flash {o_est.flash_bytes:,} B; "
              f"TFLM flash {t_est.flash_bytes:,} B\n")
    return tflm_bytes == own_output


def main(argv=None):
    from mcubench.core.device import load_devices

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", default="cortex-m4-80mhz,stm32h7")
    args = parser.parse_args(argv)
    for path in (TFLM_ELF, MODEL, INPUT):
        if not path.is_file():
            raise SystemExit(f"{path}: missing (the ../shared fixtures)")
    same = [compare(device, sys.stdout) for device in load_devices(args.devices)]
    return 0 if all(same) else 1


if __name__ == "__main__":
    sys.exit(main())
