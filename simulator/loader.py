"""The ELF loader: what to write where, where to start, and how to name addresses.

Segments are placed at their physical (load) address, so .data's initial values sit in flash where the
start-up code copies them from, as on the chip. Everything is checked against the device's memory map
before anything runs.
"""

from dataclasses import dataclass, field
import hashlib
import io
from pathlib import Path
import struct

from elftools.common.exceptions import ELFError, ELFParseError
from elftools.elf.elffile import ELFFile
from elftools.elf.enums import ENUM_E_MACHINE

from mcubench.core.elf import Symbols, ram_sections, read_symbols, section_sizes
from mcubench.core.errors import ElfError, RegionError
from mcubench.core.isa import Isa
from mcubench.core.trace import ImageInfo

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
    ram_sections: list = field(default_factory=list)  # [core.elf.Section] allocated in RAM or TCM, by address
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
    symbols = read_symbols(elf)
    ram = ram_sections(elf, device.memory_map)
    info = section_sizes(elf, ram)
    code = [(s.run_address, s.data) for s in segments if s.executable and s.data]
    if device.isa == Isa.RV32IMC:
        entry = elf["e_entry"]
        initial_sp = symbols.by_name.get("_estack")
    else:
        initial_sp, entry = _vector_table(elf, segments, name, device)
    if not any(s.run_address <= entry < s.run_address + s.mem_size for s in segments if s.executable):
        raise ElfError(f"{name}: entry point {entry:#010x} is not in an executable segment")
    return Image(name, hashlib.sha256(data).hexdigest(), device.isa, segments, entry, initial_sp, symbols, info,
                 code, ram, data)


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
