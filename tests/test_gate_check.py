"""The CI gate: baseline from results, comparison under tolerances, JUnit and Markdown, `mcubench check`."""

import copy
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from mcubench.benchmarks.cli import main
from mcubench.benchmarks.gate import (IMPROVED, NEW, NOT_MEASURED, REGRESSION, WITHIN, Baseline, baseline_from_dict, compare,
                             format_junit, format_markdown, format_text, load_baseline, make_baseline,
                             save_baseline)
from mcubench.core.results import RegionResult, load_results, save_results
from mcubench.core.errors import ResultsError

FIXTURE = Path(__file__).resolve().parent / "golden" / "results_small.json"


@pytest.fixture
def results():
    return load_results(FIXTURE)


@pytest.fixture
def baseline(results):
    return make_baseline(results)


def _statuses(comparison):
    return {(c.model, c.device, c.metric.key): c.status for c in comparison.changed}


def test_identical_run_passes_with_nothing_changed(results, baseline):
    comparison = compare(results, baseline)
    assert not comparison.failed
    assert comparison.changed == [] and comparison.missing == [] and comparison.new == []
    assert len(comparison.checks) == 5 * len(results.rows)
    assert "no figure differs" in format_text(comparison)


def test_one_extra_cycle_is_a_regression_at_zero_tolerance(results, baseline):
    assert baseline.tolerances["cycles_pct"] == 0.0
    results.row("kws_ref_model", "esp32").cycles += 1  # one cycle in ~6.2 million
    comparison = compare(results, baseline)
    assert comparison.failed
    assert _statuses(comparison) == {("kws_ref_model", "esp32", "cycles"): REGRESSION}
    text = format_text(comparison)
    assert "REGRESSION" in text and "+1 (+0.000016%)" in text and text.rstrip().endswith(
        "1 regression(s), 0 improvement(s)")


def test_one_cycle_fewer_is_an_improvement(results, baseline):
    results.row("ad01_int8", "cortex-m4-80mhz").cycles -= 1
    comparison = compare(results, baseline)
    assert not comparison.failed
    assert _statuses(comparison) == {("ad01_int8", "cortex-m4-80mhz", "cycles"): IMPROVED}


def test_tolerances_from_the_baseline_and_from_the_command_line(results):
    baseline = make_baseline(results, tolerances={"cycles_pct": 1.0})
    row = results.row("kws_ref_model", "cortex-m4-80mhz")
    base = row.cycles
    row.cycles = base + base // 100  # just under +1%
    assert _statuses(compare(results, baseline)) == {("kws_ref_model", "cortex-m4-80mhz", "cycles"): WITHIN}
    assert compare(results, baseline, tolerance_pct=0).failed
    row.cycles = base + base // 100 + 2  # just over +1%
    assert compare(results, baseline).failed
    assert not compare(results, baseline, tolerance_pct=2).failed


def test_a_per_entry_tolerance_overrides_the_default(results, baseline):
    baseline.entry("kws_ref_model", "esp32").tolerances = {"energy_uj_pct": 5.0}
    results.row("kws_ref_model", "esp32").energy_uj *= 1.04
    results.row("kws_ref_model", "esp32-c3").energy_uj *= 1.04
    assert _statuses(compare(results, baseline)) == {("kws_ref_model", "esp32", "energy_uj"): WITHIN,
                                                     ("kws_ref_model", "esp32-c3", "energy_uj"): REGRESSION}


def test_memory_growth_of_four_bytes_fails(results, baseline):
    results.row("ad01_int8", "esp32-c3").peak_ram_bytes += 4
    results.row("ad01_int8", "esp32-c3").flash_bytes += 4
    comparison = compare(results, baseline)
    assert set(_statuses(comparison).values()) == {REGRESSION}
    assert "+4 B (+0.0" in format_text(comparison)


def test_accuracy_drop_within_the_allowed_drop(results):
    baseline = make_baseline(results, tolerances={"accuracy_drop": 0.01})
    results.row("kws_ref_model", "cortex-m4-80mhz").accuracy.value -= 0.005
    assert not compare(results, baseline).failed
    results.row("kws_ref_model", "cortex-m4-80mhz").accuracy.value -= 0.01
    assert compare(results, baseline).failed
    # --tolerance is in percentage points for accuracy: 2 points allow the 1.5 point drop.
    assert not compare(results, baseline, tolerance_pct=2).failed


def test_accuracy_not_measured_is_reported_not_failed(results, baseline):
    results.row("kws_ref_model", "esp32").accuracy = None
    comparison = compare(results, baseline)
    assert _statuses(comparison) == {("kws_ref_model", "esp32", "accuracy"): NOT_MEASURED}
    assert not comparison.failed
    assert compare(results, baseline, require_all=True).failed


def test_pairs_missing_from_the_results_are_reported_not_crashed_on(results, baseline):
    results.rows = [r for r in results.rows if r.model != "ad01_int8"]
    comparison = compare(results, baseline)
    assert sorted(comparison.missing) == [("ad01_int8", d) for d in ("cortex-m4-80mhz", "esp32", "esp32-c3")]
    assert not comparison.failed
    assert "missing from results" in format_text(comparison)
    assert compare(results, baseline, require_all=True).failed


def test_pairs_not_in_the_baseline_are_reported_as_new(results, baseline):
    baseline.entries = [e for e in baseline.entries if e.device != "esp32"]
    comparison = compare(results, baseline)
    assert sorted(comparison.new) == [("ad01_int8", "esp32"), ("kws_ref_model", "esp32")]
    assert not comparison.failed
    assert "not in baseline" in format_text(comparison)


def test_a_changed_model_file_is_noted(results, baseline):
    results.row("kws_ref_model", "esp32").model_sha256 = "f" * 64
    assert any("kws_ref_model" in n for n in compare(results, baseline).notes)


def test_a_toolchain_change_is_said_beside_the_regression(results, baseline):
    """Results built with gcc 13.2 against a baseline from gcc 12.2: the check says the toolchain
    differs, per device and in the verdict, instead of a bare REGRESSION."""
    assert {e.compiler for e in baseline.entries} == {"arm-none-eabi-gcc 12.2.1", "riscv64-unknown-elf-gcc 12.2.0"}
    for row in results.rows:
        if row.device == "cortex-m4-80mhz":
            row.compiler = "arm-none-eabi-gcc 13.2.1"
    results.row("kws_ref_model", "cortex-m4-80mhz").cycles += 100
    comparison = compare(results, baseline)
    assert comparison.failed
    assert comparison.toolchain_changes == [("arm-none-eabi-gcc 12.2.1", "arm-none-eabi-gcc 13.2.1")]
    text = format_text(comparison)
    assert ("note: cortex-m4-80mhz: toolchain arm-none-eabi-gcc 12.2.1 (baseline) -> arm-none-eabi-gcc 13.2.1 "
            "(results)") in text
    assert text.rstrip().endswith("built with another toolchain than the baseline "
                                  "(arm-none-eabi-gcc 12.2.1 -> arm-none-eabi-gcc 13.2.1)")
    assert "built with another toolchain" in format_markdown(comparison)


def test_a_baseline_without_toolchains_still_loads_and_says_nothing_of_them(results, baseline, tmp_path):
    data = baseline.to_dict()
    for entry in data["entries"]:
        del entry["compiler"]  # a baseline written before entries recorded their compiler
    old = baseline_from_dict(data)
    results.rows[0].compiler = "arm-none-eabi-gcc 13.2.1"
    comparison = compare(results, old)
    assert comparison.toolchain_changes == [] and not comparison.failed


def test_junit_has_a_failure_for_the_regression_only(results, baseline):
    results.row("kws_ref_model", "esp32").cycles += 1
    root = ET.fromstring(format_junit(compare(results, baseline)))
    suite = root.find("testsuite")
    assert suite.get("tests") == str(5 * len(results.rows)) and suite.get("failures") == "1"
    failed = [(case.get("classname"), case.get("name")) for case in suite.iter("testcase")
              if case.find("failure") is not None]
    assert failed == [("mcubench.kws_ref_model.esp32", "cycles")]


def test_markdown_summary_names_the_regression(results, baseline):
    results.row("kws_ref_model", "esp32").cycles += 1
    summary = format_markdown(compare(results, baseline))
    assert summary.startswith("## ❌ mcubench check failed")
    assert "| kws_ref_model | esp32 | cycles |" in summary
    assert format_markdown(compare(load_results(FIXTURE), baseline)).startswith("## ✅ mcubench check passed")


def test_baseline_round_trip(results, tmp_path):
    baseline = make_baseline(results, tolerances={"energy_uj_pct": 0.5})
    baseline.entries[0].tolerances = {"cycles_pct": 3.0}
    save_baseline(baseline, tmp_path / "b.json")
    again = load_baseline(tmp_path / "b.json")
    assert isinstance(again, Baseline) and again == baseline


def test_update_keeps_the_tolerances(results, baseline):
    baseline.tolerances["cycles_pct"] = 2.0
    baseline.entry("kws_ref_model", "esp32").tolerances = {"flash_bytes_pct": 1.0}
    results.row("kws_ref_model", "esp32").cycles += 10
    updated = make_baseline(results, previous=baseline)
    assert updated.tolerances["cycles_pct"] == 2.0
    assert updated.entry("kws_ref_model", "esp32").tolerances == {"flash_bytes_pct": 1.0}
    assert updated.entry("kws_ref_model", "esp32").cycles == results.row("kws_ref_model", "esp32").cycles


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(schema="mcubench.baseline/0"), "schema"),
    (lambda d: d["tolerances"].pop("cycles_pct"), "missing tolerance(s) cycles_pct"),
    (lambda d: d["tolerances"].update(cycles_pct=-1), "cycles_pct: a tolerance must be a finite number >= 0"),
    (lambda d: d["tolerances"].update(latency_pct=1), "unknown tolerance(s) latency_pct"),
    (lambda d: d["entries"][1].pop("cycles"), "entries[1]: missing field(s) cycles"),
    (lambda d: d["entries"][0].update(cycles="many"), "entries[0].cycles: expected a finite number"),
    (lambda d: d["entries"].append(copy.deepcopy(d["entries"][0])), "appears twice"),
])
def test_bad_baselines_name_what_is_wrong(baseline, change, message):
    data = baseline.to_dict()
    change(data)
    with pytest.raises(ResultsError) as info:
        baseline_from_dict(data, "b.json")
    assert message in str(info.value)


# ---------------------------------------------------------------------------- firmware regions


@pytest.fixture
def firmware_results(results):
    """The fixture's first row as a firmware run with two measured regions."""
    row = copy.deepcopy(results.rows[0])
    row.kind, row.model, row.layers = "firmware", "fw", []
    row.regions = [RegionResult("invoke", None, 1, 3_000_000, 4_000_000, 50.0, 1650.0),
                   RegionResult("conv", "invoke", 3, 2_000_000, 2_500_000, 31.25, 1031.25)]
    results.rows = [row]
    return results


def test_a_baseline_of_a_firmware_run_holds_its_regions(firmware_results):
    entry = make_baseline(firmware_results).entries[0]
    assert entry.regions == {"invoke": {"cycles": 4_000_000, "energy_uj": 1650.0},
                             "conv": {"cycles": 2_500_000, "energy_uj": 1031.25}}


def test_one_extra_cycle_in_a_region_is_a_regression(firmware_results):
    baseline = make_baseline(firmware_results)
    assert len(compare(firmware_results, baseline).checks) == 4 + 2 * 2  # no accuracy for a firmware
    firmware_results.rows[0].region("conv").cycles += 1
    comparison = compare(firmware_results, baseline)
    assert comparison.failed
    [regression] = comparison.regressions
    assert (regression.metric.name, regression.metric.label) == ("conv.cycles", "cycles in conv")
    assert "cycles in conv" in format_text(comparison)
    case = [c for c in ET.fromstring(format_junit(comparison).split("\n", 1)[1]).iter("testcase")
            if c.find("failure") is not None]
    assert [c.get("name") for c in case] == ["conv.cycles"]


def test_a_region_gone_from_the_run_is_not_measured_and_a_new_one_is_new(firmware_results):
    baseline = make_baseline(firmware_results)
    firmware_results.rows[0].regions[1].name = "conv2"
    comparison = compare(firmware_results, baseline)
    statuses = {c.metric.name: c.status for c in comparison.checks if c.metric.region}
    assert statuses == {"invoke.cycles": "unchanged", "invoke.energy_uj": "unchanged",
                        "conv.cycles": NOT_MEASURED, "conv.energy_uj": NOT_MEASURED,
                        "conv2.cycles": NEW, "conv2.energy_uj": NEW}
    assert not comparison.failed
    assert compare(firmware_results, baseline, require_all=True).failed


def test_a_schema_1_baseline_is_still_read(baseline):
    data = baseline.to_dict()
    data["schema"] = "mcubench.baseline/1"
    for entry in data["entries"]:
        del entry["regions"]
    again = baseline_from_dict(data)
    assert again.schema == "mcubench.baseline/2" and again.entries == baseline.entries


def test_bad_region_figures_are_named(firmware_results):
    data = make_baseline(firmware_results).to_dict()
    data["entries"][0]["regions"]["conv"] = {"cycles": "lots", "energy_uj": 1.0}
    with pytest.raises(ResultsError, match=r"regions.conv.cycles: expected a number"):
        baseline_from_dict(data, "b.json")
    data["entries"][0]["regions"]["conv"] = {"cycles": 1}
    with pytest.raises(ResultsError, match="regions.conv: expected exactly cycles, energy_uj"):
        baseline_from_dict(data, "b.json")


# ---------------------------------------------------------------------------- the command


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_command_end_to_end(results, tmp_path, capsys):
    base = tmp_path / "perf-baseline.json"
    code, out, err = _run(capsys, "check", FIXTURE, "--baseline", base, "--update-baseline")
    assert (code, err) == (0, "") and "baseline written" in out

    code, out, err = _run(capsys, "check", FIXTURE, "--baseline", base, "--junit", tmp_path / "j.xml",
                          "--markdown", tmp_path / "s.md")
    assert (code, err) == (0, "")
    assert "check passed" in out
    assert ET.parse(tmp_path / "j.xml").getroot().find("testsuite").get("failures") == "0"

    results.row("ad01_int8", "esp32-c3").cycles += 1
    slower = tmp_path / "slower.json"
    save_results(results, slower)
    code, out, err = _run(capsys, "check", slower, "--baseline", base, "--junit", tmp_path / "j.xml",
                          "--markdown", tmp_path / "s.md")
    assert code == 1 and err == ""
    assert "REGRESSION" in out and "check FAILED" in out
    assert ET.parse(tmp_path / "j.xml").getroot().find("testsuite").get("failures") == "1"
    assert "| ad01_int8 | esp32-c3 | cycles |" in (tmp_path / "s.md").read_text(encoding="utf-8")

    assert _run(capsys, "check", slower, "--baseline", base, "--tolerance", "0.001")[0] == 0

    code, out, err = _run(capsys, "check", slower, "--baseline", base, "--update-baseline")
    assert code == 0 and "baseline updated" in out
    assert _run(capsys, "check", slower, "--baseline", base)[0] == 0

    results.rows = [r for r in results.rows if r.device != "esp32"]
    fewer = tmp_path / "fewer.json"
    save_results(results, fewer)
    code, out, err = _run(capsys, "check", fewer, "--baseline", base, "--update-baseline")
    assert code == 0
    assert "removed from the baseline (not in these results): kws_ref_model on esp32, ad01_int8 on esp32" in out
    assert len(load_baseline(base).entries) == 4


def _one_line_error(code, out, err):
    assert code == 2
    assert err.startswith("mcubench: error: ") and err.count("\n") == 1, err


def test_check_without_a_baseline_says_how_to_make_one(tmp_path, capsys):
    code, out, err = _run(capsys, "check", FIXTURE, "--baseline", tmp_path / "none.json")
    _one_line_error(code, out, err)
    assert "--update-baseline" in err


def test_check_rejects_results_of_another_version(tmp_path, capsys):
    data = json.loads(FIXTURE.read_text())
    data["schema"] = "mcubench.results/99"
    old = tmp_path / "other.json"
    old.write_text(json.dumps(data))
    base = tmp_path / "b.json"
    save_baseline(make_baseline(load_results(FIXTURE)), base)
    _one_line_error(*_run(capsys, "check", old, "--baseline", base))


def test_check_rejects_a_baseline_that_is_not_json(tmp_path, capsys):
    base = tmp_path / "b.json"
    base.write_text("{not json")
    code, out, err = _run(capsys, "check", FIXTURE, "--baseline", base)
    _one_line_error(code, out, err)
    assert "cannot read baseline" in err


def test_check_rejects_a_negative_tolerance(tmp_path, capsys):
    base = tmp_path / "b.json"
    save_baseline(make_baseline(load_results(FIXTURE)), base)
    _one_line_error(*_run(capsys, "check", FIXTURE, "--baseline", base, "--tolerance", "-1"))
