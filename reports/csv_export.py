"""CSV exports in raw units (the unit is in each column name): one line per model x device, and per layer."""

import csv
import dataclasses

from mcubench.core.results import Accuracy, LayerResult, ResultRow

# Scalar fields only: layers and regions have their own tables (the arena plan and battery life their plots);
# the console is not a figure.
_ROW_FIELDS = [f.name for f in dataclasses.fields(ResultRow)
               if f.name not in ("accuracy", "layers", "regions", "console", "console_base64", "cycles_by_cause",
                                 "notes", "arena_plan", "battery_life")]
_ACCURACY_FIELDS = [f.name for f in dataclasses.fields(Accuracy)]
_LAYER_FIELDS = [f.name for f in dataclasses.fields(LayerResult)]


def _value(v):
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        return "x".join(str(x) for x in v)
    return v


def render_csv(results, stream):
    """Every results row with its scalar fields, accuracy flattened to accuracy_<field> columns."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(_ROW_FIELDS + [f"accuracy_{f}" for f in _ACCURACY_FIELDS])
    for r in results.rows:
        acc = [""] * len(_ACCURACY_FIELDS) if r.accuracy is None else [
            _value(getattr(r.accuracy, f)) for f in _ACCURACY_FIELDS]
        writer.writerow([_value(getattr(r, f)) for f in _ROW_FIELDS] + acc)


def render_layers_csv(results, stream):
    """Every layer of every row, keyed by model and device."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["model", "device"] + _LAYER_FIELDS)
    for r in results.rows:
        for layer in r.layers:
            writer.writerow([r.model, r.device] + [_value(getattr(layer, f)) for f in _LAYER_FIELDS])
