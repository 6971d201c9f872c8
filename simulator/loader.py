"""The ELF loader: what to write where, where to start, and how to name addresses.

Segments are placed at their physical (load) address, so .data's initial values sit in flash where the
start-up code copies them from, as on the chip. Everything is checked against the device's memory map
before anything runs.
"""

from bisect import bisect_right
from dataclasses import dataclass, field
import hashlib
import io
from pathlib import Path
import struct

from elftools.common.exceptions import ELFError, ELFParseError
from elftools.elf.constants import SH_FLAGS
from elftools.elf.elffile import ELFFile
from elftools.elf.enums import ENUM_E_MACHINE
from elftools.elf.sections import SymbolTableSection

from mcubench.core.errors import ElfError, RegionError
from mcubench.core.trace import ImageInfo
from mcubench.core.isa import Isa

_MACHINE_FOR_ISA = {Isa.ARMV7E_M: "EM_ARM", Isa.ARMV6_M: "EM_ARM", Isa.RV32IMC: "EM_RISCV"}
_PF_X = 1


@dataclass
class Segment:
    address: int  # where the bytes are stored (physical address)
    data: bytes
    run_address: int  # where they execute or are accessed (virtual address)
    mem_size: int
    executable: bool


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


@dataclass
class Section:
    name: str
    address: int  # where it runs
    size: int
    placeholder: bool  # reserves room for the heap or stack (see ImageInfo)


@dataclass
class Image:
    name: str
    sha256: str
    isa: str
    segments: list  # [Segment]
    entry: int  # first instruction (Thumb addresses without the low bit)
    initial_sp: int | None  # from the vector table (Cortex-M) or the _estack symbol
    symbols: Symbols
    info: ImageInfo
    code: list  # [(run address, bytes)] of executable segments
    ram_sections: list = field(default_factory=list)  # [Section] allocated in RAM or TCM, by address
    data: bytes = field(default=b"", repr=False)  # the ELF file itself (DWARF is read from it on demand)

    def symbol_address(self, name: str) -> int:
        if name not in self.symbols.by_name:
            raise RegionError(f"{self.name}: no symbol named {name!r}")
        return self.symbols.by_name[name]

    def describe(self, pc: int) -> str:
        symbol = self.symbols.name_at(pc)
        return f"PC {pc:#010x}" + (f" in {symbol}" if symbol else "")


def _read(elf) -> tuple[bytes, str]:
    if isinstance(elf, (bytes, bytearray, memoryview)):
        return bytes(elf), "firmware"
    path = Path(elf)
    try:
        return path.read_bytes(), path.name
    except OSError as exc:
        raise ElfError(f"{path}: cannot read: {exc.strerror}") from None


def load_image(elf, device) -> Image:
    """Parse and check an ELF for the device: ElfError on anything that cannot run there."""
    data, name = _read(elf)
    _check_ident(data, name, device)
    try:
        return _parse(ELFFile(io.BytesIO(data)), data, name, device)
    # pyelftools reads what the headers say: a corrupt header or section surfaces as any of these.
    except (ELFError, ELFParseError, ValueError, KeyError, AttributeError, TypeError, IndexError, OverflowError,
            struct.error, UnicodeDecodeError, RecursionError) as exc:
        raise ElfError(f"{name}: malformed ELF ({type(exc).__name__}: {exc})") from None


def _check_ident(data, name, device):
    """The identification bytes (ELF spec, e_ident), read before the parser trusts anything else."""
    if data[:4] != b"\x7fELF":
        raise ElfError(f"{name}: not an ELF file")
    if len(data) < 52:
        raise ElfError(f"{name}: malformed ELF (only {len(data)} bytes, shorter than a 32-bit ELF header)")
    elf_class, encoding = data[4], data[5]
    if encoding not in (1, 2) or elf_class not in (1, 2):
        raise ElfError(f"{name}: malformed ELF (class {elf_class}, data encoding {encoding})")
    code = int.from_bytes(data[18:20], "little" if encoding == 1 else "big")
    machine = next((k for k, v in ENUM_E_MACHINE.items() if v == code), f"machine {code}")
    if elf_class != 1 or encoding != 1:
        kind = ("64-bit" if elf_class == 2 else "32-bit") + (", big-endian" if encoding == 2 else "")
        raise ElfError(f"{name}: built for {machine} ({kind}), but device {device.name} runs {device.isa} "
                       "(32-bit, little-endian)")


def _parse(elf, data, name, device) -> Image:
    kind = elf["e_type"]
    if kind != "ET_EXEC":
        what = {"ET_REL": "a relocatable object (.o): link it into an executable first",
                "ET_DYN": "a shared object or position-independent executable: link a static executable"}
        raise ElfError(f"{name}: {what.get(kind, f'not an executable (e_type {kind})')}")
    machine = elf["e_machine"]
    wanted = _MACHINE_FOR_ISA[device.isa]
    if machine != wanted or elf.elfclass != 32:
        raise ElfError(f"{name}: built for {machine} ({elf.elfclass}-bit), but device {device.name} runs "
                       f"{device.isa} ({wanted}, 32-bit)")
    memory_map = device.memory_map
    segments = []
    for seg in elf.iter_segments():
        if seg["p_type"] != "PT_LOAD" or seg["p_memsz"] == 0:
            continue
        if seg["p_filesz"] > seg["p_memsz"]:
            raise ElfError(f"{name}: malformed ELF (a segment stores {seg['p_filesz']} bytes in {seg['p_memsz']} "
                           "bytes of memory)")
        if seg["p_offset"] + seg["p_filesz"] > len(data):
            raise ElfError(f"{name}: malformed ELF (a segment runs past the end of the file: truncated?)")
        body = seg.data()
        paddr, vaddr = seg["p_paddr"], seg["p_vaddr"]
        if body and memory_map.area_at(paddr, len(body)) is None:
            raise ElfError(f"{name}: segment at {paddr:#010x} ({len(body)} bytes) lies outside the memory of "
                           f"device {device.name}")
        if memory_map.area_at(vaddr, seg["p_memsz"]) is None:
            raise ElfError(f"{name}: segment running at {vaddr:#010x} ({seg['p_memsz']} bytes) lies outside "
                           f"the memory of device {device.name}")
        segments.append(Segment(paddr, body, vaddr, seg["p_memsz"], bool(seg["p_flags"] & _PF_X)))
    if not any(s.executable and s.data for s in segments):
        raise ElfError(f"{name}: no executable segment to run")
    symbols = _symbols(elf)
    ram_sections = _ram_sections(elf, device)
    info = _image_info(elf, ram_sections)
    code = [(s.run_address, s.data) for s in segments if s.executable and s.data]
    if device.isa == Isa.RV32IMC:
        entry = elf["e_entry"]
        initial_sp = symbols.by_name.get("_estack")
    else:
        initial_sp, entry = _vector_table(elf, segments, name, device)
    if not any(s.run_address <= entry < s.run_address + s.mem_size for s in segments if s.executable):
        raise ElfError(f"{name}: entry point {entry:#010x} is not in an executable segment")
    return Image(name, hashlib.sha256(data).hexdigest(), device.isa, segments, entry, initial_sp, symbols, info,
                 code, ram_sections, data)


def _vector_table(elf, segments, name, device):
    """Initial SP and reset handler: the first two words of the vector table (ARMv7-M ARM B1.5.3)."""
    table = None
    for section_name in (".isr_vector", ".vectors"):
        sec = elf.get_section_by_name(section_name)
        if sec is not None and sec["sh_size"] >= 8:
            table = sec["sh_addr"]
            break
    if table is None:  # the lowest loaded address in flash, which the core boots from
        stored = sorted(s.address for s in segments if s.data)
        table = stored[0]
    words = None
    for s in segments:
        if s.address <= table and table + 8 <= s.address + len(s.data):
            off = table - s.address
            words = int.from_bytes(s.data[off:off + 4], "little"), int.from_bytes(s.data[off + 4:off + 8], "little")
    if words is None:
        raise ElfError(f"{name}: no Cortex-M vector table found")
    sp, reset = words
    area = device.memory_map.area_at(sp - 4, 4) if sp else None
    if area is None or area.kind not in ("sram", "tcm") or not reset & 1:
        raise ElfError(f"{name}: no valid Cortex-M vector table at {table:#010x} (initial SP {sp:#010x}, "
                       f"reset handler {reset:#010x})")
    return sp, reset & ~1


def _symbols(elf) -> Symbols:
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


def _is_placeholder(name: str) -> bool:
    """A linker-script reservation for the heap or stack: `._user_heap_stack`, `.heap`, `.stack`, ..."""
    words = name.lower().replace(".", " ").replace("_", " ").split()
    return any(w in ("heap", "stack", "heapstack") or w.startswith(("heap", "stack")) for w in words)


def _ram_sections(elf, device) -> list:
    """Allocated sections that run in the device's RAM or TCM, by address."""
    out = []
    for sec in elf.iter_sections():
        if not sec["sh_flags"] & SH_FLAGS.SHF_ALLOC or sec["sh_size"] == 0 or sec.name.startswith(".tbss"):
            continue
        area = device.memory_map.area_at(sec["sh_addr"])
        if area is None or area.kind not in ("sram", "tcm"):
            continue
        placeholder = sec["sh_type"] == "SHT_NOBITS" and _is_placeholder(sec.name)
        out.append(Section(sec.name, sec["sh_addr"], sec["sh_size"], placeholder))
    return sorted(out, key=lambda s: s.address)


def _image_info(elf, ram_sections) -> ImageInfo:
    info = ImageInfo()
    in_ram = {s.name: s for s in ram_sections}
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
