"""Cross-compiler choice and flags per device, and the one function that builds a firmware ELF."""

from dataclasses import dataclass
import functools
import hashlib
import os
from pathlib import Path
import shutil
import subprocess
import tempfile

from mcubench.core.errors import BuildError
from mcubench.core.isa import Isa

from .linker import linker_script

PLATFORM_DIR = Path(__file__).parent
INCLUDE_DIR = PLATFORM_DIR.parent / "include"

# Flags that make firmware small and self-contained: no C library, unused code dropped by the linker.
_COMMON_FLAGS = ["-ffunction-sections", "-fdata-sections", "-ffreestanding", "-fno-common", "-g", "-Wall"]
_LINK_FLAGS = ["-nostdlib", "-nostartfiles", "-Wl,--gc-sections", "-Wl,--no-warn-rwx-segments"]

# GCC target flags per core. The FPU names are from the cores' TRMs: Cortex-M4 has FPv4-SP (single
# precision, 16 double registers view), Cortex-M7 as fitted on STM32H7 has FPv5 double precision.
_ARM_CORES = {
    "cortex-m4": ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
    "cortex-m7": ["-mcpu=cortex-m7", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-d16"],
    "cortex-m0plus": ["-mcpu=cortex-m0plus", "-mthumb", "-mfloat-abi=soft"],
}
_RV32_FLAGS = ["-march=rv32imc", "-mabi=ilp32", "-mcmodel=medany"]


@dataclass(frozen=True)
class Target:
    compiler: str  # executable name
    arch_flags: tuple
    startup_sources: tuple  # start-up files this ISA needs

    @property
    def isa_family(self) -> str:
        return "arm" if self.compiler.startswith("arm") else "riscv"


def target_for(device) -> Target:
    """The compiler and architecture flags that build firmware for this device's simulated ISA."""
    isa = device.isa
    if isa.is_arm:
        core = next((c for c in _ARM_CORES if device.core.startswith(c)), None)
        if core is None:
            core = "cortex-m4" if isa == Isa.ARMV7E_M else "cortex-m0plus"
        startup = (PLATFORM_DIR / "startup_cortexm.c",)
        return Target("arm-none-eabi-gcc", tuple(_ARM_CORES[core]), startup)
    if isa == Isa.RV32IMC:
        startup = (PLATFORM_DIR / "startup_rv32.S", PLATFORM_DIR / "exit_rv32.c")
        return Target("riscv64-unknown-elf-gcc", tuple(_RV32_FLAGS), startup)
    raise BuildError(f"device {device.name}: no toolchain for ISA {isa!r}")


@functools.lru_cache(maxsize=None)
def compiler_version(compiler: str) -> str:
    """'arm-none-eabi-gcc 12.2.1', or BuildError when the toolchain is not installed."""
    if shutil.which(compiler) is None:
        raise BuildError(f"{compiler} not found: run scripts/setup.sh (installs the Debian cross toolchains)")
    out = subprocess.run([compiler, "-dumpfullversion"], capture_output=True, text=True).stdout.strip()
    return f"{compiler} {out}"


def firmware_cflags(device, opt="-O2", defines=None) -> list:
    """Every flag used to compile firmware C for the device (what results records report)."""
    target = target_for(device)
    flags = [*target.arch_flags, opt, *_COMMON_FLAGS, f"-I{INCLUDE_DIR}"]
    if device.marker_address is not None:
        flags.append(f"-DMCB_MARKER_ADDR={device.marker_address:#x}u")
    for name, value in (defines or {}).items():
        flags.append(f"-D{name}" if value is None else f"-D{name}={value}")
    return flags


def cache_root() -> Path:
    """Where built firmware and compiled objects are cached ($MCUBENCH_CACHE, else ~/.cache/mcubench)."""
    return Path(os.environ.get("MCUBENCH_CACHE") or Path.home() / ".cache" / "mcubench")


def _object_key(compiler, cflags, source: Path, header_dirs) -> str:
    """Content hash of everything a compiled object depends on: compiler, flags, source, headers it may include."""
    h = hashlib.sha256()
    h.update(compiler_version(compiler).encode())
    h.update("\0".join(cflags).encode())
    h.update(source.read_bytes())
    for folder in sorted({source.parent, *map(Path, header_dirs)}):
        for header in sorted(folder.glob("*.h")):
            h.update(header.name.encode())
            h.update(header.read_bytes())
    return h.hexdigest()[:24]


def _compiled_object(target, cflags, source: Path, header_dirs) -> Path:
    """The object file of a package source (start-up code, runtime, kernels), compiled once per flags and
    content and then reused by every firmware that links it: most of a model's build is these files."""
    folder = cache_root() / "objects" / _object_key(target.compiler, cflags, source, header_dirs)
    obj = folder / f"{source.stem}.o"
    if obj.is_file():
        return obj
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{source.stem}.{os.getpid()}.o"
    proc = subprocess.run([target.compiler, *cflags, "-c", str(source), "-o", str(partial)], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BuildError(f"compiling {source.name} failed: {_first_error(proc.stderr)}")
    os.replace(partial, obj)  # atomic: a concurrent build sees the whole object or none
    return obj


def _first_error(output: str) -> str:
    # gcc and ld tag diagnostics as "<where>: error: ..." (or "fatal error:"); paths may contain "error".
    for line in output.splitlines():
        if ": error:" in line or ": fatal error:" in line or "undefined reference" in line:
            return line.strip()
    lines = [l for l in output.splitlines() if l.strip()]
    return lines[-1].strip() if lines else "unknown error"


def build_elf(device, sources, out_elf, *, opt="-O2", include_dirs=(), defines=None, extra_cflags=(),
              stack_bytes=None, with_startup=True, reuse=()):
    """Compile and link C/assembly sources into a firmware ELF for the device.

    Adds the platform start-up code, memory functions and a linker script generated from the device.
    Sources listed in `reuse` (files of the package that many firmwares share) are compiled once into
    cached objects; the link order, and so the image, is the same as compiling everything in one command.
    The ELF appears at out_elf only when the build succeeded; BuildError otherwise, with the compiler's
    first error line.
    """
    target = target_for(device)
    version = compiler_version(target.compiler)
    out_elf = Path(out_elf)
    cflags = firmware_cflags(device, opt, defines) + [f"-I{d}" for d in include_dirs] + list(extra_cflags)
    platform_sources = [*target.startup_sources, PLATFORM_DIR / "libc_min.c"] if with_startup else []
    reused = {Path(p) for p in reuse} | set(platform_sources)
    header_dirs = [INCLUDE_DIR, *include_dirs]
    inputs = [_compiled_object(target, cflags, Path(s), header_dirs) if Path(s) in reused else Path(s)
              for s in [*platform_sources, *sources]]
    out_elf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mcubench-build-") as tmp:
        script = Path(tmp) / "firmware.ld"
        script.write_text(linker_script(device, stack_bytes=stack_bytes))
        tmp_elf = Path(tmp) / out_elf.name
        cmd = [target.compiler, *cflags, *map(str, inputs), f"-T{script}", *_LINK_FLAGS, "-lgcc", "-o", str(tmp_elf)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildError(f"building {out_elf.name} for {device.name} failed: {_first_error(proc.stderr)}")
        shutil.move(str(tmp_elf), out_elf)
    return BuildInfo(out_elf, version, " ".join(cflags))


@dataclass(frozen=True)
class BuildInfo:
    elf_path: Path
    compiler: str  # e.g. "arm-none-eabi-gcc 12.2.1"
    cflags: str
