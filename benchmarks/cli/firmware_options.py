"""What `mcubench run FIRMWARE.elf` and `mcubench trace` share: the instruction budget, the host files
semihosting may reach, the firmware's exit status, regions by C/C++ name or a TFLM per-operator profile,
and how the end of a run is shown (console, host notes, where the firmware parked)."""

from pathlib import Path

from mcubench.benchmarks.cli import EXIT_FIRMWARE, EXIT_OK

DEFAULT_BUDGET = 200_000_000
PROFILES = ("tflm",)


def configure(parser, *, with_region=True):
    if with_region:
        parser.add_argument("--region", action="append", default=[], metavar="FUNC",
                            help="measure every call of this function as a region (repeatable); C names, mangled "
                                 "or demangled C++ names, with or without the parameter list "
                                 "('tflite::MicroInterpreter::Invoke')")
    parser.add_argument("--profile", choices=PROFILES,
                        help="tflm: every TensorFlow Lite Micro kernel Eval function of the ELF becomes a region, "
                             "named by its op; prints the per-op table")
    parser.add_argument("--budget", type=int, default=DEFAULT_BUDGET, metavar="N",
                        help="stop with an error after N executed instructions (default: %(default)s)")
    parser.add_argument("--files", metavar="DIR",
                        help="the directory the firmware's semihosting file operations may use (paths relative "
                             "to it; nothing else on the host is reachable); default: none")
    parser.add_argument("--files-writable", action="store_true",
                        help="let the firmware create, write, remove and rename files in --files DIR "
                             "(default: read-only)")
    parser.add_argument("--allow-exit-status", action="store_true",
                        help="a non-zero exit status of the firmware is not an error (default: mcubench exits "
                             f"with status {EXIT_FIRMWARE})")


def check(args):
    """Refuses option combinations that cannot work, before any run."""
    from mcubench.core.errors import UsageError
    from mcubench.simulator.engine import check_budget

    check_budget(args.budget)
    if args.files_writable and not args.files:
        raise UsageError("--files-writable needs --files DIR")
    if args.files and not Path(args.files).is_dir():
        raise UsageError(f"--files {args.files}: not a directory")


def simulator(elf, device, args, **options):
    """(Simulator, profiled op names): a Simulator for the ELF with the budget, host files and regions
    (names, --profile) the args ask; op names are the regions --profile added, else []."""
    from mcubench.simulator.engine import Simulator
    from mcubench.simulator.host_files import HostFiles

    files = HostFiles(args.files, args.files_writable) if args.files else None
    regions = list(getattr(args, "region", []) or [])
    ops = []
    if args.profile == "tflm":
        from mcubench.simulator.tflm import kernel_regions

        kernels = kernel_regions(Simulator(elf, device, memory_tracing=False))
        regions += kernels
        ops = [k.name for k in kernels]
    sim = Simulator(elf, device, function_regions=regions, budget_instructions=args.budget, host_files=files,
                    **options)
    return sim, ops


def _write_console(data: bytes, out):
    """The console byte for byte where the stream allows it (a terminal or pipe), as text otherwise."""
    out.flush()
    raw = getattr(out, "buffer", None)
    if raw is not None:
        raw.write(data)
        raw.flush()
    else:
        out.write(data.decode("utf-8", errors="replace"))
    if not data.endswith(b"\n"):
        out.write("\n")


def show_end(trace, name, out, *, console=True, notes=True):
    """The console, what the host refused, and how the run ended."""
    if console and trace.console_bytes:
        out.write(f"console of {name} on {trace.device}:\n" if notes else f"console of {name}:\n")
        _write_console(trace.console_bytes, out)
    if not notes:
        return
    for note in trace.host_notes:
        out.write(f"note: semihosting refused {note}\n")
    if trace.idle_pc is not None:
        symbol = f" in {trace.idle_function}" if trace.idle_function else ""
        out.write(f"note: firmware parked in an idle loop at PC {trace.idle_pc:#010x}{symbol} after "
                  f"{trace.instructions:,} instructions (the loop itself is not counted)\n")
    elif trace.exit_status:
        out.write(f"note: firmware exited with status {trace.exit_status}\n")


def exit_code(traces, name, args, err) -> int:
    """EXIT_FIRMWARE when a firmware exited with a non-zero status and --allow-exit-status is not given."""
    failed = [t for t in traces if t.exit_status not in (0, None)]
    if not failed or args.allow_exit_status:
        return EXIT_OK
    statuses = ", ".join(f"{t.exit_status} on {t.device}" for t in failed)
    err.write(f"mcubench: error: {name} exited with status {statuses} (--allow-exit-status accepts it)\n")
    return EXIT_FIRMWARE
