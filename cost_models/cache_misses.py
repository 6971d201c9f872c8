"""Stall cycles of cache misses that fill a whole line from a slow memory (Cortex-M7 L1, ESP flash caches).

The tracer simulates the caches the device file lists and counts hits and misses per cache; here each miss
costs the line fill of the memory behind it ([timing.line_fill]). A data cache in front of several areas
splits its misses over them in proportion to each area's traced accesses.

Line fills are given in core cycles at the device's default clock. A flash line fill takes a fixed time
(the flash or SPI access time does not follow the core clock), so at another clock its cycle count scales
with the clock; SRAM sits on a bus clocked from the core clock, so its fills keep their cycle count.
"""


def fill_cycles(device, area_name, clock_mhz=None) -> float:
    cycles = device.timing.line_fill.of(area_name)
    if device.memory_map.by_name(area_name).kind in ("flash", "rom") and clock_mhz is not None:
        return float(cycles) * (clock_mhz / device.clock.default_mhz)
    return float(cycles)


def miss_stalls(device, view, clock_mhz, tally) -> float:
    code_area = device.placement.code
    total = 0.0
    for cache in device.caches:
        counts = view.caches.get(cache.name)
        if counts is None:
            tally.notes.add(f"no {cache.name} counts in the trace: that cache is taken to always hit")
            continue
        if cache.fetches and code_area in cache.areas:
            total += counts.fetch_misses * fill_cycles(device, code_area, clock_mhz)
        if cache.reads:
            misses = counts.read_misses + (counts.write_misses if cache.write_allocate else 0)
            if not misses:
                continue
            weights = {}
            for area in cache.areas:
                acc = view.memory.get(area)
                if acc is not None:
                    weights[area] = acc.reads + acc.writes
            if not sum(weights.values()):
                weights = {cache.areas[0]: 1}
            norm = sum(weights.values())
            total += misses * sum(w / norm * fill_cycles(device, a, clock_mhz) for a, w in weights.items())
    return total
