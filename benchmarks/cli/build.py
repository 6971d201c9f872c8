"""`mcubench build`: compile a .tflite model into firmware for a device (ELF, generated C, plan, layer table)."""

import sys

NAME = "build"
HELP = "compile a .tflite model into a firmware ELF for a device (plus the generated C, memory plan and layer table)"


def configure(parser):
    parser.add_argument("model", metavar="MODEL.tflite", help="int8-quantized TFLite model")
    parser.add_argument("--device", required=True, metavar="DEVICE",
                        help="device to build for: a name (see `mcubench devices`) or path/to/board.toml")
    parser.add_argument("-o", "--out-dir", required=True, metavar="DIR", help="where to write the build products")
    parser.add_argument("--kernels", default="auto", choices=("auto", "portable", "dsp"),
                        help="kernel implementation: auto picks the DSP kernels on ARMv7E-M cores")


def execute(args, out=None) -> int:
    from mcubench.core.device import load_device
    from mcubench.firmware import compile_model

    from mcubench.core import paths

    out = out or sys.stdout
    paths.input_file(args.model)
    paths.output_folder(args.out_dir, "--out-dir")
    device = load_device(args.device)
    fw = compile_model(args.model, device, out_dir=args.out_dir, kernels=args.kernels)
    macs = sum(layer.macs for layer in fw.layers)
    out.write(f"{fw.model_name} for {device.name} ({fw.kernels} kernels, {fw.compiler}): {len(fw.layers)} layers, "
              f"{macs} MACs\n")
    out.write(f"  weights {fw.weights_bytes} B, arena {fw.arena_bytes} B (lower bound "
              f"{fw.arena_lower_bound_bytes} B), input {fw.input.nbytes} B\n")
    out.write(f"  wrote {args.out_dir}/{fw.model_name}.elf, .c, .plan.json, .layers.json\n")
    return 0
