"""Stall cycles of cache misses that fill a whole line from a slow memory (Cortex-M7 L1, ESP flash caches).

The tracer simulates the caches the device file lists and counts hits and misses per cache; here each miss
costs the line fill of the memory behind it ([timing.line_fill]). A data cache in front of several areas
splits its misses over them in proportion to each area's traced accesses.

Line fills are given in core cycles at the device's default clock. A flash line fill takes a fixed time
(the flash or SPI access time does not follow the core clock), so at another clock its cycle count scales
with the clock; SRAM sits on a bus clocked from the core clock, so its fills keep their cycle count.
"""


def fill_cycles(device, area_name, clock_mhz=None) -> float:
    fills = device.raw.get("timing", {}).get("line_fill", {})
    flash = device.raw.get("timing", {}).get("flash", {}).get("area")
    area = device.memory_map.by_name(area_name)
    if area_name == flash or area.kind in ("flash", "rom"):
        scale = 1.0 if clock_mhz is None else clock_mhz / device.raw["clock"]["default_mhz"]
        return float(fills.get("flash_cycles", 0)) * scale
    if area_name == "axi_sram":
        return float(fills.get("axi_sram_cycles", fills.get("sram_d2_cycles", 0)))
    return float(fills.get("sram_d2_cycles", fills.get("axi_sram_cycles", 0)))


def miss_stalls(device, view, clock_mhz, tally) -> float:
    code_area = device.placement["code"]
    total = 0.0
    for cache in device.raw.get("caches", []):
        counts = view.caches.get(cache["name"])
        if counts is None:
            tally.notes.add(f"no {cache['name']} counts in the trace: that cache is taken to always hit")
            continue
        if cache["role"] in ("instruction", "unified") and code_area in cache["areas"]:
            total += counts.fetch_misses * fill_cycles(device, code_area, clock_mhz)
        if cache["role"] in ("data", "unified"):
            misses = counts.read_misses + (counts.write_misses if cache.get("write_allocate", False) else 0)
            if not misses:
                continue
            weights = {}
            for area in cache["areas"]:
                acc = view.memory.get(area)
                if acc is not None:
                    weights[area] = acc.reads + acc.writes
            if not sum(weights.values()):
                weights = {cache["areas"][0]: 1}
            norm = sum(weights.values())
            total += misses * sum(w / norm * fill_cycles(device, a, clock_mhz) for a, w in weights.items())
    return total
