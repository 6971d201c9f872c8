"""Plots as PNG bytes (matplotlib, Agg backend, no display needed).

render_plots(results) -> {name: png bytes}:
  latency, energy          one panel per model, one bar per device
  layers_<model>           per-layer latency stacked into one bar per device, coloured by op
  memory                   RAM by kind (static outside the arena, arena, stack, heap) per model x device
  battery_life             years on a battery against inferences per second, one line per model x device
"""

import io

import matplotlib

matplotlib.use("Agg")  # before pyplot: renders to memory, works without a display
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
import numpy as np  # noqa: E402

from mcubench.reports import format as fmt  # noqa: E402
from mcubench.reports.battery import Battery, battery_years, max_rate  # noqa: E402
from mcubench.reports.document import arena_outside, layers_plot_name, models_in_order  # noqa: E402

_DPI = 100


# Log axes labelled 0.01, 1, 100 rather than 10^-2, 10^0, 10^2.
_plain = FuncFormatter(lambda v, _: f"{v:g}")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _devices_in_order(results):
    seen = {}
    for r in results.rows:
        seen.setdefault(r.device, fmt.device_label(r))
    return list(seen.items())


def _per_model_bars(results, value, ylabel, title):
    """One small panel per model, one bar per device, linear scale: models differ by orders of
    magnitude, so a shared axis would flatten the small ones; within a panel the bars compare honestly."""
    models = models_in_order(results)
    devices = _devices_in_order(results)
    colours = {device: f"C{i % 10}" for i, (device, _) in enumerate(devices)}
    cols = min(4, len(models))
    nrows = -(-len(models) // cols)
    fig = Figure(figsize=(max(4.5, 0.55 * len(devices) + 1.2) * cols, 3.2 * nrows + 0.6), layout="constrained")
    axes = fig.subplots(nrows, cols, squeeze=False).ravel()
    for ax, (model, model_title) in zip(axes, models):
        rows = [r for r in results.rows if r.model == model]
        heights = [value(r) for r in rows]
        bars = ax.bar(range(len(rows)), heights, 0.7, color=[colours[r.device] for r in rows])
        ax.bar_label(bars, labels=[fmt.number(h) for h in heights], fontsize=8)
        ax.set_xticks([])
        ax.set_title(model_title, fontsize=10)
        ax.set_ylabel(ylabel)
        ax.margins(y=0.15)
    for ax in axes[len(models):]:
        ax.set_visible(False)
    handles = [Rectangle((0, 0), 1, 1, color=colours[device]) for device, _ in devices]
    fig.legend(handles, [label for _, label in devices], loc="outside lower center", ncols=min(3, len(devices)),
               fontsize=8, frameon=False)
    fig.suptitle(title)
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
        ax.annotate(fmt.ms(r.latency_ms), (i, r.latency_ms), xytext=(0, 2), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(rows)), [fmt.device_label(r) for r in rows], rotation=15, ha="right")
    ax.set_ylabel("latency (ms)")
    ax.margins(y=0.1)
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
    ax.margins(y=0.08)  # room for the peak marker above the tallest bar
    ax.set_ylabel("RAM (KB)")
    ax.set_title("RAM by kind")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return _png(fig)


_LINESTYLES = ("-", "--", ":", "-.")


def _battery_chart(results, battery):
    """Colour says the device (as in the latency chart), line style the model: readable with many rows."""
    devices = _devices_in_order(results)
    colours = {device: f"C{i % 10}" for i, (device, _) in enumerate(devices)}
    models = models_in_order(results)
    styles = {model: _LINESTYLES[i % len(_LINESTYLES)] for i, (model, _) in enumerate(models)}
    fig = Figure(figsize=(7.5, 5.5), layout="constrained")
    ax = fig.add_subplot()
    for r in results.rows:
        top = max_rate(r)
        if not np.isfinite(top):
            continue
        rates = np.logspace(-3, np.log10(top), 60)
        life = [battery_years(r, f, battery) for f in rates]
        ax.plot(rates, life, color=colours[r.device], linestyle=styles[r.model])
        # The line ends where inferences run back to back: the core never sleeps.
        ax.plot(rates[-1], life[-1], "o", color=colours[r.device], markersize=4)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(_plain)
    ax.yaxis.set_major_formatter(_plain)
    ax.set_xlabel("inferences per second (dot: back to back, no sleep)")
    ax.set_ylabel("battery life (years)")
    ax.set_title(f"Battery life on {battery.describe()}, sleeping at idle power between inferences")
    ax.grid(True, which="both", alpha=0.3)
    handles = [Line2D([], [], color=colours[d], linewidth=2) for d, _ in devices]
    handles += [Line2D([], [], color="black", linestyle=styles[m]) for m, _ in models]
    labels = [label for _, label in devices] + [title for _, title in models]
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=7, frameon=False)
    return _png(fig)


def render_plots(results, battery: Battery = Battery()) -> dict:
    """All plots for a results record: {name: PNG bytes}, in the order the report shows them."""
    plots = {}
    if not results.rows:
        return plots
    plots["latency"] = _per_model_bars(results, lambda r: r.latency_ms, "ms per inference", "Latency per inference")
    plots["energy"] = _per_model_bars(results, lambda r: r.energy_uj, "µJ per inference", "Energy per inference")
    for model, title in models_in_order(results):
        if any(r.layers for r in results.rows if r.model == model):
            plots[layers_plot_name(model)] = _layer_bars(results, model, title)
    plots["memory"] = _memory_bars(results)
    plots["battery_life"] = _battery_chart(results, battery)
    return plots
