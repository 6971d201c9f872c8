"""`mcubench trace`: run one firmware ELF on a device's memory map and write its Trace as JSON."""

from pathlib import Path
import sys

from mcubench.benchmarks.cli import firmware_options
from mcubench.core.atomic import write_json_atomic

NAME = "trace"
HELP = "simulate a firmware ELF and report instructions, memory traffic, stack and regions"


def configure(parser):
    parser.add_argument("elf", metavar="FIRMWARE.elf", help="bare-metal Cortex-M or RV32 firmware")
    parser.add_argument("--device", default="cortex-m4-80mhz", help="device whose memory map to use, a name or "
                        "path/to/board.toml (default: %(default)s)")
    parser.add_argument("--json", metavar="OUT.json", help="write the whole trace here ('-': standard output)")
    firmware_options.configure(parser)
    parser.add_argument("--no-memory-trace", action="store_true",
                        help="do not trace data accesses (faster; stack and RAM use come from stack painting, and "
                        "a marked region starts or ends at the block holding its marker store)")


def summary(trace, out):
    """A few lines a person reads; the JSON holds everything."""
    blocks = trace.blocks
    taken = int((blocks.count - blocks.fallthrough).sum())
    ended = "parked" if trace.exit_status is None else f"exit status {trace.exit_status}"
    out.write(f"{trace.device} ({trace.isa}): {ended}, {trace.instructions:,} instructions "
              f"in {len(blocks.address):,} blocks, {taken:,} block exits not falling through\n")
    reserved = f", {trace.image.reserved_bytes:,} B reserved by linker placeholders" if trace.image.reserved_bytes else ""
    out.write(f"image: {trace.image.text_bytes:,} B text, {trace.image.rodata_bytes:,} B rodata, "
              f"{trace.image.data_bytes:,} B data, {trace.image.bss_bytes:,} B bss{reserved}; "
              f"stack high water {trace.stack_high_water_bytes:,} B, heap high water {trace.heap_bytes:,} B, "
              f"RAM written {trace.ram_touched_bytes:,} B\n")
    for name, c in trace.memory.items():
        if c.reads or c.writes:
            out.write(f"  {name:<12} {c.reads:>12,} reads ({c.read_bytes:,} B) {c.writes:>12,} writes ({c.write_bytes:,} B)\n")
    for r in trace.regions:
        parent = f" in {r.parent}" if r.parent else ""
        out.write(f"region {r.name}{parent}: {r.calls:,} calls, {r.instructions:,} instructions\n")
    firmware_options.show_end(trace, "the firmware", out)


def execute(args):
    from mcubench.cost_models import simulation_options
    from mcubench.core import paths
    from mcubench.core.device import load_devices
    from mcubench.core.errors import UsageError
    paths.input_file(args.elf)
    firmware_options.check(args)
    paths.output_file(args.json, "--json")
    text = sys.stderr if paths.one_stdout({"--json": args.json}) else sys.stdout
    devices = load_devices(args.device)
    if len(devices) != 1:
        raise UsageError(f"--device {args.device}: trace runs on one device")
    device = devices[0]
    # The device's caches (flash accelerator, L1) are simulated as `mcubench run` does, so that a saved
    # trace re-costs (`mcubench run --trace`) to the same figures as a fresh run.
    options = simulation_options(device) if not args.no_memory_trace else {"memory_tracing": False}
    sim, _ = firmware_options.simulator(args.elf, device, args, **options)
    for note in sim.region_notes:
        text.write(f"note: {note}\n")
    trace = sim.run().trace
    if args.json:  # first, so a closed stdout cannot lose the result
        write_json_atomic(args.json, trace.to_dict(), indent=None)
    summary(trace, text)
    return firmware_options.exit_code([trace], Path(args.elf).name, args, sys.stderr)
