"""Device descriptions: one TOML file per chip (built-in ones under cost_models/devices/), validated on load.

Every figure carries its source (a `source` string beside it: document and table) or is marked as an
assumption with its reasoning. Unknown keys, overlapping memory areas and missing sources are errors.
"""

from dataclasses import dataclass, field
import importlib.util
from pathlib import Path
import tomllib

from mcubench.core.errors import DeviceError
from mcubench.core.memory_map import MemoryArea, MemoryMap

# The built-in descriptions are data of the cost_models package; found through its import spec so that the
# source tree (folders mapped into the namespace) and an installed wheel both work, without importing it.
DEVICES_DIR = Path(importlib.util.find_spec("mcubench.cost_models").submodule_search_locations[0]) / "devices"

ISAS = ("armv7e-m", "armv6-m", "rv32imc")

_TOP_KEYS = {
    "name": str, "title": str, "version": int, "isa": str, "core": str, "summary": str,
    "memory": list, "placement": dict, "trace": dict, "clock": dict, "power": dict,
    "timing": dict, "caches": list, "proxy": dict, "notes": list,
}
_REQUIRED = ("name", "title", "version", "isa", "core", "memory", "placement")
_AREA_KEYS = {"name", "kind", "base", "size", "source"}
_PLACEMENT_KEYS = {"code", "rodata", "data", "stack", "source"}
_TRACE_KEYS = {"marker_address", "source"}


@dataclass
class Device:
    name: str
    title: str
    version: int
    isa: str
    core: str
    memory_map: MemoryMap
    placement: dict  # section class -> memory area name: code, rodata, data, stack
    marker_address: int | None
    raw: dict = field(repr=False)  # the whole validated description, for the cost models
    path: Path | None = None


def _fail(path, message):
    raise DeviceError(f"{path.name if path else 'device'}: {message}")


def _check_keys(path, where, table, allowed):
    unknown = set(table) - set(allowed)
    if unknown:
        _fail(path, f"{where}: unknown key(s) {', '.join(sorted(unknown))}")


def _need_source(path, where, table):
    if not str(table.get("source", "")).strip():
        _fail(path, f"{where}: missing 'source' (cite document and table, or say 'assumption: why')")


_NUMBER = (int, float)

# Timing keys each core model reads (cost_models/<model>.py); [timing] may hold only those of its model.
TIMING_MODELS = {
    "cortex-m4": {"branch_refill_cycles": _NUMBER},
    "cortex-m7": {"branch_mispredict_cycles": _NUMBER, "dual_issue": bool},
    "cortex-m0plus": {"multiplier_cycles": _NUMBER},
    "esp32c3": {"branch_taken_cycles": _NUMBER, "load_use_cycles": _NUMBER, "mul_cycles": _NUMBER,
                "div_cycles": _NUMBER},
    "lx6-proxy": {"branch_taken_cycles": _NUMBER, "load_use_cycles": _NUMBER, "mul_cycles": _NUMBER,
                  "div_cycles": _NUMBER, "zero_overhead_loops": bool},
}
CACHE_ROLES = ("instruction", "data", "unified")


def _check_table(path, where, table, fields, required=()):
    """A table of typed fields plus its mandatory `source`."""
    if not isinstance(table, dict):
        _fail(path, f"{where} must be a table")
    _check_keys(path, where, table, set(fields) | {"source"})
    for key in required:
        if key not in table:
            _fail(path, f"{where}: missing {key!r}")
    for key, kind in fields.items():
        if key in table:
            value = table[key]
            if isinstance(value, bool) and kind is not bool:
                _fail(path, f"{where}.{key} must be a number")
            if not isinstance(value, kind):
                _fail(path, f"{where}.{key} has the wrong type")
            if kind is _NUMBER and value < 0:
                _fail(path, f"{where}.{key} must not be negative")
    _need_source(path, where, table)


def _check_clock(path, clock):
    _check_table(path, "clock", clock, {"default_mhz": _NUMBER, "min_mhz": _NUMBER, "max_mhz": _NUMBER,
                                        "options_mhz": list}, required=("default_mhz", "min_mhz", "max_mhz"))
    if not clock["min_mhz"] <= clock["default_mhz"] <= clock["max_mhz"] or clock["min_mhz"] <= 0:
        _fail(path, "clock: need 0 < min_mhz <= default_mhz <= max_mhz")
    for mhz in clock.get("options_mhz", []):
        if not isinstance(mhz, _NUMBER) or not clock["min_mhz"] <= mhz <= clock["max_mhz"]:
            _fail(path, f"clock.options_mhz: {mhz!r} is outside min_mhz..max_mhz")


def _check_power(path, power):
    _check_table(path, "power", power, {"voltage_v": _NUMBER, "min_voltage_v": _NUMBER, "max_voltage_v": _NUMBER,
                                        "run": list, "sleep": dict},
                 required=("voltage_v", "min_voltage_v", "max_voltage_v", "run", "sleep"))
    if not 0 < power["min_voltage_v"] <= power["voltage_v"] <= power["max_voltage_v"]:
        _fail(path, "power: need 0 < min_voltage_v <= voltage_v <= max_voltage_v")
    if not power["run"]:
        _fail(path, "power.run: at least one run-mode current point is needed")
    for i, point in enumerate(power["run"]):
        _check_table(path, f"power.run[{i}]", point, {"mhz": _NUMBER, "current_ma": _NUMBER},
                     required=("mhz", "current_ma"))
    if len({p["mhz"] for p in power["run"]}) != len(power["run"]):
        _fail(path, "power.run: two points at the same clock")
    _check_table(path, "power.sleep", power["sleep"], {"mode": str, "current_ua": _NUMBER},
                 required=("mode", "current_ua"))


def _check_timing(path, timing, area_names):
    model = timing.get("model")
    if model not in TIMING_MODELS:
        _fail(path, f"timing.model {model!r} is not one of {', '.join(TIMING_MODELS)}")
    fields = {"model": str, "flash": dict, "flash_wait_states": list, "line_fill": dict, **TIMING_MODELS[model]}
    _check_table(path, "timing", timing, fields, required=("model",))
    if "flash" in timing:
        flash = timing["flash"]
        _check_table(path, "timing.flash", flash, {"area": str, "line_bytes": int, "prefetch": bool},
                     required=("area", "line_bytes", "prefetch"))
        if flash["area"] not in area_names:
            _fail(path, f"timing.flash.area: no memory area named {flash['area']!r}")
    previous = 0
    for i, row in enumerate(timing.get("flash_wait_states", [])):
        _check_table(path, f"timing.flash_wait_states[{i}]", row, {"up_to_mhz": _NUMBER, "wait_states": int},
                     required=("up_to_mhz", "wait_states"))
        if row["up_to_mhz"] <= previous:
            _fail(path, "timing.flash_wait_states: rows must be in increasing up_to_mhz order")
        previous = row["up_to_mhz"]
    if "line_fill" in timing:
        _check_table(path, "timing.line_fill", timing["line_fill"],
                     {"flash_cycles": _NUMBER, "axi_sram_cycles": _NUMBER, "sram_d2_cycles": _NUMBER})


def _check_cache(path, i, cache, area_names):
    where = f"caches[{i}]"
    _check_table(path, where, cache, {"name": str, "role": str, "size_bytes": int, "line_bytes": int, "ways": int,
                                      "areas": list, "write_allocate": bool},
                 required=("name", "role", "size_bytes", "line_bytes", "ways", "areas"))
    if cache["role"] not in CACHE_ROLES:
        _fail(path, f"{where}.role must be one of {', '.join(CACHE_ROLES)}")
    line, ways, size = cache["line_bytes"], cache["ways"], cache["size_bytes"]
    if line <= 0 or line & (line - 1) or ways <= 0 or size <= 0 or size % (line * ways):
        _fail(path, f"{where}: size_bytes must be a multiple of line_bytes x ways, line_bytes a power of two")
    sets = size // (line * ways)
    if sets & (sets - 1):
        _fail(path, f"{where}: {sets} sets (size_bytes / (line_bytes x ways)) is not a power of two")
    for area in cache["areas"]:
        if area not in area_names:
            _fail(path, f"{where}.areas: no memory area named {area!r}")


def parse_device(data: dict, path: Path | None = None) -> Device:
    _check_keys(path, "top level", data, _TOP_KEYS)
    for key in _REQUIRED:
        if key not in data:
            _fail(path, f"missing required key {key!r}")
    for key, kind in _TOP_KEYS.items():
        if key in data and not isinstance(data[key], kind):
            _fail(path, f"{key!r} must be a {kind.__name__}")
    if data["isa"] not in ISAS:
        _fail(path, f"isa {data['isa']!r} is not one of {', '.join(ISAS)}")
    areas = []
    for i, area in enumerate(data["memory"]):
        where = f"memory[{i}]"
        _check_keys(path, where, area, _AREA_KEYS)
        missing = {"name", "kind", "base", "size"} - set(area)
        if missing:
            _fail(path, f"{where}: missing {', '.join(sorted(missing))}")
        _need_source(path, f"memory area {area['name']!r}", area)
        areas.append(MemoryArea(area["name"], area["kind"], int(area["base"]), int(area["size"]), area["source"]))
    try:
        memory_map = MemoryMap(areas)
    except DeviceError as exc:
        _fail(path, str(exc))
    placement = data["placement"]
    _check_keys(path, "placement", placement, _PLACEMENT_KEYS)
    for section in ("code", "rodata", "data", "stack"):
        if section not in placement:
            _fail(path, f"placement: missing {section!r}")
        if placement[section] not in {a.name for a in areas}:
            _fail(path, f"placement.{section}: no memory area named {placement[section]!r}")
    trace = data.get("trace", {})
    _check_keys(path, "trace", trace, _TRACE_KEYS)
    marker = trace.get("marker_address")
    if marker is not None:
        _need_source(path, "trace", trace)
    area_names = {a.name for a in areas}
    if "clock" in data:
        _check_clock(path, data["clock"])
    if "power" in data:
        _check_power(path, data["power"])
    if "timing" in data:
        _check_timing(path, data["timing"], area_names)
    for i, cache in enumerate(data.get("caches", [])):
        _check_cache(path, i, cache, area_names)
    if "proxy" in data:
        _check_table(path, "proxy", data["proxy"], {"isa": str, "real_isa": str}, required=("isa", "real_isa"))
        if data["proxy"]["isa"] != data["isa"]:
            _fail(path, f"proxy.isa {data['proxy']['isa']!r} must be the simulated isa {data['isa']!r}")
    for note in data.get("notes", []):
        if not isinstance(note, str):
            _fail(path, "notes must be strings")
    return Device(
        name=data["name"], title=data["title"], version=data["version"], isa=data["isa"], core=data["core"],
        memory_map=memory_map, placement={k: v for k, v in placement.items() if k != "source"},
        marker_address=marker, raw=data, path=path,
    )


def load_device_file(path) -> Device:
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DeviceError(f"{path.name}: cannot read device description: {exc}") from None
    device = parse_device(data, path)
    if device.name != path.stem:
        _fail(path, f"name {device.name!r} does not match the file name")
    return device


def device_names():
    return sorted(p.stem for p in DEVICES_DIR.glob("*.toml"))


def load_device(name: str) -> Device:
    path = DEVICES_DIR / f"{name}.toml"
    if not path.is_file():
        raise DeviceError(f"unknown device {name!r}; known devices: {', '.join(device_names())}")
    return load_device_file(path)


def load_devices(names: str) -> list:
    """The devices of a comma-separated list as given on a command line ("a,b,c")."""
    devices = [load_device(n.strip()) for n in names.split(",") if n.strip()]
    if not devices:
        raise DeviceError(f"no device named in {names!r}; known devices: {', '.join(device_names())}")
    return devices


def all_devices():
    return [load_device(n) for n in device_names()]
