"""Simulation speed: traced runs as a ratio to untraced Unicorn, on the same ELF in the same process.

    python3 -m mcubench.benchmarks.sim_speed [--repeat N]

The workload is an int8 multiply-accumulate loop of about 20 million instructions, built for a Cortex-M4
and an RV32IMC device, once with both operands in RAM and once with the weights in flash (as a model's
weights are). Three ways of running it are timed (best of N):
  bare      Unicorn with the memory map and no hooks at all (the limit);
  blocks    Simulator(memory_tracing=False): native block hook (block counts, fall-throughs, budget);
  memory    Simulator(memory_tracing=True): also every data load and store, stack, RAM, divisions.
            Loads from the data RAM are counted from the decoded blocks (simulator/static_reads.py);
            loads from flash and all stores go through the native memory hook.
Targets (issue 2): blocks <= 1.5x bare, memory <= 10x bare. With --model, real models compiled by
mcubench are timed too (memory mode then also simulates the device's caches, as the cost model asks).
"""

import argparse
from pathlib import Path
import tempfile
import time

import unicorn

from mcubench.core.device import load_device
from mcubench.firmware.platform.toolchain import build_elf
from mcubench.simulator.engine import _PERMS, Simulator, _Arch

WORKLOAD = r"""
#include <stdint.h>
int8_t a[1024];
#ifdef WEIGHTS_IN_FLASH
static const int8_t b[1024] __attribute__((aligned(ALIGN))) = {WEIGHTS};
#else
int8_t b[1024];
#endif
volatile int32_t sink;
int main(void)
{
    for (int i = 0; i < 1024; i++) {
        a[i] = (int8_t)(i * 7);
#ifndef WEIGHTS_IN_FLASH
        b[i] = (int8_t)(i * 13 + 5);
#endif
    }
    int32_t acc = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < 1024; i++) {
            acc += a[i] * b[(i + r) & 1023];
        }
    }
    sink = acc;
    return 0;
}
"""

DEVICES = {"cortex-m4-80mhz": 3300, "esp32-c3": 2800}  # rounds giving about 20 M instructions each


class BareUnicorn:
    """The same ELF in Unicorn with no hooks at all, reused across runs like the Simulator (so translated
    code is cached); a run stops at the exit trap (BKPT or EBREAK), which Unicorn reports as an error."""

    def __init__(self, sim):
        self.sim = sim
        self.arch = _Arch(sim.device)
        self.uc = self.arch.new_uc()
        for area in sim.device.memory_map:
            base, end = area.base & ~0xFFF, (area.end + 0xFFF) & ~0xFFF
            self.uc.mem_map(base, end - base, _PERMS[area.kind])
        for seg in sim.image.segments:  # read-only segments once, as the Simulator does
            if seg.data and not sim._writable(seg.address):
                self.uc.mem_write(seg.address, seg.data)
        self.context = self.uc.context_save()

    def run(self):
        """Seconds from reset to the exit trap, memory reload included as in Simulator.run."""
        uc, image = self.uc, self.sim.image
        start = time.perf_counter()
        for seg in image.segments:
            if seg.data and self.sim._writable(seg.address):
                uc.mem_write(seg.address, seg.data)
        uc.context_restore(self.context)
        if image.initial_sp is not None:
            uc.reg_write(self.arch.sp, image.initial_sp)
        try:
            uc.emu_start(self.arch.start_address(image.entry), 0xFFFFFFFF)
        except unicorn.UcError:
            pass  # the exit trap
        return time.perf_counter() - start


def timed(fn, repeat):
    best = None
    for _ in range(repeat):
        t = fn()
        best = t if best is None else min(best, t)
    return best


def measure(device_name, rounds, flash_weights, workdir, repeat, out):
    device = load_device(device_name)
    src = Path(workdir) / "int8_loop.c"
    src.write_text(WORKLOAD)
    elf = Path(workdir) / f"int8_loop-{device_name}-{int(flash_weights)}.elf"
    defines = {"ROUNDS": rounds}
    if flash_weights:
        # Page-aligned like a model's large weight arrays: Unicorn reads data from a page that also holds
        # translated code about 4x slower (measured here), which only the boundary pages of real firmware see.
        defines.update(WEIGHTS_IN_FLASH=None, ALIGN=4096,
                       WEIGHTS=",".join(str((i * 13 + 5) % 256 - 128) for i in range(1024)))
    build_elf(device, [src], elf, defines=defines)

    label = f"{device_name} ({'flash' if flash_weights else 'RAM'} weights)"
    out.append(time_modes(label, elf, device, {}, {}, repeat))


def time_modes(label, elf, device, traced_options, writes, repeat):
    """(label, instructions, seconds bare, blocks, memory); memory mode with traced_options added."""
    fast = Simulator(elf, device, memory_tracing=False)
    full = Simulator(elf, device, memory_tracing=True, **traced_options)
    instructions = fast.run(writes=writes).trace.instructions  # also warms the translation cache
    full.run(writes=writes)

    def run_timed(sim):
        def go():
            start = time.perf_counter()
            sim.run(writes=writes)
            return time.perf_counter() - start
        return go

    bare = BareUnicorn(fast)
    bare.run()  # warm-up: translation
    t_bare = timed(bare.run, repeat)
    t_blocks = timed(run_timed(fast), repeat)
    t_memory = timed(run_timed(full), repeat)
    return label, instructions, t_bare, t_blocks, t_memory


def measure_model(path, device_name, repeat, out):
    """A real model compiled by mcubench, traced with the options its cost model asks for (caches)."""
    from mcubench.cost_models import simulation_options
    from mcubench.firmware import compile_model

    device = load_device(device_name)
    fw = compile_model(path, device)
    options = {k: v for k, v in simulation_options(device).items() if k != "memory_tracing"}
    writes = {fw.input.address: bytes(fw.input.nbytes)}
    out.append(time_modes(f"{Path(path).stem[:18]} on {device_name}", fw.elf_path, device, options, writes, repeat))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m mcubench.benchmarks.sim_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="best of N runs per mode (default 5)")
    parser.add_argument("--model", action="append", default=[], metavar="MODEL.tflite",
                        help="also time this model compiled by mcubench (repeatable)")
    parser.add_argument("--device", action="append", default=[], metavar="NAME",
                        help="devices for --model (default: cortex-m4-80mhz and esp32-c3)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="mcubench-speed-") as tmp:
        for flash_weights in (False, True):
            for name, rounds in DEVICES.items():
                measure(name, rounds, flash_weights, tmp, args.repeat, rows)
    for model in args.model:
        for name in args.device or list(DEVICES):
            measure_model(model, name, args.repeat, rows)
    print(f"{'workload':<40} {'instructions':>12} {'bare':>9} {'blocks':>16} {'memory':>16}  MIPS bare/blocks/memory")
    for name, n, bare, blocks, memory in rows:
        print(f"{name:<40} {n:>12,} {bare * 1e3:>7.0f}ms {blocks * 1e3:>7.0f}ms {blocks / bare:>5.2f}x "
              f"{memory * 1e3:>7.0f}ms {memory / bare:>5.2f}x  "
              f"{n / bare / 1e6:.0f}/{n / blocks / 1e6:.0f}/{n / memory / 1e6:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
