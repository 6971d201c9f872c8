"""The ELF loader refuses what cannot run, in one line: objects that are not linked, big-endian and 64-bit
files, segments that lie about their sizes or run past the end of the file, a corrupt symbol table."""

from pathlib import Path
import struct
import subprocess

import pytest

from mcubench.benchmarks.cli import EXIT_USAGE, main
from mcubench.core.device import load_device
from mcubench.core.errors import ElfError
from mcubench.firmware.platform.toolchain import build_elf
from mcubench.simulator.loader import load_image

EXAMPLES = Path(__file__).resolve().parents[1] / "firmware" / "examples"
M4 = load_device("cortex-m4-80mhz")


@pytest.fixture(scope="module")
def hello(tmp_path_factory):
    path = tmp_path_factory.mktemp("elf") / "hello.elf"
    build_elf(M4, [EXAMPLES / "hello.c"], path)
    return path.read_bytes()


def _header(data):
    (e_type, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags, e_ehsize, e_phentsize, e_phnum,
     e_shentsize, e_shnum, e_shstrndx) = struct.unpack_from("<HHIIIIIHHHHHH", data, 16)
    return dict(phoff=e_phoff, phentsize=e_phentsize, phnum=e_phnum, shoff=e_shoff, shentsize=e_shentsize,
                shnum=e_shnum, shstrndx=e_shstrndx)


def _first_load(data):
    h = _header(data)
    for i in range(h["phnum"]):
        off = h["phoff"] + i * h["phentsize"]
        if struct.unpack_from("<I", data, off)[0] == 1:  # PT_LOAD
            return off
    raise AssertionError("no PT_LOAD")


def _section_header(data, wanted):
    h = _header(data)
    strtab = h["shoff"] + h["shstrndx"] * h["shentsize"]
    str_off = struct.unpack_from("<I", data, strtab + 16)[0]
    for i in range(h["shnum"]):
        off = h["shoff"] + i * h["shentsize"]
        name_at = str_off + struct.unpack_from("<I", data, off)[0]
        if data[name_at:data.index(b"\0", name_at)] == wanted:
            return off
    raise AssertionError(wanted)


def _patch(data, offset, fmt, value):
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


@pytest.mark.needs_toolchain
def test_the_unmutated_elf_loads(hello):
    assert load_image(hello, M4).entry


def _mutants(hello):
    load = _first_load(hello)
    filesz = struct.unpack_from("<I", hello, load + 16)[0]
    return {
        "big-endian": (hello[:5] + b"\x02" + hello[6:], "big-endian"),
        "64-bit": (hello[:4] + b"\x02" + hello[5:], "64-bit"),
        "shared object": (_patch(hello, 16, "<H", 3), "shared object"),
        "file size over memory size": (_patch(hello, load + 20, "<I", filesz - 1), "stores"),
        "segment past the end": (_patch(hello, load + 4, "<I", len(hello) - 8), "past the end of the file"),
        "truncated": (hello[:len(hello) // 3], "malformed ELF"),
        "symbol table type": (_patch(hello, _section_header(hello, b".symtab") + 4, "<I", 1), "not a symbol table"),
        "short header": (hello[:40], "shorter than"),
    }


@pytest.mark.parametrize("case", ["big-endian", "64-bit", "shared object", "file size over memory size",
                                  "segment past the end", "truncated", "symbol table type", "short header"])
@pytest.mark.needs_toolchain
def test_mutated_elf_is_one_line(hello, tmp_path, capsys, case):
    data, words = _mutants(hello)[case]
    with pytest.raises(ElfError, match=words):
        load_image(data, M4)
    path = tmp_path / "bad.elf"
    path.write_bytes(data)
    for argv in (["trace", str(path)], ["run", str(path), "--device", "cortex-m4-80mhz"]):
        assert main(argv) == EXIT_USAGE
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err, err


@pytest.mark.needs_toolchain
def test_relocatable_object_is_refused(tmp_path):
    obj = tmp_path / "hello.o"
    include = EXAMPLES.parent / "include"
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", f"-I{include}", "-c", "-o", str(obj),
                    str(EXAMPLES / "hello.c")], check=True)
    with pytest.raises(ElfError, match=r"relocatable object \(\.o\): link it"):
        load_image(obj, M4)
