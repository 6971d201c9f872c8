"""`mcubench validate`: the references run and compare, the gate fails a worse or stale model, the CLI."""

import json

import pytest

from mcubench.benchmarks.cli import main
from mcubench.benchmarks.validation.record import (BASELINE_PATH, ValidationRecord, ValidationRow, compare,
                                                   load_record, record_from_dict, save_record, summarize)
from mcubench.benchmarks.validation.references import INDEPENDENT, INFORMED, REFERENCES, RELATIONS
from mcubench.benchmarks.validation.run import validate
from mcubench.core.device import device_names
from mcubench.core.errors import ResultsError


def _record(predicted, informed=()):
    """Rows predicting these figures against 10; the indices in `informed` are informed, the rest independent."""
    rows = [ValidationRow(f"r{i}", "dev", "m", p, 10.0, "cycles", "src", INFORMED if i in informed else INDEPENDENT,
                          "why") for i, p in enumerate(predicted)]
    return ValidationRecord(rows, summarize(rows, {"dev": 1}))


def test_summary_is_mean_and_worst_absolute_error_per_relation():
    s = _record([11.0, 9.0, 10.0, 13.0]).devices["dev"]
    ind = s.independent
    assert (ind.references, ind.mean_abs_error_pct, ind.worst_abs_error_pct) == (4, 12.5, 30.0)  # (10+10+0+30)/4
    assert s.informed.references == 0
    s = _record([11.0, 9.0, 10.0, 13.0], informed={3}).devices["dev"]
    assert (s.independent.references, s.independent.mean_abs_error_pct, s.independent.worst_abs_error_pct) == \
        (3, round(20 / 3, 4), 10.0)
    assert (s.informed.references, s.informed.mean_abs_error_pct) == (1, 30.0)
    v = s.validation()  # the results record's figure: both groups and their union
    assert (v.references, v.mean_abs_error_pct, v.worst_abs_error_pct) == (4, 12.5, 30.0)
    assert v.independent == s.independent and v.informed == s.informed


def test_gate_fails_a_worse_informed_figure_too():
    base = _record([11.0, 10.0], informed={1})
    worse = compare(_record([11.0, 12.0], informed={1}), base)
    assert len(worse) == 1 and "informed" in worse[0] and "worse" in worse[0]
    worse = compare(_record([12.0, 10.0], informed={1}), base)
    assert len(worse) == 1 and "independent" in worse[0]
    # calling an informed reference independent changes the record: the committed baseline must follow
    assert any("--update-baseline" in p for p in compare(_record([11.0, 10.0]), base))


def test_a_version_1_record_loads_with_the_relations_of_the_references():
    ref = next(r for r in REFERENCES if r.relation == INDEPENDENT)
    old = {"schema": "mcubench.validation/1",
           "rows": [{"reference": ref.name, "device": ref.device, "mechanism": "m", "predicted": 11.0,
                     "published": 10.0, "unit": "cycles", "error_pct": 10.0, "source": "s"},
                    {"reference": "gone", "device": ref.device, "mechanism": "m", "predicted": 13.0,
                     "published": 10.0, "unit": "cycles", "error_pct": 30.0, "source": "s"}],
           "devices": {ref.device: {"references": 2, "mean_abs_error_pct": 20.0, "worst_abs_error_pct": 30.0,
                                    "device_version": 3}}}
    rec = record_from_dict(old)
    assert [r.relation for r in rec.rows] == [INDEPENDENT, INFORMED]  # an unknown row never counts as independent
    s = rec.devices[ref.device]
    assert (s.independent.references, s.informed.references, s.device_version) == (1, 1, 3)
    assert rec.schema == "mcubench.validation/2"


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
        assert ref.relation in RELATIONS and len(ref.basis) > 40
        # the independent check of the models stays out of the references
        assert "coremark" not in ref.source.lower() and "embench" not in ref.source.lower()


@pytest.mark.needs_toolchain
def test_cortex_m0plus_matches_its_manual_exactly():
    """The Cortex-M0+ TRM states these cycle counts exactly: the model must reproduce them (and the delay loop
    timed on silicon, which the TRM's counts predict)."""
    record = validate(["stm32g0"])
    assert {r.reference for r in record.rows if r.relation == INFORMED} == {"ldr", "muls", "ldm2", "b"}
    assert {r.reference for r in record.rows if r.relation == INDEPENDENT} == {"subs_bhi"}
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
    assert "Independent" in text and "Informed" in text
    assert json.loads(out.read_text())["schema"] == "mcubench.validation/2"


def test_cli_unknown_device_is_one_line(capsys):
    assert main(["validate", "--devices", "no-such-chip"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no-such-chip" in err[0]
