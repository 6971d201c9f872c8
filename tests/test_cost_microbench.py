"""Hand-written Cortex-M4 microbenchmarks (firmware/microbench/m4_kernels.S) run on the simulator and
costed by the Cortex-M4 model: predicted cycles must equal the hand calculation from the Cortex-M4 TRM
(ARM DDI 0439B) Table 3-1, done below, exactly at zero wait states (16 MHz: RM0351 Table 11 gives 0 WS),
and within the documented flash-accelerator behaviour at 80 MHz (4 WS).

P = 1 (taken-branch refill, cortex-m4-80mhz.toml), plus 1 when the branch lands on a 32-bit instruction at an
address that is 2 mod 4 (U below: the TRM's "depending on alignment and width of the target instruction",
measured on silicon by the M4 Optimization Compendium). Unicorn starts a new basic block at every branch
target, so a loop's first pass is part of the function's entry block; the sums below do not depend on it.
"""

from pathlib import Path

import numpy as np
import pytest

from mcubench.cost_models import estimate, simulation_options
from mcubench.core.device import load_device, parse_device

import mcubench.simulator.engine as engine

MICROBENCH = Path(__file__).resolve().parent.parent / "firmware" / "microbench"
REGIONS = ("mb_mla_chain", "mb_ldr_seq", "mb_ldm", "mb_branches", "mb_udiv", "mb_straight", "mb_agu",
           "mb_ldr_str")
P = 1
U = 1

HAND = {
    # movs x3 (3) + 100 x (8 MLA + SUBS + BNE = 10) + 100 taken branches (99 loop + BX LR) x P + MOV + BX (2);
    # the loop starts with a 32-bit MLA at offset 6 (after three 16-bit MOVS): each of the 99 loop-backs + U
    "mb_mla_chain": 3 + 100 * 10 + 100 * P + 2 + 99 * U,
    # PUSH {r4,r5} 1+2 + 100 x (LDR 2, 4 x pipelined LDR 1, dependent LDR 2, SUBS 1, BNE 1 = 10)
    # + 99 x P + POP 1+2 + BX 1 + P
    "mb_ldr_seq": 3 + 100 * 10 + 99 * P + 3 + 1 + P,
    # PUSH 3 + 100 x (LDM 1+4 + SUBS + BNE = 7) + 99 x P + POP 3 + BX 1 + P; the loop starts with LDM.W
    # (no writeback: 32 bits) at offset 2: + U per loop-back
    "mb_ldm": 3 + 100 * 7 + 99 * P + 3 + 1 + P + 99 * U,
    # MOVS 1 + 100 x (CMP, BEQ not taken, CMP, BEQ taken, SUBS, BNE = 6) + 100 x P (BEQ 2f always taken)
    # + 99 x P (loop) + BX 1 + P
    "mb_branches": 1 + 100 * 6 + 100 * P + 99 * P + 1 + P,
    # three calls of 10 x (UDIV + SUBS + BNE) + 9 x P + MOV + BX 1 + P; UDIV by the operands (the measured
    # rule, cost_models/cortex_m4.py): 0xFFFFFFFF / 1: 32 - 1 = 31 more bits -> 5 + 7 = 12 cycles;
    # 5 / 7: 3 - 3 = 0 -> 5; 1000 / 10: 10 - 4 = 6 -> 5 + 1 = 6
    "mb_udiv": sum(10 * (div + 2) + 9 * P + 1 + 1 + P for div in (12, 5, 6)),
    # 50 x (31 ADDS + SUBS + BNE = 33) + 49 x P + BX 1 + P
    "mb_straight": 50 * 33 + 49 * P + 1 + P,
    # 100 x (ADDS 1, LDR 2 + 1: its address comes from the ALU just before, "no forwarding path"
    # (TRM 3.3.2), SUBS 1, BNE 1) + 99 x P + BX 1 + P
    "mb_agu": 100 * (1 + 3 + 1 + 1) + 99 * P + 1 + P,
    # MOVS 1 + 100 x (LDR reg offset 2, STR reg offset 1 as it follows a load, STR imm 1, SUBS 1, BNE 1)
    # + 1 on the first pass only (that LDR's index r3 comes from the MOVS just before it) + 99 x P + BX 1 + P
    "mb_ldr_str": 1 + 100 * (2 + 1 + 1 + 1 + 1) + 1 + 99 * P + 1 + P,
}


def _variant(device, *, caches=True, prefetch=True):
    raw = dict(device.raw)
    raw["timing"] = dict(raw["timing"], flash=dict(raw["timing"]["flash"], prefetch=prefetch))
    if not caches:
        raw["caches"] = []
    return parse_device(raw)


@pytest.fixture(scope="module")
def m4():
    return load_device("cortex-m4-80mhz")


@pytest.fixture(scope="module")
def elf(m4, tmp_path_factory):
    from mcubench.firmware.platform.toolchain import build_elf

    out = tmp_path_factory.mktemp("microbench") / "m4_microbench.elf"
    build_elf(m4, [MICROBENCH / "main.c", MICROBENCH / "m4_kernels.S"], out)
    return out


def _run(elf, device):
    sim = engine.Simulator(elf, device, function_regions=REGIONS, **simulation_options(device))
    trace = sim.run().trace
    assert trace.exit_status == 0
    return trace


@pytest.fixture(scope="module")
def trace(elf, m4):
    return _run(elf, m4)


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("name", REGIONS)
def test_zero_wait_state_cycles_match_hand_calculation(trace, m4, name):
    est = estimate(trace, m4, clock_mhz=16.0)
    assert est.regions[name].cycles == HAND[name]


@pytest.mark.needs_toolchain
def test_divide_histogram_comes_from_the_operands(trace):
    hist = sum(np.asarray(h, dtype=np.int64) for h in trace.region("mb_udiv").divisions.values())
    assert hist[31] == 10 and hist[0] == 10 and hist[6] == 10 and hist.sum() == 30


# mb_straight is 31 ADDS + SUBS + BNE = 66 bytes from an 8-byte aligned start: 9 flash lines of 64 bits
# per loop pass; each full line holds four 1-cycle instructions. At 80 MHz the flash has 4 wait states.
NO_ACCELERATOR = HAND["mb_straight"] + 50 * 9 * 4  # every line fetch stalls WS = 4
PREFETCH_ONLY = HAND["mb_straight"] + 50 * (4 + 8 * 1)  # branch target 4, each next line 1 + 4 - 4 = 1


@pytest.mark.needs_toolchain
def test_flash_without_accelerator(elf, m4):
    device = _variant(m4, caches=False, prefetch=False)
    est = estimate(_run(elf, device), device)
    assert est.regions["mb_straight"].cycles == NO_ACCELERATOR


@pytest.mark.needs_toolchain
def test_flash_with_prefetch_only(elf, m4):
    device = _variant(m4, caches=False, prefetch=True)
    est = estimate(_run(elf, device), device)
    assert est.regions["mb_straight"].cycles == PREFETCH_ONLY


@pytest.mark.needs_toolchain
def test_flash_with_art_cache(trace, m4):
    """The 72-byte loop fits the 1 KB ART instruction cache: only the first pass pays the prefetch-only
    stalls (12 cycles); the model spreads the miss ratio over the passes, so allow one pass of slack."""
    est = estimate(trace, m4)
    cycles = est.regions["mb_straight"].cycles
    assert HAND["mb_straight"] <= cycles <= HAND["mb_straight"] + 2 * 12
    assert cycles < PREFETCH_ONLY < NO_ACCELERATOR


@pytest.mark.needs_toolchain
def test_cortex_m0plus_loop_matches_hand_calculation(tmp_path):
    """Cortex-M0+ TRM (DDI 0484C) Table 3-1: PUSH {r4,lr} 1+2; per pass LDR 2, LDR 2, MULS 1 (fast
    multiplier), STR 2, LDM 1+2, SUBS 1, SUBS 1, BNE 1 (+1 taken) = 13; POP {r4,pc} 3+2. At 16 MHz the
    STM32G0 flash has 0 wait states (RM0444, range 1: up to 24 MHz)."""
    from mcubench.firmware.platform.toolchain import build_elf

    g0 = load_device("stm32g0")
    elf = tmp_path / "m0.elf"
    build_elf(g0, [MICROBENCH / "main_m0.c", MICROBENCH / "m0_kernels.S"], elf)
    trace = engine.Simulator(elf, g0, function_regions=("mb_m0_loop",), **simulation_options(g0)).run().trace
    est = estimate(trace, g0, clock_mhz=16.0)
    assert est.regions["mb_m0_loop"].cycles == 3 + 100 * 13 + 99 * 1 + 5


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("name, fill", [("esp32", 260), ("esp32-c3", 180)])
def test_esp_flash_cache_misses_reach_the_cost(tmp_path, name, fill):
    """The RV32 build runs from flash-mapped IROM: every miss of the simulated flash cache costs a line
    fill (device file), and the fill time is fixed, so at 240 MHz the ESP32 pays 1.5x the cycles."""
    from mcubench.firmware.platform.toolchain import build_elf

    device = load_device(name)
    elf = tmp_path / "smoke.elf"
    build_elf(device, [MICROBENCH / "smoke.c"], elf)
    trace = engine.Simulator(elf, device, **simulation_options(device)).run().trace
    counts = trace.caches[device.caches[0].name]
    misses = counts.fetch_misses + counts.read_misses
    assert misses > 0 and counts.fetch_hits > 10 * counts.fetch_misses
    assert estimate(trace, device).cycles_by_cause["memory_stalls"] == misses * fill
    if name == "esp32":
        assert estimate(trace, device, clock_mhz=240).cycles_by_cause["memory_stalls"] == misses * fill * 3 // 2
