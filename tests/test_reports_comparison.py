"""`mcubench report a.json b.json`: records side by side, changes against the first, regressions marked.

The golden file tests/golden/comparison.md was rendered from the fixture and a changed copy of it (see
_changed) and read by a person; rewrite it with MCUBENCH_UPDATE_GOLDEN=1 after an intended change.
"""

import csv
import io
import os
from pathlib import Path

import pytest

from mcubench.benchmarks.cli import main
from mcubench.core.results import load_results, save_results
from mcubench.reports.blocks import BETTER, WORSE, Table
from mcubench.reports.comparison import METRICS, build_comparison, changes, comparison_csv, metric_table
from mcubench.reports.markdown import markdown_blocks

GOLDEN = Path(__file__).resolve().parent / "golden"
FIXTURE = GOLDEN / "results_small.json"
UPDATE = os.environ.get("MCUBENCH_UPDATE_GOLDEN") == "1"


def _changed():
    """The fixture after a change: the keyword model slower on the M4 (one layer), built with a newer
    compiler there; the autoencoder's flash smaller on the C3; one pair dropped."""
    results = load_results(FIXTURE)
    for row in results.rows:
        if row.device == "cortex-m4-80mhz":
            row.compiler = "arm-none-eabi-gcc 13.2.1"
    kws = results.row("kws_ref_model", "cortex-m4-80mhz")
    kws.layers[2].cycles += 120_000
    kws.cycles += 120_000
    kws.latency_ms = kws.cycles / (kws.clock_mhz * 1e3)
    kws.energy_uj = kws.avg_power_mw * kws.latency_ms
    results.row("ad01_int8", "esp32-c3").flash_bytes -= 64
    results.rows = [r for r in results.rows if not (r.model == "ad01_int8" and r.device == "esp32")]
    return results


@pytest.fixture
def records():
    return [("main", load_results(FIXTURE)), ("pr-42", _changed())]


def test_comparison_matches_golden(records):
    text = markdown_blocks(build_comparison(records)) + "\n"
    path = GOLDEN / "comparison.md"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), "comparison.md differs from the golden file"


def test_every_change_is_found_and_marked_by_direction(records):
    found = {(model, device, metric.label): mark for model, device, metric, _, _, _, mark in changes(records)}
    assert found == {
        ("Keyword spotting DS-CNN", "Cortex-M4 @ 80 MHz", "Latency"): WORSE,
        ("Keyword spotting DS-CNN", "Cortex-M4 @ 80 MHz", "Energy/Inference"): WORSE,
        ("Keyword spotting DS-CNN", "Cortex-M4 @ 80 MHz", "Cycles"): WORSE,
        ("Anomaly detection FC-AE", "ESP32-C3 @ 160 MHz", "Flash"): BETTER,
    }


def test_a_drop_of_accuracy_is_worse_and_a_rise_better(records):
    records[1][1].row("kws_ref_model", "esp32-c3").accuracy.value -= 0.01
    records[1][1].row("kws_ref_model", "esp32").accuracy.value += 0.01
    table = metric_table(records, next(m for m in METRICS if m.label == "Accuracy"))
    marks = {table.rows[r][1]: mark for (r, c), mark in table.marks.items() if c == 3}
    assert marks == {"ESP32-C3 @ 160 MHz": WORSE, "ESP32 @ 160 MHz (RV32IMC proxy)": BETTER}
    row = next(r for r in table.rows if r[1] == "ESP32-C3 @ 160 MHz" and r[0].startswith("Keyword"))
    assert row[2:] == ["90.50%", "89.50%", "-1.00 points"]


def test_the_toolchain_change_and_the_missing_pair_are_said(records):
    markdown = markdown_blocks(build_comparison(records))
    assert ("Toolchain arm-none-eabi-gcc 12.2.1 (main) -> arm-none-eabi-gcc 13.2.1 (pr-42) for "
            "Cortex-M4 @ 80 MHz.") in markdown
    assert "Only in main: Anomaly detection FC-AE on ESP32 @ 160 MHz (RV32IMC proxy)." in markdown
    layers = [b for b in build_comparison(records) if isinstance(b, Table) and b.caption.startswith("Layers")][0]
    assert layers.rows == [["Keyword spotting DS-CNN", "Cortex-M4 @ 80 MHz", "pr-42", "2: layer_2_conv_2d",
                            "3,113,371", "3,233,371", "+120,000 (3.85%)"]]


def test_three_records_each_against_the_first(records):
    third = load_results(FIXTURE)
    third.row("kws_ref_model", "esp32").cycles -= 10
    table = metric_table(records + [("pr-43", third)], METRICS[2])
    assert table.headers == ["Model", "Device", "main", "pr-42", "pr-43", "Change pr-42 vs main",
                             "Change pr-43 vs main"]
    row = next(r for r in table.rows if r[1].startswith("ESP32 @"))
    assert row[-2:] == ["0", "-10 (-0.000162%)"]


def test_csv_holds_every_figure_in_raw_units(records):
    rows = list(csv.DictReader(io.StringIO(comparison_csv(records))))
    assert len(rows) == 5 * len(METRICS)  # the five pairs in both records
    cycles = next(r for r in rows if r["model"] == "kws_ref_model" and r["device"] == "cortex-m4-80mhz"
                  and r["metric"] == "Cycles")
    assert int(cycles["pr-42"]) - int(cycles["main"]) == 120_000


def test_report_command_compares_records(tmp_path, capsys, records):
    a, b = tmp_path / "main.json", tmp_path / "pr.json"
    save_results(records[0][1], a)
    save_results(records[1][1], b)
    assert main(["report", str(a), str(b), "-o", str(tmp_path / "diff"), "--labels", "main,pr-42"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "2 records compared" in err
    assert sorted(p.name for p in (tmp_path / "diff").iterdir()) == ["comparison.csv", "comparison.html",
                                                                    "comparison.md"]
    html = (tmp_path / "diff" / "comparison.html").read_text(encoding="utf-8")
    assert '<td class="num worse">+1.50 ms (+2.57%)</td>' in html
    assert "mcubench comparison: main vs pr-42" in html


@pytest.mark.parametrize("extra,message", [
    (["--labels", "one"], "--labels: give 2 non-empty names"),
    (["--labels", "x,x"], "--labels: the names must differ"),
    (["--reference-device", "esp32"], "--reference-device applies to the report of one record"),
])
def test_report_command_refuses_bad_comparison_options(tmp_path, capsys, extra, message):
    code = main(["report", str(FIXTURE), str(FIXTURE), "-o", str(tmp_path / "diff")] + extra)
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err  # 2: a usage error
    assert not (tmp_path / "diff").exists()


def test_the_same_file_twice_is_compared_under_its_path(tmp_path, capsys):
    assert main(["report", str(FIXTURE), str(FIXTURE), "-o", str(tmp_path / "diff")]) == 2
    assert "--labels: the names must differ" in capsys.readouterr().err
