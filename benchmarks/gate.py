"""The CI performance gate: compare a results record with a committed baseline, metric by metric.

The simulation is deterministic, so the same firmware on the same device gives the same cycle count
every run; a tolerance of zero is a meaningful setting, and the defaults are zero for everything.

Baseline file (JSON, schema "mcubench.baseline/2"; /1, which had no regions, is still read):
  tolerances: {cycles_pct, energy_uj_pct, peak_ram_bytes_pct, flash_bytes_pct, accuracy_drop}
      the default allowed change per metric: percent increase for costs, absolute drop (0..1) for accuracy
  entries: [{model, device, cycles, energy_uj, peak_ram_bytes, flash_bytes, accuracy (or null),
             model_sha256, device_version, tolerances (optional, overrides the defaults for this entry),
             regions (optional: {region name: {cycles, energy_uj}}, a firmware's measured regions),
             compiler (optional: name and version of the toolchain, e.g. "arm-none-eabi-gcc 12.2.1")}]

A baseline is tied to the toolchain that built its firmware: another compiler version moves cycles and
flash by itself, so the check says so beside its verdict when the results were built with another one.
"""

from dataclasses import asdict, dataclass, field
import json
import math
from pathlib import Path
from xml.etree import ElementTree as ET

from mcubench.core.errors import ResultsError
from mcubench.core.results import read_json
from mcubench.reports import format as fmt
from mcubench.core.atomic import write_text_atomic

BASELINE_SCHEMA = "mcubench.baseline/2"
READABLE_BASELINE_SCHEMAS = ("mcubench.baseline/1", BASELINE_SCHEMA)

# Relative comparisons allow this much floating-point slack at the tolerance limit; one cycle in the
# largest model is still ~1e-8 of its total, far above it.
_EPSILON = 1e-12


@dataclass(frozen=True)
class Metric:
    key: str  # field name in results rows and baseline entries (or in a region's figures)
    label: str
    tolerance_key: str
    higher_is_worse: bool  # costs; accuracy is the other way round
    region: str | None = None  # set for a figure of one firmware region rather than of the whole run

    @property
    def name(self) -> str:
        return f"{self.region}.{self.key}" if self.region else self.key

    def value(self, row):
        if self.region is not None:
            region = row.region(self.region)
            return None if region is None else getattr(region, self.key)
        if self.key == "accuracy":
            return None if row.accuracy is None else row.accuracy.value
        return getattr(row, self.key)

    def baseline_value(self, entry):
        if self.region is not None:
            return entry.regions.get(self.region, {}).get(self.key)
        return getattr(entry, self.key)

    def show(self, v) -> str:
        if v is None:
            return fmt.DASH
        if self.key == "cycles":
            return fmt.count(v)
        if self.key == "energy_uj":
            return f"{v:.6g} µJ"
        if self.key == "accuracy":
            return f"{v:.4f}"
        return f"{fmt.count(v)} B"  # exact bytes: a zero tolerance must show a 4-byte change


METRICS = (
    Metric("cycles", "cycles", "cycles_pct", True),
    Metric("energy_uj", "energy", "energy_uj_pct", True),
    Metric("peak_ram_bytes", "peak RAM", "peak_ram_bytes_pct", True),
    Metric("flash_bytes", "flash", "flash_bytes_pct", True),
    Metric("accuracy", "accuracy", "accuracy_drop", False),
)
DEFAULT_TOLERANCES = {m.tolerance_key: 0.0 for m in METRICS}
REGION_FIGURES = ("cycles", "energy_uj")  # what the gate checks of each region


def region_metrics(region):
    whole = {m.key: m for m in METRICS}
    return [Metric(key, f"{whole[key].label} in {region}", whole[key].tolerance_key, True, region)
            for key in REGION_FIGURES]


@dataclass
class BaselineEntry:
    model: str
    device: str
    cycles: int
    energy_uj: float
    peak_ram_bytes: int
    flash_bytes: int
    accuracy: float | None
    model_sha256: str = ""
    device_version: int = 0
    tolerances: dict = field(default_factory=dict)  # overrides of the defaults, for this entry only
    regions: dict = field(default_factory=dict)  # region name -> {cycles, energy_uj} (firmware rows)
    compiler: str = ""  # the toolchain that built the firmware (absent from baselines that predate it)


@dataclass
class Baseline:
    tolerances: dict
    entries: list  # [BaselineEntry]
    suite: str = ""
    git_commit: str = ""
    created_utc: str = ""
    schema: str = BASELINE_SCHEMA

    def entry(self, model, device):
        for e in self.entries:
            if e.model == model and e.device == device:
                return e
        return None

    def to_dict(self):
        return asdict(self)


# ---------------------------------------------------------------------------- baseline file

def make_baseline(results, tolerances=None, previous: Baseline | None = None) -> Baseline:
    """A baseline holding every figure of results. Tolerances come from `tolerances`, else from the
    previous baseline (whose per-entry overrides are kept for entries still present), else zero."""
    defaults = dict(DEFAULT_TOLERANCES)
    if previous is not None:
        defaults.update(previous.tolerances)
    if tolerances:
        defaults.update(tolerances)
    entries = []
    for r in results.rows:
        old = previous.entry(r.model, r.device) if previous is not None else None
        entries.append(BaselineEntry(
            model=r.model, device=r.device, cycles=r.cycles, energy_uj=r.energy_uj,
            peak_ram_bytes=r.peak_ram_bytes, flash_bytes=r.flash_bytes,
            accuracy=None if r.accuracy is None else r.accuracy.value,
            model_sha256=r.model_sha256, device_version=r.device_version,
            tolerances=dict(old.tolerances) if old is not None else {},
            regions={g.name: {"cycles": g.cycles, "energy_uj": g.energy_uj} for g in r.regions},
            compiler=r.compiler))
    return Baseline(tolerances=defaults, entries=entries, suite=results.suite, git_commit=results.git_commit,
                    created_utc=results.created_utc)


def _tolerances(data, where, required):
    if not isinstance(data, dict):
        raise ResultsError(f"{where}: expected an object of tolerances")
    unknown = sorted(set(data) - set(DEFAULT_TOLERANCES))
    if unknown:
        raise ResultsError(f"{where}: unknown tolerance(s) {', '.join(unknown)} "
                           f"(known: {', '.join(DEFAULT_TOLERANCES)})")
    if required:
        missing = sorted(set(DEFAULT_TOLERANCES) - set(data))
        if missing:
            raise ResultsError(f"{where}: missing tolerance(s) {', '.join(missing)}")
    for key, value in data.items():
        # NaN compares false with everything: a NaN tolerance would switch the gate off.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ResultsError(f"{where}.{key}: a tolerance must be a finite number >= 0, not {value!r}")
    return {k: float(v) for k, v in data.items()}


def _entry(data, where):
    if not isinstance(data, dict):
        raise ResultsError(f"{where}: expected an object")
    required = ("model", "device", "cycles", "energy_uj", "peak_ram_bytes", "flash_bytes", "accuracy")
    missing = [k for k in required if k not in data]
    if missing:
        raise ResultsError(f"{where}: missing field(s) {', '.join(missing)}")
    known = set(BaselineEntry.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise ResultsError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for m in METRICS:
        v = data[m.key]
        if v is None and m.key == "accuracy":
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            raise ResultsError(f"{where}.{m.key}: expected a finite number >= 0, not {v!r}")
    for key in ("model", "device", "model_sha256", "compiler"):
        if key in data and not isinstance(data[key], str):
            raise ResultsError(f"{where}.{key}: expected a string, not {data[key]!r}")
    version = data.get("device_version", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ResultsError(f"{where}.device_version: expected an integer >= 0, not {version!r}")
    entry = BaselineEntry(**data)
    entry.tolerances = _tolerances(entry.tolerances, f"{where}.tolerances", required=False)
    if not isinstance(entry.regions, dict):
        raise ResultsError(f"{where}.regions: expected an object of region name -> figures")
    for name, figures in entry.regions.items():
        if not isinstance(figures, dict) or set(figures) != set(REGION_FIGURES):
            raise ResultsError(f"{where}.regions.{name}: expected exactly {', '.join(REGION_FIGURES)}")
        for key, v in figures.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ResultsError(f"{where}.regions.{name}.{key}: expected a number, not {v!r}")
    return entry


def baseline_from_dict(data, origin="baseline") -> Baseline:
    if not isinstance(data, dict):
        raise ResultsError(f"{origin}: not a baseline record")
    if data.get("schema") not in READABLE_BASELINE_SCHEMAS:
        raise ResultsError(f"{origin}: schema {data.get('schema')!r} is not one this mcubench reads "
                           f"({', '.join(READABLE_BASELINE_SCHEMAS)})")
    missing = [k for k in ("tolerances", "entries") if k not in data]
    if missing:
        raise ResultsError(f"{origin}: missing field(s) {', '.join(missing)}")
    unknown = sorted(set(data) - set(Baseline.__dataclass_fields__))
    if unknown:
        raise ResultsError(f"{origin}: unknown field(s) {', '.join(unknown)}")
    if not isinstance(data["entries"], list):
        raise ResultsError(f"{origin}: entries must be a list")
    for key in ("suite", "git_commit", "created_utc"):
        if key in data and not isinstance(data[key], str):
            raise ResultsError(f"{origin}: {key}: expected a string, not {data[key]!r}")
    baseline = Baseline(**data)
    baseline.schema = BASELINE_SCHEMA  # an older baseline is read as the current one
    baseline.tolerances = _tolerances(data["tolerances"], f"{origin}: tolerances", required=True)
    baseline.entries = [_entry(e, f"{origin}: entries[{i}]") for i, e in enumerate(data["entries"])]
    seen = set()
    for e in baseline.entries:
        if (e.model, e.device) in seen:
            raise ResultsError(f"{origin}: {e.model} on {e.device} appears twice")
        seen.add((e.model, e.device))
    return baseline


def load_baseline(path) -> Baseline:
    path = Path(path)
    if not path.exists():
        raise ResultsError(f"{path}: no such baseline (create it with --update-baseline)")
    return baseline_from_dict(read_json(path, "baseline"), str(path))


def save_baseline(baseline: Baseline, path):
    write_text_atomic(path, json.dumps(baseline.to_dict(), indent=1) + "\n")


# ---------------------------------------------------------------------------- comparison

UNCHANGED, IMPROVED, WITHIN, REGRESSION, NOT_MEASURED, NEW = (
    "unchanged", "improved", "within tolerance", "REGRESSION", "not measured", "new")


@dataclass
class Check:
    """One metric of one model x device against its baseline figure."""

    model: str
    device: str
    metric: Metric
    baseline: float | None
    current: float | None
    tolerance: float  # percent for costs, absolute drop for accuracy
    status: str

    @property
    def change(self) -> str:
        if self.baseline is None or self.current is None:
            return fmt.DASH
        delta = self.current - self.baseline
        if self.metric.key == "accuracy":
            return f"{delta:+.4f}"
        sign = "-" if delta < 0 else "+"
        text = sign + self.metric.show(abs(delta))
        if self.baseline:
            text += f" ({sign}{fmt.number(abs(100 * delta / self.baseline))}%)"
        return text

    @property
    def tolerance_text(self) -> str:
        return f"drop {self.tolerance:g}" if self.metric.key == "accuracy" else f"{self.tolerance:g}%"


@dataclass
class Comparison:
    checks: list  # [Check]
    missing: list  # [(model, device)] in the baseline, absent from the results
    new: list  # [(model, device)] in the results, absent from the baseline
    notes: list  # [str] context: model files or device descriptions that changed
    require_all: bool = False
    toolchain_changes: list = field(default_factory=list)  # [(baseline compiler, results compiler)]

    @property
    def regressions(self):
        return [c for c in self.checks if c.status == REGRESSION]

    @property
    def changed(self):
        return [c for c in self.checks if c.status != UNCHANGED]

    @property
    def unmeasured(self):
        return [c for c in self.checks if c.status == NOT_MEASURED]

    @property
    def failed(self) -> bool:
        if self.regressions:
            return True
        return self.require_all and bool(self.missing or self.unmeasured)

    def verdict(self) -> str:
        pairs = len({(c.model, c.device) for c in self.checks})
        measured = sum(c.status not in (NOT_MEASURED, NEW) for c in self.checks)
        parts = [f"{measured} figures of {pairs} model x device pairs compared",
                 f"{len(self.regressions)} regression(s)",
                 f"{sum(c.status == IMPROVED for c in self.checks)} improvement(s)"]
        if self.missing:
            parts.append(f"{len(self.missing)} baseline pair(s) missing from the results")
        if self.new:
            parts.append(f"{len(self.new)} new pair(s) not in the baseline")
        if self.toolchain_changes:
            parts.append("built with another toolchain than the baseline (" + "; ".join(
                f"{old} -> {new}" for old, new in self.toolchain_changes) + ")")
        return ("FAILED" if self.failed else "passed") + ": " + ", ".join(parts)


def _status(metric, base, cur, tol):
    if base is None:
        return NEW if cur is not None else UNCHANGED
    if cur is None:
        return NOT_MEASURED
    if cur == base:
        return UNCHANGED
    if metric.higher_is_worse:
        limit = base * (1 + tol / 100)
        worse, better = cur > limit + _EPSILON * abs(limit), cur < base
    else:
        worse, better = cur < base - tol - _EPSILON, cur > base
    if worse:
        return REGRESSION
    return IMPROVED if better else WITHIN


def compare(results, baseline: Baseline, tolerance_pct=None, require_all=False) -> Comparison:
    """Every metric of every model x device in both records, under the baseline's tolerances.

    tolerance_pct, when given, overrides every tolerance: percent for the costs, and percentage points
    of accuracy (tolerance_pct / 100 as an absolute drop) for accuracy.
    """
    checks, new, notes, toolchains = [], [], [], {}
    for r in results.rows:
        entry = baseline.entry(r.model, r.device)
        if entry is None:
            new.append((r.model, r.device))
            continue
        if entry.model_sha256 and entry.model_sha256 != r.model_sha256:
            notes.append(f"{r.model}: the model file differs from the baseline's")
        if entry.device_version and entry.device_version != r.device_version:
            notes.append(f"{r.device}: device description version {entry.device_version} -> {r.device_version}")
        if entry.compiler and r.compiler and entry.compiler != r.compiler:
            toolchains.setdefault((entry.compiler, r.compiler), []).append(r.device)
            notes.append(f"{r.device}: toolchain {entry.compiler} (baseline) -> {r.compiler} (results): "
                         "figures can move with the compiler alone; re-measure the baseline with this toolchain")
        regions = list(entry.regions) + [g.name for g in r.regions if g.name not in entry.regions]
        # A firmware row has no accuracy to compare: it is a program, not a model scored on a data set.
        whole = METRICS if r.kind == "model" else tuple(m for m in METRICS if m.key != "accuracy")
        for m in whole + tuple(m for name in regions for m in region_metrics(name)):
            if tolerance_pct is not None:
                tol = tolerance_pct / 100 if m.key == "accuracy" else tolerance_pct
            else:
                tol = entry.tolerances.get(m.tolerance_key, baseline.tolerances[m.tolerance_key])
            base, cur = m.baseline_value(entry), m.value(r)
            checks.append(Check(r.model, r.device, m, base, cur, tol, _status(m, base, cur, tol)))
    present = {(r.model, r.device) for r in results.rows}
    missing = [(e.model, e.device) for e in baseline.entries if (e.model, e.device) not in present]
    return Comparison(checks, missing, new, sorted(set(notes)), require_all, list(toolchains))


# ---------------------------------------------------------------------------- output

TABLE_HEADERS = ["Model", "Device", "Metric", "Baseline", "Current", "Change", "Tolerance", "Status"]


def change_rows(comparison):
    """Rows of the 'what changed' table: changed figures, then missing and new pairs."""
    rows = [[c.model, c.device, c.metric.label, c.metric.show(c.baseline), c.metric.show(c.current), c.change,
             c.tolerance_text, c.status] for c in comparison.changed]
    rows += [[m, d, fmt.DASH, "", "", "", "", "missing from results"] for m, d in comparison.missing]
    rows += [[m, d, fmt.DASH, "", "", "", "", "not in baseline"] for m, d in comparison.new]
    return rows


def format_text(comparison) -> str:
    """The terminal report: an aligned table of what changed and the verdict."""
    rows = change_rows(comparison)
    lines = []
    if rows:
        widths = [max(len(str(x)) for x in col) for col in zip(TABLE_HEADERS, *rows)]
        for i, row in enumerate([TABLE_HEADERS] + rows):
            lines.append("  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip())
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
    else:
        lines.append("no figure differs from the baseline")
    lines += [f"note: {n}" for n in comparison.notes]
    lines.append(f"check {comparison.verdict()}")
    return "\n".join(lines) + "\n"


def format_markdown(comparison) -> str:
    """A summary for a CI job page (e.g. $GITHUB_STEP_SUMMARY)."""
    from mcubench.reports.markdown import markdown_table
    from mcubench.reports.document import Table

    icon = "❌" if comparison.failed else "✅"
    out = [f"## {icon} mcubench check {'failed' if comparison.failed else 'passed'}", "",
           comparison.verdict().split(": ", 1)[1] + ".", ""]
    rows = change_rows(comparison)
    if rows:
        out += [markdown_table(Table(TABLE_HEADERS, rows, numeric=[3, 4, 5])), ""]
    else:
        out += ["No figure differs from the baseline.", ""]
    out += [f"- note: {n}" for n in comparison.notes]
    return "\n".join(out).rstrip() + "\n"


def format_junit(comparison) -> str:
    """JUnit XML: one test case per metric of each model x device; missing pairs are skipped (or failed
    with require_all)."""
    suite = ET.Element("testsuite", name="mcubench check")
    failures = skipped = 0
    for c in comparison.checks:
        case = ET.SubElement(suite, "testcase", classname=f"mcubench.{c.model}.{c.device}", name=c.metric.name)
        detail = (f"{c.metric.label}: baseline {c.metric.show(c.baseline)}, current {c.metric.show(c.current)}, "
                  f"change {c.change}, tolerance {c.tolerance_text}")
        if c.status == REGRESSION or (c.status == NOT_MEASURED and comparison.require_all):
            failures += 1
            ET.SubElement(case, "failure", message=f"{c.status}: {detail}")
        elif c.status == NOT_MEASURED:
            skipped += 1
            ET.SubElement(case, "skipped", message=f"not measured in this run: {detail}")
        elif c.status != UNCHANGED:
            ET.SubElement(case, "system-out").text = f"{c.status}: {detail}"
    for model, device in comparison.missing:
        case = ET.SubElement(suite, "testcase", classname=f"mcubench.{model}.{device}", name="present")
        if comparison.require_all:
            failures += 1
            ET.SubElement(case, "failure", message="in the baseline but missing from the results")
        else:
            skipped += 1
            ET.SubElement(case, "skipped", message="in the baseline but missing from the results")
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
