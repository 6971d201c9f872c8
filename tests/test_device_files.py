"""A user's own device description: `--device path/to/board.toml`, validated like the built-in ones, and
`extends = "cortex-m4-80mhz"` to change a few fields (tables merged, lists replaced, the result validated)."""

from pathlib import Path

import pytest

from mcubench.benchmarks.cli import main
from mcubench.core.device import DEVICES_DIR, load_device, load_devices, merge_description
from mcubench.core.errors import DeviceError
from mcubench.core.results import load_results

ROOT = Path(__file__).resolve().parents[1]
SHARED_MODELS = ROOT.parent / "shared" / "models" / "mlperf-tiny"

# A board that runs the STM32L476 of cortex-m4-80mhz at 48 MHz.
BOARD_48 = '''extends = "cortex-m4-80mhz"
name = "l476-48mhz"
title = "STM32L476 @ 48 MHz"

[clock]
default_mhz = 48.0
source = "assumption: the board's clock tree runs HCLK at 48 MHz"
'''


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_merge_merges_tables_and_replaces_lists():
    base = {"a": 1, "t": {"x": 1, "y": 2, "inner": {"p": 1, "q": 2}}, "rows": [{"k": 1}, {"k": 2}]}
    over = {"t": {"y": 20, "inner": {"q": 3}}, "rows": [{"k": 9}], "b": 2}
    assert merge_description(base, over) == {"a": 1, "b": 2, "t": {"x": 1, "y": 20, "inner": {"p": 1, "q": 3}},
                                             "rows": [{"k": 9}]}
    assert base["t"]["y"] == 2  # the base is not changed


def test_a_board_file_written_from_scratch_loads_like_a_built_in(tmp_path):
    text = (DEVICES_DIR / "cortex-m4-80mhz.toml").read_text().replace(
        'name = "cortex-m4-80mhz"', 'name = "my-board"', 1)
    path = _write(tmp_path, "my-board.toml", text)
    board, builtin = load_device(str(path)), load_device("cortex-m4-80mhz")
    assert board.name == "my-board" and board.path == path
    assert (list(board.memory_map), board.timing, board.clock, board.power) == (
        list(builtin.memory_map), builtin.timing, builtin.clock, builtin.power)


def test_extends_changes_only_what_the_board_sets(tmp_path):
    board = load_device(str(_write(tmp_path, "l476-48mhz.toml", BOARD_48)))
    base = load_device("cortex-m4-80mhz")
    assert (board.name, board.title, board.clock.default_mhz) == ("l476-48mhz", "STM32L476 @ 48 MHz", 48.0)
    assert board.clock.max_mhz == base.clock.max_mhz  # the rest of [clock] comes from the base
    assert board.clock.source == "assumption: the board's clock tree runs HCLK at 48 MHz"
    assert (list(board.memory_map), board.timing, board.power, board.version) == (
        list(base.memory_map), base.timing, base.power, base.version)
    assert "extends" not in board.raw


def test_a_board_may_extend_another_board_file(tmp_path):
    _write(tmp_path, "l476-48mhz.toml", BOARD_48)
    (tmp_path / "boards").mkdir()
    path = _write(tmp_path / "boards", "l476-48mhz-2v.toml", '''extends = "../l476-48mhz.toml"
name = "l476-48mhz-2v"
title = "STM32L476 @ 48 MHz, 2.0 V"

[power]
voltage_v = 2.0
source = "assumption: the board's regulator gives 2.0 V"
''')
    board = load_device(str(path))
    assert (board.clock.default_mhz, board.power.voltage_v) == (48.0, 2.0)
    assert board.power.run == load_device("cortex-m4-80mhz").power.run


@pytest.mark.parametrize("text, message", [
    ('extends = "nosuch"\nname = "b"\ntitle = "B"\n', "b.toml: extends 'nosuch': unknown device"),
    ('extends = 3\nname = "b"\ntitle = "B"\n', "b.toml: extends must be"),
    ('extends = "cortex-m4-80mhz"\ntitle = "B"\n', "b.toml: extends 'cortex-m4-80mhz': set this board's own 'name'"),
    ('extends = "cortex-m4-80mhz"\nname = "b"\ntitle = "B"\n[clock]\ndefault_mhz = 48.0\n',
     "b.toml: clock: sets default_mhz over the base device, so it needs its own 'source'"),
    ('extends = "cortex-m4-80mhz"\nname = "b"\ntitle = "B"\n[clock]\ndefault_mhz = 120.0\nsource = "assumption: x"\n',
     "b.toml: clock: need 0 < min_mhz <= default_mhz <= max_mhz"),
    ('extends = "cortex-m4-80mhz"\nname = "b"\ntitle = "B"\nclok = 1\n', "b.toml: top level: unknown key(s) clok"),
    ('extends = "cortex-m4-80mhz"\nname = "b"\ntitle = "B"\n[placement]\ndata = "sram9"\n'
     'source = "assumption: x"\n', "b.toml: placement.data: no memory area named 'sram9'"),
    ('extends = "cortex-m4-80mhz"\nname = "other"\ntitle = "B"\n', "b.toml: name 'other' does not match the file name"),
    ('extends = "b.toml"\nname = "b"\ntitle = "B"\n', "b.toml: extends 'b.toml': the descriptions extend each other"),
    ('name = "b"\n[clock\n', "cannot read device description"),
    ('extends = "stm32u575"\nname = "b"\ntitle = "B"\n[[power.blocks]]\nname = "TIM2"\nua_per_mhz = 1.93\n'
     'in_run = false\n', "b.toml: power.blocks[0]: missing 'source'"),
    ('extends = "stm32u575"\nname = "b"\ntitle = "B"\n[[power.blocks]]\nname = "TIM2"\nua_per_mhz = -1\n'
     'in_run = false\nsource = "assumption: x"\n', "b.toml: power.blocks[0].ua_per_mhz must not be negative"),
    ('extends = "stm32u575"\nname = "b"\ntitle = "B"\n[[power.blocks]]\nname = "TIM2"\nua_per_mhz = 1\n'
     'in_run = "no"\nsource = "assumption: x"\n', "b.toml: power.blocks[0].in_run must be a bool"),
    ('extends = "stm32u575"\nname = "b"\ntitle = "B"\n[power.code_spread]\nlow_ma = 12.0\n'
     'source = "assumption: x"\n', "b.toml: power.code_spread: need 0 < low_ma <= reference_ma <= high_ma"),
    ('extends = "esp32"\nname = "b"\ntitle = "B"\n[proxy]\nstream_factor = 0\nsource = "assumption: x"\n',
     "b.toml: proxy.stream_factor must be positive"),
    ('extends = "esp32"\nname = "b"\ntitle = "B"\n[proxy]\nstream_factor = "1.3"\nsource = "assumption: x"\n',
     "b.toml: proxy.stream_factor must be a number"),
])
def test_bad_board_files_name_the_file_and_the_field(tmp_path, text, message):
    path = _write(tmp_path, "b.toml", text)
    with pytest.raises(DeviceError) as info:
        load_device(str(path))
    assert message in str(info.value)


def test_a_board_may_not_take_a_built_in_name(tmp_path):
    (tmp_path / "x").mkdir()
    path = _write(tmp_path / "x", "stm32h7.toml", BOARD_48.replace("l476-48mhz", "stm32h7"))
    with pytest.raises(DeviceError, match="'stm32h7' is a built-in device's"):
        load_device(str(path))


def test_device_lists_mix_names_and_files(tmp_path):
    path = _write(tmp_path, "l476-48mhz.toml", BOARD_48)
    assert [d.name for d in load_devices(f"cortex-m4-80mhz,{path}")] == ["cortex-m4-80mhz", "l476-48mhz"]
    with pytest.raises(DeviceError, match="no such device description file"):
        load_devices(str(tmp_path / "missing.toml"))


# ---------------------------------------------------------------------------- every command takes a file


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_run_trace_and_devices_take_a_board_file(tmp_path, c_elfs, capsys):
    board = _write(tmp_path, "l476-48mhz.toml", BOARD_48)
    elf = c_elfs[("kernels", "m4")]
    out = tmp_path / "r.json"
    assert main(["run", str(elf), "--device", f"cortex-m4-80mhz,{board}", "--allow-exit-status", "--json", str(out)]) == 0
    at80, at48 = load_results(out).rows
    assert (at48.device, at48.clock_mhz, at48.device_title) == ("l476-48mhz", 48.0, "STM32L476 @ 48 MHz")
    assert at48.instructions == at80.instructions
    # Fewer flash wait states at 48 MHz (RM0351 Table 11: 2 rather than 4): fewer cycles, each one longer.
    assert at48.cycles < at80.cycles
    assert at48.latency_ms == pytest.approx(at48.cycles / 48_000)
    assert main(["trace", str(elf), "--device", str(board), "--allow-exit-status", "--json", str(tmp_path / "t.json")]) == 0
    assert main(["devices", str(board)]) == 0
    assert "STM32L476 @ 48 MHz" in capsys.readouterr().out


@pytest.mark.needs_toolchain
@pytest.mark.slow
@pytest.mark.skipif(not SHARED_MODELS.is_dir(), reason="MLPerf Tiny models not present in ../shared")
def test_build_and_bench_take_a_board_file(tmp_path, capsys):
    board = _write(tmp_path, "l476-48mhz.toml", BOARD_48)
    model = SHARED_MODELS / "ad01_int8.tflite"
    assert main(["build", str(model), "--device", str(board), "-o", str(tmp_path / "build")]) == 0
    assert (tmp_path / "build" / "ad01_int8.elf").is_file()
    out = tmp_path / "bench.json"
    assert main(["bench", "--models", str(model), "--devices", str(board), "--json", str(out), "--no-progress",
                 "--jobs", "1"]) == 0
    [row] = load_results(out).rows
    assert (row.device, row.clock_mhz) == ("l476-48mhz", 48.0)


@pytest.mark.needs_toolchain
def test_a_bad_board_file_is_one_line_on_stderr(tmp_path, c_elfs, capsys):
    board = _write(tmp_path, "b.toml", 'extends = "cortex-m4-80mhz"\nname = "b"\ntitle = "B"\n[clock]\n'
                                       'default_mhz = 120.0\nsource = "assumption: x"\n')
    code = main(["run", str(c_elfs[("kernels", "m4")]), "--device", str(board)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert err[0] == "mcubench: error: b.toml: clock: need 0 < min_mhz <= default_mhz <= max_mhz"


@pytest.mark.skipif(not SHARED_MODELS.is_dir(), reason="MLPerf Tiny models not present in ../shared")
def test_a_suite_names_a_board_file_next_to_it(tmp_path):
    from mcubench.benchmarks.suite import load_suite
    from mcubench.core.errors import SuiteError

    (tmp_path / "boards").mkdir()
    _write(tmp_path / "boards", "l476-48mhz.toml", BOARD_48)
    model = SHARED_MODELS / "ad01_int8.tflite"
    suite_text = (f'name = "s"\ndevices = ["esp32-c3", "boards/l476-48mhz.toml"]\n'
                  f'[[model]]\nname = "ad"\nfile = "{model}"\n')
    suite = load_suite(_write(tmp_path, "suite.toml", suite_text))
    assert [d.name for d in load_devices(",".join(suite.devices))] == ["esp32-c3", "l476-48mhz"]
    with pytest.raises(SuiteError, match="no device description file 'boards/missing.toml'"):
        load_suite(_write(tmp_path, "suite.toml", suite_text.replace("l476-48mhz.toml", "missing.toml")))
