"""The results record: one row per model (or firmware) x device, every figure with its unit in its name.

It is the one record everything downstream reads (reports, the CI check). Written by the runner
(`mcubench bench --json`) and by `mcubench run --json` (a model, a firmware ELF or a saved trace), read
with load_results(), which refuses unknown schema versions and rows missing required fields.
docs/results-schema.md describes every field.

Schema history: /1 had model rows only; /2 adds each device's validation; /3 adds firmware rows (kind),
their measured regions, the exit status, the console, the cycles by cause and the estimate's notes; /4 adds
the input of the measured run, the code bytes, the arena plan and each layer's weight and arena-live bytes;
/5 adds the battery and each row's battery life on it (duty-cycle figures the reports show, computed by
benchmarks/battery.py); /6 splits each device's validation into independent and informed references. An
older record loads as the current schema with the fields it lacks at their defaults.
"""

import dataclasses
from dataclasses import MISSING, asdict, dataclass, field
import json
import math
from pathlib import Path
import types

from mcubench import __version__
from mcubench.core.errors import ResultsError
from mcubench.core.atomic import write_json_atomic

RESULTS_SCHEMA = "mcubench.results/7"
# Older schemas this version still reads: the fields added since have defaults.
READABLE_SCHEMAS = (
    "mcubench.results/1",
    "mcubench.results/2",
    "mcubench.results/3",
    "mcubench.results/4",
    "mcubench.results/5",
    "mcubench.results/6",
    RESULTS_SCHEMA,
)
# Inferences per second at which each row's battery life is given (the report's table): one a minute, one a
# second, ten a second.
BATTERY_TABLE_RATES = (1 / 60, 1.0, 10.0)
INPUT_KINDS = ("", "test-set", "random", "file")
BUFFER_KINDS = ("activation", "scratch")
ROW_KINDS = ("model", "firmware")


@dataclass
class LayerResult:
    index: int
    name: str  # region name in the firmware
    op: str  # TFLite builtin op name, e.g. CONV_2D
    output_shape: list
    macs: int
    cycles: int
    latency_ms: float
    energy_uj: float
    cycles_per_mac: float | None  # None for layers without MACs
    # Since schema /4; None where a record predates them.
    weights_bytes: int | None = None  # constant data (packed weights, bias, requantization) the layer reads
    arena_live_bytes: int | None = None  # arena bytes in use while the layer runs (live buffers + scratch)


@dataclass
class ArenaBuffer:
    """One buffer of the firmware's static arena plan: where it sits and from which layer to which it lives."""

    written_by: str  # name of the layer that first writes it (its output, or its scratch space)
    kind: str  # "activation" or "scratch"
    offset_bytes: int
    bytes: int
    first_layer: int  # layer index of its first writer
    last_layer: int  # layer index of its last reader (the model output lives to the last layer)


@dataclass
class Accuracy:
    metric: str  # "top1" or "auc"
    value: float  # 0..1
    samples: int
    reference_agreement: float  # share of samples whose firmware output equals the TFLite interpreter's


@dataclass
class RegionResult:
    """A region of a firmware run: a marked span or every call of a named function (inclusive figures)."""

    name: str
    parent: str | None  # the enclosing region, if any
    calls: int
    instructions: int
    cycles: int
    latency_ms: float
    energy_uj: float


@dataclass
class Battery:
    """The battery a record's battery-life figures assume."""

    capacity_mah: float = 1000.0
    voltage_v: float = 3.0
    # Past its shelf life a cell is drained by self-discharge, whatever the load.
    shelf_life_years: float = 10.0
    shelf_life_basis: str = (
        "assumption: about the shelf life of a primary lithium cell, beyond which "
        "self-discharge rather than the load empties it"
    )

    def describe(self) -> str:
        return f"{self.capacity_mah:g} mAh at {self.voltage_v:g} V"


@dataclass
class DutyPoint:
    """A duty-cycled deployment at one rate: wake, run one inference, sleep at idle power, repeat."""

    inferences_per_s: float
    avg_power_mw: float
    battery_life_years: float  # load only: regulator losses and wake-up costs left out, not capped


@dataclass
class BatteryLife:
    max_inferences_per_s: float  # back to back, never sleeping
    table: list  # [DutyPoint] at the BATTERY_TABLE_RATES the device reaches (a missing rate is "too slow")
    curve: list  # [DutyPoint] at 60 rates, log-spaced from 0.001/s to back to back


@dataclass
class ResultRow:
    model: str  # suite model name; for a firmware row, the ELF's file name without .elf
    model_title: str
    model_sha256: str  # of the .tflite file; for a firmware row, of the ELF
    device: str
    device_title: str
    device_version: int
    isa: str  # the ISA that was simulated
    proxy_isa: str | None  # set when the device's own ISA is not the simulated one (ESP32: "rv32imc")
    clock_mhz: float
    voltage_v: float
    macs: int
    instructions: int
    cycles: int
    latency_ms: float
    energy_uj: float
    avg_power_mw: float  # while running the inference
    idle_power_mw: float  # between inferences, for duty-cycled battery-life estimates
    peak_ram_bytes: int
    static_ram_bytes: int
    stack_bytes: int
    arena_bytes: int
    heap_bytes: int
    flash_bytes: int
    weights_bytes: int
    accuracy: Accuracy | None
    layers: list = field(default_factory=list)  # [LayerResult]
    compiler: str = ""
    cflags: str = ""
    sim_wall_s_per_sample: float = 0.0
    # Since schema /3:
    kind: str = "model"  # "model": a .tflite compiled by mcubench; "firmware": an ELF as given
    regions: list = field(default_factory=list)  # [RegionResult], firmware rows
    exit_status: object = None  # int: the firmware's exit status (may be negative); None if it reported none
    console: str = ""  # what the firmware wrote to the semihosting console, as UTF-8 text (U+FFFD for other bytes)
    cycles_by_cause: dict = field(default_factory=dict)  # pipeline, taken_branches, ...: they add up to cycles
    notes: list = field(default_factory=list)  # the estimate's own assumptions (the device file's: `devices`)
    # Since schema /4 (before it, "not recorded"):
    input_kind: str = ""  # the input of the measured (traced) run: "test-set", "random" or "file"; "" for firmware
    input_seed: int | None = None  # with input_kind "random": the seed of the input generator
    code_bytes: int | None = None  # flash taken by code (.text, vectors); the rest of flash is constants
    arena_plan: list = field(default_factory=list)  # [ArenaBuffer], model rows
    console_base64: str = ""  # the console byte for byte (binary output survives)
    reserved_ram_bytes: int = 0  # RAM linker placeholders set aside for heap and stack; not in peak_ram_bytes
    variant: str = ""  # "float32", "int8" or "int16x8" when the model is one of several variants of a network
    variant_of: str = ""  # the suite model whose variants these are ("" when the model has none)
    # Since schema /5:
    battery_life: BatteryLife | None = None  # on the record's battery; None in older records

    def region(self, name: str):
        """The RegionResult of that name, or None."""
        return next((r for r in self.regions if r.name == name), None)


@dataclass
class Agreement:
    """A device model's error against one group of published figures."""

    references: int  # published figures in the group (0: none)
    mean_abs_error_pct: float  # mean of |predicted / published - 1| over them, in percent (0 when none)
    worst_abs_error_pct: float


@dataclass
class Validation:
    """How far a device's timing model is trusted: its error against published silicon figures
    (`mcubench validate`, benchmarks/validation/). Only the independent references, whose source did not
    give the model its rule, validate it; the informed ones (the rule was taken from the same source, or an
    exact manual count the model implements) show it is consistent with what it was built from."""

    references: int  # published figures the model was checked against, of either kind
    mean_abs_error_pct: float  # mean of |predicted / published - 1| over them, in percent
    worst_abs_error_pct: float
    # Since schema /6 (None in an older record, whose figures do not tell the two kinds apart):
    independent: Agreement | None = None
    informed: Agreement | None = None


@dataclass
class EnergyCheck:
    """How far energy figures are trusted: modelled average power during inference (the device description's
    run power) against power measured on silicon while it inferred, MLPerf Tiny's energy / time
    (benchmarks/validation/power.py), as ratios modelled / measured over the measured runs compared."""

    runs: int  # measured benchmark runs compared
    boards: int  # boards they were measured on
    mean_ratio: float  # modelled / measured power, mean over the runs (1: exact)
    min_ratio: float
    max_ratio: float


@dataclass
class DeviceInfo:
    name: str
    title: str
    version: int
    core: str
    clock_mhz: float
    sources: list  # ["what: document, table", ...]
    assumptions: list
    validation: Validation | None = None  # None: no published figure checks this device's model
    # Since schema /7: this device's power against measured energy (None: no measured run of it compared).
    energy_check: EnergyCheck | None = None


# Why a model x device pair has no figures: the firmware does not fit the device's memories, the model
# cannot be compiled (an unsupported op or a malformed file), or the simulated firmware failed.
FAILURE_KINDS = ("does-not-fit", "unsupported-model", "build-failed", "simulation-failed")


@dataclass
class Failure:
    """A model x device pair that was asked for but could not be measured, and why (one line)."""

    model: str
    model_title: str
    device: str
    device_title: str
    kind: str  # one of FAILURE_KINDS
    message: str  # e.g. "arena 300000 + input ... bytes, sram has 131072"
    # does-not-fit: each memory that is too small, {"memory", "needed_bytes", "available_bytes"}
    shortfalls: list = field(default_factory=list)
    variant: str = ""  # as in ResultRow
    variant_of: str = ""


@dataclass
class Results:
    suite: str
    rows: list  # [ResultRow]
    devices: dict  # name -> DeviceInfo
    mcubench_version: str = __version__
    git_commit: str = ""
    created_utc: str = ""
    schema: str = RESULTS_SCHEMA
    failures: list = field(default_factory=list)  # [Failure]: pairs with no row
    battery: Battery | None = None  # what every row's battery_life assumes (since schema /5)
    # Since schema /7: the run-power method over every measured board compared, for the devices that have
    # no measured run of their own (None: not recorded).
    energy_method_check: EnergyCheck | None = None

    def to_dict(self):
        return asdict(self)

    def row(self, model: str, device: str) -> ResultRow:
        for r in self.rows:
            if r.model == model and r.device == device:
                return r
        raise KeyError((model, device))


def _build(cls, data, where):
    """Construct a dataclass from a dict, naming the missing or unknown field on failure."""
    if not isinstance(data, dict):
        raise ResultsError(f"{where}: expected an object")
    fields = dataclasses.fields(cls)
    names = {f.name for f in fields}
    required = {f.name for f in fields if f.default is MISSING and f.default_factory is MISSING}
    missing = sorted(required - set(data))
    if missing:
        raise ResultsError(f"{where}: missing field(s) {', '.join(missing)}")
    unknown = sorted(set(data) - names)
    if unknown:
        raise ResultsError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for f in fields:
        if f.name in data:
            _check_value(data[f.name], f.type, f"{where}.{f.name}")
    return cls(**data)


def _check_value(value, kind, where):
    """A field's value against its annotation. Every figure in a record is a count or a physical
    quantity: numbers are finite and not negative (NaN, infinities, strings, null and booleans are
    refused, so a malformed record cannot pass the gate or render as 'nan years')."""
    if isinstance(kind, types.UnionType):  # X | None
        options = [k for k in kind.__args__ if k is not type(None)]
        if value is None and len(options) < len(kind.__args__):
            return
        kind = options[0] if len(options) == 1 else None
    if dataclasses.is_dataclass(kind):
        return  # built and checked by the caller
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ResultsError(f"{where}: expected an integer >= 0, not {value!r}")
    elif kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ResultsError(f"{where}: expected a finite number >= 0, not {value!r}")
    elif kind in (str, list, dict):
        if not isinstance(value, kind):
            raise ResultsError(f"{where}: expected {kind.__name__ if kind is not str else 'a string'}, not {value!r}")


def _share(value, where):
    if not 0 <= value <= 1:
        raise ResultsError(f"{where}: a share must be between 0 and 1, not {value!r}")


def _row_from_dict(row, where) -> ResultRow:
    """One row of a results record, its nested records built and checked."""
    r = _build(ResultRow, row, where)
    if r.accuracy is not None:
        r.accuracy = _build(Accuracy, r.accuracy, f"{where}.accuracy")
        _share(r.accuracy.value, f"{where}.accuracy.value")
        _share(r.accuracy.reference_agreement, f"{where}.accuracy.reference_agreement")
    r.layers = [_build(LayerResult, layer, f"{where}.layers[{j}]") for j, layer in enumerate(r.layers)]
    for j, layer in enumerate(r.layers):
        if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in layer.output_shape):
            raise ResultsError(f"{where}.layers[{j}].output_shape: expected integers >= 0")
    if r.exit_status is not None and (isinstance(r.exit_status, bool) or not isinstance(r.exit_status, int)):
        raise ResultsError(f"{where}.exit_status: expected an integer or null, not {r.exit_status!r}")
    if r.kind not in ROW_KINDS:
        raise ResultsError(f"{where}.kind: {r.kind!r} is not one of {', '.join(ROW_KINDS)}")
    r.regions = [_build(RegionResult, region, f"{where}.regions[{j}]") for j, region in enumerate(r.regions)]
    r.arena_plan = [_build(ArenaBuffer, b, f"{where}.arena_plan[{j}]") for j, b in enumerate(r.arena_plan)]
    if r.input_kind not in INPUT_KINDS:
        raise ResultsError(f"{where}.input_kind: {r.input_kind!r} is not one of {', '.join(INPUT_KINDS[1:])}")
    for j, b in enumerate(r.arena_plan):
        if b.kind not in BUFFER_KINDS or b.first_layer > b.last_layer:
            raise ResultsError(
                f"{where}.arena_plan[{j}]: kind {b.kind!r}, layers {b.first_layer}..{b.last_layer} "
                f"(expected {' or '.join(BUFFER_KINDS)}, first <= last)"
            )
    if r.battery_life is not None:
        life = r.battery_life = _build(BatteryLife, r.battery_life, f"{where}.battery_life")
        for part in ("table", "curve"):
            setattr(
                life,
                part,
                [_build(DutyPoint, d, f"{where}.battery_life.{part}[{j}]") for j, d in enumerate(getattr(life, part))],
            )
    return r


def _device_info_from_dict(info, where) -> DeviceInfo:
    d = _build(DeviceInfo, info, where)
    if d.energy_check is not None:
        d.energy_check = _build(EnergyCheck, d.energy_check, f"{where}.energy_check")
    if d.validation is not None:
        where = f"{where}.validation"
        v = d.validation = _build(Validation, d.validation, where)
        for group in ("independent", "informed"):
            if getattr(v, group) is not None:
                setattr(v, group, _build(Agreement, getattr(v, group), f"{where}.{group}"))
    return d


def results_from_dict(data, origin="results") -> Results:
    if not isinstance(data, dict):
        raise ResultsError(f"{origin}: not a results record")
    schema = data.get("schema")
    if schema not in READABLE_SCHEMAS:
        raise ResultsError(
            f"{origin}: schema {schema!r} is not one this mcubench reads "
            f"({', '.join(READABLE_SCHEMAS)}); written by another mcubench version?"
        )
    results = _build(Results, data, origin)
    results.schema = RESULTS_SCHEMA  # read into the current record; older schemas only lack optional fields
    if not results.rows and not results.failures:
        raise ResultsError(f"{origin}: the record has no rows and no failures (nothing was measured)")
    results.rows = [_row_from_dict(row, f"{origin}: rows[{i}]") for i, row in enumerate(results.rows)]
    if results.battery is not None:
        results.battery = _build(Battery, results.battery, f"{origin}: battery")
    if results.energy_method_check is not None:
        results.energy_method_check = _build(EnergyCheck, results.energy_method_check, f"{origin}: energy_method_check")
    results.devices = {
        name: _device_info_from_dict(info, f"{origin}: devices.{name}") for name, info in results.devices.items()
    }
    if not isinstance(results.failures, list):
        raise ResultsError(f"{origin}: failures must be a list")
    results.failures = [_build(Failure, f, f"{origin}: failures[{i}]") for i, f in enumerate(results.failures)]
    for i, failure in enumerate(results.failures):
        if failure.kind not in FAILURE_KINDS:
            raise ResultsError(
                f"{origin}: failures[{i}].kind {failure.kind!r} is not one of {', '.join(FAILURE_KINDS)}"
            )
    return results


def load_results(path) -> Results:
    path = Path(path)
    data = read_json(path, "results")
    return results_from_dict(data, str(path))


def read_json(path, what):
    """A JSON file as Python data; ResultsError (one line) when it cannot be read or parsed. The NaN and
    Infinity that Python's json module reads are left to the field checks, which name the field."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise ResultsError(f"{path}: cannot read {what}: not valid JSON ({exc})") from None


def save_results(results: Results, path):
    write_json_atomic(path, results.to_dict())
