"""`mcubench platform`: write what a user's own build needs for a device (docs/firmware.md)."""

from pathlib import Path
import sys

NAME = "platform"
HELP = ("write a device's linker script, start-up code, system calls, mcubench.h, CMake toolchain file and "
        "Makefile fragment, for building your own firmware")


def configure(parser):
    parser.add_argument("--device", required=True, metavar="DEVICE",
                        help="a device name (see `mcubench devices`) or path/to/board.toml")
    parser.add_argument("-o", "--out-dir", required=True, metavar="DIR", help="folder to write the platform into")


def execute(args, out=None) -> int:
    from mcubench.core import paths
    from mcubench.core.device import load_device
    from mcubench.firmware.platform.export import write_platform

    out = out or sys.stdout
    paths.output_folder(args.out_dir, "--out-dir")
    device = load_device(args.device)
    written = write_platform(device, args.out_dir)
    out.write(f"platform for {device.name} ({device.title}): {len(written)} files in {args.out_dir}\n")
    folder = Path(args.out_dir)  # as typed, without a doubled separator ("plat/" -> plat/mcubench.mk)
    out.write(f"  make -f {folder / 'mcubench.mk'} MCB_SRCS=\"...\" MCB_ELF=firmware.elf\n")
    out.write(f"  cmake -S . -B build -DCMAKE_TOOLCHAIN_FILE={folder / 'toolchain.cmake'}\n")
    return 0
