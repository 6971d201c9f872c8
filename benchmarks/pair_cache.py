"""The pair cache behind `mcubench bench --resume`: one measured model x device pair per file.

A pair's key is the content hash of everything its figures depend on: the model file and its data set,
the device description, the cross compiler's version, mcubench's version and the contents of its own
sources (firmware, simulator, cost models: a changed rule must never reuse an old figure), and the run's
options (samples, clock, voltage). Entries are written atomically, so an interrupted run leaves only
whole entries; a later run with --resume takes them and measures the rest.
"""

import dataclasses
import functools
import hashlib
import json
from pathlib import Path

from mcubench import __version__
from mcubench.core.atomic import write_json_atomic
from mcubench.core.results import Accuracy, Failure, LayerResult, ResultRow
from mcubench.firmware.platform.toolchain import cache_root, compiler_version, target_for

_PACKAGE_DIRS = ("simulator", "cost_models", "firmware", "benchmarks")
_SOURCE_SUFFIXES = (".py", ".c", ".h", ".S", ".toml")


@functools.lru_cache(maxsize=1)
def _sources_digest() -> str:
    """Hash of mcubench's own sources: any code or device-file change makes every old entry unusable."""
    import importlib.util

    h = hashlib.sha256(__version__.encode())
    for package in _PACKAGE_DIRS:
        root = Path(importlib.util.find_spec(f"mcubench.{package}").submodule_search_locations[0])
        for path in sorted(p for p in root.rglob("*") if p.suffix in _SOURCE_SUFFIXES and "suites" not in p.parts):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _file_digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else ""


class PairCache:
    def __init__(self, *, max_samples, clock_mhz, voltage_v, folder=None):
        self.options = {"max_samples": max_samples, "clock_mhz": clock_mhz, "voltage_v": voltage_v}
        self.folder = Path(folder) if folder else cache_root() / "pairs"

    def _path(self, model, device) -> Path:
        key = {
            "model": _file_digest(model.file), "dataset": _file_digest(model.dataset), "name": model.name,
            "title": model.title, "metric": model.metric, "device": device.raw,
            "compiler": compiler_version(target_for(device).compiler), "sources": _sources_digest(),
            **self.options,
        }
        digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:32]
        return self.folder / f"{digest}.json"

    def get(self, model, device):
        """The stored ResultRow or Failure of this pair, or None."""
        try:
            data = json.loads(self._path(model, device).read_text())
            if data["kind"] == "failure":
                return Failure(**data["record"])
            row = ResultRow(**data["record"])
            row.accuracy = Accuracy(**row.accuracy) if row.accuracy is not None else None
            row.layers = [LayerResult(**layer) for layer in row.layers]
            return row
        except (OSError, ValueError, KeyError, TypeError):  # absent, or not an entry of this version: measure
            return None

    def put(self, model, device, record):
        kind = "failure" if isinstance(record, Failure) else "row"
        self.folder.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self._path(model, device), {"kind": kind, "record": dataclasses.asdict(record)})
