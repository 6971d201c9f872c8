"""STM32H7 (Cortex-M7) microbenchmarks on the simulator: data that fits the 16 KB D-cache vs data that
does not (the miss cost shows), and DTCM vs AXI SRAM (firmware/microbench/main_m7.c, m7_kernels.S)."""

from pathlib import Path

import pytest

from mcubench.cost_models import estimate, simulation_options
from mcubench.core.device import load_device

import mcubench.simulator.engine as engine

MICROBENCH = Path(__file__).resolve().parent.parent / "firmware" / "microbench"
WORDS_SMALL = 2 * 2048  # two passes over 8 KB
WORDS_BIG = 2 * 16384  # two passes over 64 KB
LINE_WORDS = 32 // 4


@pytest.fixture(scope="module")
def h7():
    return load_device("stm32h7")


@pytest.fixture(scope="module")
def run(h7, tmp_path_factory):
    from mcubench.firmware.platform.toolchain import build_elf

    elf = tmp_path_factory.mktemp("microbench_m7") / "m7.elf"
    build_elf(h7, [MICROBENCH / "main_m7.c", MICROBENCH / "m7_kernels.S"], elf)
    trace = engine.Simulator(elf, h7, **simulation_options(h7)).run().trace
    assert trace.exit_status == 0
    return trace, estimate(trace, h7)


@pytest.mark.needs_toolchain
def test_dcache_counts_follow_the_array_size(run):
    trace, _ = run
    thrash = trace.region("dcache_thrash").caches["m7_dcache"]
    # 64 KB is four times the cache: every 32-byte line misses on both passes (plus at most a literal).
    assert WORDS_BIG // LINE_WORDS <= thrash.read_misses <= WORDS_BIG // LINE_WORDS + 2
    fits = trace.region("dcache_fits").caches["m7_dcache"]
    # 8 KB fits: at most the first pass misses (start-up's .bss clearing may already have allocated it).
    assert fits.read_misses <= 2048 // LINE_WORDS + 2
    assert trace.region("dtcm").caches["m7_dcache"].read_misses == 0  # TCM is not cached


@pytest.mark.needs_toolchain
def test_miss_cost_shows_per_word(run):
    _, est = run
    per_word = {name: est.regions[name].cycles / words for name, words in
                (("dtcm", WORDS_SMALL), ("dcache_fits", WORDS_SMALL), ("dcache_thrash", WORDS_BIG))}
    # Cached AXI SRAM that hits costs what zero-wait DTCM costs ...
    assert per_word["dcache_fits"] == pytest.approx(per_word["dtcm"], rel=0.02)
    # ... and a miss every 8 words costs the AXI SRAM line fill (14 cycles, stm32h7.toml) over 8 words.
    assert per_word["dcache_thrash"] - per_word["dtcm"] == pytest.approx(14 / LINE_WORDS, rel=0.02)

