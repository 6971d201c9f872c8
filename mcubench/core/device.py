"""Device descriptions: one TOML file per chip (built-in ones under cost_models/devices/), validated on load.

Every figure carries its source (a `source` string beside it: document and table) or is marked as an
assumption with its reasoning. Unknown keys, overlapping memory areas and missing sources are errors, and so
is a figure that the device's timing model needs but the file does not give: the models read the typed
fields below and have no defaults of their own.
"""

from dataclasses import dataclass, field
from typing import Any, ClassVar, NoReturn
import importlib.util
from pathlib import Path
import tomllib

from mcubench.core.errors import DeviceError
from mcubench.core.isa import Isa
from mcubench.core.memory_map import MemoryArea, MemoryMap


# The built-in descriptions are data of the cost_models package; found through its import spec so that the
# source tree (folders mapped into the namespace) and an installed wheel both work, without importing it.
def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"package {name} not found")
    return Path(list(spec.submodule_search_locations)[0])


DEVICES_DIR = _package_dir("mcubench.cost_models") / "devices"


# --- the typed sections; each keeps the `source` of its table -------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Which memory area holds each section class of a firmware image."""

    code: str
    rodata: str
    data: str
    stack: str
    source: str

    SECTIONS: ClassVar[tuple[str, ...]] = ("code", "rodata", "data", "stack")

    def area_of(self, section: str) -> str:
        if section not in self.SECTIONS:
            raise KeyError(section)
        return getattr(self, section)


@dataclass(frozen=True)
class Marker:
    """The word firmware writes region markers to (simulator/regions.py)."""

    address: int
    source: str


@dataclass(frozen=True)
class Clock:
    default_mhz: float
    min_mhz: float
    max_mhz: float
    options_mhz: tuple[float, ...]  # the only clocks allowed, when the chip has a fixed list; () for any in range
    source: str


@dataclass(frozen=True)
class RunCurrent:
    """One datasheet point of run-mode supply current."""

    mhz: float
    current_ma: float
    source: str


@dataclass(frozen=True)
class SleepCurrent:
    mode: str
    current_ua: float
    source: str


@dataclass(frozen=True)
class PowerBlock:
    """A clocked block (peripheral, bus, SRAM bank) and its datasheet current per MHz of its clock.

    in_run says whether the [[power.run]] points' measurement condition already had it clocked (a datasheet's
    "all SRAMs enabled") or not ("all peripherals disabled"): a firmware that switches it off saves it, one
    that clocks a block outside the condition adds it.
    """

    name: str
    ua_per_mhz: float
    in_run: bool
    source: str


@dataclass(frozen=True)
class CodeSpread:
    """The datasheet's run current for its lightest and heaviest benchmark code at one clock, against the
    code of its [[power.run]] point there: how far the workload alone moves the current."""

    mhz: float
    reference_ma: float
    low_ma: float
    high_ma: float
    source: str


@dataclass(frozen=True)
class Power:
    voltage_v: float
    min_voltage_v: float
    max_voltage_v: float
    run: tuple[RunCurrent, ...]
    sleep: SleepCurrent
    source: str
    blocks: tuple[PowerBlock, ...] = ()
    code_spread: CodeSpread | None = None


@dataclass(frozen=True)
class FlashInterface:
    """How the core reads the flash that holds code: its read width and prefetch buffer."""

    area: str
    line_bytes: int
    prefetch: bool
    source: str


@dataclass(frozen=True)
class WaitStates:
    """Flash wait states up to a clock (one row of the reference manual's table)."""

    up_to_mhz: float
    wait_states: int
    source: str


@dataclass(frozen=True)
class LineFill:
    """Core cycles (at the default clock) of one cache line fill from each memory area behind a cache."""

    cycles: tuple[tuple[str, float], ...]  # (memory area name, cycles)
    source: str

    def of(self, area: str) -> float:
        return dict(self.cycles)[area]


@dataclass(frozen=True, kw_only=True)
class Timing:
    """[timing]: the core timing model and the memory figures it uses; one subclass per model below."""

    model: str
    flash: FlashInterface | None
    flash_wait_states: tuple[WaitStates, ...]
    line_fill: LineFill | None
    source: str


@dataclass(frozen=True, kw_only=True)
class CortexM4Timing(Timing):
    branch_refill_cycles: int  # P of the Cortex-M4 TRM's Table 3-1


@dataclass(frozen=True, kw_only=True)
class CortexM0PlusTiming(Timing):
    multiplier_cycles: int  # MULS: 1 (fast multiplier) or 32 (small multiplier)


@dataclass(frozen=True, kw_only=True)
class CortexM7Timing(Timing):
    branch_mispredict_cycles: int
    dual_issue: bool


@dataclass(frozen=True, kw_only=True)
class InOrderRVTiming(Timing):
    branch_taken_cycles: int  # a taken conditional branch, and JALR (register target), over its 1 cycle
    jump_taken_cycles: int  # JAL (J, C.J, C.JAL: a PC-relative target) over its 1 cycle
    load_use_cycles: int
    mul_cycles: int
    div_cycles: int


@dataclass(frozen=True, kw_only=True)
class LX6ProxyTiming(InOrderRVTiming):
    zero_overhead_loops: bool  # the Xtensa loop option (LOOP, LOOPNEZ, LOOPGTZ)


CACHE_ROLES = ("instruction", "data", "unified")


@dataclass(frozen=True)
class Cache:
    name: str
    role: str  # one of CACHE_ROLES
    size_bytes: int
    line_bytes: int
    ways: int
    areas: tuple[str, ...]  # the memory areas it caches
    write_allocate: bool  # a data cache over writable memory allocates a line on a write miss
    source: str

    @property
    def fetches(self) -> bool:
        return self.role in ("instruction", "unified")

    @property
    def reads(self) -> bool:
        return self.role in ("data", "unified")


@dataclass(frozen=True)
class Proxy:
    """A device whose ISA Unicorn cannot run: its firmware is built for `isa` and timed as `real_isa`."""

    isa: Isa
    real_isa: str
    source: str
    # Cycles of the real ISA's code per cycle of the proxy build's, for the same C (1.0: taken as equal).
    stream_factor: float = 1.0


@dataclass(frozen=True)
class Device:
    name: str
    title: str
    version: int
    isa: Isa
    core: str
    summary: str
    memory_map: MemoryMap
    placement: Placement
    marker: Marker | None
    clock: Clock | None
    power: Power | None
    timing: Timing | None
    caches: tuple[Cache, ...]
    proxy: Proxy | None
    notes: tuple[str, ...]
    raw: dict = field(repr=False, compare=False)  # the description as read: build keys and derived test devices
    path: Path | None = None

    @property
    def marker_address(self) -> int | None:
        return self.marker.address if self.marker is not None else None

    def need(self, section: str):
        """A section the cost models need, or DeviceError naming the file and the missing table."""
        value = getattr(self, section)
        if value is None:
            raise DeviceError(
                f"{self.path.name if self.path else self.name}: no [{section}] table: this device cannot be costed"
            )
        return value

    def sources(self) -> list[tuple[str, str]]:
        """(what, source) of every table of the description, in file order."""
        found = []

        def walk(node, label):
            if isinstance(node, dict):
                if isinstance(node.get("source"), str):
                    found.append((str(node.get("name", label)), node["source"]))
                for key, value in node.items():
                    walk(value, f"{label}.{key}" if label else key)
            elif isinstance(node, list):
                for i, item in enumerate(node):
                    walk(item, f"{label}[{i}]")

        walk(self.raw, "")
        return found


# --- validation ----------------------------------------------------------------------------------------

_TOP_KEYS = {
    "name": str,
    "title": str,
    "version": int,
    "isa": str,
    "core": str,
    "summary": str,
    "memory": list,
    "placement": dict,
    "trace": dict,
    "clock": dict,
    "power": dict,
    "timing": dict,
    "caches": list,
    "proxy": dict,
    "notes": list,
}
_REQUIRED = ("name", "title", "version", "isa", "core", "memory", "placement")
_AREA_KEYS = {"name", "kind", "base", "size", "source"}

_NUMBER = (int, float)
_WRITABLE_KINDS = ("sram", "tcm")

# Per timing model: its class, the keys of [timing] only it reads (all required), and the memory figures
# it needs: "flash" ([timing.flash] and [[timing.flash_wait_states]], the STM32 flash interface model of
# cost_models/flash_fetch.py) or "line_fill" ([timing.line_fill] for every area a cache covers,
# cost_models/cache_misses.py).
TIMING_MODELS: dict[str, tuple[type[Timing], dict[str, Any], str]] = {
    "cortex-m4": (CortexM4Timing, {"branch_refill_cycles": int}, "flash"),
    "cortex-m33": (CortexM4Timing, {"branch_refill_cycles": int}, "flash"),  # the M4 figures it keeps
    "cortex-m0plus": (CortexM0PlusTiming, {"multiplier_cycles": int}, "flash"),
    "cortex-m7": (CortexM7Timing, {"branch_mispredict_cycles": int, "dual_issue": bool}, "line_fill"),
    "esp32c3": (
        InOrderRVTiming,
        {
            "branch_taken_cycles": int,
            "jump_taken_cycles": int,
            "load_use_cycles": int,
            "mul_cycles": int,
            "div_cycles": int,
        },
        "line_fill",
    ),
    "lx6-proxy": (
        LX6ProxyTiming,
        {
            "branch_taken_cycles": int,
            "jump_taken_cycles": int,
            "load_use_cycles": int,
            "mul_cycles": int,
            "div_cycles": int,
            "zero_overhead_loops": bool,
        },
        "line_fill",
    ),
}


class _Reader:
    """Checks one description and reports the first problem as DeviceError naming the file and the field."""

    def __init__(self, path):
        self.path = path

    def fail(self, message) -> NoReturn:
        raise DeviceError(f"{self.path.name if self.path else 'device'}: {message}")

    def keys(self, where, table, allowed):
        unknown = set(table) - set(allowed)
        if unknown:
            self.fail(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")

    def source(self, where, table) -> str:
        text = str(table.get("source", "")).strip()
        if not text:
            self.fail(f"{where}: missing 'source' (cite document and table, or say 'assumption: why')")
        return table["source"]

    def table(self, where, table, fields, required=()) -> dict:
        """A table of typed fields plus its mandatory `source`."""
        if not isinstance(table, dict):
            self.fail(f"{where} must be a table")
        self.keys(where, table, set(fields) | {"source"})
        for key in required:
            if key not in table:
                self.fail(f"{where}: missing {key!r}")
        for key, kind in fields.items():
            if key in table:
                self.value(f"{where}.{key}", table[key], kind)
        self.source(where, table)
        return table

    def record(self, where, table, cls, kinds):
        """A table of the dataclass cls's fields (kinds: field -> type, every one required) and its source,
        as a cls."""
        self.table(where, table, kinds, required=tuple(kinds))
        return cls(**{key: table[key] for key in kinds}, source=table["source"])

    def records(self, where, tables, cls, kinds) -> tuple:
        """A list of such tables (where[0], where[1], ...)."""
        return tuple(self.record(f"{where}[{i}]", t, cls, kinds) for i, t in enumerate(tables))

    def value(self, where, value, kind):
        if isinstance(value, bool) and kind is not bool:
            self.fail(f"{where} must be {'an integer' if kind is int else 'a number'}")
        if not isinstance(value, kind):
            self.fail(
                f"{where} must be {'an integer' if kind is int else 'a number' if kind is _NUMBER else 'a ' + kind.__name__}"
            )
        if kind in (int, _NUMBER) and value < 0:
            self.fail(f"{where} must not be negative")

    # --- sections ---
    def memory(self, entries) -> MemoryMap:
        areas = []
        for i, area in enumerate(entries):
            where = f"memory[{i}]"
            if not isinstance(area, dict):
                self.fail(f"{where} must be a table")
            self.keys(where, area, _AREA_KEYS)
            missing = {"name", "kind", "base", "size"} - set(area)
            if missing:
                self.fail(f"{where}: missing {', '.join(sorted(missing))}")
            source = self.source(f"memory area {area['name']!r}", area)
            areas.append(MemoryArea(area["name"], area["kind"], int(area["base"]), int(area["size"]), source))
        try:
            return MemoryMap(areas)
        except DeviceError as exc:
            self.fail(str(exc))

    def area(self, where, name, memory_map) -> str:
        if name not in {a.name for a in memory_map}:
            self.fail(f"{where}: no memory area named {name!r}")
        return name

    def placement(self, table, memory_map) -> Placement:
        placement = self.record("placement", table, Placement, {s: str for s in Placement.SECTIONS})
        for section in Placement.SECTIONS:
            self.area(f"placement.{section}", table[section], memory_map)
        return placement

    def marker(self, table) -> Marker | None:
        self.keys("trace", table, {"marker_address", "source"})
        if "marker_address" not in table:
            return None
        self.value("trace.marker_address", table["marker_address"], int)
        return Marker(table["marker_address"], self.source("trace", table))

    def clock(self, table) -> Clock:
        self.table(
            "clock",
            table,
            {"default_mhz": _NUMBER, "min_mhz": _NUMBER, "max_mhz": _NUMBER, "options_mhz": list},
            required=("default_mhz", "min_mhz", "max_mhz"),
        )
        if not table["min_mhz"] <= table["default_mhz"] <= table["max_mhz"] or table["min_mhz"] <= 0:
            self.fail("clock: need 0 < min_mhz <= default_mhz <= max_mhz")
        for mhz in table.get("options_mhz", []):
            if not isinstance(mhz, _NUMBER) or isinstance(mhz, bool) or not table["min_mhz"] <= mhz <= table["max_mhz"]:
                self.fail(f"clock.options_mhz: {mhz!r} is outside min_mhz..max_mhz")
        return Clock(
            table["default_mhz"],
            table["min_mhz"],
            table["max_mhz"],
            tuple(table.get("options_mhz", ())),
            table["source"],
        )

    def power(self, table) -> Power:
        self.table(
            "power",
            table,
            {
                "voltage_v": _NUMBER,
                "min_voltage_v": _NUMBER,
                "max_voltage_v": _NUMBER,
                "run": list,
                "sleep": dict,
                "blocks": list,
                "code_spread": dict,
            },
            required=("voltage_v", "min_voltage_v", "max_voltage_v", "run", "sleep"),
        )
        if not 0 < table["min_voltage_v"] <= table["voltage_v"] <= table["max_voltage_v"]:
            self.fail("power: need 0 < min_voltage_v <= voltage_v <= max_voltage_v")
        if not table["run"]:
            self.fail("power.run: at least one run-mode current point is needed")
        run = self.records("power.run", table["run"], RunCurrent, {"mhz": _NUMBER, "current_ma": _NUMBER})
        if len({p.mhz for p in run}) != len(run):
            self.fail("power.run: two points at the same clock")
        sleep = self.record("power.sleep", table["sleep"], SleepCurrent, {"mode": str, "current_ua": _NUMBER})
        blocks = self.records(
            "power.blocks", table.get("blocks", []), PowerBlock, {"name": str, "ua_per_mhz": _NUMBER, "in_run": bool}
        )
        if len({b.name for b in blocks}) != len(blocks):
            self.fail("power.blocks: two blocks with the same name")
        spread = None
        if "code_spread" in table:
            spread = self.record(
                "power.code_spread",
                table["code_spread"],
                CodeSpread,
                {"mhz": _NUMBER, "reference_ma": _NUMBER, "low_ma": _NUMBER, "high_ma": _NUMBER},
            )
            if not 0 < spread.low_ma <= spread.reference_ma <= spread.high_ma:
                self.fail("power.code_spread: need 0 < low_ma <= reference_ma <= high_ma")
        return Power(
            table["voltage_v"],
            table["min_voltage_v"],
            table["max_voltage_v"],
            run,
            sleep,
            table["source"],
            blocks,
            spread,
        )

    def cache(self, i, table, memory_map) -> Cache:
        where = f"caches[{i}]"
        self.table(
            where,
            table,
            {
                "name": str,
                "role": str,
                "size_bytes": int,
                "line_bytes": int,
                "ways": int,
                "areas": list,
                "write_allocate": bool,
            },
            required=("name", "role", "size_bytes", "line_bytes", "ways", "areas"),
        )
        if table["role"] not in CACHE_ROLES:
            self.fail(f"{where}.role must be one of {', '.join(CACHE_ROLES)}")
        line, ways, size = table["line_bytes"], table["ways"], table["size_bytes"]
        if line <= 0 or line & (line - 1) or ways <= 0 or size <= 0 or size % (line * ways):
            self.fail(f"{where}: size_bytes must be a multiple of line_bytes x ways, line_bytes a power of two")
        sets = size // (line * ways)
        if sets & (sets - 1):
            self.fail(f"{where}: {sets} sets (size_bytes / (line_bytes x ways)) is not a power of two")
        for area in table["areas"]:
            self.area(f"{where}.areas", area, memory_map)
        writable = any(memory_map.by_name(a).kind in _WRITABLE_KINDS for a in table["areas"])
        if table["role"] != "instruction" and writable and "write_allocate" not in table:
            self.fail(f"{where}: a data cache over writable memory must say write_allocate (true or false)")
        return Cache(
            table["name"],
            table["role"],
            size,
            line,
            ways,
            tuple(table["areas"]),
            table.get("write_allocate", False),
            table["source"],
        )

    def timing(self, table, memory_map, caches) -> Timing:
        model = table.get("model")
        if model not in TIMING_MODELS:
            self.fail(f"timing.model {model!r} is not one of {', '.join(TIMING_MODELS)}")
        kind, own, memory_model = TIMING_MODELS[model]
        fields = {"model": str, "flash": dict, "flash_wait_states": list, "line_fill": dict, **own}
        required = ("model", *own, *(("flash", "flash_wait_states") if memory_model == "flash" else ("line_fill",)))
        self.table("timing", table, fields, required=required)
        flash = None
        if "flash" in table:
            flash = self.record(
                "timing.flash", table["flash"], FlashInterface, {"area": str, "line_bytes": int, "prefetch": bool}
            )
            self.area("timing.flash.area", flash.area, memory_map)
            if flash.line_bytes <= 0:
                self.fail("timing.flash.line_bytes must be positive")
        rows = self.records(
            "timing.flash_wait_states",
            table.get("flash_wait_states", []),
            WaitStates,
            {"up_to_mhz": _NUMBER, "wait_states": int},
        )
        if any(later.up_to_mhz <= earlier.up_to_mhz for earlier, later in zip(rows, rows[1:])):
            self.fail("timing.flash_wait_states: rows must be in increasing up_to_mhz order")
        if memory_model == "flash" and not rows:
            self.fail(f"timing.flash_wait_states: the {model} model needs at least one row")
        line_fill = None
        if "line_fill" in table:
            fills = table["line_fill"]
            self.table("timing.line_fill", fills, {a.name: _NUMBER for a in memory_map})
            line_fill = LineFill(tuple((k, v) for k, v in fills.items() if k != "source"), fills["source"])
            if memory_model == "line_fill":
                for cache in caches:
                    for area in cache.areas:
                        if area not in fills:
                            self.fail(
                                f"timing.line_fill: no figure for {area!r}, which cache {cache.name!r} "
                                f"covers (the {model} model charges each miss a line fill)"
                            )
        figures = {key: table[key] for key in own}
        return kind(
            model=model,
            flash=flash,
            flash_wait_states=rows,
            line_fill=line_fill,
            source=table["source"],
            **figures,
        )

    def proxy(self, table, isa) -> Proxy:
        self.table(
            "proxy", table, {"isa": str, "real_isa": str, "stream_factor": _NUMBER}, required=("isa", "real_isa")
        )
        if table["isa"] != isa:
            self.fail(f"proxy.isa {table['isa']!r} must be the simulated isa {isa!r}")
        factor = float(table.get("stream_factor", 1.0))
        if factor <= 0:
            self.fail("proxy.stream_factor must be positive")
        return Proxy(Isa(table["isa"]), table["real_isa"], table["source"], factor)


def parse_device(data: dict, path: Path | None = None) -> Device:
    r = _Reader(path)
    r.keys("top level", data, _TOP_KEYS)
    for key in _REQUIRED:
        if key not in data:
            r.fail(f"missing required key {key!r}")
    for key, kind in _TOP_KEYS.items():
        if key in data and not isinstance(data[key], kind):
            r.fail(f"{key!r} must be a {kind.__name__}")
    if data["isa"] not in set(Isa):
        r.fail(f"isa {data['isa']!r} is not one of {', '.join(Isa)}")
    memory_map = r.memory(data["memory"])
    placement = r.placement(data["placement"], memory_map)
    marker = r.marker(data.get("trace", {}))
    caches = tuple(r.cache(i, c, memory_map) for i, c in enumerate(data.get("caches", [])))
    for note in data.get("notes", []):
        if not isinstance(note, str):
            r.fail("notes must be strings")
    return Device(
        name=data["name"],
        title=data["title"],
        version=data["version"],
        isa=Isa(data["isa"]),
        core=data["core"],
        summary=data.get("summary", ""),
        memory_map=memory_map,
        placement=placement,
        marker=marker,
        clock=r.clock(data["clock"]) if "clock" in data else None,
        power=r.power(data["power"]) if "power" in data else None,
        timing=r.timing(data["timing"], memory_map, caches) if "timing" in data else None,
        caches=caches,
        proxy=r.proxy(data["proxy"], data["isa"]) if "proxy" in data else None,
        notes=tuple(data.get("notes", ())),
        raw=data,
        path=path,
    )


# --- files: built-in names, a user's own .toml, `extends` ------------------------------------------------


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DeviceError(f"{path}: cannot read device description: {exc}") from None


def merge_description(base: dict, override: dict) -> dict:
    """`extends`: tables are merged key by key, everything else (values, lists, arrays of tables) replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = merge_description(base[key], value)
        else:
            merged[key] = value
    return merged


def _own_sources(path, override, base, where=""):
    """A table the extending file changes a figure in takes its own `source`: the base's would no longer
    describe it. Tables it only descends through (to change a nested one) need none."""
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            table = f"{where}.{key}" if where else key
            # Arrays of tables are replaced whole, and each of their tables is checked for its own source.
            changes = [
                k
                for k, v in value.items()
                if k != "source"
                and not isinstance(v, dict)
                and not (isinstance(v, list) and v and all(isinstance(x, dict) for x in v))
            ]
            if changes and "source" in base[key] and not str(value.get("source", "")).strip():
                raise DeviceError(
                    f"{path.name}: {table}: sets {', '.join(changes)} over the base device, so it "
                    "needs its own 'source' (cite document and table, or say 'assumption: why')"
                )
            _own_sources(path, value, base[key], table)


def _extended(path: Path, data: dict, chain: tuple) -> dict:
    """The description of `data` (read from path) with its `extends` base merged in, recursively."""
    if "extends" not in data:
        return data
    data = dict(data)
    base_ref = data.pop("extends")
    if not isinstance(base_ref, str) or not base_ref.strip():
        raise DeviceError(f"{path.name}: extends must be a built-in device name or a path to a .toml file")
    if is_device_file(base_ref):
        base_path = (path.parent / base_ref).resolve()
    else:
        base_path = DEVICES_DIR / f"{base_ref}.toml"
        if not base_path.is_file():
            raise DeviceError(
                f"{path.name}: extends {base_ref!r}: unknown device; known devices: {', '.join(device_names())}"
            )
    if base_path in chain:
        raise DeviceError(f"{path.name}: extends {base_ref!r}: the descriptions extend each other in a cycle")
    for key in ("name", "title"):  # a board of its own is not the device it starts from
        if key not in data:
            raise DeviceError(f"{path.name}: extends {base_ref!r}: set this board's own {key!r}")
    base = _extended(base_path, _read_toml(base_path), chain + (base_path,))
    _own_sources(path, data, base)
    return merge_description(base, data)


def load_device_file(path) -> Device:
    """A description file, built-in or the user's own, validated; `extends = "device or path"` starts it from
    another description (merge_description), and the merged whole is validated."""
    path = Path(path)
    data = _extended(path, _read_toml(path), (path.resolve(),))
    device = parse_device(data, path)
    if device.name != path.stem:
        raise DeviceError(f"{path.name}: name {device.name!r} does not match the file name")
    return device


def is_device_file(spec: str) -> bool:
    """A device argument names a file (rather than a built-in device) when it looks like a path."""
    return spec.endswith(".toml") or "/" in spec or "\\" in spec


def device_names():
    return sorted(p.stem for p in DEVICES_DIR.glob("*.toml"))


def load_device(spec: str) -> Device:
    """A built-in device by name, or a description file (path/to/board.toml)."""
    if is_device_file(spec):
        path = Path(spec)
        if not path.is_file():
            raise DeviceError(f"{spec}: no such device description file")
        device = load_device_file(path)
        if device.name in device_names():
            raise DeviceError(
                f"{path.name}: name {device.name!r} is a built-in device's; give the board a name "
                "of its own (and the file that name)"
            )
        return device
    path = DEVICES_DIR / f"{spec}.toml"
    if not path.is_file():
        raise DeviceError(
            f"unknown device {spec!r}; known devices: {', '.join(device_names())} (or a path to a .toml description)"
        )
    return load_device_file(path)


def load_devices(specs: str) -> list:
    """The devices of a comma-separated list as given on a command line ("a,b,path/to/board.toml")."""
    devices = [load_device(n.strip()) for n in specs.split(",") if n.strip()]
    if not devices:
        raise DeviceError(f"no device named in {specs!r}; known devices: {', '.join(device_names())}")
    return devices


def all_devices():
    return [load_device(n) for n in device_names()]
