"""Build variants (firmware/compiler/build.py BuildVariant): the project's choices per device, the flags and
attributes a variant emits, and firmware built with another variant computing what TFLite Micro computes.
benchmarks/kernel_ablation.py measures the cycles; nothing here is timed."""

from pathlib import Path

from elftools.elf.elffile import ELFFile
import numpy as np
import pytest

from mcubench.benchmarks.kernel_ablation import CHOICES, Choice, ablate, render
from mcubench.benchmarks.reference import interpreter_outputs
from mcubench.benchmarks.suite import default_suite_path, load_suite
from mcubench.core.device import load_device
from mcubench.core.elf import read_symbols
from mcubench.core.errors import BuildError
from mcubench.firmware import BuildVariant, compile_model
from mcubench.firmware.compiler.build import _variant_flags, effective_variant, project_tuning

from simulated_firmware import run_firmware

SUITE = Path(__file__).resolve().parents[1] / "benchmarks" / "suites" / "default"


def test_project_tuning_per_core():
    m4, h7, c3 = load_device("cortex-m4-80mhz"), load_device("stm32h7"), load_device("esp32-c3")
    # Cortex-M4: loop heads on 4 bytes (its validated model charges a taken branch to an unaligned 32-bit
    # instruction one more cycle) and the DSP kernels' unrolling; every field is set.
    tuned = project_tuning(m4, "dsp")
    assert tuned.align_loops == 4 and tuned.mac_groups == 4 and tuned.weight_chunks is True
    assert None not in vars(tuned).values()
    # Cortex-M7: no layout choice made for its (unvalidated) model; the DSP kernels' unrolling is shared.
    h7_tuned = project_tuning(h7, "dsp")
    assert (h7_tuned.align_loops, h7_tuned.depthwise_align, h7_tuned.const_align) == (1, 1, 4)
    assert h7_tuned.mac_groups == 4
    # The H7's 16 KB data cache is not a small one: chunking cannot act.
    assert effective_variant(BuildVariant(weight_chunks=True), h7, "dsp").weight_chunks is False
    # RV32: nothing of the DSP kernels, and the portable build of an M4 keeps word-aligned constants.
    assert project_tuning(c3, "portable") == effective_variant(
        BuildVariant(mac_groups=4, const_align=4), c3, "portable"
    )
    assert project_tuning(c3, "portable").mac_groups == 1
    assert project_tuning(m4, "portable").const_align == 4


def test_variant_flags():
    m4, c3 = load_device("cortex-m4-80mhz"), load_device("esp32-c3")
    defines, cflags = _variant_flags(project_tuning(m4, "dsp"), m4, "dsp")
    assert cflags == ["-falign-loops=4"]
    assert defines["MCB_LOOP_ALIGN"] == 4 and defines["MCB_MAC_GROUPS"] == 4 and defines["MCB_WIDEN_GROUPS"] == 2
    assert defines["MCB_WEIGHT_CACHE_BYTES"] == 256  # the ART data cache of the M4 device
    plain = effective_variant(BuildVariant(align_loops=1, mac_groups=1, weight_chunks=False), m4, "dsp")
    defines, cflags = _variant_flags(plain, m4, "dsp")
    assert cflags == [] and defines["MCB_MAC_GROUPS"] == 1 and "MCB_WEIGHT_CACHE_BYTES" not in defines
    assert _variant_flags(project_tuning(c3, "portable"), c3, "portable") == ({}, [])
    assert _variant_flags(effective_variant(BuildVariant(align_loops=8), c3, "portable"), c3, "portable") == (
        {},
        ["-falign-loops=8"],
    )


@pytest.mark.parametrize(
    "bad",
    [
        BuildVariant(mac_groups=3),
        BuildVariant(const_align=2),
        BuildVariant(weight_chunks=1),
        BuildVariant(align_loops=True),
    ],
)
def test_bad_variants_are_refused(bad):
    with pytest.raises(BuildError, match="build variant"):
        compile_model(SUITE / "vibration" / "vibration_ae_int8.tflite", "cortex-m4-80mhz", variant=bad)


def test_every_ablated_choice_is_a_field():
    assert {c.field for c in CHOICES} == set(vars(BuildVariant()))
    for choice in CHOICES:
        BuildVariant(**{choice.field: choice.on}).check()
        BuildVariant(**{choice.field: choice.off}).check()


def _depthwise_address(elf_path):
    with open(elf_path, "rb") as f:
        return read_symbols(ELFFile(f)).by_name["mcb_depthwise_conv2d_s8_dsp"] & ~1


@pytest.mark.needs_toolchain
@pytest.mark.slow
@pytest.mark.parametrize("name", ["shapes", "images"])
def test_a_variant_changes_the_build_not_the_numbers(tmp_path, monkeypatch, name):
    """A suite model (shapes: conv, depthwise, FC; images: conv, residual ADD, FC) on the M4 built as the
    project builds it and with every choice flipped: flags and attributes differ, outputs equal the TFLite
    Micro interpreter's in both."""
    monkeypatch.setenv("MCUBENCH_CACHE", str(tmp_path / "cache"))
    device = load_device("cortex-m4-80mhz")
    suite_model = next(m for m in load_suite(default_suite_path()).models if m.name == name)
    model = suite_model.file
    flipped = BuildVariant(
        align_loops=1,
        depthwise_align=64,
        const_align=4,
        mac_groups=1,
        widen_groups=1,
        add_elements=1,
        weight_chunks=False,
    )
    project, other = compile_model(model, device), compile_model(model, device, variant=flipped)
    assert "-falign-loops=4" in project.cflags.split() and "-falign-loops=4" not in other.cflags.split()
    assert "-DMCB_MAC_GROUPS=4" in project.cflags.split() and "-DMCB_MAC_GROUPS=1" in other.cflags.split()
    assert "-DMCB_WEIGHT_CACHE_BYTES=256" in project.cflags.split()
    assert "-DMCB_WEIGHT_CACHE_BYTES=256" not in other.cflags.split()
    if name == "shapes":
        assert _depthwise_address(project.elf_path) % 32 == 0 and _depthwise_address(other.elf_path) % 64 == 0
    assert project.elf_path != other.elf_path
    xs = suite_model.load_dataset()[0][:3]
    expected = interpreter_outputs(model, xs).view(np.uint8).reshape(len(xs), -1)
    for fw in (project, other):
        outputs, _ = run_firmware(fw, device, xs)
        assert np.array_equal(outputs, expected)


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_ablation_rows(tmp_path, monkeypatch):
    monkeypatch.setenv("MCUBENCH_CACHE", str(tmp_path / "cache"))
    suite = load_suite(default_suite_path())
    suite.models = [m for m in suite.models if m.name == "vibration"]
    choices = [Choice("align_loops", 4, 1, "loops"), Choice("mac_groups", 4, 1, "MAC")]
    rows, project = ablate(suite, [load_device("cortex-m4-80mhz"), load_device("esp32-c3")], choices)
    by = {(r["device"], r["choice"]): r for r in rows}
    loops = by[("cortex-m4-80mhz", "align_loops")]
    assert loops["on"] != loops["off"] and loops["project"] is True
    assert loops["on"] == project[("vibration", "cortex-m4-80mhz")]
    assert loops["change_pct"] == pytest.approx(100 * (loops["on"] - loops["off"]) / loops["off"])
    assert by[("esp32-c3", "mac_groups")]["on"] is None  # no DSP kernels on RV32
    assert by[("esp32-c3", "align_loops")]["project"] is False
    text = render(rows, project, choices)
    assert "n/a" in text and f"{loops['on']:,}" in text
