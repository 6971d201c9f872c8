"""Division sites: where the firmware divides, found once by scanning its executable bytes.

The engine hooks only these addresses, so the divider's operands can be recorded (the Cortex-M4
divider terminates early depending on them) while every other instruction runs hook-free.

Scanning every halfword offset is exact without disassembling: a hook at an offset where no
instruction starts never fires, and where one does start, the bytes matched prove it is a division.
"""

from dataclasses import dataclass

import numpy as np
from unicorn import arm_const, riscv_const

from mcubench.core.isa import Isa


@dataclass(frozen=True)
class DivisionSite:
    address: int
    reg_dividend: int  # Unicorn register ids
    reg_divisor: int
    signed: bool


def _arm_register(n):
    # R0-R12 are contiguous in Unicorn's numbering; SP, LR and PC are not.
    return {13: arm_const.UC_ARM_REG_SP, 14: arm_const.UC_ARM_REG_LR, 15: arm_const.UC_ARM_REG_PC}.get(
        n, arm_const.UC_ARM_REG_R0 + n)


def _halfwords(data):
    even = len(data) & ~1
    return np.frombuffer(data[:even], dtype="<u2").astype(np.uint32)


def _arm_sites(address, data):
    # SDIV/UDIV T1 (ARMv7-M ARM, DDI 0403E, A7.7.127 and A7.7.195):
    #   1111 1011 1001 Rn | 1111 Rd 1111 Rm  (SDIV)     1111 1011 1011 Rn | 1111 Rd 1111 Rm  (UDIV)
    hw = _halfwords(data)
    if hw.size < 2:
        return []
    first, second = hw[:-1], hw[1:]
    op = first & 0xFFF0
    hits = np.flatnonzero(((op == 0xFB90) | (op == 0xFBB0)) & ((second & 0xF0F0) == 0xF0F0))
    return [DivisionSite(address + 2 * int(i), _arm_register(int(first[i]) & 0xF), _arm_register(int(second[i]) & 0xF),
                         bool(op[i] == 0xFB90)) for i in hits]


def _rv_sites(address, data):
    # DIV/DIVU/REM/REMU (RISC-V unprivileged ISA, "M" extension): opcode 0110011, funct7 0000001,
    # funct3 100/101/110/111; rs1 is the dividend, rs2 the divisor. 32-bit instructions may sit at any
    # halfword once compressed instructions are in use.
    hw = _halfwords(data)
    if hw.size < 2:
        return []
    word = hw[:-1] | (hw[1:] << 16)
    funct3 = (word >> 12) & 7
    hits = np.flatnonzero(((word & 0x7F) == 0x33) & ((word >> 25) == 1) & (funct3 >= 4))
    return [DivisionSite(address + 2 * int(i), riscv_const.UC_RISCV_REG_X0 + int((word[i] >> 15) & 31),
                         riscv_const.UC_RISCV_REG_X0 + int((word[i] >> 20) & 31), bool(funct3[i] in (4, 6)))
            for i in hits]


def find_division_sites(code, isa):
    """[DivisionSite] in the executable segments [(address, bytes)]; ARMv6-M has no divide instruction."""
    scan = {Isa.ARMV7E_M: _arm_sites, Isa.RV32IMC: _rv_sites}.get(isa)
    if scan is None:
        return []
    sites = []
    for address, data in code:
        sites.extend(scan(address, data))
    return sites
