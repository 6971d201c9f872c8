"""Device descriptions: one TOML file per chip under cost_models/devices/, validated on load.

Every figure carries its source (a `source` string beside it: document and table) or is marked as an
assumption with its reasoning. Unknown keys, overlapping memory areas and missing sources are errors.
"""

from dataclasses import dataclass, field
from pathlib import Path
import tomllib

from mcubench.errors import DeviceError
from simulator.memory_map import MemoryArea, MemoryMap

DEVICES_DIR = Path(__file__).parent / "devices"

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


def all_devices():
    return [load_device(n) for n in device_names()]
