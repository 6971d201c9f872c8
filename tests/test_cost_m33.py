"""Cortex-M33 timing (stm32u575) on hand-built traces: every expected figure is counted by hand from the rules
of cost_models/cortex_m33.py (jnk0le's RP2350 measurements), in the comment next to it. Code sits in zero-wait
SRAM at 16 MHz, so no flash stall enters."""

import pytest

from mcubench.cost_models import estimate
from mcubench.cost_models.cortex_m33 import shifted_constant
from mcubench.core.device import load_device

from test_cost_helpers import assemble_thumb, make_trace

SRAM = 0x20000000


@pytest.fixture(scope="module")
def m33():
    return load_device("stm32u575")


def _cycles(device, source, count=1, fallthrough=1):
    code = assemble_thumb(".fpu fpv4-sp-d16\n" + source)
    n = len([line for line in source.strip().splitlines() if line.strip() and not line.strip().endswith(":")])
    trace = make_trace("armv7e-m", SRAM, code, [(SRAM, len(code), n, count, fallthrough)])
    return estimate(trace, device, clock_mhz=16).cycles


def test_shifted_constant_classes():
    # The page's glossary: 8-bit and patterns are simple; an 8-bit value shifted is a shifted constant;
    # ADDW's 12-bit 0xff9 is no modified immediate at all (simple).
    assert [shifted_constant(v) for v in (0x1FC0, 0x3FC0, 0x80000000)] == [True, True, True]
    assert not any(shifted_constant(v) for v in (0xFF, 0x1B1B1B1B, 0x00AB00AB, 0xAB00AB00, 0xFF9, 0))


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("source, cycles", [
    # shifted-register operand2: result latency 2, so the second waits a cycle: 1 + 1 + 1
    ("add.w r1, r1, r2, ror #24\nadd.w r1, r1, r2, ror #24", 3),
    # UXTAB chained on its added operand: 1 + 1; on its extended operand: 1 + 1 + 1
    ("uxtab r1, r1, r2\nuxtab r1, r1, r2", 2),
    ("uxtab r1, r2, r1\nuxtab r1, r2, r1", 3),
    # MLA chained on its accumulator: 1 + 1; on a multiplicand: 1 + 1 + 1
    ("mla r1, r2, r3, r1\nmla r1, r2, r3, r1", 2),
    ("mla r1, r1, r2, r3\nmla r1, r1, r2, r3", 3),
    # SIMD: latency 2 and no early accumulate: 1 + 1 + 1
    ("uadd8 r1, r1, r2\nuadd8 r1, r1, r2", 3),
    # load to use 2: 1 + 1 + 1; load to store 1: 1 + 1; load into a MAC accumulator 1: 1 + 1
    ("ldr r1, [r0]\nadds r2, r1", 3),
    ("ldr r1, [r0]\nstr r1, [r0, #4]", 2),
    ("ldr r1, [r0]\nmla r2, r3, r4, r1", 2),
    # two-stage flag-setting: MULS 2, ADDS.W with a shifted constant 2; MOVS.W of one 1; EOR.W plain constant 1
    ("muls r1, r2, r1\nadds.w r3, r4, #0x1fc0\nmovs.w r5, #0x1fc0\neor.w r6, r7, #0x1b1b1b1b", 6),
    # LDRD/STRD 2 each, LDM of 4 and PUSH/POP of 4: 4 each (SP usable after the PUSH)
    ("ldrd r1, r2, [r0]\nstrd r3, r4, [r0, #8]", 4),
    ("ldm r0, {r1-r4}\npush {r5-r7, lr}\npop {r5-r7, lr}", 12),
    # ... and the registers an LDM loaded one cycle after its last: PUSH of r4 waits 1
    ("ldm r0, {r1-r4}\npush {r4-r7}", 4 + 1 + 4),
    # IT pairs with the 16-bit MOV before it: 1 + 0 + 1
    ("mov r10, r10\nit eq\naddeq r0, r1", 2),
    # VFMA 1, the next FP instruction 3 cycles later and the accumulator ready then: 3 + 1
    ("vfma.f32 s0, s1, s2\nvfma.f32 s0, s3, s4", 4),
    # its result as an operand after 4: 4 + 1
    ("vfma.f32 s0, s1, s2\nvadd.f32 s3, s0, s4", 5),
    # VADD latency 2: 1 + 1 + 1; VMOVs 2 + 1 + 1 + 1 (independent)
    ("vadd.f32 s0, s0, s1\nvadd.f32 s0, s0, s1", 3),
    ("vmov r1, r2, s0, s1\nvmov s2, s3, r4, r5\nvmov r6, s4\nvmov s5, r7", 5),
])
def test_scoreboard_counts(m33, source, cycles):
    assert _cycles(m33, source) == cycles, source


@pytest.mark.needs_toolchain
def test_branch_dual_issue(m33):
    # 10 executions, 9 taken. SUBS, BNE (dual, after a flag-setting 16-bit instruction): 10 x 1 + 9 x 2
    assert _cycles(m33, "loop:\nsubs r0, #1\nbne loop", 10, 1) == 10 + 18
    # ADD (no flags) before the BNE: taken costs 1: 10 x 2 + 9 x 1
    assert _cycles(m33, "loop:\nsubs r0, #1\nadd r1, r2\nbne loop", 10, 1) == 20 + 9
    # after a 32-bit instruction the branch does not pair: 10 x (1 + 1) + 9 x P (1)
    assert _cycles(m33, "loop:\nsubs.w r0, r0, #1\nbne loop", 10, 1) == 20 + 9
    # not taken after a flag-setting 16-bit ADDS: 0
    assert _cycles(m33, "adds r1, r2\nbeq out\nout:", 1, 1) == 1
