"""Differential checks on compiled code: the fast paths must not change what runs or what is counted.

- untraced and traced runs execute the same blocks the same number of times (memory hooks once
  changed Thumb IT-block execution in Unicorn, see it_block_arm.S);
- loads counted from the code (static_reads) equal loads hooked one by one, in total and per region.
"""

import numpy as np
import pytest

from simulator.engine import Simulator

KEYS = ["m4", "m0", "rv"]
EXAMPLES = ["kernels", "unmodified", "hello"]


def _blocks(trace):
    b = trace.blocks
    return sorted(zip(b.address.tolist(), b.size.tolist(), b.count.tolist(), b.fallthrough.tolist()))


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
