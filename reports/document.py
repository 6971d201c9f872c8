"""The report's content as a plain structure (headings, paragraphs, tables, lists, figures).

Markdown and HTML walk the same structure, so both always show the same tables; they differ only in
markup. Everything here is read from the results record and formatted with reports.format; the only
derived values are display ones (share of latency, cycles per MAC of a whole model, bytes outside the
arena, battery years from the row's energy and idle power).
"""

from dataclasses import dataclass, field
import re

from mcubench.reports import format as fmt
from mcubench.reports.battery import Battery, battery_years, max_rate


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    headers: list
    rows: list  # [[str]]
    numeric: list = field(default_factory=list)  # column indices aligned right


@dataclass
class BulletList:
    items: list


@dataclass
class Preformatted:
    text: str  # shown verbatim, in a fixed-width font (a firmware's console)


@dataclass
class Figure:
    name: str  # plot name, as reports.plots names it
    caption: str


SUMMARY_HEADERS = ["Model", "Device", "Latency", "Energy/Inference", "Peak RAM", "Flash", "Accuracy"]

# Rates at which the battery-life table is evaluated: one inference a minute, a second, ten a second.
BATTERY_RATES = ((1 / 60, "1/min"), (1.0, "1/s"), (10.0, "10/s"))


def layers_plot_name(model) -> str:
    """The per-layer plot's name for a model; safe as a file name."""
    return "layers_" + re.sub(r"[^A-Za-z0-9_.-]", "_", model)


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


def summary_table(results) -> Table:
    rows = [[r.model_title, fmt.device_label(r), fmt.ms(r.latency_ms), fmt.uj(r.energy_uj),
             fmt.kb(r.peak_ram_bytes), fmt.kb(r.flash_bytes), fmt.accuracy(r.accuracy)]
            for r in results.rows]
    return Table(list(SUMMARY_HEADERS), rows, numeric=[2, 3, 4, 5])


def run_table(results) -> Table:
    headers = ["Model", "Device", "Simulated ISA", "Clock", "Voltage", "MACs", "Instructions", "Cycles",
               "Cycles/MAC", "Power (running)", "Power (idle)", "Compiler"]
    rows = []
    for r in results.rows:
        rows.append([r.model_title, fmt.device_label(r), r.isa, fmt.mhz(r.clock_mhz), f"{r.voltage_v:g} V",
                     fmt.count(r.macs) if r.kind == "model" else fmt.DASH, fmt.count(r.instructions),
                     fmt.count(r.cycles),
                     fmt.ratio(r.cycles / r.macs if r.macs else None), fmt.mw(r.avg_power_mw),
                     fmt.mw(r.idle_power_mw), fmt.compiler(r.compiler, r.cflags)])
    return Table(headers, rows, numeric=[3, 4, 5, 6, 7, 8, 9, 10])


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


def arena_outside(row) -> int:
    """Static RAM besides the tensor arena (the arena is a static buffer, counted in static RAM)."""
    return max(0, row.static_ram_bytes - row.arena_bytes)


def memory_table(results) -> Table:
    headers = ["Model", "Device", "Static RAM", "of which arena", "Stack", "Heap", "Peak RAM", "Flash",
               "of which weights"]
    def model_only(r, nbytes):  # arena and weights are what mcubench's compiler laid out
        return fmt.kb(nbytes) if r.kind == "model" else fmt.DASH

    rows = [[r.model_title, fmt.device_label(r), fmt.kb(r.static_ram_bytes), model_only(r, r.arena_bytes),
             fmt.kb(r.stack_bytes), fmt.kb(r.heap_bytes), fmt.kb(r.peak_ram_bytes), fmt.kb(r.flash_bytes),
             model_only(r, r.weights_bytes)] for r in results.rows]
    return Table(headers, rows, numeric=list(range(2, 9)))


def accuracy_table(results):
    rows = [[r.model_title, fmt.device_label(r), r.accuracy.metric, fmt.accuracy(r.accuracy),
             fmt.count(r.accuracy.samples), f"{100 * r.accuracy.reference_agreement:.1f}%"]
            for r in results.rows if r.accuracy is not None]
    if not rows:
        return None
    headers = ["Model", "Device", "Metric", "Score", "Samples", "Outputs equal to TFLite's"]
    return Table(headers, rows, numeric=[3, 4, 5])


def battery_table(results, battery: Battery) -> Table:
    headers = ["Model", "Device", "Energy/Inference", "Idle power"] + [f"Years at {label}" for _, label in BATTERY_RATES]
    rows = []
    for r in results.rows:
        cells = [r.model_title, fmt.device_label(r), fmt.uj(r.energy_uj), fmt.mw(r.idle_power_mw)]
        for rate, _ in BATTERY_RATES:
            cells.append(fmt.years(battery_years(r, rate, battery)) if rate <= max_rate(r) else "too slow")
        rows.append(cells)
    return Table(headers, rows, numeric=list(range(2, 4 + len(BATTERY_RATES))))


def failures_table(results) -> Table:
    """Model x device pairs asked for but not measured, with the reason (e.g. required vs available bytes)."""
    return Table(["Model", "Device", "Why", "Details"],
                 [[f.model_title, f.device_title, f.kind, f.message] for f in results.failures])


def device_section(name, info):
    items = [Heading(3, f"{info.title} (`{name}`)"),
             Paragraph(f"Core {info.core}, {fmt.mhz(info.clock_mhz)}, description version {info.version}."),
             Paragraph(f"Trust: {fmt.trust(info.validation)} (`mcubench validate`).")]
    items.append(Paragraph("Sources:"))
    items.append(BulletList(list(info.sources) or ["none recorded"]))
    items.append(Paragraph("Assumptions:"))
    items.append(BulletList(list(info.assumptions) or ["none recorded"]))
    return items


def build_document(results, battery: Battery = Battery(), plot_names=()):
    """The report as a list of blocks; figures are included only for plots in plot_names."""
    plots = set(plot_names)

    def figure(name, caption):
        return [Figure(name, caption)] if name in plots else []

    meta = [f"suite `{results.suite}`" if results.suite else "recorded by `mcubench run`",
            f"mcubench {results.mcubench_version}"]
    if results.git_commit:
        meta.append(f"commit {results.git_commit[:12]}")
    if results.created_utc:
        meta.append(f"run {results.created_utc}")
    doc = [Heading(1, f"mcubench report: {record_title(results)}"), Paragraph(", ".join(meta) + ".")]
    not_measured = [Heading(2, "Not measured"), failures_table(results)] if results.failures else []
    if not results.rows:
        return doc + [Paragraph("This record holds no results (no model was run on any device).")] + not_measured
    doc += [Heading(2, "Summary"), summary_table(results)]
    trust_lines = [f"{info.title}: {fmt.trust(info.validation)}" for info in results.devices.values()]
    if trust_lines:
        doc += [Paragraph("How far each device's figures are trusted (timing model against published silicon "
                          "figures):"), BulletList(trust_lines)]
    doc += not_measured
    doc += figure("latency", "Latency per inference, per model and device")
    doc += figure("energy", "Energy per inference, per model and device")
    doc += [Heading(2, "Run details"), run_table(results)]

    acc = accuracy_table(results)
    if acc is not None:
        doc += [Heading(2, "Accuracy on the simulated firmware"), acc]
        # The firmware's int8 kernels are meant to match the interpreter bit for bit; say so when not.
        differing = [f"{r.model_title} on {fmt.device_label(r)}" for r in results.rows
                     if r.accuracy is not None and r.accuracy.reference_agreement < 1.0]
        if differing:
            doc.append(Paragraph("Outputs differ from the TFLite interpreter's on some samples for: "
                                 + "; ".join(differing) + "."))

    firmware = models_in_order(results, "firmware")
    if firmware:
        doc.append(Heading(2, "Firmware regions and console"))
    for name, title in firmware:
        doc.append(Heading(3, title))
        for r in results.rows:
            if r.model == name and r.kind == "firmware":
                doc += firmware_blocks(r)

    models = models_in_order(results, "model")
    if models:
        doc.append(Heading(2, "Per-layer figures"))
    for model, title in models:
        doc.append(Heading(3, title))
        doc += figure(layers_plot_name(model), f"Per-layer latency of {title}")
        for r in results.rows:
            if r.model != model or r.kind != "model":
                continue
            doc.append(Heading(4, fmt.device_label(r)))
            if r.layers:
                doc.append(layer_table(r))
            else:
                doc.append(Paragraph("No per-layer figures in this record."))

    doc += [Heading(2, "Memory"),
            Paragraph("Static RAM is .data plus .bss; the tensor arena is one static buffer inside it. "
                      "Peak RAM is what the run touched: static RAM, the stack high-water mark and the heap."),
            memory_table(results)]
    doc += figure("memory", "RAM by kind, per model and device")

    doc += [Heading(2, "Battery life"),
            Paragraph(f"A duty-cycled deployment on {battery.describe()}: wake, run one inference, sleep at the "
                      "row's idle power. Self-discharge and regulator losses are not included."),
            battery_table(results, battery)]
    doc += figure("battery_life", f"Years on {battery.describe()} against inferences per second")

    doc.append(Heading(2, "Devices: assumptions and sources"))
    described = set()
    for name, info in results.devices.items():
        described.add(name)
        doc += device_section(name, info)
    lacking = sorted({r.device for r in results.rows} - described)
    if lacking:
        doc.append(Paragraph("No description recorded for: " + ", ".join(lacking) + "."))
    return doc
