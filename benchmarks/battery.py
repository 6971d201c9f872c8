"""Battery life of every row of a results record on one battery: the figures the report's battery table
and chart show, computed here (cost_models/power.py) so that reports only read them."""

import dataclasses
import math

import numpy as np

from mcubench.core.results import BATTERY_TABLE_RATES, Battery, BatteryLife, DutyPoint, Results
from mcubench.cost_models.power import average_power_mw, battery_life_years, max_inferences_per_s

CURVE_POINTS = 60
CURVE_FROM_PER_S = 1e-3  # one inference every ~17 minutes


def battery_life(row, battery: Battery) -> BatteryLife:
    """The row's duty-cycle figures: at the table rates it reaches, and along the chart's curve."""
    top = max_inferences_per_s(row.latency_ms)

    def point(rate):
        power = average_power_mw(row.latency_ms, row.energy_uj, row.idle_power_mw, rate)
        return DutyPoint(float(rate), power, battery_life_years(power, battery.capacity_mah, battery.voltage_v))

    table = [point(rate) for rate in BATTERY_TABLE_RATES if rate <= top]
    curve = []
    if math.isfinite(top):
        curve = [point(rate) for rate in np.logspace(math.log10(CURVE_FROM_PER_S), np.log10(top), CURVE_POINTS)]
    return BatteryLife(top, table, curve)


def with_battery_life(results: Results, battery: Battery | None = None) -> Results:
    """A copy of the record whose battery is `battery` (by default 1000 mAh at 3.0 V) and whose rows carry
    their battery life on it."""
    battery = battery or Battery()
    rows = [dataclasses.replace(row, battery_life=battery_life(row, battery)) for row in results.rows]
    return dataclasses.replace(results, rows=rows, battery=battery)
