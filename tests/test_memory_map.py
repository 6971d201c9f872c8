"""Memory maps: validation on load and address classification."""

import pytest

from mcubench.core.errors import DeviceError
from mcubench.core.memory_map import MemoryArea, MemoryMap


def test_areas_are_sorted_and_classified():
    mmap = MemoryMap([MemoryArea("sram", "sram", 0x20000000, 0x1000), MemoryArea("flash", "flash", 0x08000000, 0x2000)])
    assert [a.name for a in mmap] == ["flash", "sram"]
    assert mmap.area_at(0x08001FFF).name == "flash"
    assert mmap.area_at(0x08001FFF, 2) is None  # straddles the end
    assert mmap.area_at(0x20000FFC, 4).name == "sram"
    assert mmap.area_at(0x30000000) is None
    assert mmap.by_name("sram").end == 0x20001000


@pytest.mark.parametrize("areas,message", [
    ([MemoryArea("a", "flash", 0, 0x100), MemoryArea("b", "sram", 0xFF, 0x10)], "overlap"),
    ([MemoryArea("a", "dram", 0, 0x100)], "unknown kind"),
    ([MemoryArea("a", "sram", 0, 0)], "positive"),
    ([MemoryArea("a", "sram", 0, 4), MemoryArea("a", "sram", 8, 4)], "twice"),
])
def test_bad_maps_are_refused(areas, message):
    with pytest.raises(DeviceError, match=message):
        MemoryMap(areas)


def test_unknown_area_name():
    with pytest.raises(DeviceError, match="no memory area named 'ccm'"):
        MemoryMap([MemoryArea("a", "sram", 0, 4)]).by_name("ccm")
