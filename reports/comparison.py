"""Several results records side by side (`mcubench report a.json b.json`): baseline against a change, or one
suite built with two toolchains. Every figure of every model x device that the records share, with its
change against the first record; a figure that got worse is marked (any increase of a cost, any drop of
accuracy: the simulation is deterministic, so no change is noise).
"""

import csv
from dataclasses import dataclass
import io

from mcubench.reports import format as fmt
from mcubench.reports.blocks import BETTER, WORSE, BulletList, Heading, Note, Paragraph, Table
from mcubench.reports.document import ESTIMATE_LABEL


@dataclass(frozen=True)
class Metric:
    label: str
    value: object  # row -> number or None
    show: object  # number -> str
    higher_is_worse: bool = True


METRICS = (
    Metric("Latency", lambda r: r.latency_ms, fmt.ms),
    Metric("Energy/Inference", lambda r: r.energy_uj, fmt.uj),
    Metric("Cycles", lambda r: r.cycles, fmt.count),
    Metric("Peak RAM", lambda r: r.peak_ram_bytes, lambda v: f"{fmt.count(v)} B"),
    Metric("Flash", lambda r: r.flash_bytes, lambda v: f"{fmt.count(v)} B"),
    Metric("Accuracy", lambda r: None if r.accuracy is None else r.accuracy.value, lambda v: f"{100 * v:.2f}%",
           higher_is_worse=False),
)


def _pairs(results):
    return {(r.model, r.device): r for r in results.rows}


def _change(metric, base, new) -> str:
    if base is None or new is None:
        return fmt.DASH
    delta = new - base
    if delta == 0:
        return "0"
    sign = "+" if delta > 0 else "-"
    if metric.label == "Accuracy":
        return f"{sign}{100 * abs(delta):.2f} points"
    text = sign + metric.show(abs(delta))
    if base:
        text += f" ({sign}{fmt.number(abs(100 * delta / base))}%)"
    return text


def _mark(metric, base, new):
    if base is None or new is None or new == base:
        return None
    worse = new > base if metric.higher_is_worse else new < base
    return WORSE if worse else BETTER


def shared_pairs(records):
    """(model, device) pairs present in every record, in the first record's order."""
    maps = [_pairs(results) for _, results in records]
    return [key for key in maps[0] if all(key in m for m in maps[1:])]


def changes(records):
    """Every figure that differs from the first record's: [(model title, device label, metric, base row
    value, label, new value, mark)]."""
    maps = [_pairs(results) for _, results in records]
    out = []
    for key in shared_pairs(records):
        base_row = maps[0][key]
        for metric in METRICS:
            base = metric.value(base_row)
            for (label, _), m in zip(records[1:], maps[1:]):
                new = metric.value(m[key])
                mark = _mark(metric, base, new)
                if mark:
                    out.append((base_row.model_title, fmt.device_label(base_row), metric, base, label, new, mark))
    return out


def metric_table(records, metric) -> Table:
    labels = [label for label, _ in records]
    headers = ["Model", "Device"] + labels + [f"Change {label} vs {labels[0]}" for label in labels[1:]]
    maps = [_pairs(results) for _, results in records]
    rows, marks = [], {}
    for i, key in enumerate(shared_pairs(records)):
        values = [metric.value(m[key]) for m in maps]
        row = maps[0][key]
        cells = [row.model_title, fmt.device_label(row)]
        cells += [metric.show(v) if v is not None else fmt.DASH for v in values]
        for j, v in enumerate(values[1:], start=1):
            cells.append(_change(metric, values[0], v))
            mark = _mark(metric, values[0], v)
            if mark:
                marks[i, 2 + j] = mark
                marks[i, 1 + len(values) + j] = mark
        rows.append(cells)
    numeric = list(range(2, len(headers)))
    return Table(headers, rows, numeric=numeric, marks=marks, caption=metric.label)


def layer_changes_table(records):
    """Layers whose cycles changed between the first and each other record, largest change first."""
    maps = [_pairs(results) for _, results in records]
    rows, marks = [], {}
    for key in shared_pairs(records):
        base_row = maps[0][key]
        base_layers = {layer.index: layer for layer in base_row.layers}
        for (label, _), m in zip(records[1:], maps[1:]):
            moved = []
            for layer in m[key].layers:
                old = base_layers.get(layer.index)
                if old is not None and old.cycles != layer.cycles:
                    moved.append((old, layer))
            moved.sort(key=lambda pair: abs(pair[1].cycles - pair[0].cycles), reverse=True)
            for old, new in moved:
                delta = new.cycles - old.cycles
                marks[len(rows), 6] = WORSE if delta > 0 else BETTER
                rows.append([base_row.model_title, fmt.device_label(base_row), label, f"{new.index}: {new.name}",
                             fmt.count(old.cycles), fmt.count(new.cycles),
                             f"{delta:+,} ({fmt.number(100 * delta / old.cycles) if old.cycles else fmt.DASH}%)"])
    if not rows:
        return None
    return Table(["Model", "Device", "Record", "Layer", "Cycles before", "Cycles after", "Change"], rows,
                 numeric=[4, 5, 6], marks=marks, caption="Layers whose cycles changed")


def _toolchains(results):
    return {r.device: r.compiler for r in results.rows if r.compiler}


def context_items(records) -> list:
    """What differs between the records besides the figures and could explain them."""
    (first_label, first), rest = records[0], records[1:]
    base_pairs = _pairs(first)
    items = []
    for label, results in rest:
        tools = {}
        for key, row in _pairs(results).items():
            old = base_pairs.get(key)
            if old is not None and old.compiler and row.compiler and old.compiler != row.compiler:
                tools.setdefault((old.compiler, row.compiler), []).append(fmt.device_label(row))
        for (old, new), devices in tools.items():
            items.append(f"Toolchain {old} ({first_label}) -> {new} ({label}) for "
                         f"{', '.join(dict.fromkeys(devices))}.")
        base_versions = {name: info.version for name, info in first.devices.items()}
        for name, info in results.devices.items():
            if name in base_versions and base_versions[name] != info.version:
                items.append(f"Device description {name}: version {base_versions[name]} ({first_label}) -> "
                             f"{info.version} ({label}).")
        base_models = {r.model: r.model_sha256 for r in first.rows}
        for model in dict.fromkeys(r.model for r in results.rows):
            sha = next(r.model_sha256 for r in results.rows if r.model == model)
            if model in base_models and base_models[model] != sha:
                items.append(f"Model file {model}: differs between {first_label} and {label}.")
        if first.mcubench_version != results.mcubench_version:
            items.append(f"mcubench {first.mcubench_version} ({first_label}) -> {results.mcubench_version} ({label}).")
    return items


def build_comparison(records):
    """The comparison report as blocks. records: [(label, Results)], the first is the base."""
    labels = [label for label, _ in records]
    doc = [Heading(1, "mcubench comparison: " + " vs ".join(labels)),
           Paragraph(f"Figures of {', '.join(labels[1:])} against {labels[0]}.")]
    provenance = []
    for label, results in records:
        meta = [f"suite `{results.suite}`", f"mcubench {results.mcubench_version}"]
        if results.git_commit:
            meta.append(f"commit {results.git_commit[:12]}")
        if results.created_utc:
            meta.append(f"run {results.created_utc}")
        tools = sorted(set(_toolchains(results).values()))
        if tools:
            meta.append("toolchains " + ", ".join(tools))
        provenance.append(f"{label}: " + ", ".join(meta) + ".")
    doc += [BulletList(provenance),
            Note(f"The records hold simulated estimates ({ESTIMATE_LABEL}), not measurements. The simulation is "
                 "deterministic: any change below comes from the firmware, the toolchain, the device description "
                 "or mcubench itself, never from noise.")]
    found = changes(records)
    worse = [c for c in found if c[6] == WORSE]
    shared = shared_pairs(records)
    summary = (f"{len(shared)} model x device pairs in every record: {len(worse)} figure(s) worse, "
               f"{len(found) - len(worse)} better.")
    doc += [Heading(2, "Changes"), Paragraph(summary)]
    context = context_items(records)
    if context:
        doc += [Paragraph("Besides the figures, these differ (and may explain them):"), BulletList(context)]
    if worse:
        rows = [[model, device, metric.label, metric.show(base), label, metric.show(new), _change(metric, base, new)]
                for model, device, metric, base, label, new, _ in worse]
        doc.append(Table(["Model", "Device", "Metric", labels[0], "Record", "Now", "Change"], rows,
                         numeric=[3, 5, 6], marks={(i, 6): WORSE for i in range(len(rows))},
                         caption="Regressions"))
    for position, (label, results) in enumerate(records):
        others = set().union(*(_pairs(r) for i, (_, r) in enumerate(records) if i != position))
        only = [f"{r.model_title} on {fmt.device_label(r)}" for r in results.rows if (r.model, r.device) not in others]
        if only:
            doc.append(Paragraph(f"Only in {label}: " + "; ".join(only) + "."))

    doc.append(Heading(2, "Figures side by side"))
    doc += [metric_table(records, metric) for metric in METRICS]
    layers = layer_changes_table(records)
    doc.append(Heading(2, "Per-layer changes"))
    doc.append(layers if layers is not None else Paragraph("No layer's cycles changed."))
    return doc


def comparison_csv(records) -> str:
    """Every figure of every shared pair in raw units: model, device, metric, one column per record."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["model", "device", "metric"] + [label for label, _ in records])
    maps = [_pairs(results) for _, results in records]
    for key in shared_pairs(records):
        for metric in METRICS:
            values = [metric.value(m[key]) for m in maps]
            writer.writerow([*key, metric.label] + ["" if v is None else v for v in values])
    return stream.getvalue()
