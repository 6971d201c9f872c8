"""`mcubench validate`: the references run and compare, the gate fails a worse or stale model, the CLI."""

import json

import pytest

from mcubench.benchmarks.cli import main
from mcubench.benchmarks.validation.record import (BASELINE_PATH, ValidationRecord, ValidationRow, compare,
                                                   load_record, record_from_dict, save_record, summarize)
from mcubench.benchmarks.validation.references import REFERENCES
from mcubench.benchmarks.validation.run import validate
from mcubench.core.device import device_names
from mcubench.core.errors import ResultsError


def _record(predicted):
    rows = [ValidationRow(f"r{i}", "dev", "m", p, 10.0, "cycles", "src") for i, p in enumerate(predicted)]
    return ValidationRecord(rows, summarize(rows, {"dev": 1}))


def test_summary_is_mean_and_worst_absolute_error():
    rec = _record([11.0, 9.0, 10.0, 13.0])
    s = rec.devices["dev"]
    assert (s.references, s.mean_abs_error_pct, s.worst_abs_error_pct) == (4, 12.5, 30.0)  # (10 + 10 + 0 + 30) / 4


def test_gate_passes_the_same_figures_and_fails_worse_or_stale_ones():
    base = _record([11.0, 10.0])
    assert compare(_record([11.0, 10.0]), base) == []
    worse = compare(_record([12.0, 10.0]), base)
    assert len(worse) == 1 and "worse" in worse[0]
    stale = compare(_record([10.0, 10.0]), base)  # better, but the committed figures would be out of date
    assert len(stale) == 1 and "--update-baseline" in stale[0]
    missing = compare(_record([11.0]), base)
    assert any("not measured" in p for p in missing)


def test_record_round_trip(tmp_path):
    rec = _record([11.0, 9.5])
    save_record(rec, tmp_path / "v.json")
    assert load_record(tmp_path / "v.json").to_dict() == rec.to_dict()
    with pytest.raises(ResultsError, match="not a"):
        record_from_dict({"schema": "other"})


def test_every_reference_names_a_known_device_and_a_full_source():
    names = set(device_names())
    seen = set()
    for ref in REFERENCES:
        assert ref.device in names
        assert (ref.name, ref.device) not in seen
        seen.add((ref.name, ref.device))
        assert len(ref.source) > 80 and ref.published > 0 and ref.how in ("region", "per_copy")
        # the independent check of the models stays out of the references
        assert "coremark" not in ref.source.lower() and "embench" not in ref.source.lower()


@pytest.mark.needs_toolchain
def test_cortex_m0plus_matches_its_manual_exactly():
    """The Cortex-M0+ TRM states these cycle counts exactly: the model must reproduce them."""
    record = validate(["stm32g0"])
    assert {r.reference for r in record.rows} == {"ldr", "muls", "ldm2", "b"}
    for row in record.rows:
        assert row.predicted == row.published, row.reference


def test_committed_baseline_covers_every_reference():
    baseline = load_record(BASELINE_PATH)
    assert {(r.reference, r.device) for r in baseline.rows} == {(r.name, r.device) for r in REFERENCES}


@pytest.mark.needs_toolchain
def test_cli_prints_the_table_and_writes_json(tmp_path, capsys):
    out = tmp_path / "v.json"
    assert main(["validate", "--devices", "stm32g0", "--json", str(out), "--check"]) == 0
    text = capsys.readouterr().out
    assert "Mean absolute error" in text and "validation check passed" in text
    assert json.loads(out.read_text())["schema"] == "mcubench.validation/1"


def test_cli_unknown_device_is_one_line(capsys):
    assert main(["validate", "--devices", "no-such-chip"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no-such-chip" in err[0]
