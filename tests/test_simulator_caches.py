"""Cache models: hit and miss counts worked out by hand for the exact-count firmware."""

import pytest

from mcubench.core.errors import UsageError
from mcubench.core.caches import CacheConfig
from mcubench.core.trace import CacheAreaCounts
from mcubench.simulator.engine import Simulator


@pytest.mark.needs_toolchain
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
    assert c.areas == {"flash": CacheAreaCounts(fetch_misses=2, line_fills=2)}


@pytest.mark.parametrize("allocate,expected", [
    # kernel(3) stores words 0..2 of the buffer and loads word 0; kernel(5) stores words 0..4 and loads
    # word 0. Words 0-3 share line 0, word 4 is in line 1.
    (True, (2, 0, 6, 2)),   # write misses fill: only the first store to each line misses
    (False, (1, 1, 4, 4)),  # kernel(3)'s stores all miss, its load fills line 0 for kernel(5)
])
@pytest.mark.needs_toolchain
def test_data_cache_write_allocate(allocate, expected, regions_elf, devices):
    cache = CacheConfig("dcache", size_bytes=64, line_bytes=16, ways=2, ranges=[(0x20000000, 0x20018000)],
                        fetch=False, write_allocate=allocate)
    trace = Simulator(regions_elf, devices["m4"], caches=[cache], function_regions=["kernel"]).run().trace
    c = trace.caches["dcache"]
    assert (c.read_hits, c.read_misses, c.write_hits, c.write_misses) == expected
    assert c.fetch_hits == c.fetch_misses == 0
    kernel = trace.region("kernel").caches["dcache"]
    assert (kernel.read_hits, kernel.read_misses, kernel.write_hits, kernel.write_misses) == expected
    # Every miss is in the buffer's area; a write miss fills its line only with write allocation.
    (area, missed), = c.areas.items()
    assert devices["m4"].memory_map.area_at(0x20000000).name == area
    assert (missed.read_misses, missed.write_misses, missed.fetch_misses) == (expected[1], expected[3], 0)
    assert missed.line_fills == expected[1] + (expected[3] if allocate else 0)


@pytest.mark.needs_toolchain
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


@pytest.mark.needs_toolchain
def test_bad_cache_geometry(count_elfs, devices):
    with pytest.raises(UsageError):
        Simulator(count_elfs["m4"], devices["m4"], caches=[CacheConfig("odd", 96, 16, 2)])
    with pytest.raises(UsageError, match="memory tracing"):
        Simulator(count_elfs["m4"], devices["m4"], memory_tracing=False, caches=[CacheConfig("d", 64, 16, 2)])


@pytest.fixture(scope="module")
def hot_data_runs(tmp_path_factory):
    """firmware/examples/hot_data.c on the STM32H7 with its .bss in AXI SRAM (the device's placement) and in
    DTCM, unmodified otherwise: {data area: (device, trace)}."""
    from mcubench.core.device import load_device, parse_device
    from mcubench.cost_models import simulation_options
    from mcubench.firmware.platform.toolchain import build_elf

    from conftest import EXAMPLES

    out = {}
    h7 = load_device("stm32h7")
    for data in ("axi_sram", "dtcm"):
        raw = dict(h7.raw, placement=dict(h7.raw["placement"], data=data))
        device = parse_device(raw)
        elf = tmp_path_factory.mktemp("hot") / f"hot_data-{data}.elf"
        build_elf(device, [EXAMPLES / "hot_data.c"], elf)
        trace = Simulator(elf, device, function_regions=("layer",), **simulation_options(device)).run().trace
        assert trace.exit_status == 0
        out[data] = device, trace
    return out


@pytest.mark.needs_toolchain
def test_misses_are_counted_by_the_area_of_the_missed_line(hot_data_runs):
    _, axi = hot_data_runs["axi_sram"]
    _, dtcm = hot_data_runs["dtcm"]
    a, d = axi.region("layer").caches["m7_dcache"], dtcm.region("layer").caches["m7_dcache"]
    # Weights: 32 KB of flash read three times through a 16 KB cache: every 32-byte line misses on every
    # pass (3 x 1024 lines); the LRU keeps the activations, so a few weight lines are still cached only where
    # the sets line up, the same in both runs.
    assert a.areas["flash"].read_misses == d.areas["flash"].read_misses >= 3 * 1000
    # The activations (256 B of input, 512 B of accumulators: 24 lines) miss once in AXI SRAM, never in DTCM
    # (not cached); each miss filled its line.
    assert 24 <= a.areas["axi_sram"].read_misses + a.areas["axi_sram"].write_misses <= 48
    assert "dtcm" not in d.areas and set(d.areas) == {"flash"}
    for counts in (a, d):
        assert sum(m.read_misses for m in counts.areas.values()) == counts.read_misses
        assert all(m.line_fills == m.read_misses + m.write_misses for m in counts.areas.values())


@pytest.mark.needs_toolchain
def test_moving_hot_data_to_dtcm_is_not_slower(hot_data_runs):
    from mcubench.cost_models import estimate

    cycles = {data: estimate(trace, device).regions["layer"].cycles for data, (device, trace) in hot_data_runs.items()}
    assert cycles["dtcm"] <= cycles["axi_sram"]
    # Splitting the misses over the areas in proportion to their accesses (the former rule) charged most
    # flash misses at the AXI SRAM fill when the activations were in AXI SRAM, and made DTCM the slower one.
    device, trace = hot_data_runs["axi_sram"]
    layer = trace.region("layer")
    fills = {a: device.timing.line_fill.of(a) for a in ("flash", "axi_sram")}
    accesses = {a: layer.memory[a].reads + layer.memory[a].writes for a in fills}
    misses = layer.caches["m7_dcache"].read_misses + layer.caches["m7_dcache"].write_misses
    proportional = misses * sum(accesses[a] * fills[a] for a in fills) / sum(accesses.values())
    by_area = sum(m.line_fills * fills[a] for a, m in layer.caches["m7_dcache"].areas.items())
    assert proportional < 0.7 * by_area
