"""Stall cycles of cache misses that fill a whole line from a slow memory (Cortex-M7 L1, ESP flash caches).

The tracer simulates the caches the device file lists and counts, per cache and per memory area of the missed
line, the misses and the line fills they caused (Trace CacheCounts.areas). Each fill costs the line fill of
the memory it came from ([timing.line_fill]): a miss on a weight in flash costs a flash fill, a miss on an
activation in AXI SRAM an SRAM fill, whatever else the same cache serves. Write misses of a cache without
write allocation fill nothing (the write buffer takes them) and cost no stall here.

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
    total = 0.0
    for cache in device.caches:
        counts = view.caches.get(cache.name)
        if counts is None:
            tally.notes.add(f"no {cache.name} counts in the trace: that cache is taken to always hit")
            continue
        # Areas the trace saw but this device's cache does not front (a trace re-costed for another device)
        # are not charged: the estimate notes that such areas count as hits.
        for area in cache.areas:
            missed = counts.areas.get(area)
            if missed is not None and missed.line_fills:
                total += missed.line_fills * fill_cycles(device, area, clock_mhz)
    return total
