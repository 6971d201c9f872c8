"""Cortex-M4 (ARMv7E-M) and Cortex-M0+ (ARMv6-M) cycle counts: single-issue, in-order, per instruction.

Cortex-M4 figures are from the Cortex-M4 Technical Reference Manual (ARM DDI 0439B), section 3.3,
Table 3-1 (processor instruction timings) and its load/store pipelining notes (3.3.2), plus Table 7-1 for
the FPv4-SP floating-point unit. P is the pipeline refill after a taken branch (1..3 cycles; the device
file gives the value used). Rules we apply:

- ALU, shifts, moves, compare, bit-field, saturate, SIMD add/sub, extend, CLZ, REV: 1 cycle.
- MUL, MLA, MLS, the long multiplies (SMULL, UMULL, SMLAL, UMLAL, UMAAL) and every DSP multiply or
  multiply-accumulate (SMLA<x><y>, SMLAD, SMLSD, SMLAL<x><y>, SMLALD, SMMUL, SMMLA, SMUAD, ...): 1 cycle.
- SDIV/UDIV: 2..12 cycles with early termination (Table 3-1: "based on the number of leading ones and
  zeroes in the input operands"; Arm gives only the range). The latency by operands is the formula measured
  on silicon by S. van Hoek (M4 Optimization Compendium, 'Division timing', fitted to many measured
  divisions on an STM32 Cortex-M4): 2 cycles when an operand is zero, 3 when the dividend has fewer
  significant bits than the divisor, else 5 + floor(k / 4) with k = bits(dividend) - bits(divisor)
  (magnitudes for SDIV); k = 31 gives the TRM's maximum of 12.
- LDR/LDRB/LDRH/... single: 2 cycles; 1 when it directly follows another single load none of whose
  destinations it uses as an address ("neighboring load and store single instructions can pipeline their
  address and data phases", Table 3-1 note b; 3.3.2: pipelined "if ... the destination of the first LDR is
  not used to compute the address for the next instruction"). A base register the first load wrote back
  (post- or pre-indexed) is such a destination: back-to-back indexed loads on one base register do not
  pipeline, as measured on an STM32F407 (jnk0le, 'pipeline cycle test/doc/cortex_m3m4.md': "[cm4] post and
  pre indexed loads cannot be chained back to back on same register base address (alternating 2 different
  registers works)").
- STR single with immediate or PC-relative offset: 1 cycle (3.3.2: the data phase goes to the write
  buffer while the next instruction executes); STR with register offset: 2, or 1 right after a load
  (3.3.2: a load pipelines with the next LDR or STR, removing one cycle from it).
- Any load or store whose address register was written by the data-processing instruction just before
  it: +1 cycle (3.3.2: "there is no forwarding path for this scenario").
- A single store directly followed by an integer load (LDR*, LDRD, LDM, POP): +1 cycle. 3.3.2 says nothing
  can be pipelined after a store; measured on an STM32F407, the store's data phase then holds the load back
  a cycle (jnk0le, 'pipeline cycle test/doc/cortex_m3m4.md': "stores cannot be pipelined with following
  load instructions (adds extra cycle to store)"). FPU loads (VLDR) were not measured and are not charged.
- LDRD/STRD: 1 + N with N = 2 registers. LDM/STM/PUSH/POP: 1 + N; loading PC adds P.
- B, BL, BX, BLX, CBZ/CBNZ: 1, plus P when taken. P = 1, plus 1 when the target is a 32-bit instruction at
  an address that is not a multiple of 4 (the TRM: P is 1..3 "depending on alignment and width of the target
  instruction"; measured on silicon: a taken branch takes 2 cycles, 3 to an unaligned wide instruction, M4
  Optimization Compendium, "Branch timing"). The extra cycle is charged to the target block, once for every
  entry that did not fall through into it (any taken branch, return or indirect jump). TBB/TBH: 3 + 3 (3.3.2: two cycles for the load, one
  for the add, three for the pipeline reload); LDR PC: 2 + 3 (3.3.2: "at least five cycles"). Any other
  write of PC (POP/LDM with PC, MOV/ADD PC) adds P when taken.
- IT: 1 (we do not assume the fold onto a preceding 16-bit instruction that the TRM says can happen).
- FPU (FPv4-SP), the TRM's FPU instruction table (Table 7-1; the same figures are in TI's CC13x2/CC26x2
  TRM SWCU192, Table 3-27 "FPU instruction set", for its Cortex-M4F): VADD/VSUB/VMUL/VNMUL/VABS/VNEG/
  VCMP/VCVT, VMOV between FP registers or of an immediate, VMRS/VMSR: 1; VMOV of one float or two floats
  (one double) to or from core registers: 2; VMLA/VMLS/VNMLA/VNMLS/VFMA/VFMS/VFNMA/VFNMS: 3; VDIV/VSQRT:
  14; VLDR/VSTR: 2 for a single, 3 for a double register; VLDM/VSTM/VPUSH/VPOP: 1 + N with N counted in
  single registers (a double counts 2).
- FPU result use: an add, subtract, multiply, divide, square root, multiply-accumulate or conversion whose
  result the next instruction reads costs one cycle more; a multiply-accumulate takes its addend a cycle
  later, so the result used only as the next multiply-accumulate's addend costs nothing more. This is the
  TRM's statement after its FPU table, as GCC's Cortex-M4 FPU pipeline description encodes it
  (gcc/config/arm/cortex-m4-fpu.md: add/multiply/convert latency 2, multiply-accumulate 4, with the
  addend bypass). Dependences across basic blocks are not tracked.

Cortex-M0+ figures are from the Cortex-M0+ TRM (ARM DDI 0484C), section 3.3, Table 3-1: 2-stage pipeline,
ALU 1, MULS 1 (fast multiplier), LDR/STR 2 (no pipelining), LDM/STM/PUSH 1 + N, POP 1 + N or 3 + N with PC,
B taken 2 / not taken 1, BL 3, BX/BLX 2.
"""

import re

from mcubench.core.trace import DIV_BIN_SHORTER, DIV_BIN_ZERO

from .blocks import BlockCost, CoreModel, sequential_entries
from .decode import FP_MULTIPLY_ACCUMULATES
from .flash_fetch import flash_stalls

_LOADS = {"ldr", "ldrb", "ldrh", "ldrsb", "ldrsh", "ldrex", "ldrexb", "ldrexh", "ldrt", "ldrbt", "ldrht",
          "ldrsbt", "ldrsht"}
_STORES = {"str", "strb", "strh", "strex", "strexb", "strexh", "strt", "strbt", "strht"}
_MULTIPLE = {"ldm", "ldmdb", "ldmia", "stm", "stmdb", "stmia", "push", "pop"}
_INTEGER_LOADS = _LOADS | {"ldrd", "ldm", "ldmdb", "ldmia", "pop"}
_BRANCHES = {"b", "bl", "bx", "blx", "cbz", "cbnz"}
_DIVIDES = {"sdiv", "udiv"}
_FP_MAC = FP_MULTIPLY_ACCUMULATES
_FP_LONG = {"vdiv", "vsqrt"}
_FP_MEM = {"vldr", "vstr"}
_FP_MULTIPLE = {"vldmia", "vldmdb", "vstmia", "vstmdb", "vpush", "vpop", "vldm", "vstm"}
# The FPU instructions whose result the next instruction waits a cycle for (see the module docstring).
_FP_ARITHMETIC = {"vadd", "vsub", "vmul", "vnmul", "vcvt", "vcvta", "vcvtb", "vcvtm", "vcvtn", "vcvtp", "vcvtr",
                  "vcvtt"} | _FP_LONG | _FP_MAC
_FP_REGISTER = re.compile(r"[sd]\d+$")


def _fp_words(registers) -> int:
    """Registers of the FP register file among these, in single-precision words (a D register is 2)."""
    return sum(2 if r[0] == "d" else 1 for r in registers if _FP_REGISTER.match(r))


def _fp_cycles(insn) -> int:
    """Issue cycles of an FPU instruction (Table 7-1 of the Cortex-M4 TRM; module docstring)."""
    name = insn.name
    registers = insn.reads | insn.writes
    if name in _FP_MAC:
        return 3
    if name in _FP_LONG:
        return 14
    if name in _FP_MEM:
        return 3 if _fp_words(registers) > 1 else 2
    if name in _FP_MULTIPLE:
        return 1 + insn.reg_count  # counted in single registers by the decoder
    if name == "vmov" and _fp_words(registers) and any(not _FP_REGISTER.match(r) for r in registers):
        return 2  # one float, two floats or a double to or from core registers
    return 1


def _fp_result_stall(insn, following) -> int:
    """1 when the next instruction reads this FPU result other than as a multiply-accumulate's addend."""
    if following is None or insn.name not in _FP_ARITHMETIC:
        return 0
    return 1 if insn.writes & (following.reads - following.accumulators) else 0

DIV_MIN = 2
DIV_MAX = 12


def m4_divide_cycles(bin: int) -> int:
    """UDIV/SDIV cycles for a bin of the divide-operand histogram (mcubench.core.trace.DIV_BIN_SHORTER; the
    rule is in the module docstring)."""
    if bin == DIV_BIN_ZERO:
        return DIV_MIN
    if bin == DIV_BIN_SHORTER:
        return 3
    return 5 + bin // 4


def _is_fp(insn) -> bool:
    """An FPU instruction (VFP mnemonics, and capstone's names for VMRS APSR_nzcv and VMOV of a constant)."""
    return insn.name.startswith("v") or insn.name in ("fmstat", "fconsts", "fconstd")


def _is_memory(name):
    return name in _LOADS or name in _STORES or name in _MULTIPLE or name in ("ldrd", "strd") \
        or name in _FP_MEM or name in _FP_MULTIPLE


def _is_data_processing(insn):
    return not insn.writes_pc and not _is_memory(insn.name) and not insn.name.startswith("v") \
        and insn.name not in ("it", "nop", "dmb", "dsb", "isb", "mrs", "msr")


def thumb_block_cost(insns, cycles, taken, div_sites, line_bytes) -> BlockCost:
    """A Thumb block's cost from its instructions' cycles and what its taken exit adds (the Cortex-M4 and
    Cortex-M33 models differ in those, not in what the block record says)."""
    first = insns[0] if insns else None
    last = insns[-1] if insns else None
    return BlockCost(
        base=sum(cycles), taken=taken, line_cycles=_line_cycles(insns, cycles, line_bytes),
        div_sites=tuple(div_sites),
        unaligned_wide_start=bool(first is not None and first.size == 4 and first.address % 4 == 2),
        ends_conditional=bool(last and last.writes_pc and last.conditional),
        ends_indirect=bool(last and last.writes_pc and last.name not in ("b", "bl", "cbz", "cbnz")),
    )


def _line_cycles(insns, cycles, line_bytes):
    lines = []
    for insn, c in zip(insns, cycles):
        line = insn.address - insn.address % line_bytes
        if lines and lines[-1][0] == line:
            lines[-1][1] += c
        else:
            lines.append([line, c])
    return tuple((a, c) for a, c in lines)


class CortexM4(CoreModel):
    name = "cortex-m4"
    divide_worst = DIV_MAX

    def __init__(self, device):
        timing = device.need("timing")
        self.refill = timing.branch_refill_cycles
        self.line_bytes = timing.flash.line_bytes
        self.notes = {f"Cortex-M4 taken-branch refill P = {self.refill} cycles, +1 to an unaligned 32-bit target "
                      "(TRM range 1..3; measured on silicon)",
                      "Cortex-M4 divide latency: 2 cycles with a zero operand, 3 when the dividend is shorter "
                      "than the divisor, else 5 + floor(k/4), k = bits(dividend) - bits(divisor) (measured)",
                      "Cortex-M4 IT: 1 cycle (the TRM's fold onto a preceding 16-bit instruction is not assumed)"}

    divide_cycles = staticmethod(m4_divide_cycles)

    def branch_target_cycles(self, rows, blocks, run_blocks) -> int:
        """+1 per taken entry into a block that starts with an unaligned 32-bit instruction. Which entries fell
        through is known from the whole run (a region's first block is entered from outside the region), so
        a span is charged its executions times the run's share of taken entries at that address."""
        into = sequential_entries(run_blocks)
        runs = dict(zip(run_blocks.address.tolist(), run_blocks.count.tolist()))
        extra = 0.0
        for (cost, count, _), address in zip(rows, blocks.address.tolist()):
            total = runs.get(address, 0)
            if cost.unaligned_wide_start and count and total:
                extra += count * (1 - min(total, into.get(int(address), 0)) / total)
        return int(round(extra))

    def memory_stalls(self, device, view, rows, clock_mhz, tally) -> float:
        # Flash behind a prefetch buffer and the ART caches (see flash_fetch.py); SRAM is zero-wait.
        return flash_stalls(device, view, rows, clock_mhz, tally)

    def _block_cost(self, insns) -> BlockCost:
        cycles = []
        div_sites = []
        prev = None
        for i, insn in enumerate(insns):
            name = insn.name
            if name in _LOADS:
                c = 2
                # Pipelined after a load unless this address uses a register that load wrote (its loaded
                # value or its written-back base): see the module docstring.
                if prev is not None and prev.name in _LOADS and not (prev.writes & {insn.mem_base, insn.mem_index}):
                    c = 1
            elif name in _STORES:
                c = 2 if insn.mem_index and not (prev is not None and prev.name in _LOADS) else 1
            elif name in ("ldrd", "strd"):
                c = 3
            elif name in _MULTIPLE:
                c = 1 + insn.reg_count
            elif name in ("tbb", "tbh"):
                c = 3
            elif name in _DIVIDES:
                c = DIV_MIN
                div_sites.append((insn.address, DIV_MIN))
            elif _is_fp(insn):
                c = _fp_cycles(insn) + _fp_result_stall(insn, insns[i + 1] if i + 1 < len(insns) else None)
            else:
                c = 1
            if (prev is not None and _is_memory(name) and _is_data_processing(prev)
                    and prev.writes & {insn.mem_base, insn.mem_index}):
                c += 1  # address register from the ALU just before: no forwarding path
            if prev is not None and prev.name in _STORES and name in _INTEGER_LOADS:
                c += 1  # the store's data phase holds the load back (module docstring)
            cycles.append(c)
            prev = insn
        last = insns[-1] if insns else None
        taken = self.refill if last is not None and last.writes_pc else 0
        if last is not None and last.writes_pc and last.name in ("ldr", "tbb", "tbh"):
            taken = 3  # 3.3.2: LDR PC and TBB/TBH are blocking, "three cycles for the pipeline reload"
        return thumb_block_cost(insns, cycles, taken, div_sites, self.line_bytes)


class CortexM0Plus(CortexM4):
    """ARMv6-M has no divide instruction; no load pipelining; taken branches refill a 2-stage pipeline."""

    name = "cortex-m0plus"

    def branch_target_cycles(self, rows, blocks, run_blocks) -> int:
        return 0  # Table 3-1's taken-branch counts hold for any target

    def __init__(self, device):
        timing = device.need("timing")
        self.multiplier = timing.multiplier_cycles
        self.line_bytes = timing.flash.line_bytes
        self.notes = {f"Cortex-M0+ MULS = {self.multiplier} cycle(s) (implementation option)"}

    def _block_cost(self, insns) -> BlockCost:
        cycles = []
        for insn in insns:
            name = insn.name
            if name in _LOADS or name in _STORES:
                c = 2
            elif name in ("ldm", "ldmia", "stm", "stmia", "push"):
                c = 1 + insn.reg_count
            elif name == "pop":
                # POP {..., pc}: 3 + N per Table 3-1 counts N without PC; the taken refill adds 2 below.
                c = 1 + insn.reg_count
            elif name == "mul":
                c = self.multiplier
            elif name == "bl":
                c = 1  # BL is 3 cycles: 1 + 2 charged as the taken refill
            elif name in ("dmb", "dsb", "isb"):
                c = 3
            elif name in ("mrs", "msr"):
                c = 3
            else:
                c = 1
            cycles.append(c)
        last = insns[-1] if insns else None
        # Taken B/BX/BLX: 2 = 1 + 1 refill; BL: 3 = 1 + 2; POP with PC: 3 + N = (1 + N) + 2.
        if last is None or not last.writes_pc:
            taken = 0
        elif last.name in ("b", "bx", "blx"):
            taken = 1
        else:
            taken = 2
        return BlockCost(
            base=sum(cycles), taken=taken, line_cycles=_line_cycles(insns, cycles, self.line_bytes),
            ends_conditional=bool(last and last.writes_pc and last.conditional),
            ends_indirect=bool(last and last.writes_pc and last.name not in ("b", "bl")),
        )
