"""The validation record: one row per reference x device, a summary per device, saved as JSON.

Schema "mcubench.validation/1":
  rows: [{reference, device, mechanism, predicted, published, unit, error_pct, source}]
  devices: {name: {references, mean_abs_error_pct, worst_abs_error_pct, device_version}}
The committed record, benchmarks/validation/baseline.json, is what every report quotes as a device's trust.
"""

from dataclasses import asdict, dataclass
import json
from pathlib import Path

from mcubench.core.atomic import write_text_atomic
from mcubench.core.errors import ResultsError
from mcubench.core.results import Validation

VALIDATION_SCHEMA = "mcubench.validation/1"
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

    @property
    def error_pct(self) -> float:
        return 100.0 * (self.predicted / self.published - 1.0)


@dataclass
class DeviceSummary:
    references: int
    mean_abs_error_pct: float
    worst_abs_error_pct: float
    device_version: int

    def validation(self) -> Validation:
        return Validation(self.references, self.mean_abs_error_pct, self.worst_abs_error_pct)


@dataclass
class ValidationRecord:
    rows: list  # [ValidationRow]
    devices: dict  # name -> DeviceSummary
    schema: str = VALIDATION_SCHEMA

    def to_dict(self):
        rows = [dict(asdict(r), error_pct=round(r.error_pct, 4)) for r in self.rows]
        return {"schema": self.schema, "rows": rows, "devices": {k: asdict(v) for k, v in self.devices.items()}}


def summarize(rows, versions) -> dict:
    """name -> DeviceSummary over the rows of each device (versions: name -> device description version)."""
    by_device = {}
    for row in rows:
        by_device.setdefault(row.device, []).append(abs(row.error_pct))
    return {name: DeviceSummary(len(errors), round(sum(errors) / len(errors), 4), round(max(errors), 4),
                                versions.get(name, 0))
            for name, errors in sorted(by_device.items())}


def record_from_dict(data, origin="validation record") -> ValidationRecord:
    if not isinstance(data, dict) or data.get("schema") != VALIDATION_SCHEMA:
        raise ResultsError(f"{origin}: not a {VALIDATION_SCHEMA} record")
    try:
        rows = [ValidationRow(**{k: v for k, v in r.items() if k != "error_pct"}) for r in data["rows"]]
        devices = {k: DeviceSummary(**v) for k, v in data["devices"].items()}
    except (KeyError, TypeError) as exc:
        raise ResultsError(f"{origin}: malformed validation record: {exc}") from None
    return ValidationRecord(rows, devices)


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
    """Problems that fail the gate, one line each: a device whose mean absolute error grew, a reference or
    device of the baseline not measured, or figures that changed without the baseline being updated (the
    committed record is what reports quote, so it must be the model's)."""
    problems = []
    for name, base in baseline.devices.items():
        cur = current.devices.get(name)
        if cur is None:
            problems.append(f"{name}: in the validation baseline but not validated in this run")
        elif cur.mean_abs_error_pct > base.mean_abs_error_pct + 1e-9:
            problems.append(f"{name}: mean absolute error {base.mean_abs_error_pct:.4g}% -> "
                            f"{cur.mean_abs_error_pct:.4g}% (worse)")
    base_rows = {(r.reference, r.device): r for r in baseline.rows}
    cur_rows = {(r.reference, r.device): r for r in current.rows}
    for key in sorted(base_rows.keys() - cur_rows.keys()):
        problems.append(f"{key[0]} on {key[1]}: in the validation baseline but not measured")
    if not problems and (current.to_dict() != baseline.to_dict()):
        changed = [f"{k[0]} on {k[1]}" for k in sorted(cur_rows) if k not in base_rows
                   or cur_rows[k].predicted != base_rows[k].predicted or cur_rows[k].source != base_rows[k].source]
        problems.append("validation figures changed without getting worse, but the committed baseline (which "
                        "reports quote) still has the old ones: rerun with --update-baseline and commit it"
                        + (f" ({', '.join(changed[:5])}{', ...' if len(changed) > 5 else ''})" if changed else ""))
    return problems
