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

    @property
    def cxx_compiler(self) -> str:
        return self.compiler[: -len("gcc")] + "g++"

    @property
    def c_library_specs(self) -> str:
        """The C library a hosted build links: newlib-nano on Arm; picolibc on RV32 (Debian ships no RV32
        newlib), whose specs file also puts its headers first."""
        return "--specs=nano.specs" if self.isa_family == "arm" else "--specs=picolibc.specs"


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


# ---------------------------------------------------------------------------- hosted builds (a C library)

SOURCE_SUFFIXES = {".c": "c", ".cpp": "c++", ".cc": "c++", ".cxx": "c++", ".S": "asm", ".s": "asm"}


@dataclass(frozen=True)
class HostedToolchain:
    """How firmware with a C library is built for a device: what `mcubench platform` writes into the CMake
    toolchain file and the Makefile fragment, and what `mcubench build` of C/C++ sources runs."""

    cc: str
    cxx: str
    cflags: tuple  # for C, C++ and assembly, without optimisation level and include folder
    ldflags: tuple  # without the linker script
    platform_sources: tuple  # start-up code and system calls (firmware/platform/)


def hosted_toolchain(device) -> HostedToolchain:
    target = target_for(device)
    cflags = [*target.arch_flags, target.c_library_specs, "-ffunction-sections", "-fdata-sections", "-g",
              "-DMCB_HOSTED=1"]
    if device.marker_address is not None:
        cflags.append(f"-DMCB_MARKER_ADDR={device.marker_address:#x}u")
    ldflags = [*target.arch_flags, target.c_library_specs, "-nostartfiles", "-Wl,--gc-sections",
               "-Wl,--no-warn-rwx-segments"]
    return HostedToolchain(target.compiler, target.cxx_compiler, tuple(cflags), tuple(ldflags),
                           (*target.startup_sources, PLATFORM_DIR / "syscalls.c"))


def build_sources(device, sources, out_elf, *, opt="-O2", include_dirs=(), defines=None):
    """Build a user's C, C++ and assembly sources for the device with its C library, as the platform's
    Makefile fragment does: each source compiled on its own (C++ with g++), the platform start-up code and
    system calls added, linked with the hosted linker script (g++ when there is C++). BuildError on failure,
    naming the first error; the ELF appears only when the build succeeded."""
    tools = hosted_toolchain(device)
    version = compiler_version(tools.cc)
    sources = [Path(s) for s in sources]
    for source in sources:
        if not source.is_file():
            raise BuildError(f"{source}: no such source file")
        if source.suffix not in SOURCE_SUFFIXES:
            raise BuildError(f"{source}: not a C, C++ or assembly source ({', '.join(SOURCE_SUFFIXES)})")
    extra = [f"-I{INCLUDE_DIR}", *(f"-I{d}" for d in include_dirs)]
    extra += [f"-D{k}" if v is None else f"-D{k}={v}" for k, v in (defines or {}).items()]
    cflags = [*tools.cflags, opt, *extra]
    out_elf = Path(out_elf)
    any_cxx = any(SOURCE_SUFFIXES[s.suffix] == "c++" for s in sources)
    with tempfile.TemporaryDirectory(prefix="mcubench-build-") as tmp:
        objects = []
        for i, source in enumerate([*tools.platform_sources, *sources]):
            compiler = tools.cxx if SOURCE_SUFFIXES[source.suffix] == "c++" else tools.cc
            obj = Path(tmp) / f"{i}-{source.stem}.o"
            proc = subprocess.run([compiler, *cflags, "-c", str(source), "-o", str(obj)], capture_output=True,
                                  text=True)
            if proc.returncode != 0:
                raise BuildError(f"compiling {source.name} for {device.name} failed: {_first_error(proc.stderr)}")
            objects.append(obj)
        script = Path(tmp) / "firmware.ld"
        script.write_text(linker_script(device, hosted=True))
        tmp_elf = Path(tmp) / "firmware.elf"
        linker = tools.cxx if any_cxx else tools.cc
        proc = subprocess.run([linker, *tools.ldflags, f"-T{script}", *map(str, objects), "-o", str(tmp_elf)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildError(f"linking {out_elf.name} for {device.name} failed: {_first_error(proc.stderr)}")
        out_elf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(tmp_elf), out_elf)
    return BuildInfo(out_elf, version, " ".join(cflags))


@dataclass(frozen=True)
class BuildInfo:
    elf_path: Path
    compiler: str  # e.g. "arm-none-eabi-gcc 12.2.1"
    cflags: str
