"""Differential checks on compiled code: the fast paths must not change what runs or what is counted.

- untraced and traced runs execute the same blocks the same number of times (memory hooks once
  changed Thumb IT-block execution in Unicorn, see it_block_arm.S);
- loads counted from the code (static_reads) equal loads hooked one by one, in total and per region.
"""

import pytest

from mcubench.simulator.engine import Simulator

KEYS = ["m4", "m0", "rv"]
EXAMPLES = ["kernels", "unmodified", "hello"]


def _blocks(trace):
    b = trace.blocks
    return sorted(zip(b.address.tolist(), b.size.tolist(), b.count.tolist(), b.fallthrough.tolist()))


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_tracing_does_not_change_execution(example, key, c_elfs, devices):
    fast = Simulator(c_elfs[example, key], devices[key], memory_tracing=False, exact_markers=True).run().trace
    full = Simulator(c_elfs[example, key], devices[key], function_regions=["fib"] if example == "kernels" else (),
                     static_reads=False).run().trace
    assert fast.exit_status == full.exit_status
    assert fast.console == full.console
    assert _blocks(fast) == _blocks(full)


def _memory(trace):
    out = {"": {k: vars(v) for k, v in trace.memory.items()}}
    for r in trace.regions:
        out[r.name] = {k: vars(v) for k, v in r.memory.items()}
    return out


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_decoded_loads_equal_hooked_loads(example, key, c_elfs, devices):
    regions = ["fib", "dispatch"] if example == "kernels" else []
    hooked = Simulator(c_elfs[example, key], devices[key], function_regions=regions, static_reads=False)
    decoded = Simulator(c_elfs[example, key], devices[key], function_regions=regions)
    assert decoded._static_area is not None
    a, b = hooked.run().trace, decoded.run().trace
    assert _memory(a) == _memory(b)
    assert a.stack_high_water_bytes == b.stack_high_water_bytes
    assert a.ram_touched_bytes == b.ram_touched_bytes
    if example == "kernels":
        # GCC turns one of fib's two recursive calls into a loop, so the call count is the compiler's;
        # recursion must still nest regions correctly: the inclusive count never exceeds the whole run.
        assert a.region("fib").calls == b.region("fib").calls > 100
        assert a.region("fib").instructions < a.instructions
        assert len(b.regions) == 4  # requantize, copy (marked), fib, dispatch


# Loads from the data RAM counted by hand. ARM: ldr, ldrb, ldrh, ldrsb, ldrsh (5), ldrd (2), ldm (4),
# ldmdb (2), ldrex, vldr s, vldr d (one 8-byte access each), vldmia s2-s5 (4), vldmia d2-d3 (2 x 8 B),
# pop (4), vpop d0-d1 (2 x 8 B), the executed one of ldreq/ldrne = 29 accesses, 126 bytes (tbb and tbh
# read the code in flash). RV32: lw, lh, lhu, lb, lbu, c.lw, c.lwsp = 7 accesses, 18 bytes.
@pytest.mark.parametrize("source,key,isa,text,bss,entry,expected", [
    ("loads_arm.S", "m4", "armv7e-m", 0x08000000, 0x20000000, "reset", (29, 126)),
    ("loads_rv32.S", "rv", "rv32imc", 0x42000000, 0x3FC80000, None, (7, 18)),
])
@pytest.mark.needs_toolchain
def test_every_load_form_decodes_like_the_hook_sees_it(source, key, isa, text, bss, entry, expected, firmware_dir,
                                                       devices):
    from conftest import EXAMPLES, assemble

    elf = assemble(EXAMPLES / source, firmware_dir / f"{source}.elf", isa, text, entry, bss_address=bss)
    hooked = Simulator(elf, devices[key], static_reads=False).run().trace
    decoded = Simulator(elf, devices[key]).run().trace
    assert hooked.exit_status == decoded.exit_status == 0
    ram = devices[key].placement.data
    assert (hooked.memory[ram].reads, hooked.memory[ram].read_bytes) == expected
    assert vars(hooked.memory[ram]) == vars(decoded.memory[ram])


@pytest.mark.needs_toolchain
def test_it_block_split_by_a_page_boundary(firmware_dir, devices):
    from conftest import EXAMPLES, assemble

    elf = assemble(EXAMPLES / "it_page_arm.S", firmware_dir / "it_page.elf", "armv7e-m", 0x08000000, "reset",
                   bss_address=0x20000000)
    hooked = Simulator(elf, devices["m4"], static_reads=False).run().trace
    decoded = Simulator(elf, devices["m4"]).run().trace
    assert hooked.memory["sram1"].reads == 4  # r0 = 1 and 3 pass "ne", r0 = 2 skips both loads
    assert vars(hooked.memory["sram1"]) == vars(decoded.memory["sram1"])
    assert hooked.instructions == decoded.instructions
