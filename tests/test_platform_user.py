"""Your own firmware: `mcubench platform` for a device, then make or CMake; `mcubench build` of sources.

The worked examples of docs/firmware.md (docs/examples/) are built here exactly as the page says, run on
the device, and their console checked against an independent computation of what they print.
"""

from pathlib import Path
import shutil
import subprocess

import numpy as np
import pytest

from mcubench.benchmarks.cli import main
from mcubench.core.results import load_results

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"


def _fir_console():
    """What docs/examples/fir prints, computed with numpy: the same input, the same Q15 filter."""
    coeffs = np.array([112, 243, 618, 1293, 2217, 3225, 4089, 4587, 4587, 4089, 3225, 2217, 1293, 618, 243, 112])
    seed, x = 1, []
    for i in range(256):
        seed = (seed * 1664525 + 1013904223) & 0xFFFFFFFF
        x.append((8000 if (i // 16) % 2 else -8000) + ((seed >> 16) & 0x0FFF) - 0x800)
    y = np.clip((np.convolve(np.array(x, dtype=np.int64), coeffs)[:256] + (1 << 14)) >> 15, -32768, 32767)
    checksum = 0
    for v in y:
        checksum = (checksum * 31 + (int(v) & 0xFFFF)) & 0xFFFFFFFF
    return (f"fir: 16 taps, 256 samples, checksum {checksum:08x}\n"
            f"out[40..47]: {' '.join(str(int(v)) for v in y[40:48])}\n")


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _record_of(elf, device, tmp_path, capsys, *extra):
    out = tmp_path / f"{Path(elf).stem}-{Path(device).stem}.json"
    code, _, err = _run(capsys, "run", elf, "--device", device, "--json", out, *extra)
    assert (code, err) == (0, ""), err
    [row] = load_results(out).rows
    return row


@pytest.fixture(scope="module")
def platforms(tmp_path_factory):
    """`mcubench platform` for an Arm and an RV32 device: {device: folder}."""
    root = tmp_path_factory.mktemp("plat")
    out = {}
    for device in ("cortex-m4-80mhz", "esp32-c3"):
        assert main(["platform", "--device", device, "-o", str(root / device)]) == 0
        out[device] = root / device
    return out


def test_platform_writes_what_a_build_needs(platforms):
    m4, c3 = platforms["cortex-m4-80mhz"], platforms["esp32-c3"]
    common = {"linker.ld", "syscalls.c", "include/mcubench.h", "mcubench.mk", "toolchain.cmake",
              "mcubench-platform.cmake"}
    files = {str(p.relative_to(m4)) for p in m4.rglob("*") if p.is_file()}
    assert files == common | {"startup_cortexm.c"}
    files = {str(p.relative_to(c3)) for p in c3.rglob("*") if p.is_file()}
    assert files == common | {"startup_rv32.S", "exit_rv32.c"}
    script = (m4 / "linker.ld").read_text()
    # The STM32L476 memory map of cortex-m4-80mhz: flash at 0x08000000, SRAM1 (96 KB) at 0x20000000.
    assert "FLASH (rwx) : ORIGIN = 0x08000000, LENGTH = 0x100000" in script
    assert "_estack = 0x20018000;" in script and "__heap_end = _estack - __stack_size;" in script
    assert "arm-none-eabi-gcc" in (m4 / "mcubench.mk").read_text()
    toolchain = (c3 / "toolchain.cmake").read_text()
    assert "riscv64-unknown-elf-gcc" in toolchain and "--specs=picolibc.specs" in toolchain
    assert "-DMCB_MARKER_ADDR=0x600ffffcu" in toolchain  # esp32-c3's marker word


@pytest.mark.needs_toolchain
@pytest.mark.slow
@pytest.mark.parametrize("device", ["cortex-m4-80mhz", "esp32-c3"])
def test_fir_example_with_make(platforms, device, tmp_path, capsys):
    src = tmp_path / "fir"
    shutil.copytree(EXAMPLES / "fir", src)
    mk = platforms[device] / "mcubench.mk"
    proc = subprocess.run(["make", "-s", "-f", str(mk), "MCB_ELF=fir.elf"], cwd=src, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    row = _record_of(src / "fir.elf", device, tmp_path, capsys)
    assert row.console == _fir_console() and row.exit_status == 0
    [region] = row.regions
    assert (region.name, region.calls) == ("fir", 1)
    # 256 samples x 16 taps: at least a load, a load and a multiply-add per tap.
    assert region.instructions > 256 * 16 * 3 and region.cycles < row.cycles
    assert row.heap_bytes >= 2 * 256 * 2  # the two malloc'd sample buffers
    assert row.peak_ram_bytes == row.static_ram_bytes + row.heap_bytes + row.stack_bytes

    # `mcubench build` of the same sources compiles them the same way: the same program runs.
    elf = tmp_path / "built.elf"
    code, out, err = _run(capsys, "build", *sorted(src.glob("*.c")), "--device", device, "-o", elf)
    assert (code, err) == (0, "") and elf.is_file()
    built = _record_of(elf, device, tmp_path, capsys)
    assert (built.console, built.instructions, built.regions[0].instructions) == (
        row.console, row.instructions, region.instructions)


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_one_project_built_for_an_arm_and_a_riscv_device_in_turn(platforms, tmp_path, capsys):
    # Comparing chips means building the same folder for each: the objects of one ISA must not be linked
    # into the other's firmware (they used to share build/ and the second link failed: wrong format).
    src = tmp_path / "fir"
    shutil.copytree(EXAMPLES / "fir", src)
    for device in ("cortex-m4-80mhz", "esp32-c3"):
        mk = platforms[device] / "mcubench.mk"
        elf = f"fir-{device}.elf"
        proc = subprocess.run(["make", "-s", "-f", str(mk), f"MCB_ELF={elf}"], cwd=src, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        assert _record_of(src / elf, device, tmp_path, capsys).console == _fir_console()
    assert sorted(p.name for p in (src / "build").iterdir()) == ["cortex-m4-80mhz", "esp32-c3"]


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_cpp_example_with_cmake(platforms, tmp_path, capsys):
    build = tmp_path / "build"
    toolchain = platforms["cortex-m4-80mhz"] / "toolchain.cmake"
    for cmd in (["cmake", "-S", str(EXAMPLES / "cpp-sensors"), "-B", str(build), f"-DCMAKE_TOOLCHAIN_FILE={toolchain}",
                 "-DCMAKE_BUILD_TYPE=Release"], ["cmake", "--build", str(build)]):
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    row = _record_of(build / "sensors", "cortex-m4-80mhz", tmp_path, capsys)
    # The static constructor ran before main(); the sum is of 3t+1 for t < 64 (6112) and a square wave (0).
    assert row.console == "registry: 2 sensors\nsamples 128 total 6112\n" and row.exit_status == 0
    assert [r.name for r in row.regions] == ["sample"]
    assert row.heap_bytes >= 128 * 4  # the vector of 128 samples
    assert row.static_ram_bytes > 0 and row.stack_bytes > 0


def test_platform_for_a_board_file(tmp_path, capsys):
    board = tmp_path / "l476-48mhz.toml"
    board.write_text('extends = "cortex-m4-80mhz"\nname = "l476-48mhz"\ntitle = "STM32L476 @ 48 MHz"\n'
                     '[clock]\ndefault_mhz = 48.0\nsource = "assumption: the board runs HCLK at 48 MHz"\n')
    code, out, _ = _run(capsys, "platform", "--device", board, "-o", tmp_path / "plat")
    assert code == 0 and "platform for l476-48mhz" in out
    assert "device l476-48mhz" in (tmp_path / "plat" / "linker.ld").read_text()


@pytest.mark.parametrize("argv, message", [
    (["build", "X.txt", "--device", "cortex-m4-80mhz", "-o", "OUT"], "not a C, C++ or assembly source"),
    (["build", "BAD.c", "--device", "cortex-m4-80mhz", "-o", "OUT"], "compiling BAD.c for cortex-m4-80mhz failed"),
    (["build", "MODEL.tflite", "BAD.c", "--device", "cortex-m4-80mhz", "-o", "OUT"], "not both"),
    (["build", "missing.c", "--device", "cortex-m4-80mhz", "-o", "OUT"], "missing.c"),
    (["platform", "--device", "nosuch", "-o", "PLAT"], "unknown device 'nosuch'"),
    (["platform", "--device", "cortex-m4-80mhz", "-o", "X.txt"], "X.txt"),
])
@pytest.mark.needs_toolchain
def test_bad_input_is_one_line(tmp_path, capsys, argv, message):
    (tmp_path / "X.txt").write_text("not a source")
    (tmp_path / "BAD.c").write_text("int main(void) { return undeclared; }\n")
    (tmp_path / "MODEL.tflite").write_bytes(b"")
    paths = {"X.txt", "BAD.c", "MODEL.tflite", "missing.c", "OUT", "PLAT"}
    argv = [str(tmp_path / a) if a in paths else a for a in argv]
    code, _, err = _run(capsys, *argv)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and message in lines[0], err
    assert not (tmp_path / "OUT").exists() and not (tmp_path / "PLAT").exists()
