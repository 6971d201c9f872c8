"""The engine on hand-written firmware whose instruction counts are known exactly in advance."""

import numpy as np
import pytest

from mcubench.simulator.engine import Simulator, simulate

# (address offset from the first instruction, size, instructions, executions, fall-throughs), counted by
# hand from firmware/examples/count_*.S: the loop body runs 10 times, once inside the entry block.
EXPECTED = {
    "m4": (0x08000008, 24, [(0, 6, 3, 1, 0), (2, 4, 2, 9, 1), (6, 6, 3, 1, 0)]),
    "m0": (0x08000008, 24, [(0, 6, 3, 1, 0), (2, 4, 2, 9, 1), (6, 6, 3, 1, 0)]),
    "rv": (0x42000000, 26, [(0, 8, 3, 1, 0), (2, 6, 2, 9, 1), (8, 18, 5, 1, 0)]),
}


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key", ["m4", "m0", "rv"])
def test_exact_instruction_and_block_counts(key, count_elfs, devices):
    start, total, rows = EXPECTED[key]
    trace = simulate(count_elfs[key], devices[key])
    assert trace.exit_status == 0
    assert trace.instructions == total
    got = sorted(zip((trace.blocks.address - start).tolist(), trace.blocks.size.tolist(),
                     trace.blocks.instructions.tolist(), trace.blocks.count.tolist(),
                     trace.blocks.fallthrough.tolist()))
    assert got == rows


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key", ["m4", "rv"])
def test_runs_repeat_from_reset(key, count_elfs, devices):
    sim = Simulator(count_elfs[key], devices[key], memory_tracing=False)
    first, second = sim.run().trace, sim.run().trace
    assert first.instructions == second.instructions == EXPECTED[key][1]
    assert np.array_equal(first.blocks.count, second.blocks.count)


@pytest.mark.needs_toolchain
def test_counts_stay_exact_across_semihosting_stops(firmware_dir, devices):
    from conftest import EXAMPLES, assemble

    arm = assemble(EXAMPLES / "semihost_arm.S", firmware_dir / "semihost_m4.elf", "armv7e-m", 0x08000000, "reset")
    rv = assemble(EXAMPLES / "semihost_rv32.S", firmware_dir / "semihost_rv.elf", "rv32imc", 0x42000000)
    for elf, device, total in ((arm, devices["m4"], 6), (rv, devices["rv"], 11)):
        trace = simulate(elf, device)
        assert (trace.console, trace.exit_status, trace.instructions) == ("A", 5, total)


@pytest.mark.needs_toolchain
def test_undefined_instruction_is_a_fault(firmware_dir, devices):
    from conftest import EXAMPLES, assemble
    from mcubench.core.errors import FirmwareFault

    elf = assemble(EXAMPLES / "udf_arm.S", firmware_dir / "udf_m4.elf", "armv7e-m", 0x08000000, "reset")
    with pytest.raises(FirmwareFault, match="reset"):
        simulate(elf, devices["m4"])


@pytest.mark.needs_toolchain
def test_elf_given_as_bytes(count_elfs, devices):
    trace = simulate(count_elfs["rv"].read_bytes(), devices["rv"])
    assert trace.instructions == 26


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("memory_tracing,static_reads", [(True, False), (True, True), (False, False)])
def test_loads_in_it_blocks_run_correctly_when_traced(memory_tracing, static_reads, firmware_dir, devices):
    from conftest import EXAMPLES, assemble

    elf = assemble(EXAMPLES / "it_block_arm.S", firmware_dir / "it_block.elf", "armv7e-m", 0x08000000, "reset")
    trace = simulate(elf, devices["m4"], memory_tracing=memory_tracing, exact_markers=True, static_reads=static_reads)
    assert (trace.exit_status, trace.instructions) == (0, 29)
    if memory_tracing:
        assert trace.memory["sram1"].reads == 4
        assert trace.memory["flash"].reads == 1  # ldr r1 literal (ldr r2, =0x20000000 assembles to a mov)


@pytest.mark.needs_toolchain
def test_areas_smaller_than_a_page_share_it(count_elfs, devices):
    from mcubench.core.device import parse_device

    raw = dict(devices["m4"].raw)
    raw["memory"] = raw["memory"] + [
        {"name": "tiny_a", "kind": "sram", "base": 0x30000000, "size": 0x400, "source": "test"},
        {"name": "tiny_b", "kind": "peripheral", "base": 0x30000400, "size": 0x400, "source": "test"},
    ]
    trace = simulate(count_elfs["m4"], parse_device(raw))
    assert trace.instructions == 24 and set(trace.memory) >= {"tiny_a", "tiny_b"}
