"""C firmware built with the platform: console, exit status, faults, budget, function regions."""

import numpy as np
import pytest

from mcubench.core.errors import BudgetExceeded, FirmwareFault, RegionError
from mcubench.simulator.engine import Simulator, simulate

KEYS = ["m4", "m0", "rv"]


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key", KEYS)
def test_semihosting_console_and_exit_status(key, c_elfs, devices):
    trace = simulate(c_elfs["hello", key], devices[key])
    assert trace.console == "hello, w\nwritten\n"
    assert trace.exit_status == 7
    assert trace.stack_high_water_bytes > 0


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key", KEYS)
def test_fault_names_pc_function_address_and_access(key, c_elfs, devices):
    with pytest.raises(FirmwareFault) as info:
        simulate(c_elfs["fault", key], devices[key])
    fault = info.value
    assert fault.symbol == "poke_unmapped"
    assert fault.address == 0x30000000
    assert fault.access == "write"
    assert "poke_unmapped" in str(fault) and "0x30000000" in str(fault)


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key", KEYS)
def test_runaway_firmware_hits_the_budget(key, c_elfs, devices):
    with pytest.raises(BudgetExceeded) as info:
        simulate(c_elfs["runaway", key], devices[key], budget_instructions=100_000, memory_tracing=False)
    assert "100,000 instructions" in str(info.value)
    assert "spin_forever" in str(info.value)


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key", KEYS)
def test_function_region_on_unmodified_firmware(key, c_elfs, devices):
    sim = Simulator(c_elfs["unmodified", key], devices[key], function_regions=["invoke"])
    trace = sim.run().trace
    assert trace.exit_status == 0
    region = trace.region("invoke")
    assert region.calls == 3
    # invoke() is a leaf: its region is exactly the blocks executed inside its symbol's address range.
    start = sim.symbol_address("invoke")
    end = start + next(e - s for s, e, n in zip(sim.image.symbols.starts, sim.image.symbols.ends,
                                                 sim.image.symbols.names) if n == "invoke")
    inside = (trace.blocks.address >= start) & (trace.blocks.address < end)
    expected = int(np.dot(trace.blocks.instructions[inside].astype(np.uint64), trace.blocks.count[inside]))
    assert region.instructions == expected > 16 + 32 + 48
    # 16 + 32 + 48 byte loads of data[] happen inside the region; any other reads are word-sized stack
    # pops (the ARMv6-M build saves registers).
    ram = devices[key].placement.data
    reads = region.memory[ram]
    assert reads.reads >= 96 and reads.read_bytes == 96 + 4 * (reads.reads - 96)


@pytest.mark.needs_toolchain
def test_unknown_region_symbol(c_elfs, devices):
    with pytest.raises(RegionError, match="no_such_function"):
        Simulator(c_elfs["unmodified", "m4"], devices["m4"], function_regions=["no_such_function"])


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("example", ["hello", "kernels"])
def test_painted_and_traced_stack_agree(example, key, c_elfs, devices):
    traced = simulate(c_elfs[example, key], devices[key])
    painted = simulate(c_elfs[example, key], devices[key], memory_tracing=False)
    assert traced.stack_high_water_bytes == painted.stack_high_water_bytes > 0
    # Painting misses only bytes that end up holding the paint value itself.
    assert 0 <= traced.ram_touched_bytes - painted.ram_touched_bytes <= traced.ram_touched_bytes // 16 + 4
    assert not painted.memory and traced.memory


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key", ["m4", "rv"])
def test_a_simulator_recovers_after_a_failed_run(key, c_elfs, devices):
    sim = Simulator(c_elfs["unmodified", key], devices[key], function_regions=["invoke"])
    good = sim.run().trace
    with pytest.raises(BudgetExceeded):
        sim.run(budget_instructions=100)
    again = sim.run().trace
    assert again.instructions == good.instructions and again.region("invoke").calls == 3
    faulty = Simulator(c_elfs["fault", key], devices[key])
    for _ in range(2):
        with pytest.raises(FirmwareFault):
            faulty.run()
