"""Firmware platform: an ELF built for a device lands where the device's memory map says."""

from elftools.elf.elffile import ELFFile
import pytest

from mcubench.core.device import load_device
from mcubench.firmware.platform.toolchain import build_elf
from mcubench.core.errors import BuildError

HELLO = """
#include "mcubench.h"
int counter = 5;
int zeros[10];
int main(void) { mcb_write0("hello\\n"); return counter + zeros[3] - 5; }
"""

INCLUDE = __import__("pathlib").Path(__file__).resolve().parents[1] / "firmware" / "include"


def _build(tmp_path, device_name, source=HELLO):
    src = tmp_path / "hello.c"
    src.write_text(source)
    device = load_device(device_name)
    info = build_elf(device, [src], tmp_path / f"hello-{device_name}.elf", include_dirs=[INCLUDE])
    return device, info


def _area_of(device, address):
    area = device.memory_map.area_at(address)
    return area.name if area else None


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("device_name,machine", [("cortex-m4-80mhz", "EM_ARM"), ("esp32-c3", "EM_RISCV")])
def test_sections_follow_the_device_placement(tmp_path, device_name, machine):
    device, info = _build(tmp_path, device_name)
    assert info.elf_path.exists()
    assert info.compiler.split()[0].endswith("gcc")
    with open(info.elf_path, "rb") as f:
        elf = ELFFile(f)
        assert elf["e_machine"] == machine
        assert elf.elfclass == 32
        placement = device.placement
        for section, role in ((".text", "code"), (".data", "data"), (".bss", "data")):
            sec = elf.get_section_by_name(section)
            assert sec is not None, section
            assert _area_of(device, sec["sh_addr"]) == placement.area_of(role), section
        # Every loadable byte is stored in memory the device has.
        for seg in elf.iter_segments():
            if seg["p_type"] == "PT_LOAD" and seg["p_filesz"]:
                assert _area_of(device, seg["p_paddr"]) is not None


@pytest.mark.needs_toolchain
def test_cortex_m_vector_table_points_into_the_map(tmp_path):
    device, info = _build(tmp_path, "cortex-m4-80mhz")
    with open(info.elf_path, "rb") as f:
        elf = ELFFile(f)
        vectors = elf.get_section_by_name(".text").data()[:8] if elf.get_section_by_name(".isr_vector") is None \
            else elf.get_section_by_name(".isr_vector").data()[:8]
    initial_sp = int.from_bytes(vectors[:4], "little")
    reset = int.from_bytes(vectors[4:8], "little")
    assert initial_sp == device.memory_map.by_name(device.placement.stack).end
    assert reset & 1 == 1  # Thumb
    assert _area_of(device, reset & ~1) == device.placement.code


@pytest.mark.needs_toolchain
def test_compile_error_is_one_line_and_leaves_no_elf(tmp_path):
    with pytest.raises(BuildError) as err:
        _build(tmp_path, "cortex-m4-80mhz", source="int main(void) { return undefined_thing; }\n")
    assert "\n" not in str(err.value)
    assert "undefined_thing" in str(err.value)
    assert not (tmp_path / "hello-cortex-m4-80mhz.elf").exists()
