"""Decoding machine code with capstone: one decoder per ISA for the whole package.

Two readers use it: the cost models (cost_models/decode.py: the facts a timing model needs per
instruction, `Insn`) and the simulator (simulator/static_reads.py: how many data loads a block performs,
as Unicorn reports them, so the busiest RAM needs no memory hook).
"""

from dataclasses import dataclass
import functools

import capstone
from capstone import arm as cs_arm
from capstone import arm_const as A

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
    # ARM only, for the Cortex-M33 model: sets the condition flags (the S suffix, CMP/TST/...); a register operand
    # shifted by an immediate (operand2 "shifted register"); the immediate operand; register operands in order.
    sets_flags: bool = False
    shifted_register: bool = False
    immediate: int | None = None
    registers: tuple = ()


_ARM_CC_AL = getattr(cs_arm, "ARM_CC_AL", None)
_LONG_ACCUMULATING = ("smlal", "umlal", "umaal", "smlsl")
_ACCUMULATING = ("mla", "smla", "smlsd", "smmla") + _LONG_ACCUMULATING
# Floating-point multiply-accumulates (chained and fused) add into their destination, Sd, named first.
FP_MULTIPLY_ACCUMULATES = frozenset({"vmla", "vmls", "vnmla", "vnmls", "vfma", "vfms", "vfnma", "vfnms"})


@functools.lru_cache(maxsize=4)
def disassembler(isa: str):
    """The capstone decoder of an ISA, with operand details (one per ISA and process)."""
    if isa in (Isa.ARMV7E_M, Isa.ARMV6_M):
        md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)
    elif isa == Isa.RV32IMC:
        md = capstone.Cs(capstone.CS_ARCH_RISCV, capstone.CS_MODE_RISCV32 | capstone.CS_MODE_RISCVC)
    else:
        raise TraceError(f"no decoder for isa {isa!r}")
    md.detail = True
    return md


_RV_BRANCHES = {
    "beq",
    "bne",
    "blt",
    "bge",
    "bltu",
    "bgeu",
    "beqz",
    "bnez",
    "blez",
    "bgez",
    "bltz",
    "bgtz",
    "bgt",
    "ble",
    "bgtu",
    "bleu",
}
_RV_JUMPS = {"jal", "jalr", "j", "jr", "ret", "call", "tail"}


_ARM_LOAD_MULTIPLE = ("ldm", "ldmdb", "ldmia", "pop", "vldmia", "vldmdb", "vpop")
_ARM_MULTIPLE = _ARM_LOAD_MULTIPLE + ("stm", "stmdb", "stmia", "push", "vstmia", "vstmdb", "vpush")
_ARM_BRANCHES = ("b", "bl", "bx", "blx", "bxns", "blxns", "cbz", "cbnz")
_ARM_COMPARES = ("cmp", "cmn", "tst", "teq")


def _operand_reads_and_writes(name, registers, listed) -> tuple:
    """(reads, writes) an instruction's register operands imply, which capstone 5's own lists miss in places:
    SSAT/USAT's source, SXTAB/UXTAB's added register and PKHBT/PKHTB's second (also when it is the destination:
    UXTAB r1, r2, r1), RdLo and RdHi of the long multiply-accumulates, BLXNS's target, a VSTM/VPUSH list.
    Data processing reads every operand after its destination (all for a compare or a long accumulate, the
    two after RdLo, RdHi for UMULL/SMULL); a branch reads its register; a store multiple reads its list and a
    load multiple writes it. Single loads and stores, and floating-point arithmetic, are as capstone lists them."""
    if name in _ARM_MULTIPLE:
        return (frozenset(), frozenset(listed)) if name in _ARM_LOAD_MULTIPLE else (frozenset(listed), frozenset())
    if name in _ARM_BRANCHES or name in _ARM_COMPARES or name.startswith(_LONG_ACCUMULATING):
        return frozenset(registers), frozenset()
    return frozenset(registers[2:] if name in ("umull", "smull") else registers[1:]), frozenset()


def _arm_insn(md, ins) -> Insn:
    name = ins.insn_name() or ins.mnemonic.split(".")[0]
    try:
        regs_read, regs_write = ins.regs_access()
    except capstone.CsError:
        regs_read, regs_write = [], []
    reads = frozenset(md.reg_name(r) for r in regs_read)
    writes = frozenset(md.reg_name(r) for r in regs_write)
    reg_ops = [op for op in ins.operands if op.type == cs_arm.ARM_OP_REG]
    registers = tuple(md.reg_name(op.reg) for op in reg_ops)
    memory = [op for op in ins.operands if op.type == cs_arm.ARM_OP_MEM]
    base = index = offset = None
    for op in memory:
        base = md.reg_name(op.mem.base) if op.mem.base else None
        index = md.reg_name(op.mem.index) if op.mem.index else None
        offset = None if index else int(op.mem.disp)
    reg_count = 0
    listed: tuple[str, ...] = ()
    if name in _ARM_MULTIPLE:
        # LDM/STM name the base register first; PUSH/POP/VPUSH/VPOP only list registers.
        stack = name in ("push", "pop", "vpush", "vpop")
        listed = registers[0 if stack else 1 :]
        # FP register lists count 32-bit words: a double register is two.
        reg_count = max(sum(2 if r.startswith("d") else 1 for r in listed), 1)
        base = "sp" if stack else (registers[0] if registers else None)
    if not memory and not (name.startswith("v") and name not in _ARM_MULTIPLE):
        more_reads, more_writes = _operand_reads_and_writes(name, registers, listed)
        reads, writes = reads | more_reads, writes | more_writes
    cc = getattr(ins, "cc", _ARM_CC_AL)
    conditional = cc not in (_ARM_CC_AL, 0, None) if _ARM_CC_AL is not None else False
    conditional = conditional or name in ("cbz", "cbnz")  # compare-and-branch: conditional without a cc
    writes_pc = "pc" in writes or name in ("b", "bl", "bx", "blx", "cbz", "cbnz", "tbb", "tbh")
    accumulators: frozenset[str] = frozenset()
    if name in FP_MULTIPLY_ACCUMULATES:
        accumulators = frozenset(registers[:1])
    elif name.startswith(_ACCUMULATING):
        # 64-bit accumulates (SMLAL, UMLAL, UMAAL, SMLALD, ...) add into RdLo:RdHi; the others into Ra, last.
        accumulators = frozenset(registers[:2] if name.startswith(_LONG_ACCUMULATING) else registers[-1:])
    immediates = [int(op.imm) for op in ins.operands if op.type == cs_arm.ARM_OP_IMM]
    return Insn(
        ins.address,
        ins.size,
        name,
        conditional,
        reads,
        writes,
        base,
        index,
        reg_count,
        writes_pc,
        accumulators,
        mem_offset=offset,
        sets_flags=bool(getattr(ins, "update_flags", False)),
        shifted_register=any(op.shift.type and op.shift.value for op in reg_ops),
        immediate=immediates[-1] if immediates else None,
        registers=registers,
    )


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
    return Insn(
        ins.address,
        ins.size,
        name,
        name in _RV_BRANCHES,
        frozenset(reads),
        frozenset(writes),
        base,
        None,
        0,
        writes_pc,
        target=target,
    )


def decode_block(isa, address: int, data: bytes) -> tuple[tuple, int]:
    """(the block's Insns, bytes capstone could not decode); each undecodable halfword is one 2-byte
    "unknown" instruction."""
    md = disassembler(isa)
    make = _rv_insn if isa == Isa.RV32IMC else _arm_insn
    out = []
    undecodable = 0
    offset = 0
    size = len(data)
    while offset < size:
        decoded = list(md.disasm(data[offset:], address + offset, count=1))
        if not decoded:
            out.append(Insn(address + offset, 2, "unknown", False, frozenset(), frozenset(), None, None, 0, False))
            undecodable += 2
            offset += 2
            continue
        ins = decoded[0]
        out.append(make(md, ins))
        offset += ins.size
    return tuple(out), undecodable


# --- data loads as Unicorn performs them ---------------------------------------------------------------

# Thumb loads: capstone id -> (accesses, bytes per access); None = one access per listed register.
_FIXED = {
    A.ARM_INS_LDR: (1, 4),
    A.ARM_INS_LDRT: (1, 4),
    A.ARM_INS_LDREX: (1, 4),
    A.ARM_INS_LDA: (1, 4),
    A.ARM_INS_LDAEX: (1, 4),
    A.ARM_INS_LDRB: (1, 1),
    A.ARM_INS_LDRBT: (1, 1),
    A.ARM_INS_LDRSB: (1, 1),
    A.ARM_INS_LDRSBT: (1, 1),
    A.ARM_INS_LDREXB: (1, 1),
    A.ARM_INS_LDAB: (1, 1),
    A.ARM_INS_LDAEXB: (1, 1),
    A.ARM_INS_TBB: (1, 1),
    A.ARM_INS_LDRH: (1, 2),
    A.ARM_INS_LDRHT: (1, 2),
    A.ARM_INS_LDRSH: (1, 2),
    A.ARM_INS_LDRSHT: (1, 2),
    A.ARM_INS_LDREXH: (1, 2),
    A.ARM_INS_LDAH: (1, 2),
    A.ARM_INS_LDAEXH: (1, 2),
    A.ARM_INS_TBH: (1, 2),
    A.ARM_INS_LDRD: (2, 4),
    A.ARM_INS_LDREXD: (2, 4),
    A.ARM_INS_LDAEXD: (2, 4),
}
_REGISTER_LISTS = {
    A.ARM_INS_LDM: 1,
    A.ARM_INS_LDMDB: 1,
    A.ARM_INS_LDMIB: 1,
    A.ARM_INS_LDMDA: 1,
    A.ARM_INS_POP: 0,
    A.ARM_INS_VLDMIA: 1,
    A.ARM_INS_VLDMDB: 1,
    A.ARM_INS_VPOP: 0,
}


def thumb_load(md, insn):
    """(accesses, bytes per access) of one decoded Thumb instruction, or None when it does not load data."""
    if insn.id in _FIXED:
        return _FIXED[insn.id]
    if insn.id in _REGISTER_LISTS:
        regs = [op.reg for op in insn.operands[_REGISTER_LISTS[insn.id] :] if op.type == A.ARM_OP_REG]
        wide = any(md.reg_name(r).startswith("d") for r in regs)  # lists are all S or all D
        return len(regs), 8 if wide else 4
    if insn.id == A.ARM_INS_VLDR:
        return 1, 8 if md.reg_name(insn.operands[0].reg).startswith("d") else 4
    return None


def thumb_store(insn) -> bool:
    # Every Thumb store mnemonic starts with "st" (STR*, STM*, STREX*, STL*) or is PUSH/VPUSH/VSTR/VSTM.
    return insn.mnemonic.startswith(("st", "push", "vpush", "vstr", "vstm"))


_RV32_LOAD_BYTES = {0: 1, 1: 2, 2: 4, 4: 1, 5: 2}  # funct3 of LB, LH, LW, LBU, LHU


def rv32_loads(data: bytes) -> tuple[int, int]:
    """(loads, bytes loaded) of straight-line RV32IMC code: RV32I loads (opcode 0000011) and the
    compressed C.LW (quadrant 0) and C.LWSP (quadrant 2), read from the encoding without capstone."""
    loads = nbytes = 0
    i = 0
    while i + 1 < len(data):
        half = data[i] | data[i + 1] << 8
        if half & 3 == 3:
            word = half | (data[i + 2] | data[i + 3] << 8) << 16 if i + 3 < len(data) else half
            if word & 0x7F == 0x03:
                size = _RV32_LOAD_BYTES.get((word >> 12) & 7)
                if size:
                    loads += 1
                    nbytes += size
            i += 4
        else:
            if (half >> 13) == 0b010 and half & 3 in (0, 2):
                loads += 1
                nbytes += 4
            i += 2
    return loads, nbytes
