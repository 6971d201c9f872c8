"""Cortex-M7, Cortex-M0+ and RV32 core models on hand-built traces; expected cycles from each model's
stated rules (cost_models/cortex_m7.py, cortex_m4.py, riscv_core.py), worked out in the comments."""

import pytest

from mcubench.cost_models import duty_cycle, estimate
from mcubench.core.device import load_device

from test_cost_helpers import AccessCounts, CacheAreaCounts, CacheCounts, assemble_rv32, assemble_thumb, make_trace

ITCM = 0x00000000  # zero-wait, uncached: only the pipeline counts


@pytest.fixture(scope="module")
def h7():
    return load_device("stm32h7")


def _m7_cycles(h7, source, count=1, fallthrough=1, **kw):
    code = assemble_thumb(source, cpu="cortex-m7")
    n = source.count("\n") + 1
    trace = make_trace("armv7e-m", ITCM, code, [(ITCM, len(code), n, count, fallthrough)], **kw)
    return estimate(trace, h7)


@pytest.mark.parametrize("source, cycles", [
    ("adds r0, #1\n adds r1, #1\n adds r2, #1\n adds r3, #1", 2),  # two independent pairs
    ("adds r0, #1\n adds r0, #1\n adds r0, #1\n adds r0, #1", 4),  # dependent chain: no pairing
    ("ldr r0, [r1]\n adds r2, r0, #1", 2),  # a word load feeds the ALU the next cycle (no bubble)
    ("ldr r0, [r1]\n ldr r2, [r1, #4]", 1),  # even and odd word (different banks): they pair
    ("ldr r0, [r1]\n ldr r2, [r1, #8]", 2),  # same bank: one after the other
    ("str r0, [r1]\n str r2, [r1, #4]", 2),  # two stores never pair
    ("ldr r0, [r1]\n adds r2, #1", 1),  # a load and an independent ALU op pair
    ("mul r0, r1, r2\n mul r3, r1, r2", 2),  # one multiplier
    ("push {r4, r5, r6, r7}\n adds r0, #1", 3),  # ceil(4/2) = 2 (measured on STM32H743), then the ALU op
])
@pytest.mark.needs_toolchain
def test_m7_dual_issue_rules(h7, source, cycles):
    assert _m7_cycles(h7, source).cycles == cycles


# Hand counts from jnk0le's STM32H743 statements ("pipeline cycle test/doc/cortex_m7.md"), one per rule of
# cost_models/cortex_m7.py taken from them: cycles = last issue cycle + 1, both instructions in one block.
@pytest.mark.parametrize("source, cycles", [
    # "word loads can be consumed by late ALU in next cycle": LDR 0, ADD 1
    ("ldr r0, [r1]\n adds r2, r0, #1", 2),
    # "byte/half loads can be consumed in secend cycle by late ALU (1 extra cycle of result latency)": 0, 2
    ("ldrb r0, [r1]\n adds r2, r0, #1", 3),
    ("ldrsh r0, [r1]\n adds r2, r0, #1", 3),
    # "all multiplications and multiply accumulates can't consume ldr result from previous cycle": 0, 2
    ("ldr r0, [r1]\n mul r2, r0, r3", 3),
    # word loads to late ALU "except instructions that consume one of the operands in early ALU" (REV, SBFX,
    # ... "execute in early alu"): 0, 2
    ("ldr r0, [r1]\n rev r2, r0", 3),
    ("ldr r0, [r1]\n ubfx r2, r0, #4, #8", 3),
    # a loaded address: 2 after any load (the model's own assumption, unchanged)
    ("ldr r0, [r1]\n ldr r2, [r0]", 3),
    # "accumulate dependency is consumed cycle later ... (so it can consume ldrb result from previous cycle, or
    # late ALU from the same cycle)": LDRB 0, MLA 1; ADDS and MLA in one cycle
    ("ldrb r0, [r1]\n mla r2, r3, r4, r0", 2),
    ("adds r0, #1\n mla r2, r3, r4, r0", 1),
    # stores "can be dual issued with load" and "can store any result in same cycle, including ldr, ldrh, ldrb"
    ("ldr r0, [r1]\n str r2, [r3]", 1),
    ("ldr r0, [r1]\n str r0, [r2]", 1),
    ("ldrb r0, [r1]\n strb r0, [r2]", 1),
    ("adds r0, #1\n str r0, [r1]", 1),
    # multiplies "can't dual issue with stores": MUL 0, STR 1
    ("mul r0, r1, r2\n str r3, [r4]", 2),
    # bitfield/DSP instructions "cannot dual issue wrt each other"; with an ALU instruction they pair
    ("uxtb r0, r1\n uxtb r2, r3", 2),
    ("uxtb r0, r1\n adds r2, #1", 1),
    # "bitfield/dsp instruction (e.g. uxtb, uxtab, rev) result cannot be used as index or address by load/store
    # instructions in next cycle (1 extra cycle latency)": UXTB 0, LDR 2; an ADD result is an index at 1
    ("uxtb r0, r1\n ldr r2, [r3, r0]", 3),
    ("adds r0, #1\n ldr r2, [r3, r0]", 2),
    # operand2 matrix: inline shifted reg with inline shifted reg "cannot dual issue"; with a simple constant
    # or a plain shift by a constant they pair
    ("add r0, r1, r2, lsl #2\n add r3, r4, r5, lsl #2", 2),
    ("add r0, r1, r2, lsl #2\n add r3, r4, #1", 1),
    ("add r0, r1, r2, lsl #2\n lsl r3, r4, #2", 1),
])
@pytest.mark.needs_toolchain
def test_m7_operand_and_pairing_rules_from_stm32h743_measurements(h7, source, cycles):
    assert _m7_cycles(h7, source).cycles == cycles


def _rep(line, n):
    return "\n".join([line] * n)


# The store buffer (cost_models/cortex_m7.py, from the same page: "the throughput is 4 cycles per store if
# targeting one bank, 2 cycles per store if targeting even/odd bank ... (strh is still 2 cycles)", and
# "without any stalls until store buffer clogs up (5 consecutive stores)"): 4 entries, a byte/halfword
# store's write holds its bank 4 cycles, writes start in program order, the two banks at once.
@pytest.mark.parametrize("source, cycles", [
    # one word: writes at 0, 4, 8, 12, 16 free their entries at 4, 8, 12, 16, 20; stores issue at 0..4 (the
    # first entry is free again at 4), the sixth waits for the second's at 8
    (_rep("strb r0, [r1]", 5), 5),
    (_rep("strb r0, [r1]", 6), 9),
    (_rep("strb r0, [r1]", 8), 17),  # then one per 4: 12, 16
    # even and odd word: writes at 0, 1, 4, 5, 8, 9, 12, 13; issues 0..5, then 8 and 9 (one per 2)
    (_rep("strb r0, [r1]\n strb r0, [r1, #4]", 4), 10),
    # unit-stride halfwords (two to each word: banks A A B B A A B B): writes at 0, 4, 4, 8, 8, 12, 12, 16;
    # issues 0, 1, 2, 3, 4, 8, 9, 12
    (_rep("strh r0, [r1], #2", 8), 13),
    # unit-stride bytes (four to each word): writes at 0, 4, 8, 12 (A), 12, 16, 20, 24 (B); issues 0..4, 8,
    # 12, 16 (one per 4 within a word)
    (_rep("strb r0, [r1], #1", 8), 17),
    # no known relation (another base register): the other bank, as alternating
    (_rep("strb r0, [r1]\n strb r0, [r2]", 4), 10),
    # a base written by an ALU instruction is no longer followed: the other bank each time (the ADDS pair
    # with the stores; issues as alternating)
    (_rep("strb r0, [r1]\n adds r1, #4", 4), 4),
    (_rep("strb r0, [r1]\n adds r1, #8", 8), 10),
    # word stores hold their bank 1 cycle: never stalled at one per cycle
    (_rep("str r0, [r1]", 8), 8),
    (_rep("str r0, [r1], #4", 8), 8),
    # a word store waits in order behind byte stores: the sixth store waits as above
    (_rep("strb r0, [r1]", 5) + "\n str r0, [r2]", 9),
])
@pytest.mark.needs_toolchain
def test_m7_store_buffer_from_stm32h743_measurements(h7, source, cycles):
    assert _m7_cycles(h7, source).cycles == cycles


@pytest.mark.needs_toolchain
def test_m7_branch_prediction(h7):
    # A loop branch taken 99 times in 100: the minority direction (1 exit) is mispredicted: +8.
    est = _m7_cycles(h7, "loop:\n subs r0, #1\n bne loop", count=100, fallthrough=1)
    base = 100 * 1  # SUBS and BNE issue together: the branch resolves its flags in a later stage
    assert est.cycles == base + 1 * 8


@pytest.mark.needs_toolchain
def test_m7_pools_a_branchs_outcomes_over_the_blocks_it_ends(h7):
    # One BNE ends two blocks: the whole block, entered 30 times, always falling through, and the block from
    # its second instruction (a jump into the middle), entered 10 times, always taken. The predictor sees
    # one branch taken 10 times in 40: 10 mispredictions, not 0 + 0 as the two blocks apart would give.
    code = assemble_thumb("top:\n adds r1, #1\n subs r0, #1\n bne top", cpu="cortex-m7")
    rows = [(ITCM, len(code), 3, 30, 30), (ITCM + 2, len(code) - 2, 2, 10, 0)]
    trace = make_trace("armv7e-m", ITCM, code, rows)
    assert estimate(trace, h7).cycles_by_cause["mispredicts"] == 10 * 8


@pytest.mark.needs_toolchain
def test_m7_dcache_misses_cost_line_fills(h7):
    mem = {"axi_sram": AccessCounts(reads=100)}
    hit = _m7_cycles(h7, "ldr r0, [r1]", memory=mem, caches={"m7_dcache": CacheCounts(read_hits=100),
                                                              "m7_icache": CacheCounts()})
    missed = {"axi_sram": CacheAreaCounts(read_misses=10, line_fills=10)}
    miss = _m7_cycles(h7, "ldr r0, [r1]", memory=mem, caches={
        "m7_dcache": CacheCounts(read_hits=90, read_misses=10, areas=missed), "m7_icache": CacheCounts()})
    assert miss.cycles - hit.cycles == 10 * 14  # AXI SRAM line fill, [timing.line_fill]


@pytest.mark.needs_toolchain
def test_m7_misses_are_charged_to_the_area_that_missed(h7):
    # 1000 hits in AXI SRAM and 10 misses on flash lines: the misses cost flash fills (48 each), whatever the
    # share of AXI SRAM in the accesses (a split by accesses charged them at nearly the SRAM figure, 14).
    mem = {"axi_sram": AccessCounts(reads=1000), "flash": AccessCounts(reads=10)}
    caches = {"m7_dcache": CacheCounts(read_hits=1000, read_misses=10,
                                       areas={"flash": CacheAreaCounts(read_misses=10, line_fills=10)}),
              "m7_icache": CacheCounts()}
    base = _m7_cycles(h7, "ldr r0, [r1]", memory=mem, caches={"m7_dcache": CacheCounts(read_hits=1010),
                                                               "m7_icache": CacheCounts()})
    assert _m7_cycles(h7, "ldr r0, [r1]", memory=mem, caches=caches).cycles - base.cycles == 10 * 48
    # A write miss without a line fill (no write allocation) costs nothing: only fills are charged.
    no_fill = {"m7_dcache": CacheCounts(write_misses=4, areas={"axi_sram": CacheAreaCounts(write_misses=4)}),
               "m7_icache": CacheCounts()}
    assert _m7_cycles(h7, "ldr r0, [r1]", memory=mem, caches=no_fill).cycles == base.cycles


@pytest.mark.needs_toolchain
def test_m0plus_table():
    g0 = load_device("stm32g0")
    src = "loop:\n ldr r0, [r1]\n ldr r2, [r1, #4]\n muls r0, r2, r0\n push {r4, r5}\n pop {r4, r5}\n subs r3, #1\n bne loop"
    code = assemble_thumb(src, cpu="cortex-m0plus")
    sram = 0x20000000
    trace = make_trace("armv6-m", sram, code, [(sram, len(code), 7, 10, 1)])
    # LDR 2 + LDR 2 (no pipelining on M0+) + MULS 1 + PUSH 3 + POP 3 + SUBS 1 + BNE 1 = 13; taken +1 (B = 2)
    assert estimate(trace, g0).cycles == 10 * 13 + 9 * 1


@pytest.mark.parametrize("name, expected", [
    # lw 1 + load-use 1, add 1, addi 1, bnez 1 = 5 per execution; +2 per taken branch (both devices' files)
    ("esp32-c3", 10 * 5 + 9 * 2),
    # LX6 zero-overhead loop: the closing branch is free while looping, 1 cycle (LOOP set-up) per exit; then
    # x 1.31, the device file's measured Xtensa / RV32IMC stream factor (proxy.stream_factor)
    ("esp32", round((10 * 4 + 1 * 1) * 1.31)),
])
@pytest.mark.needs_toolchain
def test_rv32_models(name, expected):
    device = load_device(name)
    code = assemble_rv32("loop:\n lw a1, 0(a0)\n add a2, a2, a1\n addi a0, a0, 4\n bnez a3, loop")
    iram = device.memory_map.by_name("iram").base
    trace = make_trace("rv32imc", iram, code, [(iram, len(code), 4, 10, 1)])
    est = estimate(trace, device)
    assert est.cycles == expected
    assert est.proxy_isa == ("rv32imc" if name == "esp32" else None)
    assert ("proxy_stream" in est.cycles_by_cause) == (name == "esp32")
    assert sum(est.cycles_by_cause.values()) == est.cycles


@pytest.mark.parametrize("jump, cycles", [
    # ESP32-C3: J (JAL) 1 + 1 as measured (timonvo/niccle, cycles::JUMP); JALR keeps the taken-branch +2
    ("j loop", 1 + 1 + 1),
    ("jalr zero, 0(a0)", 1 + 1 + 2),
])
@pytest.mark.needs_toolchain
def test_c3_jump_and_register_jump(jump, cycles):
    device = load_device("esp32-c3")
    code = assemble_rv32(f"loop:\n addi a2, a2, 1\n {jump}")
    iram = device.memory_map.by_name("iram").base
    trace = make_trace("rv32imc", iram, code, [(iram, len(code), 2, 10, 0)])
    assert estimate(trace, device).cycles == 10 * cycles


@pytest.mark.needs_toolchain
def test_rv32_flash_cache_misses():
    device = load_device("esp32-c3")
    code = assemble_rv32("addi a0, a0, 1")
    irom = device.memory_map.by_name("irom").base
    caches = {"c3_cache": CacheCounts(fetch_hits=9, fetch_misses=1, read_hits=5, read_misses=2, areas={
        "irom": CacheAreaCounts(fetch_misses=1, line_fills=1), "drom": CacheAreaCounts(read_misses=2, line_fills=2)})}
    trace = make_trace("rv32imc", irom, code, [(irom, len(code), 1, 10, 10)], caches=caches,
                       memory={"drom": AccessCounts(reads=7)})
    assert estimate(trace, device).cycles == 10 + 3 * 180


@pytest.mark.needs_toolchain
def test_esp32_clock_options():
    device = load_device("esp32")
    code = assemble_rv32("addi a0, a0, 1")
    iram = device.memory_map.by_name("iram").base
    trace = make_trace("rv32imc", iram, code, [(iram, len(code), 1, 240, 240)])
    fast = estimate(trace, device, clock_mhz=240)
    assert fast.cycles == round(240 * 1.31)  # the proxy's stream factor scales the core's cycles
    assert fast.latency_ms == pytest.approx(fast.cycles / 240e3)
    assert fast.avg_power_mw == pytest.approx(49.0 * 3.3)
    from mcubench.core.errors import UsageError
    with pytest.raises(UsageError, match="80, 160, 240"):
        estimate(trace, device, clock_mhz=200)


@pytest.mark.needs_toolchain
def test_duty_cycle_average_power_and_battery():
    device = load_device("cortex-m4-80mhz")
    code = assemble_thumb("adds r0, #1")
    trace = make_trace("armv7e-m", 0x20000000, code, [(0x20000000, 2, 1, 80_000, 80_000)])
    est = estimate(trace, device)  # 80 000 cycles = 1 ms at 80 MHz
    assert est.latency_ms == pytest.approx(1.0)
    d = duty_cycle(est, device, 10.0, battery_mah=1000, battery_v=3.0)
    sleep_mw = 1.64e-3 * 3.0  # DS10198 Table 45, Stop 2 with RTC
    assert d["avg_power_mw"] == pytest.approx(10 * est.energy_uj / 1000 + sleep_mw * 0.99)
    hours = 1000 * 3.0 / d["avg_power_mw"]  # mAh x V / mW = h
    assert d["battery_life_years"] == pytest.approx(hours / (365.25 * 24))
    from mcubench.core.errors import UsageError
    with pytest.raises(UsageError, match="at most"):
        duty_cycle(est, device, 2000.0)


@pytest.mark.needs_toolchain
def test_flash_line_fill_scales_with_the_clock():
    # A flash miss takes a fixed time: 180 cycles at 160 MHz is 90 cycles at 80 MHz.
    device = load_device("esp32-c3")
    code = assemble_rv32("addi a0, a0, 1")
    irom = device.memory_map.by_name("irom").base
    trace = make_trace("rv32imc", irom, code, [(irom, len(code), 1, 10, 10)],
                       caches={"c3_cache": CacheCounts(fetch_hits=9, fetch_misses=1, areas={
                           "irom": CacheAreaCounts(fetch_misses=1, line_fills=1)})})
    assert estimate(trace, device).cycles == 10 + 180
    assert estimate(trace, device, clock_mhz=80).cycles == 10 + 90


@pytest.mark.needs_toolchain
def test_written_back_base_register(h7):
    # Post-indexed loads: the base update is an address-stage result, so the second load does not wait
    # for the first load's data: M7 issues them in consecutive cycles (one memory access per cycle).
    assert _m7_cycles(h7, "ldr r3, [r1], #4\n ldr r4, [r1], #4").cycles == 2
    m4 = load_device("cortex-m4-80mhz")
    code = assemble_thumb("ldr r3, [r1], #4\n ldr r4, [r1], #4\n ldr r5, [r4]")
    trace = make_trace("armv7e-m", 0x20000000, code, [(0x20000000, len(code), 3, 1, 1)])
    # M4: 2, then 2 (not pipelined: its base r1 was written back by the load before, a destination of that
    # load, TRM 3.3.2; measured so on an STM32F407), then 2 (address is loaded r4)
    assert estimate(trace, m4, clock_mhz=16).cycles == 2 + 2 + 2
    code = assemble_thumb("ldr r3, [r1], #4\n ldr r4, [r2], #4\n ldr r5, [r1], #4")
    trace = make_trace("armv7e-m", 0x20000000, code, [(0x20000000, len(code), 3, 1, 1)])
    assert estimate(trace, m4, clock_mhz=16).cycles == 2 + 1 + 1  # alternating bases pipeline


@pytest.mark.needs_toolchain
def test_m7_mac_chain_forwards_the_accumulator(h7):
    # Eight MLAs into r3: each only adds into the previous result, which is forwarded: one per cycle.
    chain = "\n".join(["mla r3, r1, r2, r3"] * 8)
    assert _m7_cycles(h7, chain).cycles == 8
    # The same result used as a multiplicand waits for the full 2-cycle multiply latency.
    assert _m7_cycles(h7, "mla r3, r1, r2, r3\n mla r4, r3, r2, r4").cycles == 3
    # SMLAL accumulates into r4:r5
    assert _m7_cycles(h7, "smlal r4, r5, r1, r2\n smlal r4, r5, r1, r2").cycles == 2


def test_run_current_interpolation():
    from mcubench.cost_models.power import run_current_ma

    m4 = load_device("cortex-m4-80mhz")  # points: 26 MHz 2.88 mA, 80 MHz 10.2 mA
    assert run_current_ma(m4, 80) == pytest.approx(10.2)
    assert run_current_ma(m4, 53) == pytest.approx(2.88 + (10.2 - 2.88) * 27 / 54)
    assert run_current_ma(m4, 13) == pytest.approx(2.88 / 2)  # below the lowest point: proportional
    assert all(run_current_ma(m4, f) > 0 for f in (1, 2, 4, 8))


@pytest.mark.needs_toolchain
def test_m7_cbz_loops_are_predicted_like_conditional_branches(h7):
    # CBNZ taken 99 times in 100: one misprediction, as for BNE
    code = assemble_thumb("subs r0, #1\n cbnz r0, 1f\n nop\n1:", cpu="cortex-m7")
    trace = make_trace("armv7e-m", ITCM, code, [(ITCM, 4, 2, 100, 1)])  # the block ends at the CBNZ
    assert estimate(trace, h7).cycles_by_cause["mispredicts"] == 8
