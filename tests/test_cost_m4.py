"""Cortex-M4 timing on hand-built traces: every expected figure is worked out from the Cortex-M4 TRM
(ARM DDI 0439B) Table 3-1 rules in cost_models/cortex_m4.py, in the comment next to it."""

import numpy as np
import pytest

from mcubench.cost_models import estimate
from mcubench.cost_models.cortex_m4 import m4_divide_cycles
from mcubench.core.device import load_device
from mcubench.core.errors import TraceError, UsageError
from mcubench.core.trace import DIV_BIN_SHORTER, DIV_BIN_ZERO, DIVISION_BINS

from test_cost_helpers import AccessCounts, CacheCounts, RegionTrace, assemble_thumb, block_table, make_trace

SRAM = 0x20000000  # zero-wait SRAM1: no flash wait states in these tests

LOOP = """
loop:
    ldr r0, [r1]          @ 2
    ldr r2, [r1, #4]      @ 1: pipelined after a load, address does not use r0
    ldr r3, [r2]          @ 2: address register r2 was loaded by the previous load
    mla r4, r0, r2, r4    @ 1
    str r4, [r1, #8]      @ 1: immediate offset, data phase in the write buffer
    str r4, [r1, r0]      @ 2: register offset
    push {r4-r6, lr}      @ 1 + 4
    pop {r4-r6}           @ 1 + 3
    udiv r0, r1, r2       @ 2 counted here, the rest from the operand histogram
    subs r5, #1           @ 1
    bne loop              @ 1, + P = 1 when taken (to a 16-bit instruction)
"""
LOOP_BASE = 2 + 1 + 2 + 1 + 1 + 2 + 5 + 4 + 2 + 1 + 1  # 22


@pytest.fixture(scope="module")
def m4():
    return load_device("cortex-m4-80mhz")


@pytest.fixture(scope="module")
def loop_code():
    return assemble_thumb(LOOP)


def test_divide_latency_formula():
    # M4 Optimization Compendium, 'Division timing': 2 with a zero operand, 3 with a shorter dividend,
    # else 5 + floor(k / 4) for a dividend k bits longer than the divisor; 12 at k = 31, the TRM's maximum.
    assert [m4_divide_cycles(k) for k in (0, 3, 4, 6, 7, 8, 27, 28, 31)] == [5, 5, 6, 6, 6, 7, 11, 12, 12]
    assert m4_divide_cycles(DIV_BIN_ZERO) == 2 and m4_divide_cycles(DIV_BIN_SHORTER) == 3


@pytest.mark.needs_toolchain
def test_loop_cycles_match_the_trm_table(m4, loop_code):
    hist = np.zeros(DIVISION_BINS, np.uint64)
    hist[DIV_BIN_ZERO] = 5  # 5 divides by zero: 2 cycles, nothing extra
    hist[31] = 5  # 5 with a full quotient: 12 cycles, 10 extra each
    udiv_address = SRAM + 2 + 2 + 2 + 4 + 2 + 2 + 2 + 2  # after the 8 instructions before it
    trace = make_trace("armv7e-m", SRAM, loop_code, [(SRAM, len(loop_code), 11, 10, 1)],
                       memory={"sram1": AccessCounts(reads=30, writes=20)}, divisions={udiv_address: hist})
    est = estimate(trace, m4)
    # 10 executions x 22 + 9 taken x P(2) + 5 x (12 - 2)
    assert est.cycles == 10 * LOOP_BASE + 9 * 1 + 5 * 10
    assert est.instructions == 110


@pytest.mark.needs_toolchain
def test_energy_is_power_times_time(m4, loop_code):
    trace = make_trace("armv7e-m", SRAM, loop_code, [(SRAM, len(loop_code), 11, 1000, 1)],
                       memory={"sram1": AccessCounts()})
    est = estimate(trace, m4)
    assert est.latency_ms == pytest.approx(est.cycles / 80e3)
    assert est.avg_power_mw == pytest.approx(10.2 * 3.0)  # datasheet run current x 3.0 V
    assert est.energy_uj == pytest.approx(est.avg_power_mw * est.latency_ms)


@pytest.mark.needs_toolchain
def test_clock_and_voltage_overrides(m4, loop_code):
    trace = make_trace("armv7e-m", SRAM, loop_code, [(SRAM, len(loop_code), 11, 100, 1)])
    slow = estimate(trace, m4, clock_mhz=26.0, voltage_v=1.8)
    assert slow.clock_mhz == 26.0 and slow.voltage_v == 1.8
    assert slow.avg_power_mw == pytest.approx(2.88 * 1.8)  # the 26 MHz datasheet point
    assert slow.latency_ms == pytest.approx(slow.cycles / 26e3)
    with pytest.raises(UsageError, match="MHz"):
        estimate(trace, m4, clock_mhz=120)
    with pytest.raises(UsageError, match="V"):
        estimate(trace, m4, voltage_v=5.0)


@pytest.mark.needs_toolchain
def test_regions_and_memory_figures(m4, loop_code):
    region_blocks = block_table([(SRAM, len(loop_code), 11, 4, 1)])
    region = RegionTrace("kernel", None, 1, region_blocks, memory={"sram1": AccessCounts()})
    from mcubench.core.trace import ImageInfo
    trace = make_trace("armv7e-m", SRAM, loop_code, [(SRAM, len(loop_code), 11, 10, 1)],
                       memory={"sram1": AccessCounts()}, regions=[region], stack=512, heap=64,
                       image=ImageInfo(text_bytes=1000, rodata_bytes=200, data_bytes=16, bss_bytes=100))
    est = estimate(trace, m4)
    # The region has no divide histogram: its 4 UDIVs are charged the worst case, 12 = 2 + 10.
    assert est.regions["kernel"].cycles == 4 * LOOP_BASE + 3 * 1 + 4 * 10
    assert any("worst case" in a for a in est.assumptions)
    assert est.regions["kernel"].instructions == 44
    assert est.static_ram_bytes == 116 and est.stack_bytes == 512 and est.heap_bytes == 64
    assert est.peak_ram_bytes == 116 + 512 + 64
    assert est.flash_bytes == 1216
    d = est.to_dict()
    assert d["regions"]["kernel"]["cycles"] == est.regions["kernel"].cycles


@pytest.mark.needs_toolchain
def test_isa_mismatch_is_refused(m4, loop_code):
    trace = make_trace("rv32imc", SRAM, loop_code, [])
    with pytest.raises(TraceError, match="same ISA"):
        estimate(trace, m4)


FLASH = 0x08000000

STRAIGHT = "\n".join(["    adds r0, r0, #1"] * 16) + "\n    b.w 0\n"  # 16 x 16-bit ALU ops then a branch


@pytest.mark.needs_toolchain
def test_flash_wait_states_without_accelerator(m4):
    """No prefetch, no caches: every 8-byte flash line costs WS = 4 stall cycles (RM0351 Table 11, 80 MHz)."""
    code = assemble_thumb(".org 0\n" + STRAIGHT)
    raw = dict(m4.raw, caches=[], timing=dict(m4.raw["timing"], flash=dict(m4.raw["timing"]["flash"], prefetch=False)))
    from mcubench.core.device import parse_device
    bare = parse_device(raw)
    trace = make_trace("armv7e-m", FLASH, code, [(FLASH, len(code), 17, 10, 0)], memory={"flash": AccessCounts()})
    est = estimate(trace, bare)
    lines = -(-len(code) // 8)  # 36 bytes -> 5 lines
    # core: 16 x 1 + branch 1 + P 1 per execution; every line fetch of every execution stalls 4
    assert est.cycles == 10 * (17 + 1) + 10 * lines * 4


@pytest.mark.needs_toolchain
def test_flash_prefetch_and_cache(m4):
    code = assemble_thumb(STRAIGHT)
    trace = make_trace("armv7e-m", FLASH, code, [(FLASH, len(code), 17, 10, 0)], memory={"flash": AccessCounts()},
                       caches={"art_icache": CacheCounts(fetch_hits=45, fetch_misses=5),
                               "art_dcache": CacheCounts()})
    est = estimate(trace, m4)
    # Uncached with prefetch: the branch target line pays WS = 4; each sequential line holds 4 one-cycle
    # instructions, so it stalls 1 + 4 - 4 = 1; the last line holds 2 ALU ops + the branch.
    # Lines: [4,4,4,4,1+... ] -> per execution 4 (target) + 1 + 1 + 1 + 1 = 8 stall cycles over 5 line fetches.
    # With the cache, 5 of 50 line fetches missed: stalls = 10 x 8 x 5/50 = 8.
    assert est.cycles == 10 * (17 + 1) + 8


@pytest.mark.needs_toolchain
def test_cycles_by_cause_add_up(m4, loop_code):
    hist = np.zeros(DIVISION_BINS, np.uint64)
    hist[31] = 10
    udiv_address = SRAM + 2 + 2 + 2 + 4 + 2 + 2 + 2 + 2
    trace = make_trace("armv7e-m", SRAM, loop_code, [(SRAM, len(loop_code), 11, 10, 1)],
                       memory={"sram1": AccessCounts()}, divisions={udiv_address: hist})
    est = estimate(trace, m4)
    assert est.cycles_by_cause == {"pipeline": 10 * LOOP_BASE, "taken_branches": 9 * 1, "divides": 10 * 10,
                                   "mispredicts": 0, "memory_stalls": 0}
    assert sum(est.cycles_by_cause.values()) == est.cycles


@pytest.mark.needs_toolchain
def test_blocking_pc_loads(m4):
    # TRM 3.3.2: LDR PC is at least 2 + 3 = 5 cycles; TBB at least 2 + 1 + 3 = 6; POP {pc} is 1 + N + P.
    for source, cycles in (("ldr pc, [r0]", 5), ("tbb [r0, r1]", 6), ("pop {r4, pc}", 1 + 2 + 1)):
        code = assemble_thumb(source)
        trace = make_trace("armv7e-m", SRAM, code, [(SRAM, len(code), 1, 1, 0)])
        assert estimate(trace, m4, clock_mhz=16).cycles == cycles, source


@pytest.mark.needs_toolchain
def test_a_store_holds_back_the_load_after_it(m4):
    # STR imm 1 (3.3.2) + 1 when a load follows it (jnk0le's STM32F407 measurements) + LDR 2; two stores
    # stay 1 each (write buffer); a store before VLDR is not charged (not measured).
    for source, cycles in (("str r1, [r0]\nldr r2, [r0, #8]", 1 + 1 + 2),
                           ("str r1, [r0]\npop {r4, r5}", 1 + 1 + (1 + 2)),
                           ("str r1, [r0]\nstr r2, [r0, #4]", 1 + 1),
                           (".fpu fpv4-sp-d16\nstr r1, [r0]\nvldr s0, [r0, #8]", 1 + 2)):
        code = assemble_thumb(source)
        trace = make_trace("armv7e-m", SRAM, code, [(SRAM, len(code), 2, 1, 1)])
        assert estimate(trace, m4, clock_mhz=16).cycles == cycles, source


@pytest.mark.needs_toolchain
def test_fpu_timings(m4):
    # Cortex-M4 TRM Table 7-1 (FPv4-SP): VADD 1, VMLA 3, VDIV 14, VLDR 2, VPUSH 1 + N
    src = ".fpu fpv4-sp-d16\nvadd.f32 s0, s1, s2\nvmla.f32 s0, s1, s2\nvdiv.f32 s0, s1, s2\nvldr s0, [r0]\nvpush {s16-s19}"
    code = assemble_thumb(src)
    trace = make_trace("armv7e-m", SRAM, code, [(SRAM, len(code), 5, 1, 1)])
    assert estimate(trace, m4, clock_mhz=16).cycles == 1 + 3 + 14 + 2 + (1 + 4)


@pytest.mark.needs_toolchain
def test_divide_in_two_overlapping_blocks_is_charged_once(m4, loop_code):
    # A branch into the middle of the loop makes a second block that also holds the UDIV. The operand
    # histogram covers every execution of that one instruction, so its extra cycles count once.
    udiv_address = SRAM + 2 + 2 + 2 + 4 + 2 + 2 + 2 + 2
    tail = SRAM + 2 + 2 + 2 + 4 + 2 + 2  # the push: 5 instructions to the end, UDIV among them
    rows = [(SRAM, len(loop_code), 11, 6, 0), (tail, SRAM + len(loop_code) - tail, 5, 4, 0)]

    def cycles(hist):
        trace = make_trace("armv7e-m", SRAM, loop_code, rows, memory={"sram1": AccessCounts()},
                           divisions={udiv_address: hist})
        return estimate(trace, m4).cycles

    short = np.zeros(DIVISION_BINS, np.uint64)
    short[DIV_BIN_ZERO] = 10  # all 10 divides by zero at 2 cycles: nothing beyond the block bases
    mixed = np.zeros(DIVISION_BINS, np.uint64)
    mixed[DIV_BIN_ZERO], mixed[31] = 5, 5  # 5 of them at 12 cycles: 10 extra each
    assert cycles(mixed) - cycles(short) == 5 * 10
