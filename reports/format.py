"""How figures are shown to people: units picked by magnitude (µs/ms/s, nJ/µJ/mJ/J, µW/mW/W, B/KiB/MiB),
device labels, accuracy text. A kibibyte (KiB) is 1024 bytes.

Every renderer formats through these helpers so the Markdown, HTML and plots say the same thing.
"""

import math
import re

from mcubench.core import labels
from mcubench.core.units import DASH, kib, ms, mw, number, uj  # noqa: F401  (the report's units)


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
    """The device as the summary names it, at the clock it ran; a proxy ISA is said out loud (ESP32 runs
    RV32IMC code here)."""
    return labels.device_label(row.device_title, row.clock_mhz, row.proxy_isa)


# Compiler flags worth a table cell: optimisation level and target; the full command line is in the CSV.
_SHOWN_FLAGS = re.compile(r"-O\S*|-mcpu=\S+|-march=\S+|-mabi=\S+|-mfpu=\S+|-mfloat-abi=\S+|-mthumb")


def compiler_flags(cflags) -> str:
    return " ".join(f for f in cflags.split() if _SHOWN_FLAGS.fullmatch(f)) or DASH


def rate(per_s) -> str:
    """Inferences per second as a reader says it: 1/min, 1/s, 10/s."""
    return f"{per_s * 60:g}/min" if per_s < 1 else f"{per_s:g}/s"


def years(y) -> str:
    if math.isinf(y):
        return "unbounded"
    return f"{y:#.2g}" if y < 10 else f"{y:,.0f}"


def pct(x) -> str:
    """An error in percent, to a tenth: the references are single figures, more digits would be noise."""
    return f"{float(x):.1f}"


def _share_of_measured(ratio) -> str:
    return f"{100 * ratio:.0f}%"


def energy_trust(check) -> str:
    """How far a device's energy figures are trusted, from its results.EnergyCheck (None: no measured run of
    the device was compared)."""
    if check is None:
        return "run power x simulated time; not checked on this device"
    return (f"run power x simulated time: {_share_of_measured(check.min_ratio)} to "
            f"{_share_of_measured(check.max_ratio)} of the power measured on its board (mean "
            f"{_share_of_measured(check.mean_ratio)}, {check.runs} MLPerf Tiny runs)")


def energy_method_trust(method) -> str:
    """What the run-power method gave where it was checked (results.energy_method_check), in one sentence."""
    return (f"Energy: every figure is the device's datasheet run power x the simulated time. Where that was "
            f"checked against the power measured on silicon while inferring ({method.boards} boards, {method.runs} "
            f"MLPerf Tiny runs), it gave {_share_of_measured(method.min_ratio)} to "
            f"{_share_of_measured(method.max_ratio)} of the measured power (mean {_share_of_measured(method.mean_ratio)}):"
            " read energy figures as low by that much.")


def _refs(n, what="") -> str:
    return f"{n} {what}reference{'s' if n != 1 else ''}"


def trust(validation) -> str:
    """How far a device's figures are trusted, from its results.Validation (None: no reference checks it).
    Only independent references validate; informed ones (the model's rules were taken from them) show
    consistency, and a device with none independent says so plainly."""
    if validation is None:
        return "simulated estimate, not validated against silicon"
    ind, inf = validation.independent, validation.informed
    if ind is None or inf is None:  # a record before results schema /6: the kinds are not told apart
        return (f"simulated estimate, ±{pct(validation.mean_abs_error_pct)}% (mean absolute error) on "
                f"{_refs(validation.references)}, worst {pct(validation.worst_abs_error_pct)}% (the record does "
                "not say which references are independent of the model)")
    consistent = (f"consistent (±{pct(inf.mean_abs_error_pct)}%) with the {_refs(inf.references)} its rules "
                  "were taken from" if inf.references else "")
    if not ind.references:
        return "simulated estimate, not independently validated" + (f"; {consistent}" if consistent else "")
    return (f"simulated estimate, validated to ±{pct(ind.mean_abs_error_pct)}% (mean absolute error) on "
            f"{_refs(ind.references, 'independent ')}, worst {pct(ind.worst_abs_error_pct)}%"
            + (f"; {consistent}" if consistent else ""))
