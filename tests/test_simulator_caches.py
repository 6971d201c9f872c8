"""Cache models: hit and miss counts worked out by hand for the exact-count firmware."""

import pytest

from mcubench.core.errors import UsageError
from mcubench.core.caches import CacheConfig
from mcubench.simulator.engine import Simulator


def test_instruction_fetch_cache(count_elfs, devices):
    # Blocks of count_arm.S: [0x08000008, +6) once, [0x0800000A, +4) nine times, [0x0800000E, +6) once.
    # With 16-byte lines: the first block misses line 0x08000000, the loop block hits it nine times,
    # the last block hits it and misses line 0x08000010.
    cache = CacheConfig("icache", size_bytes=256, line_bytes=16, ways=2, ranges=[(0x08000000, 0x08100000)],
                        read=False, write=False)
    trace = Simulator(count_elfs["m4"], devices["m4"], caches=[cache]).run().trace
    c = trace.caches["icache"]
    assert (c.fetch_hits, c.fetch_misses) == (10, 2)
    assert (c.read_hits, c.read_misses, c.write_hits, c.write_misses) == (0, 0, 0, 0)


@pytest.mark.parametrize("allocate,expected", [
    # kernel(3) stores words 0..2 of the buffer and loads word 0; kernel(5) stores words 0..4 and loads
    # word 0. Words 0-3 share line 0, word 4 is in line 1.
    (True, (2, 0, 6, 2)),   # write misses fill: only the first store to each line misses
    (False, (1, 1, 4, 4)),  # kernel(3)'s stores all miss, its load fills line 0 for kernel(5)
])
def test_data_cache_write_allocate(allocate, expected, regions_elf, devices):
    cache = CacheConfig("dcache", size_bytes=64, line_bytes=16, ways=2, ranges=[(0x20000000, 0x20018000)],
                        fetch=False, write_allocate=allocate)
    trace = Simulator(regions_elf, devices["m4"], caches=[cache], function_regions=["kernel"]).run().trace
    c = trace.caches["dcache"]
    assert (c.read_hits, c.read_misses, c.write_hits, c.write_misses) == expected
    assert c.fetch_hits == c.fetch_misses == 0
    kernel = trace.region("kernel").caches["dcache"]
    assert (kernel.read_hits, kernel.read_misses, kernel.write_hits, kernel.write_misses) == expected


def test_lru_replacement(count_elfs, devices):
    # A direct-mapped cache of two 2-byte lines: the set is the parity of address >> 1.
    cache = CacheConfig("tiny", size_bytes=4, line_bytes=2, ways=1, read=False, write=False)
    trace = Simulator(count_elfs["m4"], devices["m4"], caches=[cache]).run().trace
    c = trace.caches["tiny"]
    # Lines touched per block execution: block 1: 08,0A,0C (3); loop: 0A,0C (2 x 9); last: 0E,10,12 (3).
    # Two sets (line number parity): 08/0C/10 -> set 0, 0A/0E/12 -> set 1.
    # Sequence: 08m 0Am 0Cm(evicts 08) | 0Ah 0Ch x9 | 0Em(evicts 0A) 10m(evicts 0C) 12m
    assert c.fetch_hits + c.fetch_misses == 3 + 18 + 3
    assert (c.fetch_hits, c.fetch_misses) == (18, 6)


def test_bad_cache_geometry(count_elfs, devices):
    with pytest.raises(UsageError):
        Simulator(count_elfs["m4"], devices["m4"], caches=[CacheConfig("odd", 96, 16, 2)])
    with pytest.raises(UsageError, match="memory tracing"):
        Simulator(count_elfs["m4"], devices["m4"], memory_tracing=False, caches=[CacheConfig("d", 64, 16, 2)])
