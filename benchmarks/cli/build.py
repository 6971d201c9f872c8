"""`mcubench build`: compile a .tflite model into firmware for a device (ELF, generated C, plan, layer table),
or build C, C++ and assembly sources into a firmware ELF with the device's platform (`mcubench platform`)."""

import sys

NAME = "build"
HELP = ("build firmware for a device: a .tflite model into an ELF (plus the generated C, memory plan and layer "
        "table), or your C/C++/assembly sources into an ELF")


def configure(parser):
    parser.add_argument("inputs", nargs="+", metavar="MODEL.tflite | SOURCE",
                        help="an int8-quantized TFLite model, or C (.c), C++ (.cpp, .cc) and assembly (.S) sources")
    parser.add_argument("--device", required=True, metavar="DEVICE",
                        help="device to build for: a name (see `mcubench devices`) or path/to/board.toml")
    parser.add_argument("-o", "--out", "--out-dir", dest="out", required=True, metavar="DIR | FIRMWARE.elf",
                        help="for a model, the folder of the build products; for sources, the ELF to write")
    parser.add_argument("--kernels", default="auto", choices=("auto", "portable", "dsp"),
                        help="model kernels: auto picks the DSP kernels on ARMv7E-M cores")
    parser.add_argument("-I", dest="include_dirs", action="append", default=[], metavar="DIR",
                        help="sources: also search DIR for headers (repeatable)")
    parser.add_argument("-D", dest="defines", action="append", default=[], metavar="NAME[=VALUE]",
                        help="sources: define a preprocessor macro (repeatable)")
    parser.add_argument("-O", dest="opt", default="2", metavar="LEVEL",
                        help="sources: optimisation level, as gcc's -O (default: 2)")


def execute(args, out=None) -> int:
    from mcubench.core.errors import UsageError

    out = out or sys.stdout
    models = [p for p in args.inputs if p.endswith(".tflite")]
    if models and len(args.inputs) > 1:
        raise UsageError("give one .tflite model, or C/C++/assembly sources, not both")
    if models:
        if args.include_dirs or args.defines or args.opt != "2":
            raise UsageError("-I, -D and -O are for building sources, not a .tflite model")
        return _build_model(args, out)
    return _build_sources(args, out)


def _build_model(args, out):
    from mcubench.core import paths
    from mcubench.core.device import load_device
    from mcubench.firmware import compile_model

    model = args.inputs[0]
    paths.input_file(model)
    paths.output_folder(args.out, "--out")
    device = load_device(args.device)
    fw = compile_model(model, device, out_dir=args.out, kernels=args.kernels)
    macs = sum(layer.macs for layer in fw.layers)
    out.write(f"{fw.model_name} for {device.name} ({fw.kernels} kernels, {fw.compiler}): {len(fw.layers)} layers, "
              f"{macs} MACs\n")
    out.write(f"  weights {fw.weights_bytes} B, arena {fw.arena_bytes} B (lower bound "
              f"{fw.arena_lower_bound_bytes} B), input {fw.input.nbytes} B\n")
    out.write(f"  wrote {args.out}/{fw.model_name}.elf, .c, .plan.json, .layers.json\n")
    return 0


def _build_sources(args, out):
    from mcubench.core import paths
    from mcubench.core.device import load_device
    from mcubench.core.errors import UsageError
    from mcubench.firmware.platform.toolchain import build_sources

    if args.kernels != "auto":
        raise UsageError("--kernels is for building a .tflite model")
    for source in args.inputs:
        paths.input_file(source)
    paths.output_file(args.out, "-o", stdout_ok=False)
    defines = {}
    for d in args.defines:
        name, _, value = d.partition("=")
        if not name:
            raise UsageError(f"-D {d!r}: give NAME or NAME=VALUE")
        defines[name] = value if "=" in d else None
    device = load_device(args.device)
    info = build_sources(device, args.inputs, args.out, opt=f"-O{args.opt}", include_dirs=args.include_dirs,
                         defines=defines)
    out.write(f"{args.out} for {device.name} ({info.compiler}, C library and start-up code of "
              f"`mcubench platform`): {len(args.inputs)} source(s)\n")
    return 0
