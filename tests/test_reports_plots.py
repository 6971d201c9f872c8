"""Plots: every PNG opens, fits an 800 px page, shows something, and draws nothing outside its axes; the
per-layer, memory, arena and battery plots show what the report says they show; the battery arithmetic."""

import io
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle
import numpy as np
from PIL import Image
import pytest

from mcubench.benchmarks.battery import with_battery_life
from mcubench.core.results import BATTERY_TABLE_RATES, Battery, load_results
from mcubench.cost_models.power import SECONDS_PER_YEAR, average_power_mw, battery_life_years, max_inferences_per_s
from mcubench.reports.plots import build_figures, render_plots

FIXTURE = Path(__file__).resolve().parent / "golden" / "results_small.json"
NAMES = ["latency", "energy", "layers_kws_ref_model", "layers_ad01_int8", "memory", "arena_kws_ref_model",
         "arena_ad01_int8", "battery_life"]


@pytest.fixture(scope="module")
def results():
    return load_results(FIXTURE)


@pytest.fixture(scope="module")
def figures(results):
    return build_figures(with_battery_life(results, Battery(1000, 3.0)))


@pytest.fixture(scope="module")
def plots(results):
    return render_plots(with_battery_life(results, Battery(1000, 3.0)))


@pytest.mark.slow
def test_one_plot_per_kind_and_per_model(plots):
    assert list(plots) == NAMES


@pytest.mark.slow
def test_every_png_opens_fits_the_page_and_is_not_blank(plots):
    for name, png in plots.items():
        assert png[:8] == b"\x89PNG\r\n\x1a\n", name
        image = Image.open(io.BytesIO(png))
        image.load()
        width, height = image.size
        # At most about 1000 px wide: shown in an 800 px window it shrinks by no more than a quarter, so
        # 7.5-point labels stay legible.
        assert 400 <= width <= 1050 and 250 <= height <= 2000, (name, image.size)
        pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
        background = pixels[0, 0]
        drawn = np.any(np.abs(pixels - background) > 30, axis=2).mean()
        # Axes, labels and bars cover a few percent of the canvas at least; a blank or nearly blank
        # figure does not.
        assert drawn > 0.02, (name, drawn)
        colours = len(np.unique(pixels.reshape(-1, 3), axis=0))
        assert colours > 20, (name, colours)


def _outside(ax, renderer):
    """What an axes draws beyond its own box: texts past its edges, bars, boxes, markers or lines past
    its view limits. A tallest bar cut by the axes or a value label drawn over the frame both show here."""
    problems = []
    box = ax.get_window_extent(renderer)
    view = ax.viewLim
    eps_x = 1e-9 + 1e-6 * abs(view.x1 - view.x0)
    eps_y = 1e-9 + 1e-6 * abs(view.y1 - view.y0)
    x_lo, x_hi = sorted((view.x0, view.x1))
    y_lo, y_hi = sorted((view.y0, view.y1))

    def inside(x, y):
        return x_lo - eps_x <= x <= x_hi + eps_x and y_lo - eps_y <= y <= y_hi + eps_y

    for text in ax.texts:
        if not text.get_visible() or not text.get_text():
            continue
        extent = text.get_window_extent(renderer)
        if extent.x0 < box.x0 - 1 or extent.x1 > box.x1 + 1 or extent.y0 < box.y0 - 1 or extent.y1 > box.y1 + 1:
            problems.append(f"text {text.get_text()!r}")
    for patch in ax.patches:
        if isinstance(patch, Rectangle) and patch.get_transform() == ax.transData:
            x, y, w, h = patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()
            if not (inside(x, y) and inside(x + w, y + h)):
                problems.append(f"bar at ({x:g}, {y:g}) size ({w:g}, {h:g})")
    for collection in ax.collections:
        for x, y in collection.get_offsets():
            if not inside(x, y):
                problems.append(f"marker at ({x:g}, {y:g})")
    for line in ax.lines:
        if line.get_transform() != ax.transData:
            continue  # drawn in axes coordinates (a reference line across the axes)
        for x, y in zip(np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)):
            if not inside(x, y):
                problems.append(f"line point ({x:g}, {y:g})")
                break
    return problems


def _draw(fig):
    """Lay the figure out as saving it would; the renderer to measure texts with."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


@pytest.mark.slow
def test_nothing_is_drawn_outside_the_axes(figures):
    for name, fig in figures.items():
        renderer = _draw(fig)
        for i, ax in enumerate(ax for ax in fig.axes if ax.get_visible()):
            assert _outside(ax, renderer) == [], (name, i, ax.get_title())


@pytest.mark.slow
def test_the_outside_check_sees_a_clipped_bar_and_a_label_over_the_frame(figures, results):
    """The check above can fail: a memory plot with its axis cut below the tallest bar, and a latency
    panel with a value label pushed past the top."""
    fig = build_figures(results)["memory"]
    ax_ram = fig.axes[1]
    ax_ram.set_xlim(0, max(r.peak_ram_bytes for r in results.rows) / 1024 * 0.9)
    assert any(p.startswith(("bar", "marker")) for p in _outside(ax_ram, _draw(fig)))
    fig = build_figures(results)["latency"]
    ax = fig.axes[0]
    ax.set_ylim(0, max(p.get_height() for p in ax.patches))
    assert any(p.startswith("text") for p in _outside(ax, _draw(fig)))


def test_per_layer_plot_has_a_panel_per_device_with_every_layer_named(figures, results):
    fig = figures["layers_kws_ref_model"]
    panels = [ax for ax in fig.axes if ax.get_visible()]
    rows = [r for r in results.rows if r.model == "kws_ref_model"]
    assert len(panels) == len(rows)
    for ax, row in zip(panels, rows):
        assert ax.get_title().startswith(row.device_title)
        # Each panel has its own scale, fitted to its device's slowest layer.
        slowest = max(layer.latency_ms for layer in row.layers)
        assert slowest < ax.get_xlim()[1] <= slowest * 1.5
        # The slowest layers carry their share of the whole inference.
        labels = [t.get_text() for t in ax.texts]
        assert f"{100 * max(layer.cycles for layer in row.layers) / row.cycles:.1f}%" in labels
    names = [t.get_text() for t in panels[0].get_yticklabels()]
    assert names == [f"{layer.index}: {layer.op}" for layer in rows[0].layers]


def test_memory_plot_shows_flash_and_ram_with_the_peak_inside_the_axes(figures, results):
    ax_flash, ax_ram = figures["memory"].axes[:2]
    assert ax_flash.get_xlim()[1] > max(r.flash_bytes for r in results.rows) / 1024
    peaks = ax_ram.collections[0].get_offsets()[:, 0]
    assert list(peaks) == pytest.approx([r.peak_ram_bytes / 1024 for r in results.rows])
    assert ax_ram.get_xlim()[1] > peaks.max()


def test_arena_plot_has_a_box_per_buffer_and_a_panel_per_distinct_plan(figures, results):
    fig = figures["arena_kws_ref_model"]
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 2  # the M4 build has a scratch buffer, the RV32 builds share a plan
    m4 = results.row("kws_ref_model", "cortex-m4-80mhz")
    boxes = [p for p in panels[0].patches if isinstance(p, Rectangle)]
    assert len(boxes) == len(m4.arena_plan)
    assert sorted((round(b.get_y() * 1024), round(b.get_height() * 1024)) for b in boxes) == sorted(
        (b.offset_bytes, b.bytes) for b in m4.arena_plan)
    assert max(round((b.get_y() + b.get_height()) * 1024) for b in boxes) == m4.arena_bytes
    assert "Cortex-M4 @ 80 MHz" in panels[0].get_title() and "ESP32-C3" in panels[1].get_title()


def test_battery_lines_stop_at_the_shelf_life_cap(figures):
    ax = figures["battery_life"].axes[0]
    curves = [line for line in ax.lines if line.get_transform() == ax.transData]
    assert curves and max(np.max(line.get_ydata()) for line in curves) <= Battery().shelf_life_years


def test_plots_of_an_empty_record_are_none():
    empty = load_results(FIXTURE)
    empty.rows = []
    assert render_plots(empty) == {}


def test_battery_life_from_energy_and_idle_power(results):
    row = results.row("kws_ref_model", "cortex-m4-80mhz")

    def power(rate):
        return average_power_mw(row.latency_ms, row.energy_uj, row.idle_power_mw, rate)

    def years(rate):  # 1 Ah x 3 V = 3 Wh = 10 800 J
        return battery_life_years(power(rate), 1000, 3.0)

    # One inference a second: energy per second plus idle power for the rest of the second.
    active_s = row.latency_ms / 1000
    power_w = row.energy_uj * 1e-6 + row.idle_power_mw * 1e-3 * (1 - active_s)
    assert power(1.0) == pytest.approx(power_w * 1000)
    assert years(1.0) == pytest.approx(10_800.0 / power_w / SECONDS_PER_YEAR)
    # Back to back, the idle power drops out.
    assert power(max_inferences_per_s(row.latency_ms)) == pytest.approx(row.energy_uj / row.latency_ms)
    # More inferences, shorter life.
    assert years(0.01) > years(1.0) > years(10.0)
    # The record carries these figures: the report's table reads them, at the rates it names.
    life = with_battery_life(results, Battery(1000, 3.0)).row("kws_ref_model", "cortex-m4-80mhz").battery_life
    assert [p.inferences_per_s for p in life.table] == list(BATTERY_TABLE_RATES)
    assert life.table[1].battery_life_years == pytest.approx(years(1.0))
    assert life.curve[-1].inferences_per_s == pytest.approx(life.max_inferences_per_s)
