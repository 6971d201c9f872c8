"""A device's memory map: named, non-overlapping areas the simulator maps and classifies accesses by."""

from dataclasses import dataclass

from mcubench.core.errors import DeviceError

# What each kind of area is; the cost models give each kind its own timing and the loader its rules.
AREA_KINDS = ("flash", "rom", "sram", "tcm", "peripheral")


@dataclass(frozen=True)
class MemoryArea:
    name: str
    kind: str
    base: int
    size: int
    source: str = ""

    @property
    def end(self) -> int:
        """One past the last byte."""
        return self.base + self.size

    def contains(self, address: int, length: int = 1) -> bool:
        return self.base <= address and address + length <= self.end


class MemoryMap:
    """Ordered, validated list of memory areas."""

    def __init__(self, areas):
        self.areas = tuple(sorted(areas, key=lambda a: a.base))
        names = set()
        for area in self.areas:
            if area.kind not in AREA_KINDS:
                raise DeviceError(
                    f"memory area {area.name!r}: unknown kind {area.kind!r} (known: {', '.join(AREA_KINDS)})"
                )
            if area.size <= 0:
                raise DeviceError(f"memory area {area.name!r}: size must be positive")
            if area.name in names:
                raise DeviceError(f"memory area {area.name!r} is defined twice")
            names.add(area.name)
        for lower, upper in zip(self.areas, self.areas[1:]):
            if upper.base < lower.end:
                raise DeviceError(f"memory areas {lower.name!r} and {upper.name!r} overlap")

    def __iter__(self):
        return iter(self.areas)

    def __len__(self):
        return len(self.areas)

    def by_name(self, name: str) -> MemoryArea:
        for area in self.areas:
            if area.name == name:
                return area
        raise DeviceError(f"no memory area named {name!r}")

    def area_at(self, address: int, length: int = 1):
        """The area holding [address, address+length), or None."""
        for area in self.areas:
            if area.contains(address, length):
                return area
        return None
