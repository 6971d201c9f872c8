"""Operating point (clock, supply voltage) and power from the device's datasheet figures.

Run-mode supply current comes from the [[power.run]] points: linear in the clock between the two nearest
points (and above the highest), which is how CMOS dynamic current behaves at a fixed core voltage; below
the lowest point (or with a single point) it scales in proportion to the clock. Power = supply voltage x current: the chips here feed the core from an internal regulator,
so the current barely changes with the supply voltage inside its allowed range.
"""

import math

from mcubench.core.errors import UsageError

SECONDS_PER_YEAR = 365.25 * 24 * 3600


def operating_point(device, clock_mhz=None, voltage_v=None):
    """(clock MHz, voltage V), the device defaults or validated overrides."""
    clock = device.need("clock")
    power = device.need("power")
    mhz = float(clock.default_mhz if clock_mhz is None else clock_mhz)
    if not math.isfinite(mhz) or not clock.min_mhz <= mhz <= clock.max_mhz:
        raise UsageError(f"--clock-mhz {clock_mhz:g}: {device.name} runs from {clock.min_mhz:g} to "
                         f"{clock.max_mhz:g} MHz")
    options = clock.options_mhz
    if clock_mhz is not None and options and not any(abs(mhz - o) < 1e-9 for o in options):
        raise UsageError(f"--clock-mhz {clock_mhz:g}: {device.name} supports "
                         f"{', '.join(f'{o:g}' for o in options)} MHz")
    volts = float(power.voltage_v if voltage_v is None else voltage_v)
    if not math.isfinite(volts) or not power.min_voltage_v <= volts <= power.max_voltage_v:
        raise UsageError(f"--voltage {voltage_v:g}: {device.name} runs from {power.min_voltage_v:g} to "
                         f"{power.max_voltage_v:g} V")
    return mhz, volts


def run_current_ma(device, mhz) -> float:
    points = sorted((p.mhz, p.current_ma) for p in device.need("power").run)
    f_low, i_low = points[0]
    if len(points) == 1 or mhz <= f_low:
        # Below the lowest datasheet point, scale that point with the clock: never below zero, and the
        # static part it ignores is small next to the sleep figures the duty-cycle uses anyway.
        return i_low * mhz / f_low
    # Between points, and above the highest one, the two nearest points define the line.
    nearest = sorted(points, key=lambda p: abs(p[0] - mhz))[:2]
    (f0, i0), (f1, i1) = sorted(nearest)
    return i0 + (i1 - i0) * (mhz - f0) / (f1 - f0)


def run_power_mw(device, mhz, volts) -> float:
    return run_current_ma(device, mhz) * volts


def block_terms(device, mhz, clocked) -> list:
    """(block, mA) corrections to the run current for a firmware that clocks the blocks named in `clocked`.

    A block outside the datasheet's run condition adds its uA/MHz x clock when the firmware clocks it; one the
    condition had clocked (an SRAM bank) is taken off when the firmware switches it off. All blocks run at the
    core clock (the firmware's bus prescalers are 1 for the buses it keeps on). Names the device does not list
    are an error: a term that silently vanished would read as a measured zero.
    """
    blocks = {b.name: b for b in device.need("power").blocks}
    unknown = sorted(set(clocked) - set(blocks))
    if unknown:
        raise UsageError(f"{device.name}: no [[power.blocks]] entry for {', '.join(unknown)}")
    terms = []
    for block in blocks.values():
        on = block.name in clocked
        if on != block.in_run:
            terms.append((block, (1 if on else -1) * block.ua_per_mhz * mhz / 1000.0))
    return terms


def inference_current_ma(device, mhz, clocked) -> float:
    """Run current of the datasheet condition, corrected for the blocks the firmware clocks (block_terms)."""
    return run_current_ma(device, mhz) + sum(ma for _, ma in block_terms(device, mhz, clocked))


def code_band(device):
    """(low, high) factors on the run current from the datasheet's lightest and heaviest benchmark code, or
    None when the device has no code-dependence table."""
    spread = device.need("power").code_spread
    if spread is None:
        return None
    return spread.low_ma / spread.reference_ma, spread.high_ma / spread.reference_ma


def sleep_power_mw(device, volts) -> float:
    return device.need("power").sleep.current_ua / 1000.0 * volts


def max_inferences_per_s(latency_ms) -> float:
    """Inferences per second when the core never sleeps (back to back)."""
    return 1000.0 / latency_ms if latency_ms > 0 else math.inf


def average_power_mw(latency_ms, energy_uj, sleep_power_mw, inferences_per_s) -> float:
    """Mean power of a device that runs `inferences_per_s` inferences and sleeps in between: the energy of
    the inferences per second plus the sleep power for the rest of each second.

    A rate that needs more than one second of compute per second cannot run: UsageError (the results record
    holds no figure for it; reports say "too slow").
    """
    if inferences_per_s < 0 or not math.isfinite(inferences_per_s):
        raise UsageError(f"inferences per second must be a non-negative number, not {inferences_per_s}")
    active_s = inferences_per_s * latency_ms / 1000.0
    if active_s > 1.0 + 1e-12:
        raise UsageError(f"{inferences_per_s:g} inferences/s need {active_s:.2f} s of compute per second: at most "
                         f"{max_inferences_per_s(latency_ms):.1f}/s fit")
    # At the back-to-back rate rounding may leave active_s a hair above 1: no negative sleep time.
    return inferences_per_s * energy_uj / 1000.0 + sleep_power_mw * max(0.0, 1.0 - active_s)


def battery_life_years(avg_power_mw, capacity_mah, voltage_v) -> float:
    """Capacity x voltage / average power; self-discharge and regulator losses left out."""
    if capacity_mah <= 0 or voltage_v <= 0:
        raise UsageError("battery capacity and voltage must be positive")
    energy_j = capacity_mah * voltage_v * 3.6  # mAh x V = mWh = 3.6 J
    return energy_j / (avg_power_mw / 1000.0) / SECONDS_PER_YEAR if avg_power_mw > 0 else math.inf


def duty_cycle(est, device, inferences_per_s, battery_mah=None, battery_v=None) -> dict:
    """Average power of a device that runs `inferences_per_s` inferences and sleeps in between.

    Returns avg_power_mw, active_fraction, sleep_power_mw, sleep_mode and, with a battery, battery_life_years
    (battery_v defaults to the supply voltage).
    """
    sleep_mw = sleep_power_mw(device, est.voltage_v)
    try:
        avg_mw = average_power_mw(est.latency_ms, est.energy_uj, sleep_mw, inferences_per_s)
    except UsageError as exc:
        raise UsageError(f"{device.name}: {exc}") from None
    out = {
        "inferences_per_s": float(inferences_per_s),
        "active_fraction": inferences_per_s * est.latency_ms / 1000.0,
        "sleep_mode": device.need("power").sleep.mode,
        "sleep_power_mw": sleep_mw,
        "avg_power_mw": avg_mw,
    }
    if battery_mah is not None:
        volts = est.voltage_v if battery_v is None else battery_v
        out["battery_life_years"] = battery_life_years(avg_mw, battery_mah, volts)
    return out
