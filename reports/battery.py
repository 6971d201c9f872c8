"""Battery life of a duty-cycled deployment: wake, run one inference, sleep, repeat.

Uses only two figures of a results row: the energy of one inference (energy_uj, spent over latency_ms)
and the power drawn between inferences (idle_power_mw). Regulator losses and wake-up costs are left out,
and the report caps the years at the battery's shelf life; it says both next to the table and the chart.
"""

from dataclasses import dataclass
import math

SECONDS_PER_YEAR = 365.25 * 24 * 3600


@dataclass(frozen=True)
class Battery:
    capacity_mah: float = 1000.0
    voltage_v: float = 3.0
    # Past its shelf life a cell is drained by self-discharge, whatever the load.
    shelf_life_years: float = 10.0
    shelf_life_basis: str = ("assumption: about the shelf life of a primary lithium cell, beyond which "
                             "self-discharge rather than the load empties it")

    @property
    def energy_j(self) -> float:
        # mAh x V = mWh; 1 mWh = 3.6 J
        return self.capacity_mah * self.voltage_v * 3.6

    def describe(self) -> str:
        return f"{self.capacity_mah:g} mAh at {self.voltage_v:g} V"


def max_rate(row) -> float:
    """Inferences per second when the core never sleeps."""
    return 1000.0 / row.latency_ms if row.latency_ms > 0 else math.inf


def average_power_mw(row, inferences_per_s) -> float:
    """Mean power: active energy per second plus idle power for the time left over."""
    active_s = inferences_per_s * row.latency_ms / 1000.0
    idle_s = max(0.0, 1.0 - active_s)
    return inferences_per_s * row.energy_uj / 1000.0 + row.idle_power_mw * idle_s


def battery_years(row, inferences_per_s, battery: Battery) -> float:
    power_mw = average_power_mw(row, inferences_per_s)
    if power_mw <= 0:
        return math.inf
    return battery.energy_j / (power_mw / 1000.0) / SECONDS_PER_YEAR
