"""The loader's checks and the native library's fallback build."""

import ctypes

import pytest

from mcubench.core.errors import ElfError
from mcubench.simulator import native
from mcubench.simulator.loader import load_image

BAD_VECTORS = """
    .syntax unified
    .thumb
    .text
    .word 0x70000000            @ initial SP outside any RAM
    .word reset
    .thumb_func
    .global reset
reset:
    b reset
"""


@pytest.mark.needs_toolchain
def test_vector_table_must_point_into_ram(tmp_path, devices):
    from conftest import assemble

    src = tmp_path / "bad_vectors.S"
    src.write_text(BAD_VECTORS)
    elf = assemble(src, tmp_path / "bad_vectors.elf", "armv7e-m", 0x08000000, "reset")
    with pytest.raises(ElfError, match="vector table"):
        load_image(elf, devices["m4"])


@pytest.mark.needs_toolchain
def test_image_facts(count_elfs, c_elfs, devices):
    image = load_image(count_elfs["m4"], devices["m4"])
    assert image.entry == 0x08000008 and image.initial_sp == 0x20001000
    assert image.symbols.name_at(0x0800000A) == "reset"
    assert image.code and image.code[0][0] == 0x08000000
    hello = load_image(c_elfs["hello", "rv"], devices["rv"])
    assert hello.info.text_bytes > 0 and hello.info.rodata_bytes > 0
    assert hello.initial_sp == devices["rv"].memory_map.by_name("dram").end
    assert hello.symbol_address("main") == hello.symbols.starts[hello.symbols.names.index("main")]


@pytest.mark.needs_toolchain
def test_truncated_elf(tmp_path, count_elfs, devices):
    cut = tmp_path / "cut.elf"
    cut.write_bytes(count_elfs["m4"].read_bytes()[:100])
    with pytest.raises(ElfError):
        load_image(cut, devices["m4"])


@pytest.mark.slow
def test_tracer_builds_without_the_package_build(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = native._compile_into_cache()
    assert path.parent == tmp_path / "mcubench"
    lib = ctypes.CDLL(str(path))
    assert lib.tracer_block_hook and lib.tracer_new
