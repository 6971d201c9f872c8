"""The quantization trade-off tables: the variants of one network (float32, int16x8, int8) side by side on
each device, with what int8 buys as ratios (its speed-up, and how much less flash and RAM it needs).

A variant that does not fit a device is a row of its own that says which memory is too small and by how
much (from the record's failures), not a gap.
"""

from mcubench.reports import format as fmt
from mcubench.reports.blocks import Heading, Paragraph, Table

ORDER = ("float32", "int16x8", "int8")
HEADERS = ["Device", "Variant", "Latency", "Energy/Inference", "Peak RAM", "Flash", "Accuracy",
           "int8 speed-up", "Flash / int8", "Peak RAM / int8"]


def _groups(results):
    """{network name: [rows and does-not-fit failures of its variants]} in the order networks first appear."""
    groups = {}
    for item in [*results.rows, *results.failures]:
        if getattr(item, "variant_of", ""):
            groups.setdefault(item.variant_of, []).append(item)
    return {k: v for k, v in groups.items() if len({i.variant for i in v}) > 1}


def _ratio(this, int8):
    return f"{this / int8:.2f}x" if this and int8 else fmt.DASH


def _accuracy(acc) -> str:
    if acc is None:
        return fmt.DASH
    agree = f"{100 * acc.reference_agreement:.0f}% agree"
    return f"{agree} ({acc.samples} inputs)" if acc.metric == "agreement" else f"{fmt.accuracy(acc)}, {agree}"


def _does_not_fit(failure) -> str:
    parts = [f"{s['memory']} needs {fmt.kib(s['needed_bytes'])}, has {fmt.kib(s['available_bytes'])}"
             for s in failure.shortfalls]
    return "does not fit: " + ("; ".join(parts) if parts else failure.message)


def variant_table(items) -> Table:
    devices = list(dict.fromkeys(i.device for i in items))
    rank = {v: k for k, v in enumerate(ORDER)}
    rows = []
    for device in devices:
        here = sorted((i for i in items if i.device == device), key=lambda i: rank.get(i.variant, len(ORDER)))
        int8 = next((i for i in here if i.variant == "int8" and hasattr(i, "latency_ms")), None)
        for item in here:
            label = fmt.device_label(item) if hasattr(item, "latency_ms") else item.device_title
            if not hasattr(item, "latency_ms"):
                if item.kind == "does-not-fit":
                    rows.append([label, item.variant, _does_not_fit(item)] + [""] * (len(HEADERS) - 3))
                else:
                    rows.append([label, item.variant, f"not measured ({item.kind})"] + [""] * (len(HEADERS) - 3))
                continue
            rows.append([label, item.variant, fmt.ms(item.latency_ms), fmt.uj(item.energy_uj),
                         fmt.kib(item.peak_ram_bytes), fmt.kib(item.flash_bytes), _accuracy(item.accuracy),
                         _ratio(item.latency_ms, int8.latency_ms) if int8 else fmt.DASH,
                         _ratio(item.flash_bytes, int8.flash_bytes) if int8 else fmt.DASH,
                         _ratio(item.peak_ram_bytes, int8.peak_ram_bytes) if int8 else fmt.DASH])
    return Table(list(HEADERS), rows, numeric=[2, 3, 4, 5, 7, 8, 9])


def variants_section(results) -> list:
    """The report's section on quantization trade-offs, or nothing when the record holds no variants."""
    groups = _groups(results)
    if not groups:
        return []
    blocks = [Heading(2, "Quantization trade-offs"),
              Paragraph("Variants of one network side by side on each device. \u201cint8 speed-up\u201d is the "
                        "variant's latency over the int8 variant's (how many times faster int8 runs); "
                        "\u201cFlash / int8\u201d and \u201cPeak RAM / int8\u201d how many times more memory "
                        "the variant needs. “agree”: the share of test samples whose output equals TFLite "
                        "Micro's (float32 outputs within a relative 1e-5: the firmware has its own expf).")]
    for name, items in groups.items():
        title = next((i.model_title for i in items if i.model == name), name)
        blocks += [Heading(3, title), variant_table(items)]
    return blocks
