"""Helpers for the cost-model tests: assemble snippets and build Trace objects by hand."""

import subprocess
import tempfile
from pathlib import Path

import numpy as np

from mcubench.core.trace import AccessCounts, BlockTable, CacheAreaCounts, CacheCounts, ImageInfo, RegionTrace, Trace


def assemble_thumb(source: str, cpu="cortex-m4") -> bytes:
    """Machine code of a Thumb-2 snippet (unified syntax), via arm-none-eabi-as and objcopy."""
    with tempfile.TemporaryDirectory() as tmp:
        s, o, b = (Path(tmp) / n for n in ("a.s", "a.o", "a.bin"))
        s.write_text(".syntax unified\n.thumb\n" + source + "\n")
        subprocess.run(["arm-none-eabi-as", f"-mcpu={cpu}", "-mthumb", "-o", str(o), str(s)], check=True,
                       capture_output=True)
        subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", "-j", ".text", str(o), str(b)], check=True)
        return b.read_bytes()


def assemble_rv32(source: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        s, o, b = (Path(tmp) / n for n in ("a.s", "a.o", "a.bin"))
        s.write_text(source + "\n")
        subprocess.run(["riscv64-unknown-elf-as", "-march=rv32imc", "-mabi=ilp32", "-o", str(o), str(s)],
                       check=True, capture_output=True)
        subprocess.run(["riscv64-unknown-elf-objcopy", "-O", "binary", "-j", ".text", str(o), str(b)], check=True)
        return b.read_bytes()


def block_table(rows):
    """rows: [(address, size, instructions, count, fallthrough[, target_changes])]; without target_changes, a
    block taken at least once is taken to have gone to one target (one change: the first taken exit)."""
    rows = [r if len(r) == 6 else (*r, min(1, r[3] - r[4])) for r in rows]
    cols = list(zip(*rows)) if rows else [[]] * 6
    return BlockTable(np.asarray(cols[0], np.uint32), np.asarray(cols[1], np.uint32), np.asarray(cols[2], np.uint32),
                      np.asarray(cols[3], np.uint64), np.asarray(cols[4], np.uint64), np.asarray(cols[5], np.uint64))


def make_trace(isa, code_address, code, rows, *, memory=None, caches=None, divisions=None, regions=(),
               device="test", image=None, stack=0, heap=0):
    return Trace(
        isa=isa, device=device, elf_sha256="0" * 64, exit_status=0, console_bytes=b"", blocks=block_table(rows),
        image=image or ImageInfo(text_bytes=len(code)), code=[(code_address, code)],
        memory=memory if memory is not None else {}, caches=caches or {}, divisions=divisions or {},
        stack_high_water_bytes=stack, heap_bytes=heap, regions=list(regions), memory_traced=memory is not None,
    )


__all__ = ["assemble_thumb", "assemble_rv32", "block_table", "make_trace", "AccessCounts", "CacheAreaCounts", "CacheCounts",
           "RegionTrace", "ImageInfo"]
