"""Plots: every PNG opens, has a sensible size and shows something; the battery arithmetic behind one."""

import io
from pathlib import Path

import numpy as np
from PIL import Image
import pytest

from mcubench.core.results import load_results
from mcubench.reports.battery import SECONDS_PER_YEAR, Battery, average_power_mw, battery_years, max_rate
from mcubench.reports.plots import render_plots

FIXTURE = Path(__file__).resolve().parent / "golden" / "results_small.json"


@pytest.fixture(scope="module")
def results():
    return load_results(FIXTURE)


@pytest.fixture(scope="module")
def plots(results):
    return render_plots(results, Battery(1000, 3.0))


def test_one_plot_per_kind_and_per_model(plots):
    assert list(plots) == ["latency", "energy", "layers_kws_ref_model", "layers_ad01_int8", "memory",
                           "battery_life"]


def test_every_png_opens_and_is_not_blank(plots):
    for name, png in plots.items():
        assert png[:8] == b"\x89PNG\r\n\x1a\n", name
        image = Image.open(io.BytesIO(png))
        image.load()
        width, height = image.size
        assert 400 <= width <= 2000 and 250 <= height <= 1500, (name, image.size)
        pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
        background = pixels[0, 0]
        drawn = np.any(np.abs(pixels - background) > 30, axis=2).mean()
        # Axes, labels and bars cover a few percent of the canvas at least; a blank or nearly blank
        # figure does not.
        assert drawn > 0.02, (name, drawn)
        colours = len(np.unique(pixels.reshape(-1, 3), axis=0))
        assert colours > 20, (name, colours)


def test_plots_of_an_empty_record_are_none():
    empty = load_results(FIXTURE)
    empty.rows = []
    assert render_plots(empty) == {}


def test_battery_life_from_energy_and_idle_power(results):
    row = results.row("kws_ref_model", "cortex-m4-80mhz")
    battery = Battery(capacity_mah=1000, voltage_v=3.0)
    assert battery.energy_j == pytest.approx(10_800.0)  # 1 Ah x 3 V = 3 Wh
    # One inference a second: energy per second plus idle power for the rest of the second.
    active_s = row.latency_ms / 1000
    power_w = row.energy_uj * 1e-6 + row.idle_power_mw * 1e-3 * (1 - active_s)
    assert average_power_mw(row, 1.0) == pytest.approx(power_w * 1000)
    assert battery_years(row, 1.0, battery) == pytest.approx(10_800.0 / power_w / SECONDS_PER_YEAR)
    # Back to back, the idle power drops out.
    assert average_power_mw(row, max_rate(row)) == pytest.approx(row.energy_uj / row.latency_ms)
    # More inferences, shorter life.
    assert battery_years(row, 0.01, battery) > battery_years(row, 1.0, battery) > battery_years(row, 10.0, battery)
