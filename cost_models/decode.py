"""Decode executed basic blocks once with capstone into the few facts the timing models need.

A block is identified by (address, size), as in the simulator's BlockTable. The code bytes come from the
trace itself (Trace.code), so a saved trace can be re-costed without the ELF.
"""

from dataclasses import dataclass
import functools

import capstone
from capstone import arm as cs_arm

from mcubench.core.errors import TraceError
from mcubench.core.isa import Isa


@dataclass(frozen=True)
class Insn:
    address: int
    size: int
    name: str  # base mnemonic without condition or width suffix: "ldr", "smlad", "addi"
    conditional: bool  # ARM: has a condition other than AL (IT block or conditional branch)
    reads: frozenset  # register names read
    writes: frozenset  # register names written
    mem_base: str | None  # base register of a memory operand
    mem_index: str | None  # index register of a memory operand (register-offset addressing)
    reg_count: int  # registers in a register list (LDM/STM/PUSH/POP/VLDM/...), else 0
    writes_pc: bool  # a branch or any instruction that loads PC
    accumulators: frozenset = frozenset()  # registers a multiply-accumulate only adds into (forwarded early)
    target: int | None = None  # address a direct branch goes to when taken
    mem_offset: int | None = None  # immediate displacement of a memory operand (ARM), None without one


_ARM_CC_AL = getattr(cs_arm, "ARM_CC_AL", None)
_LONG_ACCUMULATING = ("smlal", "umlal", "umaal", "smlsl")
_ACCUMULATING = ("mla", "smla", "smlsd", "smmla") + _LONG_ACCUMULATING
# Floating-point multiply-accumulates (chained and fused) add into their destination, Sd, named first.
FP_MULTIPLY_ACCUMULATES = frozenset({"vmla", "vmls", "vnmla", "vnmls", "vfma", "vfms", "vfnma", "vfnms"})


@functools.lru_cache(maxsize=4)
def _disassembler(isa: str):
    if isa in (Isa.ARMV7E_M, Isa.ARMV6_M):
        md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)
    elif isa == Isa.RV32IMC:
        md = capstone.Cs(capstone.CS_ARCH_RISCV, capstone.CS_MODE_RISCV32 | capstone.CS_MODE_RISCVC)
    else:
        raise TraceError(f"no decoder for isa {isa!r}")
    md.detail = True
    return md


_RV_BRANCHES = {"beq", "bne", "blt", "bge", "bltu", "bgeu", "beqz", "bnez", "blez", "bgez", "bltz", "bgtz",
                "bgt", "ble", "bgtu", "bleu"}
_RV_JUMPS = {"jal", "jalr", "j", "jr", "ret", "call", "tail"}


def _arm_insn(md, ins) -> Insn:
    name = ins.insn_name() or ins.mnemonic.split(".")[0]
    try:
        regs_read, regs_write = ins.regs_access()
    except capstone.CsError:
        regs_read, regs_write = [], []
    reads = frozenset(md.reg_name(r) for r in regs_read)
    writes = frozenset(md.reg_name(r) for r in regs_write)
    base = index = offset = None
    reg_count = 0
    for op in ins.operands:
        if op.type == cs_arm.ARM_OP_MEM:
            base = md.reg_name(op.mem.base) if op.mem.base else None
            index = md.reg_name(op.mem.index) if op.mem.index else None
            offset = None if index else int(op.mem.disp)
    if name in ("ldm", "ldmdb", "stm", "stmdb", "push", "pop", "vldmia", "vldmdb", "vstmia", "vstmdb",
                "vpush", "vpop", "ldmia", "stmia"):
        reg_ops = [op for op in ins.operands if op.type == cs_arm.ARM_OP_REG]
        # LDM/STM name the base register first; PUSH/POP/VPUSH/VPOP only list registers.
        listed = reg_ops[0 if name in ("push", "pop", "vpush", "vpop") else 1:]
        # FP register lists count 32-bit words: a double register is two.
        reg_count = max(sum(2 if md.reg_name(op.reg).startswith("d") else 1 for op in listed), 1)
        if name in ("push", "pop", "vpush", "vpop"):
            base = "sp"
        elif reg_ops:
            base = md.reg_name(reg_ops[0].reg)
    cc = getattr(ins, "cc", _ARM_CC_AL)
    conditional = cc not in (_ARM_CC_AL, 0, None) if _ARM_CC_AL is not None else False
    conditional = conditional or name in ("cbz", "cbnz")  # compare-and-branch: conditional without a cc
    writes_pc = "pc" in writes or name in ("b", "bl", "bx", "blx", "cbz", "cbnz", "tbb", "tbh")
    accumulators = frozenset()
    if name in FP_MULTIPLY_ACCUMULATES:
        regs = [md.reg_name(op.reg) for op in ins.operands if op.type == cs_arm.ARM_OP_REG]
        accumulators = frozenset(regs[:1])
    elif name.startswith(_ACCUMULATING):
        regs = [md.reg_name(op.reg) for op in ins.operands if op.type == cs_arm.ARM_OP_REG]
        # 64-bit accumulates (SMLAL, UMLAL, UMAAL, SMLALD, ...) add into RdLo:RdHi; the others into Ra, last.
        accumulators = frozenset(regs[:2] if name.startswith(_LONG_ACCUMULATING) else regs[-1:])
    return Insn(ins.address, ins.size, name, conditional, reads, writes, base, index, reg_count, writes_pc,
                accumulators, mem_offset=offset)


def _rv_insn(md, ins) -> Insn:
    name = ins.mnemonic[2:] if ins.mnemonic.startswith("c.") else ins.mnemonic  # c.lw times like lw
    regs = []
    base = None
    offset = None
    for op in ins.operands:
        if op.type == capstone.riscv.RISCV_OP_REG:
            regs.append(md.reg_name(op.reg))
        elif op.type == capstone.riscv.RISCV_OP_MEM and op.mem.base:
            base = md.reg_name(op.mem.base)
        elif op.type == capstone.riscv.RISCV_OP_IMM:
            offset = op.imm
    # Stores and branches only read their registers; everything else writes its first register operand.
    if name.startswith(("sb", "sh", "sw", "b")) or name in ("j", "jr", "ret", "nop", "ebreak", "ecall", "fence"):
        reads, writes = set(regs), set()
    else:
        reads, writes = set(regs[1:]), set(regs[:1])
    if name in ("jal",) and not regs:
        writes = {"ra"}
    if name == "jalr" and len(regs) == 1:
        reads, writes = {regs[0]}, {"ra"}
    if base:
        reads.add(base)
    writes.discard("zero")
    writes_pc = name in _RV_BRANCHES or name in _RV_JUMPS
    # Capstone gives RV32 branch and JAL targets as offsets from the instruction.
    target = ins.address + offset if offset is not None and name in _RV_BRANCHES | {"j", "jal"} else None
    return Insn(ins.address, ins.size, name, name in _RV_BRANCHES, frozenset(reads), frozenset(writes), base,
                None, 0, writes_pc, target=target)


class CodeImage:
    """The executable bytes of a trace, and decoded blocks cached by (address, size)."""

    def __init__(self, isa: str, code):
        self.isa = isa
        self.segments = sorted((int(a), bytes(b)) for a, b in code)
        self._blocks = {}
        self.undecodable_bytes = 0

    def _bytes_at(self, address: int, size: int) -> bytes:
        for base, data in self.segments:
            if base <= address and address + size <= base + len(data):
                return data[address - base:address - base + size]
        raise TraceError(f"trace has no code bytes for the block at {address:#x} ({size} bytes)")

    def block(self, address: int, size: int) -> tuple:
        key = (int(address), int(size))
        found = self._blocks.get(key)
        if found is None:
            found = self._blocks[key] = self._decode(*key)
        return found

    def _decode(self, address, size):
        md = _disassembler(self.isa)
        data = self._bytes_at(address, size)
        make = _rv_insn if self.isa == Isa.RV32IMC else _arm_insn
        out = []
        offset = 0
        while offset < size:
            decoded = list(md.disasm(data[offset:], address + offset, count=1))
            if not decoded:
                # Bytes capstone cannot decode: one 2-byte unknown instruction, counted at 1 cycle.
                out.append(Insn(address + offset, 2, "unknown", False, frozenset(), frozenset(), None, None, 0,
                                False))
                self.undecodable_bytes += 2
                offset += 2
                continue
            ins = decoded[0]
            out.append(make(md, ins))
            offset += ins.size
        return tuple(out)
