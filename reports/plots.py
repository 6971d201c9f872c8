"""Plots as PNG bytes (matplotlib, Agg backend, no display needed).

render_plots(results) -> {name: png bytes}:
  latency, energy          grouped bars: one group per model, one bar per device (log scale)
  layers_<model>           per-layer latency stacked into one bar per device, coloured by op
  memory                   RAM by kind (static outside the arena, arena, stack, heap) per model x device
  battery_life             years on a battery against inferences per second, one line per model x device
"""

import io

import matplotlib

matplotlib.use("Agg")  # before pyplot: renders to memory, works without a display
from matplotlib.figure import Figure  # noqa: E402
import numpy as np  # noqa: E402

from reports import format as fmt  # noqa: E402
from reports.battery import Battery, battery_years, max_rate  # noqa: E402
from reports.document import arena_outside, layers_plot_name, models_in_order  # noqa: E402

_DPI = 100


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _devices_in_order(results):
    seen = {}
    for r in results.rows:
        seen.setdefault(r.device, fmt.device_label(r))
    return list(seen.items())


def _grouped_bars(results, value, ylabel, title):
    models = models_in_order(results)
    devices = _devices_in_order(results)
    fig = Figure(figsize=(max(6, 1.6 * len(models) + 2), 4))
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(devices))
    x = np.arange(len(models))
    for i, (device, label) in enumerate(devices):
        heights = []
        for model, _ in models:
            row = next((r for r in results.rows if r.model == model and r.device == device), None)
            heights.append(value(row) if row is not None else np.nan)
        bars = ax.bar(x + (i - (len(devices) - 1) / 2) * width, heights, width, label=label)
        ax.bar_label(bars, labels=[fmt.number(h) if np.isfinite(h) else "" for h in heights], fontsize=7)
    ax.set_xticks(x, [title for _, title in models], rotation=15, ha="right")
    ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return _png(fig)


def _layer_bars(results, model, title):
    rows = [r for r in results.rows if r.model == model]
    ops = []
    for r in rows:
        for layer in r.layers:
            if layer.op not in ops:
                ops.append(layer.op)
    colours = {op: f"C{i % 10}" for i, op in enumerate(ops)}
    fig = Figure(figsize=(max(5, 1.4 * len(rows) + 3), 4))
    ax = fig.add_subplot()
    labelled = set()
    for i, r in enumerate(rows):
        bottom = 0.0
        for layer in r.layers:
            label = layer.op if layer.op not in labelled else None
            labelled.add(layer.op)
            ax.bar(i, layer.latency_ms, 0.6, bottom=bottom, color=colours[layer.op], edgecolor="white",
                   linewidth=0.5, label=label)
            bottom += layer.latency_ms
        outside = r.latency_ms - bottom
        if outside > 0:
            ax.bar(i, outside, 0.6, bottom=bottom, color="lightgrey", edgecolor="white", linewidth=0.5,
                   label="outside layers" if "outside" not in labelled else None)
            labelled.add("outside")
    ax.set_xticks(range(len(rows)), [fmt.device_label(r) for r in rows], rotation=15, ha="right")
    ax.set_ylabel("latency (ms)")
    ax.set_title(f"Per-layer latency: {title}")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return _png(fig)


def _memory_bars(results):
    rows = results.rows
    kinds = [("static (other)", arena_outside), ("arena", lambda r: r.arena_bytes),
             ("stack", lambda r: r.stack_bytes), ("heap", lambda r: r.heap_bytes)]
    fig = Figure(figsize=(max(6, 0.9 * len(rows) + 3), 4))
    ax = fig.add_subplot()
    bottom = np.zeros(len(rows))
    for label, value in kinds:
        kb = np.array([value(r) / 1024 for r in rows])
        ax.bar(range(len(rows)), kb, 0.6, bottom=bottom, label=label)
        bottom += kb
    ax.scatter(range(len(rows)), [r.peak_ram_bytes / 1024 for r in rows], marker="_", s=400, color="black",
               label="peak RAM", zorder=3)
    ax.set_xticks(range(len(rows)), [f"{r.model_title}\n{fmt.device_label(r)}" for r in rows], fontsize=7,
                  rotation=30, ha="right")
    ax.set_ylabel("RAM (KB)")
    ax.set_title("RAM by kind")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return _png(fig)


def _battery_chart(results, battery):
    fig = Figure(figsize=(7, 4.5))
    ax = fig.add_subplot()
    for r in results.rows:
        top = max_rate(r)
        if not np.isfinite(top):
            continue
        rates = np.logspace(-3, np.log10(top), 60)
        life = [battery_years(r, f, battery) for f in rates]
        ax.plot(rates, life, label=f"{r.model_title} / {fmt.device_label(r)}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("inferences per second")
    ax.set_ylabel("battery life (years)")
    ax.set_title(f"Battery life on {battery.describe()}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    return _png(fig)


def render_plots(results, battery: Battery = Battery()) -> dict:
    """All plots for a results record: {name: PNG bytes}, in the order the report shows them."""
    plots = {}
    if not results.rows:
        return plots
    plots["latency"] = _grouped_bars(results, lambda r: r.latency_ms, "latency per inference (ms)", "Latency")
    plots["energy"] = _grouped_bars(results, lambda r: r.energy_uj, "energy per inference (µJ)", "Energy")
    for model, title in models_in_order(results):
        if any(r.layers for r in results.rows if r.model == model):
            plots[layers_plot_name(model)] = _layer_bars(results, model, title)
    plots["memory"] = _memory_bars(results)
    plots["battery_life"] = _battery_chart(results, battery)
    return plots
