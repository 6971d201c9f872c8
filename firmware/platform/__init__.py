"""Everything firmware needs to run on a device: start-up code, linker scripts, compiler flags."""

from .toolchain import BuildInfo, build_elf, firmware_cflags, target_for  # noqa: F401
