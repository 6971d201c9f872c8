"""The exit status scheme (README and --help): 0 ok, 1 regression, 2 usage or input, 3 internal, 4 firmware exit status, 130 interrupt."""

import re
from pathlib import Path


from mcubench.benchmarks import cli
from mcubench.benchmarks.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_exit_table():
    rows = re.findall(r"^\| (\d+) \| (.+?) \|$", README.read_text(encoding="utf-8"), flags=re.M)
    return {int(code): text for code, text in rows}


def test_readme_and_help_list_the_same_exit_codes(capsys):
    codes = {cli.EXIT_OK, cli.EXIT_REGRESSION, cli.EXIT_USAGE, cli.EXIT_INTERNAL, cli.EXIT_FIRMWARE,
             cli.EXIT_INTERRUPTED}
    assert codes == {0, 1, 2, 3, 4, 130}
    assert set(_readme_exit_table()) == codes
    for argv in (["--help"], ["check", "--help"], ["run", "--help"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        help_codes = {int(c) for c in re.findall(r"^  (\d+) ", out.split("exit status:")[1], flags=re.M)}
        assert help_codes == codes, out


def test_usage_error_from_argparse_is_2(capsys):
    assert main(["run", "--device", "esp32", "--no-such-option"]) == cli.EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("mcubench: error: ") and captured.err.count("\n") == 1


def test_input_error_is_2(capsys):
    assert main(["devices", "no-such-device"]) == cli.EXIT_USAGE
    assert capsys.readouterr().err.count("\n") == 1


def _replace_execute(monkeypatch, exc):
    from mcubench.benchmarks.cli import devices

    def execute(args):
        raise exc

    monkeypatch.setattr(devices, "execute", execute)


def test_internal_error_is_3_and_one_line(monkeypatch, capsys):
    _replace_execute(monkeypatch, RuntimeError("a bug"))
    assert main(["devices"]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: a bug" in err and "--traceback" in err


def test_interrupt_is_130_and_one_line(monkeypatch, capsys):
    _replace_execute(monkeypatch, KeyboardInterrupt())
    assert main(["devices"]) == cli.EXIT_INTERRUPTED
    assert capsys.readouterr().err == "mcubench: interrupted\n"


def test_an_error_quoting_control_characters_stays_one_line(monkeypatch, capsys):
    # Found by tests/test_fuzz.py: a baseline with a field named "\n\n" printed a three-line error.
    from mcubench.core.errors import ResultsError

    _replace_execute(monkeypatch, ResultsError("b.json: unknown field(s) \n\x97\t"))
    assert main(["devices"]) == cli.EXIT_USAGE
    assert capsys.readouterr().err == "mcubench: error: b.json: unknown field(s) \\n\\x97\\t\n"
