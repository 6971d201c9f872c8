"""The report's comparison tables, honesty statements, units and labels, read from the fixture record.

The whole report is also held against golden files (test_reports_render.py); these tests say what the
new tables must mean, figure by figure, so that a golden file rewritten by mistake is still caught.
"""

import dataclasses
import io
import json
from pathlib import Path

import pytest

from mcubench.benchmarks.cli import main
from mcubench.core.errors import ResultsError
from mcubench.core.labels import device_label
from mcubench.core.results import Agreement, Validation, load_results, results_from_dict
from mcubench.core.units import kib, ms, mw, uj
from mcubench.reports import render_all
from mcubench.benchmarks.battery import with_battery_life
from mcubench.core.results import Battery
from mcubench.reports.blocks import BEST, Note, Table
from mcubench.reports.document import (ESTIMATE_LABEL, build_document, layers_side_by_side, memory_table,
                                       pivot_table, ratio_table)
from mcubench.reports.markdown import render_markdown

FIXTURE = Path(__file__).resolve().parent / "golden" / "results_small.json"
DEVICES = ["cortex-m4-80mhz", "esp32-c3", "esp32"]


@pytest.fixture
def results():
    return load_results(FIXTURE)


def _tables(doc, caption_start):
    return [b for b in doc if isinstance(b, Table) and b.caption.startswith(caption_start)]


# ---------------------------------------------------------------------------- units and labels

@pytest.mark.parametrize("value,shown", [(0.0048, "4.80 µW"), (0.0099, "9.90 µW"), (33.0, "33.00 mW"),
                                         (445.5, "445.5 mW"), (2000.0, "2.00 W"), (0.0000033, "3.30 nW")])
def test_power_takes_the_unit_of_its_magnitude(value, shown):
    assert mw(value) == shown


@pytest.mark.parametrize("fn,value,shown", [(ms, 0.25, "250.0 µs"), (ms, 44.69, "44.69 ms"), (ms, 1500, "1.50 s"),
                                            (uj, 0.5, "500.0 nJ"), (uj, 570.6, "570.6 µJ"), (uj, 1367.4, "1.37 mJ")])
def test_time_and_energy_take_the_unit_of_their_magnitude(fn, value, shown):
    assert fn(value) == shown


@pytest.mark.parametrize("nbytes,shown", [(872, "872 B"), (1024, "1.0 KiB"), (10_080, "9.8 KiB"),
                                          (3 * 1024 * 1024, "3.00 MiB"), (None, "–")])
def test_sizes_are_in_kibibytes(nbytes, shown):
    assert kib(nbytes) == shown


def test_device_label_names_the_clock_it_ran_at_and_a_proxy_one_way():
    assert device_label("Cortex-M4 @ 80 MHz", 80.0) == "Cortex-M4 @ 80 MHz"
    assert device_label("Cortex-M4 @ 80 MHz", 26.0) == "Cortex-M4 @ 26 MHz"
    assert device_label("ESP32 @ 160 MHz", 240.0, "rv32imc") == "ESP32 @ 240 MHz (RV32IMC proxy)"
    assert device_label("Some board", 26.0) == "Some board"  # a title without a clock is left as it is


# ---------------------------------------------------------------------------- honesty

def test_the_summary_says_the_figures_are_simulated_estimates(results):
    doc = build_document(results)
    summary = doc.index(next(b for b in doc if getattr(b, "text", "") == "Summary"))
    # The statement comes right under the heading, before the first figure is shown.
    assert isinstance(doc[summary + 1], Note) and "simulated estimate" in doc[summary + 1].text
    assert ESTIMATE_LABEL in doc[summary + 1].text
    assert isinstance(doc[summary + 2], Table) and ESTIMATE_LABEL in doc[summary + 2].caption


def test_each_device_says_whether_it_is_validated(results):
    trust = _tables(build_document(results), "How far the figures are trusted")[0]
    assert [row[0] for row in trust.rows] == ["Cortex-M4 @ 80 MHz", "ESP32-C3 @ 160 MHz",
                                              "ESP32 @ 160 MHz (RV32IMC proxy)"]
    # The fixture's M4 has independent and informed references, the ESP32 only an informed one, the C3 none.
    assert trust.rows[0][2] == ("simulated estimate, validated to ±5.0% (mean absolute error) on 5 independent "
                                "references, worst 11.1%; consistent (±1.0%) with the 4 references its rules were "
                                "taken from")
    assert trust.rows[1][2] == "simulated estimate, not validated against silicon"
    assert trust.rows[2][2] == ("simulated estimate, not independently validated; consistent (±20.0%) with the 1 "
                                "reference its rules were taken from")
    assert "standing in for the device's own ISA" in trust.rows[2][1]
    # No device of the fixture was measured for energy: each says so, and the method's check over the boards
    # is said once, below the table.
    assert trust.rows[0][3] == "run power x simulated time; not checked on this device"
    doc = build_document(results)
    after = doc[doc.index(trust) + 1]
    assert after.text.startswith("Energy: every figure is the device's datasheet run power x the simulated time.")
    assert "(3 boards, 11 MLPerf Tiny runs), it gave 58% to 77% of the measured power (mean 69%)" in after.text


def test_energy_trust_quotes_the_devices_own_board_when_it_has_one():
    from mcubench.core.results import EnergyCheck
    from mcubench.reports.format import energy_trust

    own = EnergyCheck(runs=3, boards=1, mean_ratio=0.7123, min_ratio=0.6793, max_ratio=0.7561)
    assert energy_trust(own) == ("run power x simulated time: 68% to 76% of the power measured on its board "
                                 "(mean 71%, 3 MLPerf Tiny runs)")
    assert energy_trust(None) == "run power x simulated time; not checked on this device"


def test_the_trust_line_keeps_independent_and_informed_references_apart():
    from mcubench.reports.format import trust

    only_independent = Validation(6, 9.33, 25.0, independent=Agreement(6, 9.33, 25.0), informed=Agreement(0, 0.0, 0.0))
    assert trust(only_independent) == ("simulated estimate, validated to ±9.3% (mean absolute error) on 6 "
                                       "independent references, worst 25.0%")
    only_informed = Validation(4, 0.0, 0.0, independent=Agreement(0, 0.0, 0.0), informed=Agreement(4, 0.0, 0.0))
    assert trust(only_informed).startswith("simulated estimate, not independently validated; consistent (±0.0%)")
    # A record before results schema /6 has one figure over both kinds: quoted, and said to be unsplit.
    old = trust(Validation(9, 3.25, 11.1))
    assert "validated to" not in old and "does not say which references are independent" in old


def test_the_input_and_a_missing_accuracy_are_explained(results):
    text = io.StringIO()
    render_markdown(results, text)
    markdown = text.getvalue()
    assert "Accuracy \u201c–\u201d: not measured, because no labelled test samples were run" in markdown
    assert ("Anomaly detection FC-AE: on Cortex-M4 @ 80 MHz, ESP32-C3 @ 160 MHz, the first sample of its test set; "
            "accuracy over 200 test samples") in markdown
    assert "on ESP32 @ 160 MHz (RV32IMC proxy), a random int8 tensor from a fixed seed (0)" in markdown


def test_battery_years_beyond_the_shelf_life_are_capped_and_said_to_be(results):
    for row in results.rows:
        row.idle_power_mw = 1e-6  # a nanowatt asleep: the load alone would last centuries
    markdown = io.StringIO()
    render_markdown(with_battery_life(results, Battery(1000, 3.0)), markdown)
    text = markdown.getvalue()
    assert "> 10 (shelf life)" in text
    assert "Years are capped at 10: assumption:" in text


# ---------------------------------------------------------------------------- comparison at a glance

def test_pivot_puts_models_down_devices_across_and_marks_the_lowest(results):
    table = pivot_table(results, lambda r: r.latency_ms, ms, "Latency")
    assert table.headers == ["Model", "Cortex-M4 @ 80 MHz", "ESP32-C3 @ 160 MHz", "ESP32 @ 160 MHz (RV32IMC proxy)"]
    for i, (model, row) in enumerate(zip(["kws_ref_model", "ad01_int8"], table.rows)):
        latencies = [results.row(model, d).latency_ms for d in DEVICES]
        assert row[1:] == [ms(x) for x in latencies]
        best = 1 + latencies.index(min(latencies))
        assert {c for (r, c), mark in table.marks.items() if r == i and mark == BEST} == {best}


def test_ratios_are_taken_against_the_reference_device_the_user_picks(results):
    table = ratio_table(results, "esp32-c3", lambda r: r.latency_ms, lambda this, ref: ref / this, "Speed-up")
    assert table.headers[2] == "ESP32-C3 @ 160 MHz (reference)"
    kws = table.rows[0]
    ref = results.row("kws_ref_model", "esp32-c3").latency_ms
    assert kws[2] == "1.00x"
    assert kws[1] == f"{ref / results.row('kws_ref_model', 'cortex-m4-80mhz').latency_ms:.2f}x"
    assert float(kws[1][:-1]) < 1  # the M4 at 80 MHz is slower than the C3 at 160 MHz


@pytest.mark.slow
def test_report_command_takes_a_reference_device_and_refuses_one_not_in_the_record(tmp_path, capsys):
    assert main(["report", str(FIXTURE), "-o", str(tmp_path / "r"), "--reference-device", "esp32"]) == 0
    assert "Speed-up against ESP32 @ 160 MHz (RV32IMC proxy)" in (tmp_path / "r" / "summary.md").read_text()
    capsys.readouterr()
    assert main(["report", str(FIXTURE), "-o", str(tmp_path / "bad"), "--reference-device", "stm32h7"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "'stm32h7' is not in this record" in err
    assert not (tmp_path / "bad").exists()


def test_layers_side_by_side_has_one_row_per_layer_and_a_column_per_device(results):
    table = layers_side_by_side(results, "kws_ref_model")
    assert table.headers[-3:] == ["Cortex-M4 @ 80 MHz", "ESP32-C3 @ 160 MHz", "ESP32 @ 160 MHz (RV32IMC proxy)"]
    # Weights agree across the devices: one column. The M4 build has a scratch buffer: arena per group of
    # devices that agree, named by the ISA of its builds.
    assert table.headers[5:8] == ["Weights", "Arena live (armv7e-m)", "Arena live (rv32imc)"]
    layers = results.row("kws_ref_model", "cortex-m4-80mhz").layers
    assert [row[1] for row in table.rows] == [layer.name for layer in layers] + ["(outside layers)", "Whole inference"]
    conv = table.rows[2]
    assert conv[5] == kib(18_688) and conv[6] == kib(8_000 + 8_000 + 7_040) and conv[7] == kib(16_000)
    for col, device in zip((8, 9, 10), DEVICES):
        row = results.row("kws_ref_model", device)
        assert [r[col] for r in table.rows[:-2]] == [ms(layer.latency_ms) for layer in row.layers]
        assert table.rows[-1][col] == ms(row.latency_ms)


def test_memory_table_breaks_flash_into_code_weights_and_other_constants(results):
    table = memory_table(results)
    assert table.headers[2:6] == ["Flash: code", "weights", "other constants", "Flash total"]
    for shown, row in zip(table.rows, results.rows):
        other = row.flash_bytes - row.code_bytes - row.weights_bytes
        assert other > 0 and shown[2:6] == [kib(row.code_bytes), kib(row.weights_bytes), kib(other),
                                            kib(row.flash_bytes)]
        assert shown[7] == kib(row.arena_bytes) and shown[10] == kib(row.peak_ram_bytes)


# ---------------------------------------------------------------------------- records from before

def _older_record():
    """The fixture as a record written before the input, code size, arena plan and per-layer memory fields."""
    data = json.loads(FIXTURE.read_text())
    for row in data["rows"]:
        for key in ("input_kind", "input_seed", "code_bytes", "arena_plan"):
            del row[key]
        for layer in row["layers"]:
            del layer["weights_bytes"], layer["arena_live_bytes"]
    return results_from_dict(data)


@pytest.mark.slow
def test_a_record_from_before_the_new_fields_still_renders(tmp_path):
    old = _older_record()
    assert old.rows[0].code_bytes is None and old.rows[0].arena_plan == []
    written = render_all(old, tmp_path / "out")
    assert not any("arena_" in p.name for p in written)  # no plan, no plan plot
    markdown = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    assert "Keyword spotting DS-CNN: not recorded in this record." in markdown
    memory = next(line for line in markdown.split("## Memory", 1)[1].splitlines()
                  if line.startswith("| Keyword spotting DS-CNN | Cortex-M4"))
    assert "| – | 22.3 KiB | – |" in memory  # code and other constants unknown, weights known


def test_new_fields_round_trip_through_the_record(results, tmp_path):
    from mcubench.core.results import save_results

    save_results(results, tmp_path / "r.json")
    again = load_results(tmp_path / "r.json")
    assert [dataclasses.asdict(r) for r in again.rows] == [dataclasses.asdict(r) for r in results.rows]
    assert again.rows[0].arena_plan[0].written_by == "layer_0_conv_2d"


def test_an_arena_buffer_with_an_unknown_field_is_refused():
    data = json.loads(FIXTURE.read_text())
    data["rows"][0]["arena_plan"][0]["colour"] = "red"
    with pytest.raises(ResultsError, match=r"rows\[0\]\.arena_plan\[0\]: unknown field\(s\) colour"):
        results_from_dict(data)
