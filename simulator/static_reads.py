"""Data loads counted from the code instead of by a memory hook.

A memory hook costs Unicorn a slow-path call on every access it watches (about 35 ns here), while a
hook watching other addresses costs nothing. So the engine leaves the busiest RAM area (the one holding
data and stack) unwatched for loads, and recovers its loads exactly:

    loads into that area = loads executed - loads the hook saw in every other area

where "loads executed" comes from decoding each executed basic block once (accesses and bytes per
load instruction, as Unicorn reports them: LDRD and LDM/POP are one 4-byte access per register, a
VLDR/VLDM D register one 8-byte access) and multiplying by the block's execution count. Loads inside a
Thumb IT block may be skipped, so each of those gets a code hook (Unicorn calls it only when the
condition passes) instead. Stores are always hooked: they feed the exact stack and RAM figures.
"""

from dataclasses import dataclass, field

from capstone import arm_const as A
import numpy as np

from mcubench.core.decode import disassembler, rv32_loads, thumb_load, thumb_store
from mcubench.core.isa import Isa


@dataclass
class BlockLoads:
    reads: int = 0  # accesses by the block's loads that run on every execution of the block
    read_bytes: int = 0
    conditional: dict = field(default_factory=dict)  # hooked load address -> (accesses, bytes)


class LoadDecoder:
    """Loads per executed block, decoded once per (address, size) and cached across runs."""

    def __init__(self, isa, hooked=()):
        """hooked: addresses of instructions with their own code hook; their loads are counted by it."""
        self.isa = isa
        self._hooked = frozenset(hooked)
        self._cache = {}
        if isa != Isa.RV32IMC:
            self._cs = disassembler(isa)

    def block(self, address, data) -> BlockLoads:
        key = (address, len(data))
        if key not in self._cache:
            self._cache[key] = self._rv32(data) if self.isa == Isa.RV32IMC else self._thumb(address, data)
        return self._cache[key]

    def _thumb(self, address, data):
        out = BlockLoads()
        for insn in self._cs.disasm(bytes(data), address):
            load = thumb_load(self._cs, insn)
            if load is None:
                continue
            accesses, size = load
            nbytes = accesses * size
            # Hooked loads are counted by their hook, which fires exactly when they execute; this also
            # covers a block that starts inside an IT block (split at a page boundary), where the
            # decoder cannot see the IT instruction. An IT-block load without a hook cannot happen:
            # the scan hooks them all.
            if insn.address in self._hooked:
                out.conditional[insn.address] = (accesses, nbytes)
            else:
                out.reads += accesses
                out.read_bytes += nbytes
        return out

    @staticmethod
    def _rv32(data):
        reads, read_bytes = rv32_loads(data)
        return BlockLoads(reads, read_bytes)


def find_conditional_access_sites(code):
    """Addresses of loads and stores inside Thumb IT blocks in the executable segments [(address, bytes)].

    Every halfword that looks like an IT instruction (0xBFxy, mask y != 0) is decoded with what follows;
    a false match only adds a hook on an instruction that is not conditional, whose count is then exact
    all the same, and no real IT block is missed.
    """
    md = disassembler(Isa.ARMV7E_M)
    sites = set()
    for base, data in code:
        even = len(data) & ~1
        hw = np.frombuffer(data[:even], dtype="<u2")
        for i in np.flatnonzero(((hw & 0xFF00) == 0xBF00) & ((hw & 0x000F) != 0)):
            off = 2 * int(i)
            window = data[off:off + 18]  # IT + up to four 32-bit instructions
            for insn in md.disasm(window, base + off):
                if insn.id == A.ARM_INS_IT:
                    continue
                if insn.cc in (A.ARM_CC_AL, A.ARM_CC_INVALID):
                    break
                if thumb_load(md, insn) is not None or thumb_store(insn):
                    sites.add(insn.address)
    return sorted(sites)
