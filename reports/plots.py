"""Plots as PNG bytes (matplotlib, Agg backend, no display needed).

build_figures(results) -> {name: matplotlib Figure}; render_plots(results) -> {name: PNG bytes}:
  latency, energy          one panel per model, one bar per device
  layers_<model>           per-layer latency, one panel per device (each its own scale), every layer named
  memory                   flash (code, weights, other constants) and RAM (static, arena, stack, heap) by kind
  arena_<model>            the arena plan over time: which buffers are live at each layer, and where
  battery_life             years on a battery against inferences per second, one line per model x device

Every figure fits in about 1000 px at 100 dpi, so that it stays readable in an 800 px window, and
keeps everything it draws inside its axes (tests/test_reports_plots.py checks both).
"""

import io

import matplotlib

matplotlib.use("Agg")  # before pyplot: renders to memory, works without a display
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
import numpy as np  # noqa: E402

from mcubench.core import units  # noqa: E402
from mcubench.reports import format as fmt  # noqa: E402
from mcubench.reports.document import (arena_outside, arena_plot_name, devices_in_order, flash_other,  # noqa: E402
                                       has_battery_life, layers_plot_name, models_in_order)

_DPI = 100
_ESTIMATE = "simulated estimates"
# Layers named beside their share of the whole inference, per device panel.
TOP_LAYERS = 3

# Log axes labelled 0.01, 1, 100 rather than 10^-2, 10^0, 10^2.
_plain = FuncFormatter(lambda v, _: f"{v:g}")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _device_colours(results):
    return {device: f"C{i % 10}" for i, (device, _) in enumerate(devices_in_order(results))}


def _per_model_bars(results, value, scale, quantity, title):
    """One small panel per model, one bar per device, linear scale: models differ by orders of
    magnitude, so a shared axis would flatten the small ones; within a panel the bars compare honestly.
    Each panel's axis and labels take the unit of its largest bar (scale: a unit table of core.units)."""
    models = models_in_order(results)
    devices = devices_in_order(results)
    colours = _device_colours(results)
    cols = min(2, len(models))
    nrows = -(-len(models) // cols)
    fig = Figure(figsize=(4.4 * cols, 2.9 * nrows + 0.9), layout="constrained")
    axes = fig.subplots(nrows, cols, squeeze=False).ravel()
    for ax, (model, model_title) in zip(axes, models):
        rows = [r for r in results.rows if r.model == model]
        unit, factor = units.unit_for(max(value(r) for r in rows), scale)
        heights = [value(r) / factor for r in rows]
        bars = ax.bar(range(len(rows)), heights, 0.7, color=[colours[r.device] for r in rows])
        ax.bar_label(bars, labels=[f"{fmt.number(h)} {unit}" for h in heights], fontsize=8, padding=2)
        ax.set_xticks([])
        ax.set_title(model_title, fontsize=9.5)
        ax.set_ylabel(f"{quantity} ({unit})", fontsize=9)
        ax.set_ylim(0, max(heights) * 1.18 if max(heights) > 0 else 1)  # room for the value labels
    for ax in axes[len(models):]:
        ax.set_visible(False)
    handles = [Rectangle((0, 0), 1, 1, color=colours[device]) for device, _ in devices]
    fig.legend(handles, [label for _, label in devices], loc="outside lower center", ncols=min(2, len(devices)),
               fontsize=8.5, frameon=False)
    fig.suptitle(f"{title} ({_ESTIMATE})", fontsize=11)
    return fig


def _short_layer(layer) -> str:
    return f"{layer.index}: {layer.op}"


def _layer_panels(results, model, title):
    """One panel per device, every layer a horizontal bar on the same row in each panel; each panel has
    its own latency scale, so a fast device is not a sliver beside a slow one. The TOP_LAYERS slowest
    layers of each device carry their share of its whole inference."""
    rows = [r for r in results.rows if r.model == model and r.layers]
    order = {}
    for r in rows:
        for layer in r.layers:
            order.setdefault(layer.index, layer)
    indices = list(order)
    position = {index: i for i, index in enumerate(indices)}
    ops = list(dict.fromkeys(layer.op for layer in order.values()))
    colours = {op: f"C{i % 10}" for i, op in enumerate(ops)}
    cols = min(2, len(rows))
    nrows = -(-len(rows) // cols)
    height = max(1.6, 0.2 * len(indices) + 0.8)
    fig = Figure(figsize=(9.6 if cols == 2 else 6.0, height * nrows + 1.0), layout="constrained")
    axes = fig.subplots(nrows, cols, squeeze=False, sharey=True).ravel()
    for ax, r in zip(axes, rows):
        latency = [0.0] * len(indices)
        for layer in r.layers:
            latency[position[layer.index]] = layer.latency_ms
        ax.barh(range(len(indices)), latency, 0.7, color=[colours[order[i].op] for i in indices])
        top = sorted(r.layers, key=lambda layer: layer.latency_ms, reverse=True)[:TOP_LAYERS]
        for layer in top:
            if layer.latency_ms > 0:
                ax.annotate(fmt.share(layer.cycles, r.cycles), (layer.latency_ms, position[layer.index]),
                            xytext=(3, 0), textcoords="offset points", va="center", fontsize=7.5)
        ax.set_xlim(0, max(latency) * 1.3 if max(latency) > 0 else 1)
        ax.set_ylim(len(indices) - 0.5, -0.5)  # first layer on top
        ax.set_title(f"{fmt.device_label(r)}: {fmt.ms(r.latency_ms)} in all", fontsize=9)
        ax.set_xlabel("latency (ms)", fontsize=8.5)
        ax.tick_params(labelsize=7.5)
    axes[0].set_yticks(range(len(indices)), [_short_layer(order[i]) for i in indices])
    for ax in axes[len(rows):]:
        ax.set_visible(False)
    handles = [Patch(color=colours[op]) for op in ops]
    fig.legend(handles, ops, loc="outside lower center", ncols=min(4, len(ops)), fontsize=8, frameon=False)
    fig.suptitle(f"Per-layer latency: {title} ({_ESTIMATE}; % = share of the whole inference)", fontsize=10.5)
    return fig


def _memory_bars(results):
    """Flash and RAM side by side, a horizontal stacked bar per model x device; the peak RAM the run
    touched is a black tick on the RAM bar. The axes reach past the longest bar and the highest peak."""
    rows = results.rows
    labels = [f"{r.model_title}\n{fmt.device_label(r)}" for r in rows]
    flash_kinds = [("code", lambda r: r.code_bytes or 0), ("weights", lambda r: r.weights_bytes),
                   ("other constants", lambda r: flash_other(r) or 0),
                   ("code and other constants (not told apart in this record)",
                    lambda r: max(0, r.flash_bytes - r.weights_bytes) if r.code_bytes is None else 0)]
    ram_kinds = [("static (besides arena)", arena_outside), ("arena", lambda r: r.arena_bytes),
                 ("stack", lambda r: r.stack_bytes), ("heap", lambda r: r.heap_bytes)]
    fig = Figure(figsize=(10.0, 0.42 * len(rows) + 1.6), layout="constrained")
    ax_flash, ax_ram = fig.subplots(1, 2, sharey=True)
    y = np.arange(len(rows))
    for ax, kinds, offset in ((ax_flash, flash_kinds, 0), (ax_ram, ram_kinds, 4)):
        left = np.zeros(len(rows))
        for i, (label, value) in enumerate(kinds):
            kib = np.array([value(r) / 1024 for r in rows], dtype=float)
            if not kib.any():
                continue
            ax.barh(y, kib, 0.65, left=left, label=label, color=f"C{offset + i}")
            left += kib
        ax.set_xlim(0, max(left.max(), max(r.peak_ram_bytes for r in rows) / 1024 if ax is ax_ram else 0) * 1.1)
        ax.tick_params(labelsize=7.5)
        ax.grid(True, axis="x", alpha=0.3)
    ax_ram.scatter([r.peak_ram_bytes / 1024 for r in rows], y, marker="|", s=220, linewidths=2, color="black",
                   label="peak RAM", zorder=3)
    handles, names = ax_flash.get_legend_handles_labels()
    more, more_names = ax_ram.get_legend_handles_labels()
    fig.legend(handles + more, names + more_names, loc="outside lower center", ncols=4, fontsize=7.5, frameon=False)
    ax_flash.set_yticks(y, labels, fontsize=7.5)
    ax_flash.set_ylim(len(rows) - 0.5, -0.5)
    ax_flash.set_xlabel("flash (KiB)", fontsize=9)
    ax_ram.set_xlabel("RAM (KiB)", fontsize=9)
    ax_flash.set_title("Flash by kind", fontsize=10)
    ax_ram.set_title("RAM by kind (tick: peak RAM touched)", fontsize=10)
    return fig


def _arena_plan(results, model, title):
    """Per group of devices with the same plan: each buffer a box from its first to its last layer at its
    offset; the line is the sum of live bytes, so the space between it and the boxes' top is padding
    and fragmentation."""
    rows = [r for r in results.rows if r.model == model and r.arena_plan]
    groups = {}
    for r in rows:
        key = tuple((b.written_by, b.kind, b.offset_bytes, b.bytes, b.first_layer, b.last_layer) for b in r.arena_plan)
        groups.setdefault(key, []).append(r)
    groups = list(groups.values())
    fig = Figure(figsize=(9.6, 2.9 * len(groups) + 0.9), layout="constrained")
    axes = fig.subplots(len(groups), 1, squeeze=False).ravel()
    for ax, members in zip(axes, groups):
        r = members[0]
        top = max(b.offset_bytes + b.bytes for b in r.arena_plan)
        first = min(b.first_layer for b in r.arena_plan)
        last = max(b.last_layer for b in r.arena_plan)
        labelled = sorted(r.arena_plan, key=lambda b: b.bytes * (b.last_layer - b.first_layer + 1), reverse=True)[:6]
        for b in r.arena_plan:
            colour = "C0" if b.kind == "activation" else "C1"
            x0, width = b.first_layer - 0.42, b.last_layer - b.first_layer + 0.84
            ax.add_patch(Rectangle((x0, b.offset_bytes / 1024), width, b.bytes / 1024, facecolor=colour, alpha=0.55,
                                   edgecolor="black", linewidth=0.6, hatch="//" if b.kind == "scratch" else None))
            if b in labelled and b.bytes / top > 0.12:
                ax.text(x0 + width / 2, (b.offset_bytes + b.bytes / 2) / 1024, b.written_by, ha="center",
                        va="center", fontsize=7, clip_on=True)
        live = {layer.index: layer.arena_live_bytes for layer in r.layers if layer.arena_live_bytes is not None}
        if live:
            steps = range(first, last + 1)
            ax.stairs([live.get(i, 0) / 1024 for i in steps], np.arange(first - 0.5, last + 1), color="black",
                      linewidth=1.2, baseline=None)
        ax.set_xlim(first - 0.6, last + 0.6)
        ax.set_ylim(0, top / 1024 * 1.08)
        ax.set_xticks(range(first, last + 1))
        ax.tick_params(labelsize=7.5)
        ax.set_xlabel("layer", fontsize=8.5)
        ax.set_ylabel("arena offset (KiB)", fontsize=8.5)
        ax.set_title(", ".join(fmt.device_label(m) for m in members) + f": arena {fmt.kib(r.arena_bytes)}",
                     fontsize=9)
    handles = [Patch(facecolor="C0", alpha=0.55, edgecolor="black", label="activation buffer"),
               Patch(facecolor="C1", alpha=0.55, edgecolor="black", hatch="//", label="kernel scratch"),
               Line2D([], [], color="black", label="bytes live at the layer")]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    fig.suptitle(f"Arena plan over time: {title}", fontsize=10.5)
    return fig


_LINESTYLES = ("-", "--", ":", "-.")


def _battery_chart(results):
    """Colour says the device (as in the latency chart), line style the model: readable with many rows.
    Lines stop at the shelf-life cap, drawn as a dashed line."""
    devices = devices_in_order(results)
    colours = _device_colours(results)
    models = models_in_order(results)
    styles = {model: _LINESTYLES[i % len(_LINESTYLES)] for i, (model, _) in enumerate(models)}
    battery = results.battery
    cap = battery.shelf_life_years
    fig = Figure(figsize=(8.0, 5.6), layout="constrained")
    ax = fig.add_subplot()
    lowest = cap
    for r in results.rows:
        if not r.battery_life.curve:
            continue
        rates = [p.inferences_per_s for p in r.battery_life.curve]
        life = np.minimum([p.battery_life_years for p in r.battery_life.curve], cap)
        lowest = min(lowest, life.min())
        ax.plot(rates, life, color=colours[r.device], linestyle=styles[r.model])
        # The line ends where inferences run back to back: the core never sleeps.
        ax.plot(rates[-1], life[-1], "o", color=colours[r.device], markersize=4)
    ax.axhline(cap, color="grey", linestyle=(0, (6, 3)), linewidth=1)
    ax.text(1.5e-3, cap, f"cap: {cap:g}-year shelf life", va="top", ha="left", fontsize=7.5, color="dimgrey")
    ax.set_xscale("log")
    ax.set_yscale("log")
    tops = [r.battery_life.max_inferences_per_s for r in results.rows if np.isfinite(r.battery_life.max_inferences_per_s)]
    ax.set_xlim(1e-3 / 1.3, max(tops, default=1) * 1.5)
    ax.set_ylim(lowest / 2, cap * 1.6)
    ax.xaxis.set_major_formatter(_plain)
    ax.yaxis.set_major_formatter(_plain)
    ax.set_xlabel("inferences per second (dot: back to back, no sleep)")
    ax.set_ylabel("battery life (years)")
    ax.set_title(f"Battery life on {battery.describe()}, sleeping at idle power between inferences ({_ESTIMATE})",
                 fontsize=9.5)
    ax.grid(True, which="both", alpha=0.3)
    handles = [Line2D([], [], color=colours[d], linewidth=2) for d, _ in devices]
    handles += [Line2D([], [], color="black", linestyle=styles[m]) for m, _ in models]
    labels = [label for _, label in devices] + [title for _, title in models]
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=7.5, frameon=False)
    return fig


def build_figures(results) -> dict:
    """All figures for a results record: {name: matplotlib Figure}, in the order the report shows them."""
    figures = {}
    if not results.rows:
        return figures
    figures["latency"] = _per_model_bars(results, lambda r: r.latency_ms, units.TIME_MS, "latency",
                                         "Latency per inference")
    figures["energy"] = _per_model_bars(results, lambda r: r.energy_uj, units.ENERGY_UJ, "energy",
                                        "Energy per inference")
    for model, title in models_in_order(results):
        if any(r.layers for r in results.rows if r.model == model):
            figures[layers_plot_name(model)] = _layer_panels(results, model, title)
    figures["memory"] = _memory_bars(results)
    for model, title in models_in_order(results):
        if any(r.arena_plan for r in results.rows if r.model == model):
            figures[arena_plot_name(model)] = _arena_plan(results, model, title)
    if has_battery_life(results):
        figures["battery_life"] = _battery_chart(results)
    return figures


def render_plots(results) -> dict:
    """All plots for a results record: {name: PNG bytes}, in the order the report shows them."""
    return {name: _png(fig) for name, fig in build_figures(results).items()}
