"""The validation record: one row per reference x device, a summary per device, saved as JSON.

Schema "mcubench.validation/2":
  rows: [{reference, device, mechanism, predicted, published, unit, error_pct, source, relation, basis}]
  devices: {name: {independent: AGREEMENT, informed: AGREEMENT, device_version}}
  AGREEMENT: {references, mean_abs_error_pct, worst_abs_error_pct} over the device's rows of that relation
A row's relation is "independent" (the model's rule for the mechanism was not taken from the row's source) or
"informed" (it was, or the figure is an exact count of the manual the rule implements); basis says why.
A /1 record (no relations) still loads: each row takes its reference's relation from references.py, and a row
no reference names counts as informed, never as independent.
The committed record, benchmarks/validation/baseline.json, is what every report quotes as a device's trust.
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from mcubench.core.atomic import write_text_atomic
from mcubench.core.errors import ResultsError
from mcubench.core.results import Agreement, Validation

from .references import INDEPENDENT, INFORMED, REFERENCES, RELATIONS

VALIDATION_SCHEMA = "mcubench.validation/2"
OLDER_SCHEMAS = ("mcubench.validation/1",)
BASELINE_PATH = Path(__file__).resolve().parent / "baseline.json"


@dataclass
class ValidationRow:
    reference: str
    device: str
    mechanism: str
    predicted: float
    published: float
    unit: str  # what both figures count, e.g. "cycles per iteration"
    source: str
    relation: str = INFORMED  # INDEPENDENT or INFORMED (references.py)
    basis: str = ""  # why

    @property
    def error_pct(self) -> float:
        return 100.0 * (self.predicted / self.published - 1.0)


@dataclass
class DeviceSummary:
    independent: Agreement  # the references that validate the model
    informed: Agreement  # the references its rules were taken from (consistency)
    device_version: int

    def validation(self) -> Validation:
        every = _agreement([self.independent, self.informed])
        return Validation(every.references, every.mean_abs_error_pct, every.worst_abs_error_pct,
                          independent=self.independent, informed=self.informed)


def _agreement(groups) -> Agreement:
    """The agreement over the union of these groups (their figures are means, so weigh them by count)."""
    n = sum(g.references for g in groups)
    if not n:
        return Agreement(0, 0.0, 0.0)
    mean = sum(g.mean_abs_error_pct * g.references for g in groups) / n
    return Agreement(n, round(mean, 4), max(g.worst_abs_error_pct for g in groups))


@dataclass
class ValidationRecord:
    rows: list  # [ValidationRow]
    devices: dict  # name -> DeviceSummary
    schema: str = VALIDATION_SCHEMA

    def to_dict(self):
        rows = [dict(asdict(r), error_pct=round(r.error_pct, 4)) for r in self.rows]
        return {"schema": self.schema, "rows": rows, "devices": {k: asdict(v) for k, v in self.devices.items()}}


def _group(errors) -> Agreement:
    if not errors:
        return Agreement(0, 0.0, 0.0)
    return Agreement(len(errors), round(sum(errors) / len(errors), 4), round(max(errors), 4))


def summarize(rows, versions) -> dict:
    """name -> DeviceSummary over the rows of each device (versions: name -> device description version)."""
    by_device: dict = {}
    for row in rows:
        by_device.setdefault(row.device, {INDEPENDENT: [], INFORMED: []})[row.relation].append(abs(row.error_pct))
    return {name: DeviceSummary(_group(errors[INDEPENDENT]), _group(errors[INFORMED]), versions.get(name, 0))
            for name, errors in sorted(by_device.items())}


def record_from_dict(data, origin="validation record") -> ValidationRecord:
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema not in (VALIDATION_SCHEMA,) + OLDER_SCHEMAS:
        raise ResultsError(f"{origin}: not a {VALIDATION_SCHEMA} record")
    try:
        rows = [ValidationRow(**{k: v for k, v in r.items() if k != "error_pct"}) for r in data["rows"]]
        if schema != VALIDATION_SCHEMA:
            rows = [_with_relation(r) for r in rows]
        bad = sorted({r.relation for r in rows} - set(RELATIONS))
        if bad:
            raise ResultsError(f"{origin}: relation {bad[0]!r} is not one of {', '.join(RELATIONS)}")
        if schema == VALIDATION_SCHEMA:
            devices = {k: DeviceSummary(Agreement(**v["independent"]), Agreement(**v["informed"]),
                                        v["device_version"]) for k, v in data["devices"].items()}
        else:  # a /1 summary does not tell the relations apart: summarize the rows again
            devices = summarize(rows, {k: v.get("device_version", 0) for k, v in data["devices"].items()})
    except (KeyError, TypeError, AttributeError) as exc:
        raise ResultsError(f"{origin}: malformed validation record: {exc}") from None
    return ValidationRecord(rows, devices)


def _with_relation(row: ValidationRow) -> ValidationRow:
    """A /1 row with the relation its reference states today; informed when no reference names it."""
    ref = next((r for r in REFERENCES if (r.name, r.device) == (row.reference, row.device)), None)
    if ref is None:
        row.relation, row.basis = INFORMED, "not stated by the record (validation schema /1); not counted as independent"
    else:
        row.relation, row.basis = ref.relation, ref.basis
    return row


def load_record(path) -> ValidationRecord:
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such validation record") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{path}: cannot read validation record: {exc}") from None
    return record_from_dict(data, str(path))


def save_record(record: ValidationRecord, path):
    write_text_atomic(path, json.dumps(record.to_dict(), indent=1) + "\n")


def device_trust(name: str, path=BASELINE_PATH) -> Validation | None:
    """The committed validation of one device, or None when no published figure checks its model."""
    if not Path(path).exists():
        return None
    summary = load_record(path).devices.get(name)
    return summary.validation() if summary is not None else None


# ------------------------------------------------------------------------------------------ the CI gate

def compare(current: ValidationRecord, baseline: ValidationRecord) -> list:
    """Problems that fail the gate, one line each: a device whose mean absolute error grew on its independent
    or on its informed references, a reference or device of the baseline not measured, or figures that changed
    without the baseline being updated (the committed record is what reports quote, so it must be the model's)."""
    problems = []
    for name, base in baseline.devices.items():
        cur = current.devices.get(name)
        if cur is None:
            problems.append(f"{name}: in the validation baseline but not validated in this run")
            continue
        for relation in RELATIONS:
            b, c = getattr(base, relation), getattr(cur, relation)
            if c.mean_abs_error_pct > b.mean_abs_error_pct + 1e-9:
                problems.append(f"{name}: mean absolute error on its {relation} references "
                                f"{b.mean_abs_error_pct:.4g}% -> {c.mean_abs_error_pct:.4g}% (worse)")
    base_rows = {(r.reference, r.device): r for r in baseline.rows}
    cur_rows = {(r.reference, r.device): r for r in current.rows}
    for key in sorted(base_rows.keys() - cur_rows.keys()):
        problems.append(f"{key[0]} on {key[1]}: in the validation baseline but not measured")
    if not problems and (current.to_dict() != baseline.to_dict()):
        changed = [f"{k[0]} on {k[1]}" for k in sorted(cur_rows) if k not in base_rows
                   or cur_rows[k].predicted != base_rows[k].predicted or cur_rows[k].source != base_rows[k].source
                   or cur_rows[k].relation != base_rows[k].relation]
        problems.append("validation figures changed without getting worse, but the committed baseline (which "
                        "reports quote) still has the old ones: rerun with --update-baseline and commit it"
                        + (f" ({', '.join(changed[:5])}{', ...' if len(changed) > 5 else ''})" if changed else ""))
    return problems
