"""The report of one results record as a list of blocks (reports.blocks).

Everything is read from the record and formatted with reports.format; the only derived values are
display ones (best per model, ratios to a reference device, share of latency, flash left after code and
weights). Battery life comes in the record (ResultRow.battery_life, computed by benchmarks/battery.py).
"""

import re

from mcubench.reports import format as fmt
from mcubench.core.results import BATTERY_TABLE_RATES
from mcubench.reports.variants import variants_section
from mcubench.reports.blocks import (BEST, BulletList, Details, Figure, Heading, Note, Paragraph,  # noqa: F401
                                     Preformatted, Table)

SUMMARY_HEADERS = ["Model", "Device", "Latency", "Energy/Inference", "Peak RAM", "Flash", "Accuracy"]


# How every figure of a report is obtained, said next to the summary and on every plot.
ESTIMATE_LABEL = "simulated cycles x device cost model"

ESTIMATE_STATEMENT = (
    f"Every figure in this report is a simulated estimate, not a measurement on a board: {ESTIMATE_LABEL}. "
    "The firmware runs instruction by instruction in an emulator; each device's cost model turns the executed "
    "instructions and memory accesses into cycles, latency (cycles / clock) and energy (the device's power "
    "figures x time). How far each device's model has been checked against silicon is in the table "
    "\"How far the figures are trusted\" below.")


def layers_plot_name(model) -> str:
    """The per-layer plot's name for a model; safe as a file name."""
    return "layers_" + re.sub(r"[^A-Za-z0-9_.-]", "_", model)


def arena_plot_name(model) -> str:
    """The arena-plan plot's name for a model; safe as a file name."""
    return "arena_" + re.sub(r"[^A-Za-z0-9_.-]", "_", model)


def models_in_order(results, kind=None):
    """Model (or firmware) names in the order they first appear, with their titles; only rows of `kind`
    ("model" or "firmware") when given."""
    seen = {}
    for r in results.rows:
        if kind is None or r.kind == kind:
            seen.setdefault(r.model, r.model_title)
    return list(seen.items())


def record_title(results) -> str:
    """What the record is about: its suite, or the firmware and models a `mcubench run` measured."""
    if results.suite:
        return results.suite
    return ", ".join(dict.fromkeys(r.model for r in results.rows)) or "empty record"


def devices_in_order(results):
    """Device names in the order they first appear, with their labels."""
    seen = {}
    for r in results.rows:
        seen.setdefault(r.device, fmt.device_label(r))
    return list(seen.items())


def _row(results, model, device):
    for r in results.rows:
        if r.model == model and r.device == device:
            return r
    return None


# ---------------------------------------------------------------------------------------------- honesty

def _groups(rows, key):
    """Devices grouped by equal key(row): [(key value, [rows])], in order of first appearance."""
    groups = {}
    for r in rows:
        groups.setdefault(key(r), []).append(r)
    return list(groups.items())


def validation_text(info) -> str:
    """What the record says about how far a device's model was checked against silicon."""
    return fmt.trust(info.validation if info is not None else None)


def trust_blocks(results) -> list:
    """The trust table, and what the energy method gave where it was checked against silicon."""
    blocks = [trust_table(results)]
    if results.energy_method_check is not None:
        blocks.append(Paragraph(fmt.energy_method_trust(results.energy_method_check)))
    return blocks


def trust_table(results) -> Table:
    rows = []
    for name, label in devices_in_order(results):
        info = results.devices.get(name)
        row = next(r for r in results.rows if r.device == name)
        how = f"{ESTIMATE_LABEL} ({row.isa} code)"
        if row.proxy_isa:
            how = f"{ESTIMATE_LABEL} ({row.proxy_isa.upper()} code standing in for the device's own ISA)"
        energy = fmt.energy_trust(info.energy_check if info is not None else None)
        rows.append([label, how, validation_text(info), energy])
    return Table(["Device", "How the figures are obtained", "Timing against silicon", "Energy against silicon"], rows,
                 caption="How far the figures are trusted (timing: each device's model against published silicon "
                         "figures; energy: its run power against power measured on silicon while inferring; both "
                         "`mcubench validate`)")


def _input_text(rows) -> str:
    """How the measured run of these rows (one model, devices with the same input) got its input."""
    first = rows[0]
    if first.kind == "firmware":
        return "the firmware as given, with whatever input it holds; a firmware has no accuracy to score"
    if first.input_kind == "random":
        return (f"a random int8 tensor from a fixed seed ({first.input_seed}); no labelled test samples were run, "
                f"so accuracy is not measured (\u201c{fmt.DASH}\u201d)")
    if first.input_kind == "file":
        return "an input file given to the run; no accuracy is measured on one input"
    if first.input_kind == "test-set":
        scored = next((r.accuracy.samples for r in rows if r.accuracy is not None), None)
        text = "the first sample of its test set"
        if scored:
            text += f"; accuracy over {fmt.count(scored)} test samples run through the simulated firmware"
        return text
    return "not recorded in this record" + ("; no accuracy was measured" if all(r.accuracy is None for r in rows)
                                             else "")


def input_items(results) -> list:
    """Per model, the input of the measured run and what accuracy was scored on."""
    items = []
    for model, title in models_in_order(results):
        groups = _groups([r for r in results.rows if r.model == model],
                         lambda r: (r.kind, r.input_kind, r.input_seed))
        if len(groups) == 1:
            items.append(f"{title}: {_input_text(groups[0][1])}.")
            continue
        parts = [f"on {', '.join(fmt.device_label(r) for r in rows)}, {_input_text(rows)}" for _, rows in groups]
        items.append(f"{title}: " + "; ".join(parts) + ".")
    return items


# ---------------------------------------------------------------------------------------------- tables

def summary_table(results) -> Table:
    rows = [[r.model_title, fmt.device_label(r), fmt.ms(r.latency_ms), fmt.uj(r.energy_uj),
             fmt.kib(r.peak_ram_bytes), fmt.kib(r.flash_bytes), fmt.accuracy(r.accuracy)]
            for r in results.rows]
    return Table(list(SUMMARY_HEADERS), rows, numeric=[2, 3, 4, 5, 6],
                 caption=f"Simulated estimates ({ESTIMATE_LABEL}), one row per model and device")


def pivot_table(results, value, show, caption) -> Table:
    """Models down, devices across; the lowest figure of each model is marked best."""
    devices = devices_in_order(results)
    rows, marks = [], {}
    for i, (model, title) in enumerate(models_in_order(results)):
        cells, values = [title], {}
        for j, (device, _) in enumerate(devices, start=1):
            r = _row(results, model, device)
            cells.append(show(value(r)) if r is not None else fmt.DASH)
            if r is not None:
                values[j] = value(r)
        if len(values) > 1:
            best = min(values.values())
            marks.update({(i, j): BEST for j, v in values.items() if v == best})
        rows.append(cells)
    return Table(["Model"] + [label for _, label in devices], rows, numeric=list(range(1, len(devices) + 1)),
                 marks=marks, caption=caption)


def ratio_table(results, reference, value, ratio, caption) -> Table:
    """Models down, devices across: ratio(value of the device, value of the reference device)."""
    devices = devices_in_order(results)
    headers = ["Model"] + [label + (" (reference)" if device == reference else "") for device, label in devices]
    rows = []
    for model, title in models_in_order(results):
        ref = _row(results, model, reference)
        cells = [title]
        for device, _ in devices:
            r = _row(results, model, device)
            if r is None or ref is None or not value(r) or not value(ref):
                cells.append(fmt.DASH)
            else:
                cells.append(f"{ratio(value(r), value(ref)):.2f}x")
        rows.append(cells)
    return Table(headers, rows, numeric=list(range(1, len(devices) + 1)), caption=caption)


def run_table(results) -> Table:
    headers = ["Model", "Device", "Simulated ISA", "Clock", "Voltage", "MACs", "Instructions", "Cycles",
               "Cycles/MAC", "Power (running)", "Power (idle)"]
    rows = []
    for r in results.rows:
        rows.append([r.model_title, fmt.device_label(r), r.isa, fmt.mhz(r.clock_mhz), f"{r.voltage_v:g} V",
                     fmt.count(r.macs) if r.kind == "model" else fmt.DASH, fmt.count(r.instructions),
                     fmt.count(r.cycles),
                     fmt.ratio(r.cycles / r.macs if r.macs else None), fmt.mw(r.avg_power_mw),
                     fmt.mw(r.idle_power_mw)])
    return Table(headers, rows, numeric=[3, 4, 5, 6, 7, 8, 9, 10])


def toolchain_table(results) -> Table:
    """One line per device and toolchain: the compiler with its version and the flags that matter."""
    seen = {}
    for r in results.rows:
        seen.setdefault((fmt.device_label(r), r.compiler, fmt.compiler_flags(r.cflags)), None)
    rows = [[device, compiler or fmt.DASH, flags] for device, compiler, flags in seen]
    return Table(["Device", "Compiler", "Flags (target and optimisation)"], rows)


def layer_table(row) -> Table:
    headers = ["#", "Layer", "Op", "Output shape", "MACs", "Cycles", "Cycles/MAC", "Latency", "Share of latency"]
    rows = []
    for layer in row.layers:
        rows.append([str(layer.index), layer.name, layer.op, fmt.shape(layer.output_shape), fmt.count(layer.macs),
                     fmt.count(layer.cycles), fmt.ratio(layer.cycles_per_mac), fmt.ms(layer.latency_ms),
                     fmt.share(layer.cycles, row.cycles)])
    # What the layers do not cover: start-up, input copy, the harness around the inference.
    outside = row.cycles - sum(layer.cycles for layer in row.layers)
    rows.append(["", "(outside layers)", "", "", "", fmt.count(outside), "",
                 fmt.ms(row.latency_ms * outside / row.cycles if row.cycles else 0.0),
                 fmt.share(outside, row.cycles)])
    return Table(headers, rows, numeric=[0, 4, 5, 6, 7, 8])


def region_table(row) -> Table:
    headers = ["Region", "Inside", "Calls", "Instructions", "Cycles", "Latency", "Energy", "Share of latency"]
    rows = [[g.name, g.parent or fmt.DASH, fmt.count(g.calls), fmt.count(g.instructions), fmt.count(g.cycles),
             fmt.ms(g.latency_ms), fmt.uj(g.energy_uj), fmt.share(g.cycles, row.cycles)] for g in row.regions]
    return Table(headers, rows, numeric=[2, 3, 4, 5, 6, 7])


# The console is shown in full up to this many characters, then cut (the record holds all of it).
CONSOLE_SHOWN = 4000


def firmware_blocks(row):
    """A firmware row's regions, exit status and console."""
    exit_text = "did not report an exit status" if row.exit_status is None else f"exit status {row.exit_status}"
    blocks = [Heading(4, fmt.device_label(row)),
              Paragraph(f"{fmt.count(row.instructions)} instructions, {fmt.count(row.cycles)} cycles; "
                        f"{exit_text}.")]
    if row.regions:
        blocks.append(region_table(row))
    else:
        blocks.append(Paragraph("No regions were measured (`mcubench run --region FUNC`, or region markers)."))
    if row.console:
        text = row.console if len(row.console) <= CONSOLE_SHOWN else row.console[:CONSOLE_SHOWN] + "\n[...]"
        blocks += [Paragraph("Console:"), Preformatted(text)]
    return blocks


def layers_side_by_side(results, model) -> Table:
    """Each layer once, a latency column per device; the layer's weight bytes and the arena bytes live while
    it runs (one column where every device agrees, else one per group of devices that agree)."""
    rows = [r for r in results.rows if r.model == model and r.kind == "model" and r.layers]
    order = {}
    for r in rows:
        for layer in r.layers:
            order.setdefault(layer.index, layer)
    per_device = [{layer.index: layer for layer in r.layers} for r in rows]

    def columns(attr, title):
        """(header, attr, row whose layers give the figures): one column where the devices agree, else one
        per group of devices that agree, named by their ISA where that tells the groups apart."""
        groups = [members for _, members in _groups(rows, lambda r: tuple(getattr(x, attr) for x in r.layers))]
        if len(groups) == 1:
            return [(title, attr, rows[0])]
        isas = [", ".join(dict.fromkeys(r.isa for r in members)) for members in groups]
        names = isas if len(set(isas)) == len(isas) else [", ".join(r.device for r in members) for members in groups]
        return [(f"{title} ({name})", attr, members[0]) for name, members in zip(names, groups)]

    memory = columns("weights_bytes", "Weights") + columns("arena_live_bytes", "Arena live")
    headers = ["#", "Layer", "Op", "Output shape", "MACs"] + [h for h, _, _ in memory] + [
        fmt.device_label(r) for r in rows]
    table_rows = []
    for index, layer in order.items():
        cells = [str(index), layer.name, layer.op, fmt.shape(layer.output_shape), fmt.count(layer.macs)]
        for _, attr, source in memory:
            own = next((x for x in source.layers if x.index == index), None)
            cells.append(fmt.kib(getattr(own, attr)) if own is not None else fmt.DASH)
        cells += [fmt.ms(layers[index].latency_ms) if index in layers else fmt.DASH for layers in per_device]
        table_rows.append(cells)
    blank = [""] * (3 + len(memory))
    outside = [fmt.ms(max(0.0, r.latency_ms - sum(layer.latency_ms for layer in r.layers))) for r in rows]
    table_rows.append(["", "(outside layers)"] + blank + outside)
    table_rows.append(["", "Whole inference"] + blank + [fmt.ms(r.latency_ms) for r in rows])
    numeric = [0, 4] + list(range(5, len(headers)))
    return Table(headers, table_rows, numeric=numeric,
                 caption="Latency per layer and device; weights and arena bytes in use per layer")


def arena_outside(row) -> int:
    """Static RAM besides the tensor arena (the arena is a static buffer, counted in static RAM)."""
    return max(0, row.static_ram_bytes - row.arena_bytes)


def flash_other(row):
    """Flash besides code and weights (requantization tables, packing, initial values), when code is known.
    A firmware as given has no weights mcubench knows of: all its flash besides code counts here."""
    if row.code_bytes is None:
        return None
    return max(0, row.flash_bytes - row.code_bytes - row.weights_bytes)


def memory_table(results) -> Table:
    headers = ["Model", "Device", "Flash: code", "weights", "other constants", "Flash total",
               "RAM: static (besides arena)", "arena", "stack", "heap", "Peak RAM"]

    def model_only(r, nbytes):  # arena and weights are what mcubench's compiler laid out
        return fmt.kib(nbytes) if r.kind == "model" else fmt.DASH

    rows = [[r.model_title, fmt.device_label(r), fmt.kib(r.code_bytes), model_only(r, r.weights_bytes),
             fmt.kib(flash_other(r)), fmt.kib(r.flash_bytes), fmt.kib(arena_outside(r)), model_only(r, r.arena_bytes),
             fmt.kib(r.stack_bytes), fmt.kib(r.heap_bytes), fmt.kib(r.peak_ram_bytes)] for r in results.rows]
    return Table(headers, rows, numeric=list(range(2, 11)))


def accuracy_table(results):
    rows = [[r.model_title, fmt.device_label(r), r.accuracy.metric, fmt.accuracy(r.accuracy),
             fmt.count(r.accuracy.samples), f"{100 * r.accuracy.reference_agreement:.1f}%"]
            for r in results.rows if r.accuracy is not None]
    if not rows:
        return None
    headers = ["Model", "Device", "Metric", "Score", "Samples", "Outputs equal to TFLite's"]
    return Table(headers, rows, numeric=[3, 4, 5])


def has_battery_life(results) -> bool:
    """The record carries battery-life figures for every row (records before schema /5 have none)."""
    return results.battery is not None and all(r.battery_life is not None for r in results.rows)


def battery_cell(years, battery) -> str:
    if years > battery.shelf_life_years:
        return f"> {battery.shelf_life_years:g} (shelf life)"
    return fmt.years(years)


def battery_table(results) -> Table:
    battery = results.battery
    headers = ["Model", "Device", "Energy/Inference", "Idle power"]
    headers += [f"Years at {fmt.rate(rate)}" for rate in BATTERY_TABLE_RATES]
    rows = []
    for r in results.rows:
        cells = [r.model_title, fmt.device_label(r), fmt.uj(r.energy_uj), fmt.mw(r.idle_power_mw)]
        years = {p.inferences_per_s: p.battery_life_years for p in r.battery_life.table}
        # A rate missing from the row's table is one the device cannot reach.
        cells += [battery_cell(years[rate], battery) if rate in years else "too slow" for rate in BATTERY_TABLE_RATES]
        rows.append(cells)
    return Table(headers, rows, numeric=list(range(2, 4 + len(BATTERY_TABLE_RATES))))


def failures_table(results) -> Table:
    """Model x device pairs asked for but not measured, with the reason (e.g. required vs available bytes)."""
    return Table(["Model", "Device", "Why", "Details"],
                 [[f.model_title, f.device_title, f.kind, f.message] for f in results.failures])


def device_section(name, info):
    items = [Heading(3, f"{info.title} (`{name}`)"),
             Paragraph(f"Core {info.core}, {fmt.mhz(info.clock_mhz)}, description version {info.version}."),
             Paragraph(f"Trust: {validation_text(info)} (`mcubench validate`).")]
    items.append(Paragraph("Sources:"))
    items.append(BulletList(list(info.sources) or ["none recorded"]))
    items.append(Paragraph("Assumptions:"))
    items.append(BulletList(list(info.assumptions) or ["none recorded"]))
    return items


# ---------------------------------------------------------------------------------------------- document

def reference_device(results, reference=None) -> str:
    """The device the ratios are taken against: the one asked for, else the first in the record."""
    names = [name for name, _ in devices_in_order(results)]
    if reference is None:
        return names[0]
    if reference not in names:
        from mcubench.core.errors import ResultsError
        raise ResultsError(f"reference device {reference!r} is not in this record (it has: {', '.join(names)})")
    return reference


def _figure(plots, name, caption):
    """The figure of plot name, if it was drawn (its name in plots)."""
    return [Figure(name, caption)] if name in plots else []


def _title_blocks(results):
    meta = [f"suite `{results.suite}`" if results.suite else "recorded by `mcubench run`",
            f"mcubench {results.mcubench_version}"]
    if results.git_commit:
        meta.append(f"commit {results.git_commit[:12]}")
    if results.created_utc:
        meta.append(f"run {results.created_utc}")
    return [Heading(1, f"mcubench report: {record_title(results)}"), Paragraph(", ".join(meta) + ".")]


def _summary_section(results, not_measured):
    doc = [Heading(2, "Summary"), Note(ESTIMATE_STATEMENT), summary_table(results)]
    if any(r.accuracy is None and r.kind == "model" for r in results.rows):
        doc.append(Paragraph(f"Accuracy \u201c{fmt.DASH}\u201d: not measured, because no labelled test samples were "
                             "run (see the inputs below)."))
    return doc + [Paragraph("Input of the measured run, per model:"), BulletList(input_items(results)),
                  *trust_blocks(results)] + not_measured


def _comparison_section(results, plots, reference):
    reference_label = dict(devices_in_order(results))[reference]
    doc = [Heading(2, "Comparison"),
           Paragraph(f"Best figure per model in bold. Ratios are taken against {reference_label} "
                     "(`mcubench report --reference-device NAME` picks another)."),
           pivot_table(results, lambda r: r.latency_ms, fmt.ms, "Latency per inference"),
           pivot_table(results, lambda r: r.energy_uj, fmt.uj, "Energy per inference"),
           ratio_table(results, reference, lambda r: r.latency_ms, lambda this, ref: ref / this,
                       f"Speed-up against {reference_label} (its latency / this latency; above 1 is faster)"),
           ratio_table(results, reference, lambda r: r.energy_uj, lambda this, ref: this / ref,
                       f"Energy against {reference_label} (this energy / its energy; below 1 spends less)")]
    doc += variants_section(results)
    doc += _figure(plots, "latency", f"Latency per inference, per model and device ({ESTIMATE_LABEL})")
    doc += _figure(plots, "energy", f"Energy per inference, per model and device ({ESTIMATE_LABEL})")
    return doc


def _run_details_section(results):
    return [Heading(2, "Run details"), run_table(results),
            Paragraph("Toolchains (the full command lines are in results.csv):"), toolchain_table(results)]


def _accuracy_section(results):
    acc = accuracy_table(results)
    if acc is None:
        return []
    doc = [Heading(2, "Accuracy on the simulated firmware"), acc]
    # The firmware's int8 kernels are meant to match the interpreter bit for bit; say so when not.
    differing = [f"{r.model_title} on {fmt.device_label(r)}" for r in results.rows
                 if r.accuracy is not None and r.accuracy.reference_agreement < 1.0]
    if differing:
        doc.append(Paragraph("Outputs differ from the TFLite interpreter's on some samples for: "
                             + "; ".join(differing) + "."))
    unscored = [f"{r.model_title} on {fmt.device_label(r)}" for r in results.rows
                if r.accuracy is None and r.kind == "model"]
    if unscored:
        doc.append(Paragraph("Not scored (no labelled test samples run): " + "; ".join(unscored) + "."))
    return doc


def _firmware_section(results):
    firmware = models_in_order(results, "firmware")
    doc = [Heading(2, "Firmware regions and console")] if firmware else []
    for name, title in firmware:
        doc.append(Heading(3, title))
        for r in results.rows:
            if r.model == name and r.kind == "firmware":
                doc += firmware_blocks(r)
    return doc


def _model_layers_blocks(results, plots, model, title):
    doc = [Heading(3, title)]
    doc += _figure(plots, layers_plot_name(model), f"Per-layer latency of {title}, one panel per device "
                                                   f"({ESTIMATE_LABEL})")
    rows = [r for r in results.rows if r.model == model and r.kind == "model"]
    if not any(r.layers for r in rows):
        return doc + [Paragraph("No per-layer figures in this record.")]
    doc.append(layers_side_by_side(results, model))
    details = []
    for r in rows:
        details.append(Heading(4, fmt.device_label(r)))
        details.append(layer_table(r) if r.layers else Paragraph("No per-layer figures in this record."))
    doc.append(Details(f"Cycles, cycles per MAC and share of latency per layer, for each device of {title}",
                       details))
    return doc


def _layers_section(results, plots):
    models = models_in_order(results, "model")
    doc = [Heading(2, "Per-layer figures")] if models else []
    for model, title in models:
        doc += _model_layers_blocks(results, plots, model, title)
    return doc


def _memory_section(results, plots):
    doc = [Heading(2, "Memory"),
           Paragraph("Flash holds the code, the model's weights and other constants (requantization tables, "
                     "packing, the initial values of variables). RAM: static RAM is .data plus .bss, with the "
                     "tensor arena as one static buffer inside it; peak RAM is what the run touched: static RAM, "
                     "the stack high-water mark and the heap. 1 KiB = 1024 bytes."),
           memory_table(results)]
    doc += _figure(plots, "memory", "Flash and RAM by kind, per model and device")
    arena_figures = []
    for model, title in models_in_order(results):
        arena_figures += _figure(plots, arena_plot_name(model), f"Arena plan of {title}: the buffers live at each "
                                                                "layer and where they sit in the arena")
    if arena_figures:
        doc += [Heading(3, "Arena plan over time"),
                Paragraph("Each bar is one buffer of the static arena plan: from the layer that writes it to the "
                          "last layer that reads it, at its offset in the arena. Devices whose builds share a plan "
                          "share a panel.")] + arena_figures
    return doc


def _battery_section(results, plots):
    doc = [Heading(2, "Battery life")]
    battery = results.battery
    if not has_battery_life(results):
        return doc + [Paragraph("This record carries no battery-life figures (written before records held them); "
                                "`mcubench report` computes them.")]
    doc += [Paragraph(f"A duty-cycled deployment on {battery.describe()}: wake, run one inference, sleep at "
                      "the row's idle power. Regulator losses and wake-up costs are not included. Years are "
                      f"capped at {battery.shelf_life_years:g}: {battery.shelf_life_basis}."),
            battery_table(results)]
    return doc + _figure(plots, "battery_life", f"Years on {battery.describe()} against inferences per second")


def _devices_section(results):
    doc = [Heading(2, "Devices: assumptions and sources")]
    for name, info in results.devices.items():
        doc += device_section(name, info)
    lacking = sorted({r.device for r in results.rows} - set(results.devices))
    if lacking:
        doc.append(Paragraph("No description recorded for: " + ", ".join(lacking) + "."))
    return doc


def build_document(results, plot_names=(), reference=None):
    """The report as a list of blocks; figures are included only for plots in plot_names."""
    plots = set(plot_names)
    not_measured = [Heading(2, "Not measured"), failures_table(results)] if results.failures else []
    if not results.rows:
        return (_title_blocks(results) + [Paragraph("This record holds no results (no model was run on any device).")]
                + not_measured)
    reference = reference_device(results, reference)
    return (_title_blocks(results) + _summary_section(results, not_measured)
            + _comparison_section(results, plots, reference) + _run_details_section(results)
            + _accuracy_section(results) + _firmware_section(results) + _layers_section(results, plots)
            + _memory_section(results, plots) + _battery_section(results, plots) + _devices_section(results))
