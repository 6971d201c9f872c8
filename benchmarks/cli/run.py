"""`mcubench run`: run a firmware ELF (or re-cost a saved trace) and estimate it on one or more devices.

A .tflite first argument is handed to benchmarks.model_run (build the model's firmware, then the same).
"""

import sys
from pathlib import Path

from mcubench.benchmarks.cli import firmware_options, non_negative_int, positive_number

NAME = "run"
HELP = "run firmware and estimate cycles, latency, energy, power, peak RAM and flash per device"


def configure(parser):
    parser.add_argument("firmware", nargs="?", metavar="FIRMWARE.elf|MODEL.tflite",
                        help="firmware ELF to run (optional with --trace)")
    parser.add_argument("--device", required=True, metavar="A[,B,...]",
                        help="comma-separated device names or board files (path/to/board.toml)")
    parser.add_argument("--json", metavar="OUT.json",
                        help="write a results record here ('-': standard output); `mcubench report` renders it, "
                             "`mcubench check` gates it")
    parser.add_argument("--name", metavar="NAME",
                        help="the firmware's name in the results record (default: the file name without extension)")
    parser.add_argument("--clock-mhz", type=positive_number, metavar="F", help="core clock (within the device's range)")
    parser.add_argument("--voltage", type=positive_number, metavar="V", help="supply voltage (within the device's range)")
    parser.add_argument("--trace", metavar="SAVED.json", help="re-cost a trace saved by `mcubench trace` instead of running")
    parser.add_argument("--proxy-isa", metavar="ISA", help="for proxy devices (esp32): the ISA of the proxy build")
    parser.add_argument("--explain", action="store_true", help="also print the assumptions and sources behind each estimate")
    parser.add_argument("--rate", type=positive_number, metavar="HZ",
                        help="duty cycle: runs per second, sleeping in between; prints average power")
    parser.add_argument("--battery-mah", type=positive_number, metavar="MAH", help="with --rate: battery capacity for the life estimate")
    parser.add_argument("--battery-v", type=positive_number, metavar="V", help="with --battery-mah: battery voltage (default: the supply)")
    # For a firmware ELF (as `mcubench trace` takes them):
    firmware_options.configure(parser)
    # For `mcubench run model.tflite` (benchmarks.model_run):
    parser.add_argument("--input", metavar="IN.npy", help="model input (the model's input type and shape)")
    parser.add_argument("--output", metavar="OUT.npy", help="write the model's output tensor here")
    parser.add_argument("--seed", type=non_negative_int,
                        help="seed of the random model input (default: 0, the same input every run)")


def _traces(args, devices, out):
    """(one Trace per device: the saved one, or a fresh run of the ELF with each device's cost options;
    the op names --profile made regions of)."""
    from mcubench.core.trace import Trace

    if args.trace:
        saved = Trace.load(args.trace)
        return [saved for _ in devices], []
    from mcubench.cost_models import simulation_options

    traces, ops = [], []
    for device in devices:
        sim, ops = firmware_options.simulator(args.firmware, device, args, **simulation_options(device))
        if not traces:
            for note in sim.region_notes:
                out.write(f"note: {note}\n")
        traces.append(sim.run().trace)
    return traces, ops


def _check_paths(args):
    """Inputs exist and outputs can be written, before any work; True when --json is standard output."""
    from mcubench.core import paths

    if args.firmware is not None:
        paths.input_file(args.firmware)
    if args.trace is not None:
        paths.input_file(args.trace, "--trace")
    if args.input is not None:
        paths.input_file(args.input, "--input")
    paths.output_file(args.json, "--json")
    paths.output_file(args.output, "--output")
    return paths.one_stdout({"--json": args.json, "--output": args.output})


def _refuse_elf_options(args):
    """UsageError naming the options given that only an ELF run takes (the .tflite path)."""
    from mcubench.core.errors import UsageError

    elf_only = {"--trace": args.trace, "--region": args.region, "--proxy-isa": args.proxy_isa,
                "--explain": args.explain, "--rate": args.rate, "--battery-mah": args.battery_mah,
                "--battery-v": args.battery_v, "--profile": args.profile, "--files": args.files,
                "--files-writable": args.files_writable, "--allow-exit-status": args.allow_exit_status,
                "--budget": args.budget != firmware_options.DEFAULT_BUDGET}
    given = [option for option, value in elf_only.items() if value]
    if given:
        raise UsageError(f"{', '.join(given)}: not available when running a .tflite model")


def _check_elf_options(args):
    """UsageError for options a firmware run (or a re-cost of a saved trace) cannot take together."""
    from mcubench.core.errors import UsageError

    model_only = {"--input": args.input, "--output": args.output, "--seed": args.seed}
    given = [option for option, value in model_only.items() if value is not None]
    if given:
        raise UsageError(f"{', '.join(given)}: only for running a .tflite model")
    if not args.firmware and not args.trace:
        raise UsageError("give a firmware ELF to run, or --trace SAVED.json to re-cost")
    if args.firmware and args.trace:
        raise UsageError("give either a firmware ELF or --trace, not both")
    if args.trace and (args.region or args.profile):
        raise UsageError("--region and --profile need a run; a saved trace keeps the regions it was traced with")
    firmware_options.check(args)
    if (args.battery_mah is not None or args.battery_v is not None) and args.rate is None:
        raise UsageError("--battery-mah and --battery-v need --rate")


def _report_device(args, device, trace, label, ops, out, console):
    """Estimate one device's run and write its figures (and the console when console): the estimate."""
    from mcubench.cost_models import duty_cycle, estimate
    from mcubench.cost_models.render import duty_text, estimate_text, profile_text

    est = estimate(trace, device, clock_mhz=args.clock_mhz, voltage_v=args.voltage, proxy_isa=args.proxy_isa)
    from mcubench.benchmarks.trust import trust_lines

    trust = [(f"{what} trust", text) for what, text in trust_lines(device)]
    estimate_text(est, label, out, skip_regions=ops, trust=trust)
    if ops:
        profile_text(est, ops, out)
    firmware_options.show_end(trace, label, out, console=console)
    if args.rate is not None:
        d = duty_cycle(est, device, args.rate, battery_mah=args.battery_mah, battery_v=args.battery_v)
        duty_text(d, out)
    if args.explain:
        for line in est.assumptions:
            out.write(f"  assumed: {line}\n")
        for line in est.sources:
            out.write(f"  source:  {line}\n")
    return est


def execute(args, out=None):
    from mcubench.core.device import load_devices

    to_stdout = _check_paths(args)
    out = out or (sys.stderr if to_stdout else sys.stdout)
    devices = load_devices(args.device)
    if args.firmware and args.firmware.endswith(".tflite"):
        from mcubench.benchmarks.model_run import run_model

        _refuse_elf_options(args)
        return run_model(args, devices, out)
    from mcubench.benchmarks.records import firmware_row, make_results
    from mcubench.core.results import save_results

    _check_elf_options(args)
    label = Path(args.firmware or args.trace).name
    name = args.name or Path(args.firmware or args.trace).stem
    rows = []
    traces, ops = _traces(args, devices, out)
    # The console once when every device saw the same (as deterministic firmware does), else per device.
    same_console = len({t.console_bytes for t in traces}) == 1
    for device, trace in zip(devices, traces):
        est = _report_device(args, device, trace, label, ops, out, console=not same_console)
        rows.append(firmware_row(name, trace.elf_sha256, device, est, trace))
    if same_console and traces and not args.trace:
        firmware_options.show_end(traces[0], label, out, console=True, notes=False)
    if args.json:
        save_results(make_results("", rows, devices), args.json)
    if args.trace:
        return 0  # re-costing a saved run: its exit status was checked when it was traced
    return firmware_options.exit_code(traces, label, args, sys.stderr)
