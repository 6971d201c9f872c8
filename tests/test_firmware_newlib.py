"""Firmware as users write it: newlib's rdimon semihosting (stdio, files), heaps of newlib, newlib-nano
and a picolibc-style sbrk, direct semihosting calls on Arm and RV32, and firmware that parks in an idle
loop instead of exiting. Every program is compiled here from firmware/examples/."""

import os
from pathlib import Path

import pytest

from mcubench.core.errors import SimulationError
from mcubench.firmware.platform.toolchain import build_elf
from mcubench.simulator.engine import Simulator, simulate
from mcubench.simulator.host_files import HostFiles

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "firmware" / "examples"
NEWLIB = EXAMPLES / "newlib"


@pytest.fixture(scope="module")
def files_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("host") / "files"
    root.mkdir()
    (root / "input.bin").write_bytes(b"ABCDEFGHIJ")
    secret = root.parent / "secret.txt"
    secret.write_text("root:x:0:0:outside\n")
    os.symlink(secret, root / "link-out")
    return root


@pytest.fixture(scope="module")
def rdimon_files_elf(firmware_dir, newlib_elf):
    return newlib_elf(firmware_dir / "rdimon-files.elf", NEWLIB / "files.c", "rdimon.specs")


@pytest.mark.needs_toolchain
def test_newlib_rdimon_stdio_and_files(rdimon_files_elf, files_dir, devices):
    sim = Simulator(rdimon_files_elf, devices["m4"], host_files=HostFiles(files_dir))
    trace = sim.run().trace
    text, binary = trace.console_bytes.split(b"clock ok\n")
    assert text.decode().splitlines() == [
        "argc 1 argv0 rdimon-files.elf",
        "input.bin: 10 bytes, read 8 from offset 2, sum 564",  # "CDEFGHIJ"
        "open /etc/passwd r: errno 13",  # EACCES: absolute path
        "open ../outside.txt r: errno 13",
        "open link-out r: errno 13",  # a symbolic link out of the directory
        "open missing.txt r: errno 2",
        "write written.txt: errno 30",  # EROFS: the directory is read-only by default
    ]
    # fwrite of binary bytes to stdout, then stderr: byte for byte, nothing decoded or replaced.
    assert binary == bytes([0x00, 0xFF, 0x80, 0x0A, 0xC3, 0x28]) + b"\nto stderr\n"
    assert b"root:" not in trace.console_bytes
    assert trace.exit_status == 3  # main's return value, through SYS_EXIT_EXTENDED
    assert not (files_dir / "written.txt").exists()
    assert any("/etc/passwd" in note for note in trace.host_notes)


@pytest.mark.needs_toolchain
def test_newlib_rdimon_writes_only_with_a_writable_directory(rdimon_files_elf, files_dir, devices):
    trace = Simulator(rdimon_files_elf, devices["m4"], host_files=HostFiles(files_dir, writable=True),
                      memory_tracing=False).run().trace
    assert b"write written.txt: ok\n" in trace.console_bytes
    assert (files_dir / "written.txt").read_text() == "written by firmware, input sum 564\n"
    (files_dir / "written.txt").unlink()


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key", ["m4", "m0", "rv"])
def test_direct_semihosting_file_calls(key, firmware_dir, files_dir, devices):
    path = build_elf(devices[key], [EXAMPLES / "semihost_files.c"], firmware_dir / f"semihost-files-{key}.elf").elf_path
    trace = simulate(path, devices[key], host_files=HostFiles(files_dir))
    tick_hz = int((devices[key].clock.default_mhz if devices[key].clock else 1.0) * 1e6)
    assert trace.console.splitlines() == [
        "flen 10", "read DEFG", "not read at end 5", "passwd handle is -1: 1", "passwd errno 13", "ticks > 0: 1",
        f"tick Hz {tick_hz}"]
    assert trace.exit_status == 0


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key", ["m4", "rv"])
def test_unsupported_operation_is_one_line_with_pc_and_function(key, firmware_dir, devices):
    path = build_elf(devices[key], [EXAMPLES / "semihost_files.c"], firmware_dir / f"ask-system-{key}.elf",
                     defines={"ASK_SYSTEM": None}).elf_path
    with pytest.raises(SimulationError) as info:
        simulate(path, devices[key])
    message = str(info.value)
    assert "\n" not in message
    assert "0x12 (SYS_SYSTEM)" in message and "PC 0x" in message and "in ask_host_to_run" in message


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("specs,name", [(("rdimon.specs",), "newlib"), (("nano.specs", "rdimon.specs"), "nano")])
@pytest.mark.parametrize("traced", [True, False])
def test_heap_high_water_of_newlib_is_exact(specs, name, traced, firmware_dir, devices, newlib_elf):
    path = newlib_elf(firmware_dir / f"heap-{name}.elf", NEWLIB / "heap.c", *specs)
    trace = simulate(path, devices["m4"], memory_tracing=traced)
    # The firmware prints how far its break is from `end` (where the first break is) after malloc(1000),
    # malloc(3000), free, malloc(500): the simulator's heap high-water must be that, to the byte.
    reported = int(trace.console.split("heap_break_bytes ")[1])
    assert trace.heap_bytes == reported
    # Above the 4000 bytes live at the peak: newlib's malloc grows its arena in 4 KB-aligned steps,
    # newlib-nano has 8-byte chunk headers and allocates its stdio state before main.
    assert 4000 <= reported <= 4000 + (2048 if name == "newlib" else 512)
    assert trace.exit_status == 0
    # The heap's blocks are not stack: the stack is a few frames deep.
    assert 0 < trace.stack_high_water_bytes < 512


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("traced", [True, False])
def test_heap_of_a_picolibc_style_sbrk_on_rv32(traced, firmware_dir, devices):
    path = build_elf(devices["rv"], [NEWLIB / "heap.c", NEWLIB / "sbrk_rv32.c"], firmware_dir / "heap-rv.elf",
                     defines={"HEAP_START": "_ebss"}).elf_path
    trace = simulate(path, devices["rv"], memory_tracing=traced)
    # 8-byte headers, 8-byte rounding: (8 + 1000) + (8 + 3000); malloc(500) reuses the freed block.
    assert trace.console == "heap_break_bytes 4016\n"
    assert trace.heap_bytes == 4016
    assert 0 < trace.stack_high_water_bytes < 256


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key", ["m4", "m0", "rv"])
@pytest.mark.parametrize("variant", [None, "PARK_WFI"])
def test_firmware_parked_in_an_idle_loop_gives_a_result(key, variant, firmware_dir, devices):
    path = build_elf(devices[key], [EXAMPLES / "idle.c"], firmware_dir / f"idle-{key}-{variant}.elf",
                     defines={variant: None} if variant else None).elf_path
    sim = Simulator(path, devices[key], budget_instructions=100_000)
    trace = sim.run().trace
    assert trace.console == "work done\n"
    assert trace.exit_status is None
    assert sim.image.symbols.name_at(trace.idle_pc) == "main"
    # The work (100 loop iterations) is counted; the idle loop is not (a WFI is counted once: the core
    # executes it, then sleeps), so the count is the same whichever way the firmware parks.
    assert 500 < trace.instructions < 2000


@pytest.mark.needs_toolchain
def test_a_polling_loop_is_not_idle(firmware_dir, devices):
    from mcubench.core.errors import BudgetExceeded

    path = build_elf(devices["m4"], [EXAMPLES / "idle.c"], firmware_dir / "idle-poll.elf",
                     defines={"PARK_POLL": None}).elf_path
    with pytest.raises(BudgetExceeded):
        simulate(path, devices["m4"], budget_instructions=100_000, memory_tracing=False)
