"""Shared fixtures: hand-written test firmware built once per session into a temp directory."""

from pathlib import Path
import subprocess

import pytest

from mcubench.core.device import load_device, parse_device

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "firmware" / "examples"

_ARM = {"armv7e-m": ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
        "armv6-m": ["-mcpu=cortex-m0plus", "-mthumb"]}
_RV32 = ["-march=rv32imc", "-mabi=ilp32"]


def cortex_m0plus_device():
    """An ARMv6-M device with the Cortex-M4 device's memory map (test-only; not a shipped device)."""
    base = load_device("cortex-m4-80mhz").raw
    data = {k: v for k, v in base.items() if k in ("memory", "placement", "trace")}
    data.update(name="test-cortex-m0plus", title="test Cortex-M0+", version=1, isa="armv6-m", core="cortex-m0plus")
    return parse_device(data)


def assemble(source, out, isa, text_address, entry=None, bss_address=None):
    """Link one assembly/C file bare: no start-up, no libraries, code at text_address."""
    if isa == "rv32imc":
        cmd = ["riscv64-unknown-elf-gcc", *_RV32]
    else:
        cmd = ["arm-none-eabi-gcc", *_ARM[isa]]
    cmd += ["-nostdlib", "-nostartfiles", "-O1", f"-I{ROOT / 'firmware' / 'include'}",
            f"-Wl,-Ttext={text_address:#x}", "-Wl,--nmagic", "-o", str(out), str(source)]
    if entry:
        cmd.append(f"-Wl,-e,{entry}")
    if bss_address is not None:
        cmd.append(f"-Wl,-Tbss={bss_address:#x}")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return out


@pytest.fixture
def session_firmware_cache(tmp_path_factory, monkeypatch):
    """Firmware built once per session: compile_model's cache in the session's temp directory."""
    monkeypatch.setenv("MCUBENCH_CACHE", str(tmp_path_factory.getbasetemp() / "fw-cache"))


@pytest.fixture(scope="session")
def devices():
    return {"m4": load_device("cortex-m4-80mhz"), "m0": cortex_m0plus_device(), "rv": load_device("esp32-c3")}


@pytest.fixture(scope="session")
def firmware_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("firmware")


@pytest.fixture(scope="session")
def count_elfs(firmware_dir):
    """The exact-count loop for each ISA: {key: path}."""
    return {
        "m4": assemble(EXAMPLES / "count_arm.S", firmware_dir / "count_m4.elf", "armv7e-m", 0x08000000, "reset"),
        "m0": assemble(EXAMPLES / "count_arm.S", firmware_dir / "count_m0.elf", "armv6-m", 0x08000000, "reset"),
        "rv": assemble(EXAMPLES / "count_rv32.S", firmware_dir / "count_rv.elf", "rv32imc", 0x42000000),
    }


@pytest.fixture(scope="session")
def regions_elf(firmware_dir):
    return assemble(EXAMPLES / "regions_arm.S", firmware_dir / "regions_m4.elf", "armv7e-m", 0x08000000, "reset",
                    bss_address=0x20000000)


@pytest.fixture(scope="session")
def c_elfs(firmware_dir, devices):
    """The C examples built with the firmware platform for each device: {(example, key): path}."""
    from mcubench.firmware.platform.toolchain import build_elf

    out = {}
    for example in ("hello", "fault", "runaway", "unmodified", "kernels"):
        for key, device in devices.items():
            path = firmware_dir / f"{example}-{key}.elf"
            build_elf(device, [EXAMPLES / f"{example}.c"], path)
            out[example, key] = path
    return out


@pytest.fixture(scope="session")
def outside_elf(firmware_dir):
    """The count loop linked at 0x70000000, where the Cortex-M4 device has no memory."""
    return assemble(EXAMPLES / "count_arm.S", firmware_dir / "outside.elf", "armv7e-m", 0x70000000, "reset")


@pytest.fixture(scope="session")
def newlib_elf():
    """build(out, source, *specs): a Cortex-M4 program linked with newlib and the given specs
    (rdimon.specs, nano.specs), as a user's Makefile would, with firmware/examples/newlib's vector table
    and linker script."""
    newlib = EXAMPLES / "newlib"

    def build(out, source, *specs):
        cmd = ["arm-none-eabi-gcc", *_ARM["armv7e-m"], *[f"--specs={s}" for s in specs], "-O1", "-g",
               f"-I{ROOT / 'firmware' / 'include'}", "-T", str(newlib / "cortexm.ld"), str(newlib / "vectors.c"),
               str(source), "-o", str(out)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr)
        return out

    return build
