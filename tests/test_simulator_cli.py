"""`mcubench trace`: a summary and a JSON trace on success; one line on stderr, nothing written, on bad input."""

import json
from pathlib import Path
import shutil

import pytest

from mcubench.benchmarks.cli import EXIT_FIRMWARE, main
from mcubench.core.trace import Trace


@pytest.mark.needs_toolchain
def test_trace_writes_json_and_summary(tmp_path, regions_elf, capsys):
    out = tmp_path / "trace.json"
    assert main(["trace", str(regions_elf), "--device", "cortex-m4-80mhz", "--json", str(out),
                 "--region", "kernel"]) == 0
    printed = capsys.readouterr().out
    assert "60 instructions" in printed and "region kernel in outer: 2 calls, 38 instructions" in printed
    trace = Trace.load(out)
    assert trace.instructions == 60 and trace.region("kernel").calls == 2
    assert json.loads(out.read_text())["schema"] == "mcubench.trace/4"


@pytest.mark.needs_toolchain
def test_trace_without_memory_tracing(tmp_path, c_elfs):
    out = tmp_path / "t.json"
    assert main(["trace", str(c_elfs["hello", "rv"]), "--device", "esp32-c3", "--no-memory-trace",
                 "--json", str(out)]) == EXIT_FIRMWARE  # hello exits with status 7
    trace = Trace.load(out)
    assert trace.console == "hello, w\nwritten\n" and not trace.memory_traced


def _bad_inputs(tmp_path, c_elfs, outside_elf):
    text = tmp_path / "notes.txt"
    text.write_text("not firmware\n")
    x86 = shutil.which("true") or "/bin/true"
    m4_hello = str(c_elfs["hello", "m4"])
    return {
        "not an ELF": ["trace", str(text)],
        "missing file": ["trace", str(tmp_path / "missing.elf")],
        "x86 ELF": ["trace", x86],
        "RV32 ELF on a Cortex-M device": ["trace", str(c_elfs["hello", "rv"])],
        "segment outside memory": ["trace", str(outside_elf)],
        "unknown device": ["trace", m4_hello, "--device", "no-such-chip"],
        "unknown region symbol": ["trace", m4_hello, "--region", "no_such_function"],
        "fault": ["trace", str(c_elfs["fault", "m4"])],
        "runaway": ["trace", str(c_elfs["runaway", "m4"]), "--budget", "50000"],
    }


EXPECTED_WORDS = {
    "not an ELF": "not an ELF", "missing file": "no such file", "x86 ELF": "EM_X86_64",
    "RV32 ELF on a Cortex-M device": "EM_RISCV", "segment outside memory": "outside the memory",
    "unknown device": "known devices", "unknown region symbol": "no_such_function",
    "fault": "poke_unmapped", "runaway": "50,000 instructions",
}


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("case", list(EXPECTED_WORDS))
def test_bad_input_is_one_line_and_no_file(case, tmp_path, c_elfs, outside_elf, capsys):
    argv = _bad_inputs(tmp_path, c_elfs, outside_elf)[case]
    out = tmp_path / "out.json"
    assert main([*argv, "--json", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("mcubench: error:"), err
    assert EXPECTED_WORDS[case] in err
    assert "Traceback" not in err
    assert not out.exists() and not list(Path(tmp_path).glob(".out.json*"))
