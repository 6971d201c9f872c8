"""How figures are shown to people: human units (ms, µJ, KB), device labels, accuracy text.

Every renderer formats through these helpers so the Markdown, HTML and plots say the same thing.
"""

import math
import re

DASH = "–"  # shown where a figure does not apply (no MACs, no accuracy)


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


def ms(x) -> str:
    return f"{number(x)} ms"


def uj(x) -> str:
    return f"{number(x)} µJ"


def mw(x) -> str:
    return f"{number(x)} mW"


def kb(nbytes) -> str:
    return f"{nbytes / 1024:,.1f} KB"


def count(n) -> str:
    return f"{int(n):,}"


def mhz(x) -> str:
    return f"{float(x):g} MHz"


def share(part, whole) -> str:
    return f"{100 * part / whole:.1f}%" if whole else DASH


def ratio(x) -> str:
    return DASH if x is None else f"{x:.2f}"


def shape(dims) -> str:
    return "x".join(str(d) for d in dims) if dims else DASH


def accuracy(acc) -> str:
    if acc is None:
        return DASH
    if acc.metric == "auc":
        return f"AUC {acc.value:.3f}"
    metric = {"top1": "top-1"}.get(acc.metric, acc.metric)
    return f"{100 * acc.value:.1f}% {metric}"


def device_label(row) -> str:
    """The device as the summary names it; a proxy ISA is said out loud (ESP32 runs RV32IMC code here)."""
    if row.proxy_isa:
        return f"{row.device_title} ({row.proxy_isa.upper()} proxy)"
    return row.device_title


# Compiler flags worth a table cell: optimisation level and target; the full command line is in the CSV.
_SHOWN_FLAGS = re.compile(r"-O\S*|-mcpu=\S+|-march=\S+|-mabi=\S+|-mfpu=\S+|-mfloat-abi=\S+|-mthumb")


def compiler(name, cflags) -> str:
    flags = [f for f in cflags.split() if _SHOWN_FLAGS.fullmatch(f)]
    return " ".join([name] + flags if name else flags) or DASH


def years(y) -> str:
    if math.isinf(y):
        return "unbounded"
    return f"{y:#.2g}" if y < 10 else f"{y:,.0f}"


def trust(validation) -> str:
    """How far a device's figures are trusted, from its results.Validation (None: no reference checks it)."""
    if validation is None:
        return "simulated estimate, not validated against silicon"
    n = validation.references
    return (f"simulated estimate, validated to ±{number(validation.mean_abs_error_pct)}% (mean absolute error) on "
            f"{n} reference{'s' if n != 1 else ''}, worst {number(validation.worst_abs_error_pct)}%")
