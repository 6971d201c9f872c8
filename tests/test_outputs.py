"""Output paths: regular files replaced whole, devices and FIFOs written through (never replaced), symlinks
followed, '-' is standard output, '' is an error, and every path checked before any work starts."""

import json
import os
from pathlib import Path
import stat
import threading

import numpy as np
import pytest

from mcubench.benchmarks.cli import EXIT_USAGE, main
from mcubench.core.atomic import write_text_atomic
from mcubench.core.errors import OutputError
from mcubench.firmware.platform.toolchain import build_elf

EXAMPLES = Path(__file__).resolve().parents[1] / "firmware" / "examples"
SHARED_MODELS = Path(__file__).resolve().parents[2] / "shared" / "models" / "mlperf-tiny"
FIXTURE = Path(__file__).resolve().parent / "golden" / "results_small.json"


@pytest.fixture(scope="module")
def hello(tmp_path_factory):
    from mcubench.core.device import load_device

    path = tmp_path_factory.mktemp("outputs") / "hello.elf"
    build_elf(load_device("cortex-m4-80mhz"), [EXAMPLES / "hello.c"], path)
    return path


def _one_line_error(capsys, *words):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("mcubench: error:") and "Traceback" not in err, err
    for word in words:
        assert word in err, err


@pytest.mark.needs_toolchain
def test_character_device_is_written_through_not_replaced(tmp_path, hello, capsys):
    assert main(["trace", str(hello), "--allow-exit-status", "--json", "/dev/full"]) == EXIT_USAGE
    _one_line_error(capsys, "/dev/full", "No space left on device")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert main(["trace", str(hello), "--allow-exit-status", "--json", "/dev/null"]) == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not list(Path("/dev").glob(".null.*")) and not list(Path("/dev").glob(".full.*"))


@pytest.mark.needs_toolchain
def test_fifo_is_written_through(tmp_path, hello):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    assert main(["trace", str(hello), "--allow-exit-status", "--json", str(fifo)]) == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(received[0])["exit_status"] == 7


@pytest.mark.needs_toolchain
def test_symlink_is_followed_and_kept(tmp_path, hello):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert main(["trace", str(hello), "--allow-exit-status", "--json", str(link)]) == 0
    assert link.is_symlink() and json.loads(target.read_text())["exit_status"] == 7
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "sub" / "made.json")
    write_text_atomic(dangling, "{}")
    assert dangling.is_symlink() and (tmp_path / "sub" / "made.json").read_text() == "{}"


def test_refused_kinds_and_nothing_left_behind(tmp_path):
    with pytest.raises(OutputError, match="a directory"):
        write_text_atomic(tmp_path, "x")
    with pytest.raises(OutputError, match="empty"):
        write_text_atomic("", "x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.needs_toolchain
def test_dash_is_standard_output_and_text_goes_to_stderr(hello, capsys):
    assert main(["trace", str(hello), "--allow-exit-status", "--json", "-"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["exit_status"] == 7
    assert "exit status 7" in captured.err
    assert main(["run", str(hello), "--device", "cortex-m4-80mhz", "--allow-exit-status", "--json", "-"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["rows"][0]["cycles"] > 0 and "cycles" in captured.err


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("command", ["trace", "run"])
def test_run_and_trace_agree_on_paths_and_devices(command, tmp_path, hello, capsys):
    base = [command, str(hello), "--allow-exit-status"] + (["--device", " cortex-m4-80mhz "] if command == "run" else
                                                           ["--device", " cortex-m4-80mhz "])
    out = tmp_path / "missing" / "folders" / "out.json"
    assert main(base + ["--json", str(out)]) == 0 and out.is_file()  # missing folders are created
    capsys.readouterr()
    assert main([command, str(tmp_path), "--device", "cortex-m4-80mhz"]) == EXIT_USAGE
    _one_line_error(capsys, "is a directory, not a file")
    assert main([command, str(tmp_path / "nope.elf"), "--device", "cortex-m4-80mhz"]) == EXIT_USAGE
    _one_line_error(capsys, "no such file")
    for bad in ("", str(tmp_path)):
        assert main(base + ["--json", bad]) == EXIT_USAGE
        _one_line_error(capsys, "--json")
    (tmp_path / "file").write_text("")
    assert main(base + ["--json", str(tmp_path / "file" / "out.json")]) == EXIT_USAGE
    _one_line_error(capsys, "ot a directory")


def test_model_run_checks_outputs_before_building(tmp_path, monkeypatch, capsys):
    import mcubench.benchmarks.runner as runner

    def no_work(*args, **kwargs):
        raise AssertionError("work started before the arguments were checked")

    monkeypatch.setattr(runner, "ModelOnDevice", no_work)
    model = str(SHARED_MODELS / "ad01_int8.tflite")
    np.save(tmp_path / "x.npy", np.zeros(640, np.int8))
    np.savez(tmp_path / "x.npz", x=np.zeros(640, np.int8))
    (tmp_path / "empty.npy").write_bytes(b"")
    cases = [
        (["--output", str(tmp_path)], "is a directory"),
        (["--json", "-", "--output", "-"], "only one output"),
        (["--input", str(tmp_path / "x.npz")], "not an .npy array"),
        (["--input", str(tmp_path / "empty.npy")], "cannot read input array"),
        (["--input", str(tmp_path / "x.npy"), "--seed", "3"], "--seed"),
    ]
    for extra, words in cases:
        assert main(["run", model, "--device", "cortex-m4-80mhz", *extra]) == EXIT_USAGE
        _one_line_error(capsys, words)
    assert {p.name for p in tmp_path.iterdir()} == {"x.npy", "x.npz", "empty.npy"}



@pytest.mark.needs_toolchain
def test_model_run_refuses_an_input_of_another_type(tmp_path, capsys):
    """An --input whose dtype is not the model's is one line naming both (it was an internal error)."""
    np.save(tmp_path / "x.npy", np.zeros(640, np.float64))
    code = main(["run", str(SHARED_MODELS / "ad01_int8.tflite"), "--device", "cortex-m4-80mhz",
                 "--input", str(tmp_path / "x.npy")])
    assert code == EXIT_USAGE
    _one_line_error(capsys, "input dtype is float64, the model takes int8")

@pytest.mark.needs_toolchain
def test_elf_run_refuses_model_only_options(tmp_path, hello, capsys):
    np.save(tmp_path / "x.npy", np.zeros(4, np.int8))
    for extra in (["--input", str(tmp_path / "x.npy")], ["--output", str(tmp_path / "y.npy")], ["--seed", "5"]):
        assert main(["run", str(hello), "--device", "cortex-m4-80mhz", *extra]) == EXIT_USAGE
        _one_line_error(capsys, extra[0], "only for running a .tflite model")
    assert not (tmp_path / "y.npy").exists()


@pytest.mark.parametrize("argv,words", [
    (["trace", "ELF", "--budget", str(2**64)], "--budget must be an integer from 1 to 18446744073709551615"),
    (["trace", "ELF", "--budget", "0"], "--budget"),
    (["run", "ELF", "--device", "cortex-m4-80mhz", "--seed", "-1"], "--seed"),
    (["run", "ELF", "--device", "cortex-m4-80mhz", "--rate", "nan"], "--rate"),
    (["run", "ELF", "--device", "cortex-m4-80mhz", "--rate", "1", "--battery-mah", "inf"], "--battery-mah"),
    (["report", str(FIXTURE), "-o", "OUT", "--battery-mah", "nan"], "--battery-mah"),
    (["check", str(FIXTURE), "--baseline", str(FIXTURE), "--tolerance", "nan"], "--tolerance"),
    (["run", "--trace", "ELF", "--device", "cortex-m4-80mhz"], "not a trace record"),
])
@pytest.mark.needs_toolchain
def test_numbers_and_wrong_kinds_of_file_are_one_line(argv, words, hello, tmp_path, capsys):
    argv = [str(hello) if a == "ELF" else str(tmp_path / "r") if a == "OUT" else a for a in argv]
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error:" in err and words in err, err
    assert not (tmp_path / "r").exists()


@pytest.mark.slow
def test_failed_report_leaves_no_folder(tmp_path, monkeypatch, capsys):
    import mcubench.reports.markdown as markdown

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(markdown, "render_markdown", broken)
    out = tmp_path / "new" / "report"
    assert main(["report", str(FIXTURE), "-o", str(out)]) == EXIT_USAGE
    _one_line_error(capsys, "No space left on device")
    assert list(tmp_path.iterdir()) == []
