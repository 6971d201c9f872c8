"""Figures in human units, the unit picked by magnitude (0.0048 mW is shown as 4.80 µW), for every
command and report. A kibibyte (KiB) is 1024 bytes.
"""

import math

DASH = "–"  # shown where a figure does not apply or was not recorded


def number(x) -> str:
    """At least three significant digits, never an exponent: 1,234.5 / 12.35 / 0.0123."""
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else str(x)
    ax = abs(x)
    if ax >= 100:
        return f"{x:,.1f}"
    if ax >= 1:
        return f"{x:.2f}"
    decimals = min(6, 2 - math.floor(math.log10(ax)))
    return f"{x:.{decimals}f}"


TIME_MS = (("µs", 1e-3), ("ms", 1.0), ("s", 1e3))
ENERGY_UJ = (("nJ", 1e-3), ("µJ", 1.0), ("mJ", 1e3), ("J", 1e6))
POWER_MW = (("nW", 1e-6), ("µW", 1e-3), ("mW", 1.0), ("W", 1e3))


def unit_for(x, units):
    """(name, factor) of the largest unit of units ((name, factor) by increasing factor, x given in the
    unit whose factor is 1) that x reaches at least 1 of."""
    name, factor = units[0]
    for candidate, f in units:
        if abs(float(x)) >= f:
            name, factor = candidate, f
    return name, factor


def _scaled(x, units) -> str:
    name, factor = unit_for(x, units)
    return f"{number(float(x) / factor)} {name}"


def ms(x) -> str:
    """A duration given in milliseconds: 0.25 -> 250.0 µs."""
    return _scaled(x, TIME_MS)


def uj(x) -> str:
    """An energy given in microjoules: 1367.4 -> 1.37 mJ."""
    return _scaled(x, ENERGY_UJ)


def mw(x) -> str:
    """A power given in milliwatts: 0.0048 -> 4.80 µW."""
    return _scaled(x, POWER_MW)


def kib(nbytes) -> str:
    """A size in bytes: B below 1 KiB, then KiB (1024 B) and MiB."""
    if nbytes is None:
        return DASH
    n = int(nbytes)
    if abs(n) < 1024:
        return f"{n:,} B"
    if abs(n) < 1024 * 1024:
        return f"{n / 1024:,.1f} KiB"
    return f"{n / (1024 * 1024):,.2f} MiB"
