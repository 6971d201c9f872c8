"""`mcubench devices`: the device descriptions, with core, clock, memories, caches and power figures."""

import sys

NAME = "devices"
HELP = "list the devices mcubench can cost: core, clock, memories and power figures"


def configure(parser):
    parser.add_argument("names", nargs="*", metavar="DEVICE",
                        help="only these devices, by name or board file (default: every built-in device)")
    parser.add_argument("--sources", action="store_true", help="also print the source of every figure")


def execute(args, out=None):
    from mcubench.core.device import all_devices, load_device
    from mcubench.cost_models.estimate import device_sources
    from mcubench.cost_models.render import device_text
    from mcubench.reports.format import energy_method_trust

    from ..trust import trust_lines
    from ..validation.power import method_energy_check

    out = out or sys.stdout
    devices = [load_device(n) for n in args.names] if args.names else all_devices()
    for i, device in enumerate(devices):
        if i:
            out.write("\n")
        device_text(device, out)
        for what, text in trust_lines(device):
            out.write(f"  {what:<8} {text}\n")
        if args.sources:
            sources, assumptions = device_sources(device)
            for line in sources:
                out.write(f"  source   {line}\n")
            for line in assumptions:
                out.write(f"  assumed  {line}\n")
    method = method_energy_check()
    if method is not None:
        out.write(f"\n{energy_method_trust(method)}\n")
    return 0
