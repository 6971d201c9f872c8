"""Kernel ablation: the cycles each of the firmware's code-layout and unrolling choices saves, on and off.

    python3 -m mcubench.benchmarks.kernel_ablation [--models kws shapes] [--devices stm32h7] [--choices mac_groups]
                                                   [--json out.json]

The kernels and build flags carry choices made for the cost models' rules (where a taken branch lands,
which flash or cache line a load reads, what a loop's compare and branch cost): the fields of
firmware/compiler/build.py BuildVariant. For each choice this builds the default suite's models with it on
and off, everything else as the project builds them for the device (project_tuning), runs one inference
on each default device (the first test sample, the input of `mcubench bench`'s traced run; one inference's
cycle count is deterministic) and prints the cycles of both builds and the change the choice makes, (on -
off) / off: negative where the choice saves cycles. Every build's output must equal the project build's
byte for byte (the choices move code, never arithmetic). A choice that cannot act on a build (the DSP
kernels' choices on RV32, chunking without a small data cache) is "n/a".

How far each device's model can be tuned against (docs/devices.md, `mcubench validate`):
  cortex-m4-80mhz  validated on independent silicon references (branch refill and alignment, loads, MACs);
  esp32-c3         validated on independent silicon references (branches, jumps, loads, stores);
  stm32h7          validated on microbenchmarks only (pipeline pairing, LDM, MAC chains), not on whole
                   kernels, and its cache and branch-predictor assumptions are unmeasured;
  esp32            a proxy: RV32IMC code timed with LX6 figures, core cycles x 1.31; it does not run the
                   Xtensa code the real part would.
A choice is kept on a core only where that core's validated model rewards it (project_tuning): the
Cortex-M4 model decides for Cortex-M4 builds, the ESP32-C3 model for RV32 builds. The project does not tune
for the H7 or ESP32 models; for them this table shows what a choice would do, not a reason to make it.

Rewarded means: with the choice on, that validated model's total over the default suite is lower than with
it off, everything else as the project builds it. Measured on 2026-12-03 on main at c266d09 plus the
project builds of this module's commit (change (on - off) / off per model kws / images / vibration /
shapes, in %; "-" where it cannot act):

  choice           cortex-m4-80mhz (validated)  esp32-c3 (validated)     stm32h7 (not tuned for)    kept on
  align_loops 4    -1.41 -0.41 -0.02 -1.35      +0.51 +0.00 +0.00 +0.50  -0.14 +0.04 +0.04 +0.02    M4
  depthwise_align  +0.00 +0.00 +0.00 -0.04      -                        -0.45 +0.00 +0.00 +0.01    M4
  const_align 8    +0.00 -0.06 -0.45 -0.10      +0.00 -0.00 +0.04 +0.00  +0.00 -0.01 +0.04 -0.00    M4
  mac_groups 4     -1.35 -4.25 +0.01 -0.65      -                        -1.27 -5.56 -0.03 -1.08    M4, M7
  widen_groups 2   -0.15 -1.09 -0.06 -0.08      -                        +0.43 -0.22 -0.11 -0.39    M4, M7
  add_elements 2   +0.00 -0.04 +0.00 +0.00      -                        +0.00 +0.14 +0.00 +0.00    M4, M7
  weight_chunks    -1.13 -1.43 -0.03 -1.18      -                        -                          M4

- Cortex-M4 keeps every choice and gains loop heads on 4 bytes (-falign-loops=4; the DSP kernels' inline
  assembly loops get .balign 4): its taken-branch rule charges a branch into an unaligned 32-bit instruction
  one more cycle. The depthwise kernel's 32-byte start saves 1,785 cycles over the suite (shapes), little
  more than where the code lands moves.
- RV32 (esp32-c3, and esp32, which runs the same RV32 build): no choice; -falign-loops=4 costs 0.5% on the
  C3 (the padding is executed on entry and RV32IMC has no alignment rule that could pay for it).
- Cortex-M7 (stm32h7): no layout choice (loop, function and constant alignment are off: only the H7 model's
  unvalidated fetch, cache and predictor rules could reward them). The DSP kernels' unrolling is one source
  for both ARMv7E-M cores and follows the validated M4 model. The H7 kws figure moves with where the
  depthwise kernel lands (-0.45% started on 32 bytes; widen_groups' +0.43% on kws is the same placement
  effect): a sensitivity of the H7 model, not tuned for.
"""

import argparse
from dataclasses import asdict, dataclass
import sys

import numpy as np

from mcubench.core.atomic import write_json_atomic
from mcubench.core.errors import McubenchError


@dataclass(frozen=True)
class Choice:
    field: str  # a BuildVariant field
    on: object
    off: object
    what: str


CHOICES = (
    Choice("align_loops", 4, 1, "loop heads on 4 bytes (-falign-loops=4, and the DSP asm loops)"),
    Choice("depthwise_align", 32, 1, "DSP depthwise kernel starts on 32 bytes"),
    Choice("const_align", 8, 4, "constant arrays on 8 bytes (DSP LDRD within one flash line)"),
    Choice("mac_groups", 4, 1, "DSP 2x2 MAC loop: 4 groups per iteration (off: 1)"),
    Choice("widen_groups", 2, 1, "DSP im2col widening: 2 groups per iteration"),
    Choice("add_elements", 2, 1, "DSP ADD loop: 2 elements per iteration"),
    Choice("weight_chunks", True, False, "DSP weight rows in chunks for a <= 1 KB data cache"),
)


def _validation(device_name) -> str:
    """The device's timing validation in a few words, from the committed validation baseline."""
    from mcubench.benchmarks.validation.record import device_trust

    validation = device_trust(device_name)
    independent = validation.independent if validation is not None else None
    if independent is None or not independent.references:
        return "not independently validated"
    return f"validated ±{independent.mean_abs_error_pct:.1f}% on {independent.references}"


def _measure(model, device, variant, first):
    """(cycles, output bytes) of one inference of a suite model built with variant (None: the project's)."""
    from mcubench.benchmarks.runner import ModelOnDevice, random_input
    from mcubench.cost_models import estimate

    on_device = ModelOnDevice(model.file, device, variant=variant)
    x = first if first is not None else random_input(on_device.fw)
    trace, output = on_device.measure(x)
    return estimate(trace, device).cycles, np.asarray(output).tobytes()


def ablate(suite, devices, choices=CHOICES, progress=None):
    """Rows of {model, device, choice, on, off, change_pct} (on/off None where the choice is n/a), and the
    project build's cycles per (model, device)."""
    from mcubench.firmware.compiler.build import BuildVariant, effective_variant, project_tuning, resolve_kernels

    rows, project, measured = [], {}, {}
    for model in suite.models:
        dataset = model.load_dataset()
        first = dataset[0][0] if dataset is not None else None
        for device in devices:
            kernels = resolve_kernels("auto", device)
            tuned = project_tuning(device, kernels)

            def cycles(effective, model=model, device=device, tuned=tuned, first=first):
                key = (model.name, device.name, effective)
                if key not in measured:
                    if progress:
                        progress(f"{model.name} on {device.name}: {_describe(effective, tuned)}")
                    measured[key] = _measure(model, device, effective, first)
                return measured[key]

            base_cycles, base_out = cycles(tuned)
            project[(model.name, device.name)] = base_cycles
            for choice in choices:
                on = effective_variant(BuildVariant(**{choice.field: choice.on}).over(tuned), device, kernels)
                off = effective_variant(BuildVariant(**{choice.field: choice.off}).over(tuned), device, kernels)
                row = {
                    "model": model.name,
                    "device": device.name,
                    "choice": choice.field,
                    "project": getattr(tuned, choice.field) == getattr(on, choice.field),
                    "on": None,
                    "off": None,
                    "change_pct": None,
                }
                if on != off:
                    (row["on"], out_on), (row["off"], out_off) = cycles(on), cycles(off)
                    if out_on != base_out or out_off != base_out:
                        raise McubenchError(f"{model.name} on {device.name}: {choice.field} changes the output")
                    row["change_pct"] = 100.0 * (row["on"] - row["off"]) / row["off"]
                rows.append(row)
    return rows, project


def _describe(variant, tuned):
    changed = {k: v for k, v in asdict(variant).items() if asdict(tuned)[k] != v}
    return "project build" if not changed else ", ".join(f"{k}={v}" for k, v in changed.items())


def render(rows, project, choices=CHOICES) -> str:
    """The table: per choice, cycles on and off and the change per model x device, then each device's mean."""
    out = []
    for choice in choices:
        mine = [r for r in rows if r["choice"] == choice.field]
        out.append(f"{choice.field}: {choice.what}")
        out.append(f"  {'model':<10} {'device':<16} {'on':>12} {'off':>12} {'change':>8}  project")
        for r in mine:
            if r["on"] is None:
                out.append(f"  {r['model']:<10} {r['device']:<16} {'n/a':>12} {'n/a':>12} {'':>8}")
                continue
            out.append(
                f"  {r['model']:<10} {r['device']:<16} {r['on']:>12,} {r['off']:>12,} {r['change_pct']:>+7.2f}%"
                f"  {'on' if r['project'] else 'off'}"
            )
        for device in dict.fromkeys(r["device"] for r in mine):
            changes = [r["change_pct"] for r in mine if r["device"] == device and r["change_pct"] is not None]
            if changes:
                out.append(
                    f"  {'mean':<10} {device:<16} {'':>12} {'':>12} {np.mean(changes):>+7.2f}%"
                    f"  ({_validation(device)})"
                )
        out.append("")
    out.append("project build, cycles:")
    for (model, device), cycles in project.items():
        out.append(f"  {model:<10} {device:<16} {cycles:>12,}")
    return "\n".join(out)


def main(argv=None) -> int:
    from mcubench.benchmarks.suite import default_suite_path, load_suite
    from mcubench.core.device import load_device

    parser = argparse.ArgumentParser(
        prog="python3 -m mcubench.benchmarks.kernel_ablation", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--models", nargs="+", help="suite models (default: all of the default suite's)")
    parser.add_argument("--devices", nargs="+", help="devices (default: the default suite's)")
    parser.add_argument("--choices", nargs="+", choices=[c.field for c in CHOICES], help="choices (default: all)")
    parser.add_argument("--json", help="also write the rows and the project build's cycles here")
    args = parser.parse_args(argv)
    try:
        suite = load_suite(default_suite_path())
        if args.models:
            unknown = set(args.models) - {m.name for m in suite.models}
            if unknown:
                parser.error(f"not in the default suite: {', '.join(sorted(unknown))}")
            suite.models = [m for m in suite.models if m.name in args.models]
        devices = [load_device(d) for d in (args.devices or suite.devices)]
        choices = [c for c in CHOICES if not args.choices or c.field in args.choices]
        rows, project = ablate(suite, devices, choices, progress=lambda text: print(text, file=sys.stderr, flush=True))
    except McubenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(render(rows, project, choices))
    if args.json:
        write_json_atomic(
            args.json, {"rows": rows, "project": [{"model": m, "device": d, "cycles": c} for (m, d), c in project.items()]}
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
