"""How a device is named to people, the same way in `mcubench run`, `bench` and every report.

A device title names its default clock ("Cortex-M4 @ 80 MHz"); a run at another clock is labelled with
the clock it ran at, and a device whose own ISA was not simulated says which proxy ISA stood in for it.
"""

import re

_CLOCK_IN_TITLE = re.compile(r"@\s*[0-9.]+\s*MHz")


def device_label(title: str, clock_mhz: float | None = None, proxy_isa: str | None = None) -> str:
    """E.g. "Cortex-M4 @ 26 MHz" for a run at 26 MHz, "ESP32 @ 160 MHz (RV32IMC proxy)" for a proxy build."""
    label = title
    if clock_mhz is not None and _CLOCK_IN_TITLE.search(title):
        label = _CLOCK_IN_TITLE.sub(f"@ {float(clock_mhz):g} MHz", title, count=1)
    if proxy_isa:
        label += f" ({proxy_isa.upper()} proxy)"
    return label
