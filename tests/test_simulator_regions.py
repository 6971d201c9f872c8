"""Marked regions, function regions, data accesses and division histograms, counted by hand.

firmware/examples/regions_arm.S, executed instructions:
  before "outer" begins:            ldr, ldr, ldr, str(begin outer)                     4
  in outer, outside inner:          movs, bl | ldr, str(begin inner)                   4
  kernel(3) = 4n + 3:                                                                 15
  in inner, outside kernel:         movs, bl | movs, str(end inner)                     4
  kernel(5):                                                                          23
  in outer after inner:             str(end outer)                                      1
  after outer:                      movs, movs, udiv, movs, movs, sdiv, movs, ldr, bkpt 9
  total 60; outer = 4 + 15 + 4 + 23 + 1 = 47; inner = 4 + 23 = 27; kernel = 15 + 23 = 38.
"""

import numpy as np
import pytest

from mcubench.simulator.engine import Simulator
from mcubench.core.trace import DIV_BIN_SHORTER, Trace


@pytest.fixture(scope="module", params=[True, False], ids=["memory-traced", "untraced"])
def trace(request, regions_elf, devices):
    sim = Simulator(regions_elf, devices["m4"], function_regions=["kernel"], memory_tracing=request.param,
                    exact_markers=True)
    return sim.run().trace


@pytest.mark.needs_toolchain
def test_region_instruction_counts_are_exact(trace):
    assert trace.instructions == 60
    got = {r.name: (r.parent, r.calls, r.instructions) for r in trace.regions}
    assert got == {"outer": (None, 1, 47), "inner": ("outer", 1, 27), "kernel": ("outer", 2, 38)}


@pytest.mark.needs_toolchain
def test_untraced_default_attributes_whole_blocks(regions_elf, devices):
    # Without exact markers the block holding a marker store stays in the region it started in: the
    # marker's own block neighbours move, nothing is lost or counted twice.
    trace = Simulator(regions_elf, devices["m4"], function_regions=["kernel"], memory_tracing=False).run().trace
    got = {r.name: r.instructions for r in trace.regions}
    assert trace.instructions == 60 and got["kernel"] == 38
    # Blocks end at each bl: [ldr ldr ldr str(begin outer) movs bl] stays outside; [ldr str(begin inner)
    # movs bl] stays in outer; the last block, 12 instructions from "movs r6" to the bkpt, stays in inner.
    assert got == {"inner": 23 + 12, "outer": 15 + 4 + 23 + 12, "kernel": 38}


@pytest.mark.needs_toolchain
def test_region_block_tables_add_up(trace):
    for r in trace.regions:
        assert r.blocks.executed_instructions == r.instructions
        assert np.all(r.blocks.fallthrough <= r.blocks.count)


@pytest.mark.needs_toolchain
def test_data_accesses_by_area(regions_elf, devices):
    trace = Simulator(regions_elf, devices["m4"], function_regions=["kernel"]).run().trace
    mem = {k: (v.reads, v.writes, v.read_bytes, v.write_bytes) for k, v in trace.memory.items()}
    # 5 literal-pool loads from flash; kernel: 3 + 5 word stores and 2 word loads in SRAM1;
    # 4 marker stores in the system area.
    assert mem["flash"] == (5, 0, 20, 0)
    assert mem["sram1"] == (2, 8, 8, 32)
    assert mem["system"] == (0, 4, 0, 16)
    assert mem["sram2"] == mem["peripherals"] == (0, 0, 0, 0)
    inner = trace.region("inner").memory
    assert (inner["sram1"].reads, inner["sram1"].writes) == (1, 5)
    # kernel(5) wrote 20 bytes over kernel(3)'s 12: 20 distinct bytes of RAM written.
    assert trace.ram_touched_bytes == 20


@pytest.mark.needs_toolchain
def test_division_histograms(regions_elf, devices):
    trace = Simulator(regions_elf, devices["m4"]).run().trace
    assert len(trace.divisions) == 2
    udiv, sdiv = (trace.divisions[a] for a in sorted(trace.divisions))
    assert udiv.sum() == 1 and udiv[4] == 1  # bits(100) - bits(7) = 7 - 3
    assert sdiv.sum() == 1 and sdiv[DIV_BIN_SHORTER] == 1  # bits(1) < bits(3)


@pytest.mark.needs_toolchain
def test_trace_json_round_trip(trace):
    again = Trace.from_dict(trace.to_dict())
    assert again.instructions == trace.instructions
    assert [r.instructions for r in again.regions] == [r.instructions for r in trace.regions]


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("memory_tracing", [True, False])
def test_rv32_regions_are_exact(memory_tracing, firmware_dir, devices):
    from conftest import EXAMPLES, assemble

    elf = assemble(EXAMPLES / "regions_rv32.S", firmware_dir / "regions_rv.elf", "rv32imc", 0x42000000)
    sim = Simulator(elf, devices["rv"], function_regions=["kernel"], memory_tracing=memory_tracing,
                    exact_markers=True)
    trace = sim.run().trace
    assert trace.instructions == 20
    got = {r.name: (r.parent, r.calls, r.instructions) for r in trace.regions}
    assert got == {"kernel": ("outer", 1, 8), "outer": (None, 1, 11)}
