"""Branch target changes: counted by the tracer per block, charged by the Cortex-M7 model as what a branch
target address cache that keeps each branch's last target mispredicts (cost_models/cortex_m7.py)."""

import pytest

from mcubench.core.device import load_device
from mcubench.cost_models import estimate
from mcubench.simulator.engine import simulate

from conftest import EXAMPLES, assemble


@pytest.fixture(scope="module")
def returns(tmp_path_factory):
    h7 = load_device("stm32h7")
    elf = assemble(EXAMPLES / "returns_arm.S", tmp_path_factory.mktemp("returns") / "returns.elf", "armv7e-m",
                   0x08000000, "reset")
    trace = simulate(elf, h7)
    assert trace.exit_status == 0
    return h7, trace, elf


def _row(trace, elf, symbol):
    from mcubench.simulator.loader import load_image

    address = load_image(elf, load_device("stm32h7")).symbol_address(symbol) & ~1
    (i,) = [i for i, a in enumerate(trace.blocks.address.tolist()) if a == address]
    b = trace.blocks
    return int(b.count[i]), int(b.count[i] - b.fallthrough[i]), int(b.target_changes[i])


@pytest.mark.needs_toolchain
def test_return_targets_are_counted_per_block(returns):
    _, trace, elf = returns
    # (executions, taken, target changes): one return site is learnt after the first return, two alternating
    # sites change the target on every return.
    assert _row(trace, elf, "same") == (10, 10, 1)
    assert _row(trace, elf, "alternate") == (20, 20, 20)
    # A conditional direct branch keeps one target: the loop's BNE changes once (its first taken exit).
    # Calls are direct too: each BL block (the entry block's, which holds the first call, and the loop's three)
    # changes once; the exit block is never left by a taken branch.
    assert int(trace.blocks.target_changes.sum()) == 1 + 20 + 1 + 4


@pytest.mark.needs_toolchain
def test_m7_charges_changed_return_targets_only(returns):
    h7, trace, _ = returns
    # BX LR of `same`: 1 misprediction (its first return); of `alternate`: 20; the loop's BNE, taken 9 times
    # in 10: 1 (the exit). 22 x 8 cycles (stm32h7 [timing] branch_mispredict_cycles).
    assert estimate(trace, h7).cycles_by_cause["mispredicts"] == 22 * 8
