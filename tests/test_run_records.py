"""`mcubench run --json` writes a results record that `check` gates and `report` renders.

The firmware is an unmodified TensorFlow Lite Micro build of the MLPerf Tiny KWS model that no one here
wrote (../shared/firmware/tflm-kws/, its README gives the console it prints).
"""

import hashlib
import json
from pathlib import Path

import pytest

from mcubench.benchmarks.cli import main
from mcubench.core.results import load_results

SHARED = Path(__file__).resolve().parents[2] / "shared"
TFLM_KWS = SHARED / "firmware" / "tflm-kws" / "kws_cmsisnn_m4.elf"
KWS_MODEL = SHARED / "models" / "mlperf-tiny" / "kws_ref_model.tflite"
# What the firmware prints (its README): the arena it used, then the int8 output in hex. The first line
# ends in CR LF, as the firmware writes it.
EXPECTED_CONSOLE = "arena_used_bytes 22820 of 23552\r\nOUTPUT 80 80 80 80 80 80 80 80 80 71 80 8f\n"


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def kws_record(tmp_path_factory):
    """One run of the TFLM firmware on two devices, --region run_inference (the function around Invoke)."""
    out = tmp_path_factory.mktemp("kws") / "r.json"
    assert main(["run", str(TFLM_KWS), "--device", "cortex-m4-80mhz,stm32h7", "--region", "run_inference",
                 "--json", str(out)]) == 0
    return out


@pytest.mark.slow
def test_run_record_is_a_results_record_of_the_firmware(kws_record):
    record = load_results(kws_record)
    assert json.loads(kws_record.read_text())["schema"] == "mcubench.results/7"
    assert [(r.model, r.device, r.kind) for r in record.rows] == [
        ("kws_cmsisnn_m4", "cortex-m4-80mhz", "firmware"), ("kws_cmsisnn_m4", "stm32h7", "firmware")]
    assert set(record.devices) == {"cortex-m4-80mhz", "stm32h7"}
    for row in record.rows:
        assert row.model_sha256 == hashlib.sha256(TFLM_KWS.read_bytes()).hexdigest()
        assert row.console == EXPECTED_CONSOLE and row.exit_status == 0
        [region] = row.regions
        assert (region.name, region.calls) == ("run_inference", 1)
        # The inference is most of the run but not all of it (start-up, interpreter set-up, printing).
        assert 0.5 * row.instructions < region.instructions < row.instructions
        assert 0 < region.cycles < row.cycles
        assert sum(row.cycles_by_cause.values()) == row.cycles
        assert row.peak_ram_bytes == row.static_ram_bytes + row.stack_bytes + row.heap_bytes
    m4, h7 = record.rows
    # Same program, same instructions; the devices differ in timing only.
    assert m4.instructions == h7.instructions and m4.regions[0].instructions == h7.regions[0].instructions
    assert m4.cycles != h7.cycles


def test_check_gates_the_firmware_against_a_baseline_made_from_its_first_run(kws_record, tmp_path, capsys):
    base = tmp_path / "b.json"
    code, out, err = _run(capsys, "check", kws_record, "--baseline", base, "--update-baseline")
    assert (code, err) == (0, "") and "baseline written" in out and "2 model x device pairs" in out
    saved = json.loads(base.read_text())
    assert saved["schema"] == "mcubench.baseline/2"
    assert set(saved["entries"][0]["regions"]) == {"run_inference"}

    code, out, err = _run(capsys, "check", kws_record, "--baseline", base, "--require-all")
    assert (code, err) == (0, "") and "check passed: 12 figures of 2 model x device pairs compared" in out

    # The same firmware one cycle faster inside the region on the baseline: now it is one cycle slower.
    saved["entries"][1]["regions"]["run_inference"]["cycles"] -= 1
    base.write_text(json.dumps(saved))
    code, out, err = _run(capsys, "check", kws_record, "--baseline", base)
    assert code == 1 and err == ""
    [line] = [line for line in out.splitlines() if "REGRESSION" in line]
    assert line.startswith("kws_cmsisnn_m4  stm32h7") and "cycles in run_inference" in line
    assert "check FAILED" in out


@pytest.mark.slow
def test_report_renders_the_firmware_run(kws_record, tmp_path, capsys):
    code, out, err = _run(capsys, "report", kws_record, "-o", tmp_path / "rep")
    assert (code, out) == (0, "") and "rows rendered" in err  # where the report went is a note, on stderr
    summary = (tmp_path / "rep" / "summary.md").read_text()
    assert summary.startswith("# mcubench report: kws_cmsisnn_m4\n")
    assert "## Firmware regions and console" in summary and "## Per-layer figures" not in summary
    assert "| run_inference | – | 1 |" in summary
    assert "```text\n" + EXPECTED_CONSOLE.replace("\r\n", "\n") + "```" in summary  # read_text: universal newlines
    html = (tmp_path / "rep" / "report.html").read_text()
    assert "<pre>arena_used_bytes 22820 of 23552" in html


@pytest.mark.needs_toolchain
def test_a_model_run_writes_the_same_kind_of_record(tmp_path, capsys):
    out = tmp_path / "m.json"
    code, _, err = _run(capsys, "run", KWS_MODEL, "--device", "cortex-m4-80mhz", "--seed", "1", "--json", out)
    assert (code, err) == (0, "")
    [row] = load_results(out).rows
    assert (row.model, row.kind, row.accuracy, row.regions) == ("kws_ref_model", "model", None, [])
    assert len(row.layers) > 5 and row.macs == sum(layer.macs for layer in row.layers)
    assert row.model_sha256 == hashlib.sha256(KWS_MODEL.read_bytes()).hexdigest()
    base = tmp_path / "b.json"
    assert _run(capsys, "check", out, "--baseline", base, "--update-baseline")[0] == 0
    assert _run(capsys, "check", out, "--baseline", base)[0] == 0
