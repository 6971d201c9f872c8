"""Hand-written Cortex-M4F floating-point microbenchmarks (firmware/microbench/m4_fp_kernels.S) costed by
the Cortex-M4 model at zero wait states (16 MHz): the predicted cycles must equal the hand calculation
from the Cortex-M4 TRM's FPU instruction table (Table 7-1; TI SWCU192 Table 3-27 reproduces it) and the
result-use rule (an FP arithmetic result read by the next instruction costs one cycle more, except as a
multiply-accumulate's addend), done below. P = 1 (taken-branch refill, cortex-m4-80mhz.toml); every loop
starts with a 32-bit instruction at a word-aligned address, so no branch into it pays the unaligned-target
cycle (that of BX LR is charged to its target, outside the region)."""

from pathlib import Path

import pytest

from mcubench.core.device import load_device
from mcubench.cost_models import estimate, simulation_options

import mcubench.simulator.engine as engine

MICROBENCH = Path(__file__).resolve().parent.parent / "firmware" / "microbench"
P = 1

HAND = {
    # 100 x (VMUL, VMUL, VADD, VADD, VSUB, VCVT: 1 each, none used by the next; SUBS, BNE) + 99 x P + BX 1 + P
    "mb_fp_independent": 100 * 8 + 99 * P + 1 + P,
    # 100 x (VMUL 1 + 1 (read by the VADD), VADD 1, VMUL 1 + 1, VADD 1, SUBS, BNE) + 99 x P + BX 1 + P
    "mb_fp_dependent": 100 * (2 + 1 + 2 + 1 + 2) + 99 * P + 1 + P,
    # 100 x (VMLA 3, VFMA 3, VMLA 3: each result only the next one's addend; the last read by the VMOV:
    # + 1; VMOV to a core register 2; SUBS, BNE) + 99 x P + BX 1 + P
    "mb_fp_mac": 100 * (3 + 3 + 3 + 1 + 2 + 2) + 99 * P + 1 + P,
    # 100 x (VLDR single 2, VLDR double 3, VSTR single 2, VSTR double 3, VLDM of 4 singles 1 + 4,
    # SUBS, BNE) + 99 x P + BX 1 + P
    "mb_fp_memory": 100 * (2 + 3 + 2 + 3 + 5 + 2) + 99 * P + 1 + P,
    # VPUSH of 2 doubles 1 + 2 x 2; 10 x (VDIV 14, VSQRT 14, VCMP 1, VMRS 1, SUBS, BNE) + 9 x P;
    # VPOP 1 + 2 x 2; BX 1 + P
    "mb_fp_divide": 5 + 10 * (14 + 14 + 1 + 1 + 2) + 9 * P + 5 + 1 + P,
}


@pytest.fixture(scope="module")
def m4():
    return load_device("cortex-m4-80mhz")


@pytest.fixture(scope="module")
def trace(m4, tmp_path_factory):
    from mcubench.firmware.platform.toolchain import build_elf

    elf = tmp_path_factory.mktemp("microbench_fp") / "m4_fp.elf"
    build_elf(m4, [MICROBENCH / "main_fp.c", MICROBENCH / "m4_fp_kernels.S"], elf)
    sim = engine.Simulator(elf, m4, function_regions=tuple(HAND), **simulation_options(m4))
    result = sim.run().trace
    assert result.exit_status == 0
    return result


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("name", sorted(HAND))
def test_fp_cycles_match_hand_calculation(trace, m4, name):
    est = estimate(trace, m4, clock_mhz=16.0)
    assert est.regions[name].cycles == HAND[name]


def _block(asm, tmp_path):
    """Decoded instructions of a few lines of Thumb assembly."""
    import subprocess

    from mcubench.cost_models.decode import CodeImage

    src = tmp_path / "b.S"
    src.write_text(".syntax unified\n.thumb\n.fpu fpv5-d16\n" + asm + "\n")
    subprocess.run(["arm-none-eabi-as", "-mcpu=cortex-m7", str(src), "-o", str(tmp_path / "b.o")], check=True)
    subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", "-j", ".text", str(tmp_path / "b.o"),
                    str(tmp_path / "b.bin")], check=True)
    code = (tmp_path / "b.bin").read_bytes()
    return CodeImage("armv7e-m", [(0x1000, code)]).block(0x1000, len(code))


@pytest.mark.parametrize("asm, cycles", [
    # Through the addend a chained or fused MAC result is ready 3 cycles after issue: issues at 0, 3, 6.
    ("vmla.f32 s0, s8, s9\nvmla.f32 s0, s8, s10\nvfma.f32 s0, s9, s10", 7),
    # As a multiplicand a chained MAC result takes 6 cycles: issues at 0, 6, 12.
    ("vmla.f32 s0, s8, s9\nvmla.f32 s1, s0, s10\nvmla.f32 s2, s1, s10", 13),
    # One FP pipe: independent adds issue one per cycle, never two together.
    ("vadd.f32 s0, s8, s9\nvadd.f32 s1, s8, s9\nvadd.f32 s2, s8, s9", 3),
    # An add waits 3 cycles for the multiply it reads; VDIV's result 16.
    ("vmul.f32 s0, s8, s9\nvadd.f32 s1, s0, s9\nvdiv.f32 s2, s1, s9\nvadd.f32 s3, s2, s9", 3 + 3 + 16 + 1),
])
@pytest.mark.needs_toolchain
def test_cortex_m7_fp_latencies(tmp_path, asm, cycles):
    """Cortex-M7 FP rules (assumptions from LLVM's Arm-contributed M7 scheduling model, cortex_m7.py)."""
    from mcubench.cost_models.cortex_m7 import CortexM7

    model = CortexM7(load_device("stm32h7"))
    assert model.block_cost(_block(asm, tmp_path)).base == cycles
