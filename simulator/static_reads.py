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

import capstone
from capstone import arm_const as A
import numpy as np

from mcubench.core.isa import Isa


@dataclass
class BlockLoads:
    reads: int = 0  # accesses by the block's loads that run on every execution of the block
    read_bytes: int = 0
    conditional: dict = field(default_factory=dict)  # hooked load address -> (accesses, bytes)


# Thumb loads: capstone id -> (accesses, bytes per access); None = one access per listed register.
_FIXED = {
    A.ARM_INS_LDR: (1, 4), A.ARM_INS_LDRT: (1, 4), A.ARM_INS_LDREX: (1, 4), A.ARM_INS_LDA: (1, 4),
    A.ARM_INS_LDAEX: (1, 4),
    A.ARM_INS_LDRB: (1, 1), A.ARM_INS_LDRBT: (1, 1), A.ARM_INS_LDRSB: (1, 1), A.ARM_INS_LDRSBT: (1, 1),
    A.ARM_INS_LDREXB: (1, 1), A.ARM_INS_LDAB: (1, 1), A.ARM_INS_LDAEXB: (1, 1), A.ARM_INS_TBB: (1, 1),
    A.ARM_INS_LDRH: (1, 2), A.ARM_INS_LDRHT: (1, 2), A.ARM_INS_LDRSH: (1, 2), A.ARM_INS_LDRSHT: (1, 2),
    A.ARM_INS_LDREXH: (1, 2), A.ARM_INS_LDAH: (1, 2), A.ARM_INS_LDAEXH: (1, 2), A.ARM_INS_TBH: (1, 2),
    A.ARM_INS_LDRD: (2, 4), A.ARM_INS_LDREXD: (2, 4), A.ARM_INS_LDAEXD: (2, 4),
}
_REGISTER_LISTS = {A.ARM_INS_LDM: 1, A.ARM_INS_LDMDB: 1, A.ARM_INS_LDMIB: 1, A.ARM_INS_LDMDA: 1,
                   A.ARM_INS_POP: 0, A.ARM_INS_VLDMIA: 1, A.ARM_INS_VLDMDB: 1, A.ARM_INS_VPOP: 0}


class LoadDecoder:
    """Loads per executed block, decoded once per (address, size) and cached across runs."""

    def __init__(self, isa, hooked=()):
        """hooked: addresses of instructions with their own code hook; their loads are counted by it."""
        self.isa = isa
        self._hooked = frozenset(hooked)
        self._cache = {}
        if isa != Isa.RV32IMC:
            self._cs = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)
            self._cs.detail = True

    def block(self, address, data) -> BlockLoads:
        key = (address, len(data))
        if key not in self._cache:
            self._cache[key] = self._rv32(data) if self.isa == Isa.RV32IMC else self._thumb(address, data)
        return self._cache[key]

    def _thumb_load(self, insn):
        """(accesses, bytes) of one instruction, or None when it does not load data."""
        if insn.id in _FIXED:
            return _FIXED[insn.id]
        if insn.id in _REGISTER_LISTS:
            regs = [op.reg for op in insn.operands[_REGISTER_LISTS[insn.id]:] if op.type == A.ARM_OP_REG]
            wide = any(self._cs.reg_name(r).startswith("d") for r in regs)  # lists are all S or all D
            return len(regs), 8 if wide else 4
        if insn.id == A.ARM_INS_VLDR:
            return 1, 8 if self._cs.reg_name(insn.operands[0].reg).startswith("d") else 4
        return None

    def _thumb(self, address, data):
        out = BlockLoads()
        for insn in self._cs.disasm(bytes(data), address):
            load = self._thumb_load(insn)
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
        # RV32I loads (opcode 0000011: LB, LH, LW, LBU, LHU) and RVC C.LW (quadrant 0) / C.LWSP (quadrant 2).
        out = BlockLoads()
        i = 0
        while i + 1 < len(data):
            half = data[i] | data[i + 1] << 8
            if half & 3 == 3:
                word = half | (data[i + 2] | data[i + 3] << 8) << 16 if i + 3 < len(data) else half
                if word & 0x7F == 0x03:
                    size = {0: 1, 1: 2, 2: 4, 4: 1, 5: 2}.get((word >> 12) & 7)
                    if size:
                        out.reads += 1
                        out.read_bytes += size
                i += 4
            else:
                if (half >> 13) == 0b010 and half & 3 in (0, 2):
                    out.reads += 1
                    out.read_bytes += 4
                i += 2
        return out


def _is_store(insn):
    # Every Thumb store mnemonic starts with "st" (STR*, STM*, STREX*, STL*) or is PUSH/VPUSH/VSTR/VSTM.
    name = insn.mnemonic
    return name.startswith(("st", "push", "vpush", "vstr", "vstm"))


def find_conditional_access_sites(code):
    """Addresses of loads and stores inside Thumb IT blocks in the executable segments [(address, bytes)].

    Every halfword that looks like an IT instruction (0xBFxy, mask y != 0) is decoded with what follows;
    a false match only adds a hook on an instruction that is not conditional, whose count is then exact
    all the same, and no real IT block is missed.
    """
    decoder = LoadDecoder(Isa.ARMV7E_M)
    md = decoder._cs
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
                if decoder._thumb_load(insn) is not None or _is_store(insn):
                    sites.add(insn.address)
    return sorted(sites)
