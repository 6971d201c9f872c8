"""What an ELF image says about itself: its symbols and the sizes of its section classes.

Read by the firmware build (where the model's input and arena were linked) and by the simulator's loader
(naming PCs, finding markers, image sizes), so that both classify an image the same way.
"""

from bisect import bisect_right
from dataclasses import dataclass, field

from elftools.common.exceptions import ELFError
from elftools.elf.constants import SH_FLAGS
from elftools.elf.sections import SymbolTableSection

from mcubench.core.trace import ImageInfo


@dataclass
class Symbols:
    """Function symbols sorted by address, for naming PCs; every symbol by name."""

    starts: list = field(default_factory=list)
    ends: list = field(default_factory=list)
    names: list = field(default_factory=list)
    by_name: dict = field(default_factory=dict)

    def name_at(self, address: int):
        i = bisect_right(self.starts, address) - 1
        if i >= 0 and address < self.ends[i]:
            return self.names[i]
        return None


def read_symbols(elf) -> Symbols:
    """The symbol table of an elftools ELFFile (empty when it has none)."""
    table = elf.get_section_by_name(".symtab")
    symbols = Symbols()
    if table is None:
        return symbols
    if not isinstance(table, SymbolTableSection):
        raise ELFError(f".symtab is a {table['sh_type']} section, not a symbol table")
    functions = []
    for sym in table.iter_symbols():
        if not sym.name or sym["st_shndx"] == "SHN_UNDEF":
            continue
        kind = sym["st_info"]["type"]
        value = sym["st_value"]
        if kind == "STT_FUNC":
            value &= ~1  # Thumb function symbols carry the mode bit
            functions.append((value, value + sym["st_size"], sym.name))
        if kind in ("STT_FUNC", "STT_OBJECT", "STT_NOTYPE"):
            # A global wins over a local of the same name.
            if sym.name not in symbols.by_name or sym["st_info"]["bind"] == "STB_GLOBAL":
                symbols.by_name[sym.name] = value
    functions.sort()
    # Hand-written assembly often leaves function sizes at 0: such a function runs up to the next one.
    for i, (start, end, fname) in enumerate(functions):
        if end == start:
            following = functions[i + 1][0] if i + 1 < len(functions) else start + 0x10000
            functions[i] = (start, max(following, start + 1), fname)
    symbols.starts = [f[0] for f in functions]
    symbols.ends = [f[1] for f in functions]
    symbols.names = [f[2] for f in functions]
    return symbols


def stored_address(elf, address: int) -> int:
    """Where the bytes that run (or live) at `address` are stored in the image: .data's initial values sit
    in flash (the segment's physical address) and are copied to RAM at start-up."""
    for seg in elf.iter_segments():
        if seg["p_type"] == "PT_LOAD" and seg["p_vaddr"] <= address < seg["p_vaddr"] + seg["p_filesz"]:
            return seg["p_paddr"] + (address - seg["p_vaddr"])
    return address


@dataclass
class Section:
    name: str
    address: int  # where it runs
    size: int
    placeholder: bool  # reserves room for the heap or stack (see ImageInfo)


def _is_placeholder(name: str) -> bool:
    """A linker-script reservation for the heap or stack: `._user_heap_stack`, `.heap`, `.stack`, ..."""
    words = name.lower().replace(".", " ").replace("_", " ").split()
    return any(w in ("heap", "stack", "heapstack") or w.startswith(("heap", "stack")) for w in words)


def ram_sections(elf, memory_map) -> list:
    """Allocated sections that run in the memory map's RAM or TCM, by address."""
    out = []
    for sec in elf.iter_sections():
        if not sec["sh_flags"] & SH_FLAGS.SHF_ALLOC or sec["sh_size"] == 0 or sec.name.startswith(".tbss"):
            continue
        area = memory_map.area_at(sec["sh_addr"])
        if area is None or area.kind not in ("sram", "tcm"):
            continue
        placeholder = sec["sh_type"] == "SHT_NOBITS" and _is_placeholder(sec.name)
        out.append(Section(sec.name, sec["sh_addr"], sec["sh_size"], placeholder))
    return sorted(out, key=lambda s: s.address)


def section_sizes(elf, in_ram) -> ImageInfo:
    """Bytes of the allocated sections by class (see ImageInfo), given the image's ram_sections()."""
    info = ImageInfo()
    in_ram = {s.name: s for s in in_ram}
    for sec in elf.iter_sections():
        flags = sec["sh_flags"]
        if not flags & SH_FLAGS.SHF_ALLOC or sec["sh_size"] == 0:
            continue
        size = sec["sh_size"]
        ram = in_ram.get(sec.name)
        if sec["sh_type"] == "SHT_NOBITS":
            if sec.name.startswith((".tbss",)) or not flags & SH_FLAGS.SHF_WRITE:
                continue
            if ram is not None and ram.placeholder:
                info.reserved_bytes += size
                info.reserved_sections[sec.name] = size
            else:
                info.bss_bytes += size
        elif flags & SH_FLAGS.SHF_EXECINSTR:
            info.text_bytes += size
        elif flags & SH_FLAGS.SHF_WRITE and ram is not None:
            info.data_bytes += size
        else:
            info.rodata_bytes += size
    return info
