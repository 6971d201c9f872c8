"""`mcubench trace`: run one firmware ELF on a device's memory map and write its Trace as JSON."""

import sys

from mcubench.core.atomic import write_json_atomic

NAME = "trace"
HELP = "simulate a firmware ELF and report instructions, memory traffic, stack and regions"


def configure(parser):
    parser.add_argument("elf", metavar="FIRMWARE.elf", help="bare-metal Cortex-M or RV32 firmware")
    parser.add_argument("--device", default="cortex-m4-80mhz", help="device whose memory map to use, a name or "
                        "path/to/board.toml (default: %(default)s)")
    parser.add_argument("--json", metavar="OUT.json", help="write the whole trace here ('-': standard output)")
    parser.add_argument("--region", action="append", default=[], metavar="FUNC",
                        help="measure every call of this function as a region (repeatable)")
    parser.add_argument("--budget", type=int, default=200_000_000, metavar="N",
                        help="stop with an error after N instructions (default: %(default)s)")
    parser.add_argument("--no-memory-trace", action="store_true",
                        help="do not trace data accesses (faster; stack and RAM use come from stack painting, and "
                        "a marked region starts or ends at the block holding its marker store)")


def summary(trace, out):
    """A few lines a person reads; the JSON holds everything."""
    blocks = trace.blocks
    taken = int((blocks.count - blocks.fallthrough).sum())
    out.write(f"{trace.device} ({trace.isa}): exit status {trace.exit_status}, {trace.instructions:,} instructions "
              f"in {len(blocks.address):,} blocks, {taken:,} block exits not falling through\n")
    out.write(f"image: {trace.image.text_bytes:,} B text, {trace.image.rodata_bytes:,} B rodata, "
              f"{trace.image.data_bytes:,} B data, {trace.image.bss_bytes:,} B bss; "
              f"stack high water {trace.stack_high_water_bytes:,} B, RAM written {trace.ram_touched_bytes:,} B\n")
    for name, c in trace.memory.items():
        if c.reads or c.writes:
            out.write(f"  {name:<12} {c.reads:>12,} reads ({c.read_bytes:,} B) {c.writes:>12,} writes ({c.write_bytes:,} B)\n")
    for r in trace.regions:
        parent = f" in {r.parent}" if r.parent else ""
        out.write(f"region {r.name}{parent}: {r.calls:,} calls, {r.instructions:,} instructions\n")
    if trace.console:
        text = trace.console if len(trace.console) <= 2000 else trace.console[:2000] + "...\n"
        out.write("console:\n" + text + ("" if text.endswith("\n") else "\n"))


def execute(args):
    from mcubench.cost_models import simulation_options
    from mcubench.core import paths
    from mcubench.core.device import load_devices
    from mcubench.core.errors import UsageError
    from mcubench.simulator.engine import Simulator, check_budget

    paths.input_file(args.elf)
    check_budget(args.budget)
    paths.output_file(args.json, "--json")
    text = sys.stderr if paths.one_stdout({"--json": args.json}) else sys.stdout
    devices = load_devices(args.device)
    if len(devices) != 1:
        raise UsageError(f"--device {args.device}: trace runs on one device")
    device = devices[0]
    # The device's caches (flash accelerator, L1) are simulated as `mcubench run` does, so that a saved
    # trace re-costs (`mcubench run --trace`) to the same figures as a fresh run.
    options = simulation_options(device) if not args.no_memory_trace else {"memory_tracing": False}
    sim = Simulator(args.elf, device, function_regions=args.region, budget_instructions=args.budget, **options)
    trace = sim.run().trace
    if args.json:  # first, so a closed stdout cannot lose the result
        write_json_atomic(args.json, trace.to_dict(), indent=None)
    summary(trace, text)
    return 0
