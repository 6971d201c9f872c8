"""The project's habits, checked like everything else: ruff's lint on the whole tree, ruff's formatter on
mcubench/ (the public API and the ground floor), mypy on the same; their settings are in pyproject.toml.
ruff and mypy come with the test extra (pip install -e '.[test]')."""

from pathlib import Path
import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_lint_passes():
    proc = run("ruff", "check", "--no-cache", ".")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_the_ground_floor_and_the_api_are_formatted():
    proc = run("ruff", "format", "--no-cache", "--check", "mcubench")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


@pytest.mark.slow
def test_mypy_passes_on_the_api_and_the_ground_floor():
    proc = run("mypy", "--no-incremental", "--cache-dir", "/dev/null")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "Success" in proc.stdout


@pytest.mark.needs_toolchain
def test_verbose_says_what_is_done_on_stderr_and_keeps_stdout(tmp_path, capsys):
    """Diagnostics come from module loggers: silent by default, one line each on stderr with --verbose."""
    from mcubench.benchmarks.cli import main

    model = ROOT.parent / "shared" / "models" / "mlperf-tiny" / "ad01_int8.tflite"
    args = ["run", str(model), "--device", "cortex-m4-80mhz"]
    assert main(args) == 0
    quiet = capsys.readouterr()
    assert quiet.err == ""
    assert main(["--verbose", *args]) == 0
    loud = capsys.readouterr()
    assert loud.out == quiet.out
    assert loud.err.startswith("mcubench: firmware of ad01_int8.tflite for cortex-m4-80mhz")
    assert all(line.startswith("mcubench: ") for line in loud.err.splitlines())
