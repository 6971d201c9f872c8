"""`mcubench run FIRMWARE.elf` and `mcubench trace` on firmware as users bring it: the console byte for byte,
the firmware's exit status, --budget, --files, idle loops, regions by C++ name, inlining hints and
`--profile tflm` on the unmodified TensorFlow Lite Micro fixture."""

import base64
import json
from pathlib import Path
import subprocess
import sys

import pytest

from mcubench.benchmarks.cli import EXIT_FIRMWARE, EXIT_OK, EXIT_USAGE, main
from mcubench.firmware.platform.toolchain import build_elf

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "firmware" / "examples"
TFLM = ROOT.parent / "shared" / "firmware" / "tflm-kws"
CMSISNN = TFLM / "kws_cmsisnn_m4.elf"
BINARY = bytes([0x00, 0xFF, 0x80, 0x0A, 0xC3, 0x28])


def mcubench(*argv):
    """The command as a user runs it: (exit status, stdout bytes, stderr text)."""
    proc = subprocess.run([sys.executable, "-m", "mcubench", *map(str, argv)], capture_output=True)
    return proc.returncode, proc.stdout, proc.stderr.decode()


@pytest.fixture(scope="module")
def rdimon_elf(tmp_path_factory, newlib_elf):
    return newlib_elf(tmp_path_factory.mktemp("rdimon") / "files.elf", EXAMPLES / "newlib" / "files.c", "rdimon.specs")


@pytest.fixture(scope="module")
def files_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("files")
    (root / "input.bin").write_bytes(b"ABCDEFGHIJ")
    return root


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_run_shows_the_console_byte_for_byte_and_fails_on_the_exit_status(rdimon_elf, files_dir, tmp_path):
    record = tmp_path / "r.json"
    status, out, err = mcubench("run", rdimon_elf, "--device", "cortex-m4-80mhz", "--files", files_dir,
                                "--json", record)
    assert status == EXIT_FIRMWARE
    assert "exited with status 3 on cortex-m4-80mhz" in err and err.count("\n") == 1
    assert b"input.bin: 10 bytes, read 8 from offset 2, sum 564\n" in out
    assert BINARY + b"\nto stderr\n" in out  # the binary bytes as the firmware wrote them
    assert b"note: semihosting refused SYS_OPEN: '/etc/passwd'" in out
    row = json.loads(record.read_text())["rows"][0]  # written before the non-zero exit
    assert row["exit_status"] == 3
    assert BINARY in base64.b64decode(row["console_base64"])
    assert "\ufffd" in row["console"]  # the text form replaces what is not UTF-8
    status, _, _ = mcubench("run", rdimon_elf, "--device", "cortex-m4-80mhz", "--files", files_dir,
                            "--allow-exit-status")
    assert status == EXIT_OK


@pytest.mark.needs_toolchain
def test_trace_json_keeps_the_console_exact(rdimon_elf, files_dir, tmp_path):
    out = tmp_path / "t.json"
    assert main(["trace", str(rdimon_elf), "--files", str(files_dir), "--allow-exit-status", "--json", str(out)]) == 0
    saved = json.loads(out.read_text())
    assert BINARY in base64.b64decode(saved["console_base64"])
    assert saved["exit_status"] == 3


@pytest.mark.parametrize("argv,words", [
    (["--budget", "0"], "--budget must be an integer from 1 to"),
    (["--budget", str(2**64)], "--budget must be an integer from 1 to"),
    (["--budget", "lots"], "invalid int value"),
    (["--files-writable"], "--files-writable needs --files DIR"),
    (["--files", "/no/such/dir"], "not a directory"),
])
@pytest.mark.needs_toolchain
def test_bad_options_are_one_line(argv, words, rdimon_elf, capsys):
    for command in (["run", str(rdimon_elf), "--device", "cortex-m4-80mhz"], ["trace", str(rdimon_elf)]):
        try:
            status = main(command + argv)
        except SystemExit as stop:  # argparse's own type errors
            status = stop.code
        assert status == EXIT_USAGE
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err, err


@pytest.mark.needs_toolchain
def test_budget_stops_a_long_run(rdimon_elf, capsys):
    assert main(["run", str(rdimon_elf), "--device", "cortex-m4-80mhz", "--budget", "1000"]) == EXIT_USAGE
    assert "budget of 1,000 instructions" in capsys.readouterr().err


@pytest.mark.needs_toolchain
def test_a_firmware_parked_in_while_1_gives_a_result(tmp_path, devices, capsys):
    elf = build_elf(devices["m4"], [EXAMPLES / "idle.c"], tmp_path / "idle.elf").elf_path
    record = tmp_path / "r.json"
    assert main(["run", str(elf), "--device", "cortex-m4-80mhz", "--json", str(record)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "work done\n" in out
    line = next(line for line in out.splitlines() if "idle loop" in line)
    assert line.startswith("note: firmware parked in an idle loop at PC 0x08") and " in main after " in line
    row = json.loads(record.read_text())["rows"][0]
    assert row["exit_status"] is None and row["cycles"] > 0
    # The figures say how far they are trusted, as `mcubench devices` does (the device's validation).
    timing = next(line for line in out.splitlines() if line.startswith("  timing trust "))
    assert "independent references" in timing
    assert "  energy trust run power x simulated time; not checked on this device\n" in out


@pytest.mark.needs_toolchain
def test_regions_by_cpp_name_and_inlining_hints(tmp_path, devices, capsys):
    elf = build_elf(devices["m4"], [EXAMPLES / "inlined.c"], tmp_path / "inlined.elf").elf_path
    assert main(["run", str(elf), "--device", "cortex-m4-80mhz", "--region", "add_three"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "no function named 'add_three': no out-of-line copy; DWARF shows it inlined at 1 call site(s) (in main)" in err
    assert main(["run", str(elf), "--device", "cortex-m4-80mhz", "--region", "square"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "'square' is also inlined at 2 call site(s) (in main)" in out


@pytest.mark.slow
@pytest.mark.skipif(not CMSISNN.is_file(), reason="needs ../shared/firmware/tflm-kws")
def test_cpp_region_names_on_the_tflm_fixture(capsys):
    from mcubench.core.device import load_device
    from mcubench.core.errors import UsageError
    from mcubench.simulator.engine import Simulator

    device = load_device("cortex-m4-80mhz")
    names = ["tflite::MicroInterpreter::Invoke", "tflite::MicroInterpreter::Invoke()",
             "_ZN6tflite16MicroInterpreter6InvokeEv", "run_inference"]
    invoke = {}
    for name in names:
        sim = Simulator(CMSISNN, device, function_regions=[name], memory_tracing=False)
        invoke[name] = sim.run().trace.region(name).instructions
    assert invoke[names[0]] == invoke[names[1]] == invoke[names[2]] > 7_000_000
    assert invoke["run_inference"] > invoke[names[0]]  # run_inference calls Invoke and a little more
    with pytest.raises(UsageError, match="are the same function"):
        Simulator(CMSISNN, device, function_regions=names[:2])


@pytest.mark.slow
@pytest.mark.skipif(not CMSISNN.is_file(), reason="needs ../shared/firmware/tflm-kws")
@pytest.mark.parametrize("device", ["cortex-m4-80mhz", "stm32h7"])
def test_profile_tflm_on_the_unmodified_fixture(device, capsys):
    assert main(["run", str(CMSISNN), "--device", device, "--profile", "tflm",
                 "--region", "tflite::MicroInterpreter::Invoke"]) == EXIT_OK
    out = capsys.readouterr().out
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 6 and parts[0].isdigit() and parts[1].isupper():
            rows[parts[1]] = (int(parts[2]), int(parts[3]))
    # The KWS DS-CNN: 5 convolutions (one 10x4, four pointwise), 4 depthwise, one pool, reshape, FC, softmax.
    assert {op: calls for op, (calls, _) in rows.items()} == {
        "CONV_2D": 5, "DEPTHWISE_CONV_2D": 4, "AVERAGE_POOL_2D": 1, "RESHAPE": 1, "FULLY_CONNECTED": 1, "SOFTMAX": 1}
    assert "registered but never called: ADD" in out
    whole = int(next(l for l in out.splitlines() if l.strip().startswith("cycles")).split()[1])
    invoke = int(next(l for l in out.splitlines() if l.strip().startswith("tflite::MicroInterpreter::Invoke")).split()[2])
    ops = sum(cycles for _, cycles in rows.values())
    assert rows["CONV_2D"][1] > rows["DEPTHWISE_CONV_2D"][1] > rows["AVERAGE_POOL_2D"][1]
    assert 0.95 * invoke < ops < whole  # the kernels are nearly all of Invoke; costing per region may differ by <1%
    assert "OUTPUT 80 80 80 80 80 80 80 80 80 71 80 8f" in out  # the fixture's README: the right answer


@pytest.mark.needs_toolchain
def test_profile_tflm_on_firmware_without_tflm(tmp_path, devices, capsys):
    elf = build_elf(devices["m4"], [EXAMPLES / "idle.c"], tmp_path / "idle.elf").elf_path
    assert main(["run", str(elf), "--device", "cortex-m4-80mhz", "--profile", "tflm"]) == EXIT_USAGE
    assert "found no TensorFlow Lite Micro kernel registrations" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(not CMSISNN.is_file(), reason="needs ../shared/firmware/tflm-kws")
def test_tflm_fixture_ram_breakdown_against_what_it_prints_and_its_linker_layout():
    from elftools.elf.elffile import ELFFile

    from mcubench.core.device import load_device
    from mcubench.simulator.engine import Simulator

    trace = Simulator(CMSISNN, load_device("cortex-m4-80mhz")).run().trace
    with open(CMSISNN, "rb") as f:
        elf = ELFFile(f)
        sizes = {s.name: s["sh_size"] for s in elf.iter_sections()}
        symbols = {s.name: (s["st_value"], s["st_size"]) for s in elf.get_section_by_name(".symtab").iter_symbols()}
    arena = next(size for name, (_, size) in symbols.items() if "tensor_arena" in name)
    # The application prints its arena: "arena_used_bytes 22820 of 23552".
    assert f"arena_used_bytes 22820 of {arena}\r\n" in trace.console  # TFLM ends its log lines with CR LF
    # Static RAM is .data + .bss (the arena is in .bss); the CubeIDE ._user_heap_stack block is reserved,
    # sized by the linker script's _Min_Heap_Size + _Min_Stack_Size (plus 8-byte alignment), not counted.
    assert trace.image.static_ram_bytes == sizes[".data"] + sizes[".bss"] >= arena
    assert trace.image.reserved_sections == {"._user_heap_stack": sizes["._user_heap_stack"]}
    minimum = symbols["_Min_Heap_Size"][0] + symbols["_Min_Stack_Size"][0]
    assert minimum <= trace.image.reserved_bytes < minimum + 8
    # The application never calls malloc, and its stack stays within the linker script's minimum.
    assert trace.heap_bytes == 0
    assert 0 < trace.stack_high_water_bytes < symbols["_Min_Stack_Size"][0]


@pytest.mark.needs_toolchain
@pytest.mark.slow
@pytest.mark.skipif(not CMSISNN.is_file(), reason="needs ../shared/firmware/tflm-kws and ../shared/models")
@pytest.mark.parametrize("device", ["cortex-m4-80mhz", "stm32h7"])
def test_tflm_and_mcubench_firmware_give_the_same_output_bytes(device):
    from mcubench.benchmarks import tflm_compare
    from mcubench.core.device import load_device

    dev = load_device(device)
    estimate, trace, ops, _ = tflm_compare.tflm_run(dev)
    _, fw, own_output = tflm_compare.own_run(dev)
    assert tflm_compare.tflm_output(trace) == own_output == bytes.fromhex("80 80 80 80 80 80 80 80 80 71 80 8f")
    # The same ops run in both: TFLM's kernels once per layer of mcubench's own firmware.
    layers = {}
    for layer in fw.layers:
        layers[layer.op] = layers.get(layer.op, 0) + 1
    assert {op: estimate.regions[op].calls for op in ops if estimate.regions[op].calls} == layers
