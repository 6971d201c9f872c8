"""Wait states of code and constants read from flash, behind a prefetch buffer and small caches.

This is the STM32 flash interface (the ART accelerator on the L4, the plain prefetch + cache of the G0):
the flash returns one `line_bytes` word after (1 + WS) cycles. Without any help every new line costs WS stall
cycles. With prefetch, the next sequential line is read while the core executes the current one, so a
sequential line stalls only max(0, 1 + WS - cycles spent in the previous line); a line reached by a taken
branch still pays WS. An instruction cache removes the stall for lines it hits; the simulator's cache model
gives hits and misses (one access per line a block spans), and we charge misses at the average stall
per line fetch computed without the cache. Data reads from flash (literal pools, weights) pay WS on every
miss of the data cache, or on every read when there is none.
"""

from .blocks import sequential_entries


def wait_states(device, clock_mhz) -> int:
    rows = device.need("timing").flash_wait_states
    for row in rows:
        if clock_mhz <= row.up_to_mhz + 1e-9:
            return row.wait_states
    return rows[-1].wait_states if rows else 0


def fetch_stalls(rows, blocks, area, ws, line_bytes, prefetch):
    """(stall cycles, line fetches) of instruction fetches from the flash area with no cache."""
    into = sequential_entries(blocks)
    stalls = 0
    fetches = 0
    for (cost, count, _), address in zip(rows, blocks.address.tolist()):
        if not count or not cost.line_cycles or not area.contains(int(address)):
            continue
        seq = min(count, into.get(int(address), 0))
        nonseq = count - seq
        lines = cost.line_cycles
        aligned = int(address) % line_bytes == 0
        first_seq_stall = max(0, 1 + ws - lines[0][1]) if prefetch else ws
        stalls += nonseq * ws + (seq * first_seq_stall if aligned else 0)
        fetches += nonseq + (seq if aligned else 0)
        per_exec = 0
        for (_, previous_cycles), _line in zip(lines, lines[1:]):
            per_exec += max(0, 1 + ws - previous_cycles) if prefetch else ws
        stalls += count * per_exec
        fetches += count * (len(lines) - 1)
    return stalls, fetches


def flash_stalls(device, view, rows, clock_mhz, tally) -> float:
    """All flash wait-state stalls of one span (instruction fetches and data reads)."""
    flash = device.need("timing").flash
    ws = wait_states(device, clock_mhz)
    if ws == 0:
        return 0.0
    area = device.memory_map.by_name(flash.area)
    caches = [c for c in device.caches if flash.area in c.areas]
    icache = next((c for c in caches if c.fetches), None)
    dcache = next((c for c in caches if c.reads), None)

    stalls, fetches = fetch_stalls(rows, view.blocks, area, ws, flash.line_bytes, flash.prefetch)
    total = float(stalls)
    if icache is not None and fetches:
        counts = view.caches.get(icache.name)
        if counts is None:
            tally.notes.add(f"no {icache.name} counts in the trace: instruction fetches from flash "
                            "charged as if that cache always missed")
        else:
            accesses = counts.fetch_hits + counts.fetch_misses
            total = stalls * (counts.fetch_misses / accesses) if accesses else 0.0

    reads = view.memory.get(flash.area)
    if reads is None:
        tally.notes.add("data accesses not traced: flash wait states of data reads not counted")
        return total
    if dcache is not None:
        counts = view.caches.get(dcache.name)
        if counts is None:
            tally.notes.add(f"no {dcache.name} counts in the trace: every flash data read pays the wait states")
            total += ws * reads.reads
        else:
            missed = counts.areas.get(flash.area)
            total += ws * (missed.read_misses if missed is not None else 0)
    else:
        total += ws * reads.reads
    return total
