"""Results records and baselines with values where numbers belong that are not numbers (NaN, infinities,
null, strings, booleans) or that no measurement gives (negative) are refused in one line, exit 2: a
malformed baseline cannot switch the CI gate off, a malformed record cannot render or pass."""

import json
from pathlib import Path

import pytest

from mcubench.benchmarks.cli import EXIT_REGRESSION, EXIT_USAGE, main

FIXTURE = Path(__file__).resolve().parent / "golden" / "results_small.json"
BAD_NUMBERS = {"NaN": "NaN", "Infinity": "Infinity", "-Infinity": "-Infinity", "negative": "-5", "null": "null",
               "string": '"12"', "boolean": "true"}


def _record():
    return json.loads(FIXTURE.read_text())


def _write(path, data, raw=None):
    text = json.dumps(data, indent=1)
    if raw is not None:  # put a JSON literal where the placeholder string is
        text = text.replace('"@@"', raw)
    path.write_text(text)
    return path


@pytest.fixture
def baseline(tmp_path, capsys):
    path = tmp_path / "baseline.json"
    assert main(["check", str(FIXTURE), "--baseline", str(path), "--update-baseline"]) == 0
    capsys.readouterr()
    return json.loads(path.read_text())


def _one_line(capsys, *words):
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.startswith("mcubench: error:"), captured.err
    assert "check passed" not in captured.out
    for word in words:
        assert word in captured.err, captured.err


@pytest.mark.slow
@pytest.mark.parametrize("bad", list(BAD_NUMBERS))
@pytest.mark.parametrize("field", ["cycles", "energy_uj", "latency_ms", "peak_ram_bytes"])
def test_results_with_a_bad_number_are_refused(tmp_path, capsys, baseline, bad, field):
    record = _record()
    record["rows"][0][field] = "@@"
    results = _write(tmp_path / "r.json", record, BAD_NUMBERS[bad])
    base = _write(tmp_path / "b.json", baseline)
    assert main(["check", str(results), "--baseline", str(base)]) == EXIT_USAGE
    _one_line(capsys, "r.json")
    assert main(["report", str(results), "-o", str(tmp_path / "out")]) == EXIT_USAGE
    _one_line(capsys, "r.json")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("rows,words", [({}, "expected list"), ([], "no rows"), ("rows", "expected list")])
def test_results_without_rows_are_refused(tmp_path, capsys, rows, words):
    record = _record()
    record["rows"] = rows
    results = _write(tmp_path / "r.json", record)
    assert main(["report", str(results), "-o", str(tmp_path / "out")]) == EXIT_USAGE
    _one_line(capsys, words)


@pytest.mark.parametrize("where,value", [("value", 1.5), ("reference_agreement", -0.1), ("value", "@@")])
def test_accuracy_outside_zero_to_one_is_refused(tmp_path, capsys, where, value):
    record = _record()
    row = next(r for r in record["rows"] if r["accuracy"] is not None)
    row["accuracy"][where] = value
    results = _write(tmp_path / "r.json", record, "NaN")
    assert main(["report", str(results), "-o", str(tmp_path / "out")]) == EXIT_USAGE
    _one_line(capsys, where)


@pytest.mark.parametrize("bad", list(BAD_NUMBERS))
def test_baseline_tolerance_that_is_not_a_finite_number_is_refused(tmp_path, capsys, baseline, bad):
    # The case is NaN: it printed "nan% within tolerance" and "check passed".
    baseline["tolerances"]["cycles_pct"] = "@@"
    base = _write(tmp_path / "b.json", baseline, BAD_NUMBERS[bad])
    assert main(["check", str(FIXTURE), "--baseline", str(base)]) == EXIT_USAGE
    _one_line(capsys, "b.json")
    baseline["tolerances"]["cycles_pct"] = 0.0
    baseline["entries"][0]["tolerances"] = {"energy_uj_pct": "@@"}
    base = _write(tmp_path / "b.json", baseline, BAD_NUMBERS[bad])
    assert main(["check", str(FIXTURE), "--baseline", str(base)]) == EXIT_USAGE
    _one_line(capsys, "energy_uj_pct")


# null is a valid accuracy: a model without a data set has none.
@pytest.mark.parametrize("field,bad", [(f, b) for f in ("cycles", "flash_bytes", "accuracy") for b in BAD_NUMBERS
                                       if (f, b) != ("accuracy", "null")])
@pytest.mark.slow
def test_baseline_figure_that_is_not_a_number_is_refused(tmp_path, capsys, baseline, bad, field):
    entry = next(e for e in baseline["entries"] if e["accuracy"] is not None)
    entry[field] = "@@"
    base = _write(tmp_path / "b.json", baseline, BAD_NUMBERS[bad])
    assert main(["check", str(FIXTURE), "--baseline", str(base)]) == EXIT_USAGE
    _one_line(capsys, field)


def test_a_real_regression_is_still_exit_1(tmp_path, capsys, baseline):
    baseline["entries"][0]["cycles"] -= 1
    base = _write(tmp_path / "b.json", baseline)
    assert main(["check", str(FIXTURE), "--baseline", str(base)]) == EXIT_REGRESSION
    assert "REGRESSION" in capsys.readouterr().out
