"""Cortex-M33 (Armv8-M Mainline with DSP and FPU) cycle counts: in-order, 3-stage, limited dual issue.

Arm publishes no instruction timing table for the Cortex-M33 (its TRM, Arm 100230, has none). The rules below
are the measurements of jnk0le on an RP2350 (Cortex-M33 r1p0), DWT CYCCNT over hand-written loops (repository
jnk0le/random at 3dfc2ab, 'pipeline cycle test/doc/cortex_m33.md'; quoted). Where that page says nothing, the
Cortex-M4 rule of cortex_m4.py stays, an assumption marked "(M4)". Each instruction issues at the first cycle
its operands are ready (a scoreboard over the block; dependences across basic blocks are not tracked) and
occupies the issue stage for its issue cycles:

- ALU and every instruction not named below: 1 cycle, result usable by the next instruction. BFI too: "bfi is
  a single stage instruction (like the basic ones)".
- Operand2 with a shifted register (ADD.W r3, r4, r5, ROR #24) or a shifted constant (a modified immediate
  other than an 8-bit value or the patterns 0x00XY00XY, 0xXY00XY00, 0xXYXYXYXY; ADDW/SUBW's 12-bit constant
  is simple, unless it is also an 8-bit value shifted, which the decoded instruction does not tell apart): result latency 2 ("result latency of operand2 shifted reg/constant, instructions is 2 cycles").
  With a shifted constant and setting the flags: 2 issue cycles ("some instructions that execute throghout 2
  pipeline stages ... and set a condition flags, take a total of 2 cycles to execute. Affected are: muls.n
  ... and operand2 shifted constant (inline shifted reg and movs.w (any type) are unaffected)"). MOV/MVN of a
  constant and the shift instructions (LSL, ...) are not operand2-shifted instructions here (assumption).
- Multiplies and multiply-accumulates: 1 issue cycle, result latency 2 ("multiply accumulates have 2 cycle
  result latency"; plain and long multiplies are given the same latency, an assumption); MULS (16-bit, sets
  flags): 2 issue cycles (quoted above). SDIV/UDIV: the Cortex-M4 formula (M4).
- UXTAB, UXTAH, UXTAB16, SXTAB, SXTAH, SXTAB16: result latency 2 ("{u,x}xta{b,h,b16} have 2 cycle result
  latenct"). DSP and SIMD add/subtract (QADD, QSUB, UADD8, SSUB16, SHADD8, ...) and PKHBT/PKHTB: result latency 2
  ("DSP and SIMD instructions (qsub, uadd8, pkh{bt,tb}) have 2 cycle result latency (no chaining from
  acumulator stage)").
- Accumulator forwarding: a multiply-accumulate's accumulator and an *XTA*'s added operand take the result of
  a multiply-accumulate, an *XTA* or an operand2-shifted instruction, or of a load, 1 cycle after it issued
  ("accumulate dependency can be chained from previous MAC, *xta* or operand2 (shifted reg/constant), insns";
  "load result can be consumed as MAC accumulate dependency in 1 cycle").
- LDR (single): 1 issue cycle, result latency 2 ("load to use latency is 2 cycles"), 1 into a store's data
  ("load to store latency is 1 cycle"); a written-back base (and SP after PUSH/POP) is usable once the
  access is issued (assumption). STR with
  an immediate offset: 1 ("can store result from \"accumulate\" stage in 1 cycle": store data is read a cycle
  late, so a 2-cycle result is stored without waiting); with a register offset: 2, or 1 right after a load
  (M4).
- LDRD/STRD: 2 ("load/store double execute in 2 cycles"); LDM/STM/PUSH/POP of N registers: N ("load/store
  multiple of x registers execute in exactly x cycles"); the loaded registers are usable one cycle after the
  last (assumption, as the single load's latency 2); POP/LDM with PC adds P when taken (M4).
- Any load or store whose address register the data-processing instruction just before wrote: +1; a single
  store directly followed by an integer load: +1 (both M4).
- Dual issue: "only two 16 bit (.n) instructions can dual issue". A 16-bit B or BX directly after a 16-bit
  instruction (not a branch) issues with it, 0 cycles: "not taken branch, can dual issue (from \"slot 1\") even
  when preceded with flag generating instruction" ('bne 1b // 2 cycles taken, 0 not taken' after SUBS); taken,
  it costs 1 after an instruction that sets no flags ("taken branch, can dual issue ... when preceded by 16 bit
  instruction that doesn't generate condition flags. It's effectively executing in 1 cycle"; "branch can dual
  issue with load/store multiple as well"), else 2. IT after a 16-bit instruction: 0 ("it can dual issue with
  preceding instruction"). Any other branch: 1, plus P = 1 when taken, +1 to an unaligned 32-bit target (M4).
  Two ALU instructions, or a load/store and an ALU instruction, do not pair ("can't dual issue
  arithmetic+arithmetic or load/store + aritmetic"). NOP pairing is not modelled.
- An instruction predicated out by IT "execute[s] as a nop" with no hazard: the block costs are per block,
  not per outcome, so it is costed as executed (a known error: validate's it_*_ne references).
- FPU: VFMA/VFMS/VFNMA/VFNMS and VMLA/VMLS/VNMLA/VNMLS: 1 issue cycle, result latency 3 into another's
  accumulator, 4 to anything else, and no FP instruction (VLDR/VSTR included) issues in the 2 cycles after
  ("FMA/MLA execute in 1 cycle with 3 cycle of result latency into accumulator of another FMA or 4 as
  multipli{er, cand}. No other vloating point instruction can be issued in the following 2 cycles. (including
  vldr/vstr)"). VADD/VSUB/VMUL/VNMUL/VCVT: 1 issue cycle, result latency 2 ("result latency of every other FP
  compute instruction (vadd.f32, vmul.f32) is 2 cycles. Those are pipelined so can be issued every cycle"; the
  early "out of order" issue the page describes is not modelled). VDIV/VSQRT 14, result latency 15 (M4).
  VLDR/VSTR of a single: 1, of a double: 2 ("load/store double execute in 2 cycles (applies to FPU)"; the
  single's 1 cycle is an assumption, as the integer load); VLDR result latency 1 ("vldr.32 has 1 cycle of load
  to use latency"). VLDM/VSTM/VPUSH/VPOP: N words ("also applies to FPU"). VMOV: two S (or one D) to two core
  registers 2 cycles, results usable after them ("takes 2 cycles, it has 1 cycle of result latency"); two core
  registers to two S 1 cycle, latency 2; one S to a core register 1 cycle, latency 2; a core register to one
  S 1 cycle, latency 1. Other FPU instructions: 1 (M4 figures otherwise).
"""

import re

from .blocks import BlockCost
from .cortex_m4 import (_FP_LONG, _FP_MAC, _FP_MEM, _FP_MULTIPLE, _INTEGER_LOADS, _LOADS, _MULTIPLE, _STORES,
                        _DIVIDES, DIV_MIN, CortexM4, _fp_words, _is_data_processing, _is_fp, _is_memory,
                        thumb_block_cost)

_OPERAND2 = {"add", "adc", "sub", "sbc", "rsb", "and", "orr", "orn", "eor", "bic", "cmp", "cmn", "tst", "teq",
             "mvn"}
_MULTIPLIES = re.compile(r"^(mul|mla|mls|smul|smla|smls|smmul|smmla|smmls|smuad|smusd|smlad|smlsd|umull|umlal|"
                         r"umaal|smull|smlal|usad8|usada8)")
_EXTEND_ADD = {"uxtab", "uxtah", "uxtab16", "sxtab", "sxtah", "sxtab16"}
_SIMD = re.compile(r"^([su]|q|uq|sh|uh)(add|sub|asx|sax)(8|16)$|^(qadd|qsub|qdadd|qdsub|pkhbt|pkhtb)$")
_FP_LATENCY_2 = {"vadd", "vsub", "vmul", "vnmul", "vcvt", "vcvta", "vcvtb", "vcvtm", "vcvtn", "vcvtp", "vcvtr",
                 "vcvtt"}
_FP_REG = re.compile(r"[sd]\d+$")


def shifted_constant(value: int) -> bool:
    """A Thumb-2 modified immediate that is neither an 8-bit value nor one of the byte patterns 0x00XY00XY,
    0xXY00XY00, 0xXYXYXYXY (the page's "simple constant" and "constant pattern")."""
    v = value & 0xFFFFFFFF
    if v <= 0xFF:
        return False
    low = (v & -v).bit_length() - 1
    if v >> low > 0xFF:
        return False  # not an 8-bit value shifted: ADDW/SUBW's 12-bit constant (a simple constant)
    b = v & 0xFF
    b1 = (v >> 8) & 0xFF
    return v not in (b | b << 16, b1 << 8 | b1 << 24, b * 0x01010101)


class CortexM33(CortexM4):
    """The Cortex-M4 model with the Cortex-M33's measured pipeline (module docstring)."""

    name = "cortex-m33"

    def __init__(self, device):
        super().__init__(device)
        self.notes = {f"Cortex-M33: pipeline rules measured on an RP2350 (jnk0le); where unmeasured, Cortex-M4 rules "
                      f"(taken-branch refill P = {self.refill}, divide formula, store-then-load +1)",
                      "Cortex-M33: an instruction predicated out by IT is costed as executed"}

    def _kind(self, insn):
        """(issue cycles, result latency, whether an accumulator may take the result a cycle early)."""
        name = insn.name
        if name == "mul" and insn.size == 2:
            return 2, 2, True  # MULS.N
        if _MULTIPLIES.match(name):
            return 1, 2, True
        if name in _EXTEND_ADD:
            return 1, 2, True
        if _SIMD.match(name):
            return 1, 2, False
        if name in _OPERAND2 and insn.size == 4:
            if insn.immediate is not None and shifted_constant(insn.immediate):
                return (2 if insn.sets_flags else 1), 2, True
            if insn.shifted_register:
                return 1, 2, True
        return 1, 1, False

    def _block_cost(self, insns) -> BlockCost:
        ready, early, store_ready = {}, {}, {}  # register -> cycle usable: by anything, as accumulator, as store data
        fp_free = 0  # first cycle an FP instruction may issue (after a multiply-accumulate)
        t = 0  # next issue cycle
        cycles, div_sites = [], []
        taken = 0
        last = insns[-1] if insns else None
        prev = None
        for insn in insns:
            name = insn.name
            start = t
            data = insn.reads - {insn.mem_base, insn.mem_index} if name in _STORES or name == "strd" else frozenset()
            accs = insn.accumulators | ({insn.registers[1]} if name in _EXTEND_ADD and len(insn.registers) > 1
                                        else frozenset())
            need = 0
            for r in insn.reads:
                if r in data:
                    need = max(need, store_ready.get(r, 0))
                elif r in accs:
                    need = max(need, early.get(r, ready.get(r, 0)))
                else:
                    need = max(need, ready.get(r, 0))
            if _is_fp(insn) and name not in ("vmrs", "vmsr"):
                need = max(need, fp_free)
            issue = max(t, need)
            latency, acc_early = 1, False
            paired = prev is not None and prev.size == 2 and insn.size == 2 and not prev.writes_pc
            if insn.writes_pc and insn is last and name in ("b", "bx") and paired:
                c = 0
                taken = 2 if prev.sets_flags else 1
            elif name == "it" and paired:
                c = 0
            elif name in _LOADS:
                c, latency, acc_early = 1, 2, True  # into an accumulator or a store's data after 1
                if insn.writes_pc:
                    c = 2  # (M4) LDR PC: 2, plus the 3-cycle reload when taken
            elif name in _STORES:
                c = 2 if insn.mem_index and not (prev is not None and prev.name in _LOADS) else 1
            elif name in ("ldrd", "strd"):
                c = 2
                latency = 3
            elif name in _MULTIPLE:
                c = max(insn.reg_count, 1)
                latency = c + 1
            elif name in ("tbb", "tbh"):
                c = 3
            elif name in _DIVIDES:
                c = DIV_MIN
                div_sites.append((insn.address, DIV_MIN))
            elif _is_fp(insn):
                c, latency = self._fp(insn)
                if name in _FP_MAC:
                    fp_free = issue + 3
                    for r in insn.writes:
                        early[r] = issue + 3
            else:
                c, latency, acc_early = self._kind(insn)
            if (prev is not None and _is_memory(name) and _is_data_processing(prev)
                    and prev.writes & {insn.mem_base, insn.mem_index}):
                c += 1  # (M4) address register from the ALU just before
            if prev is not None and prev.name in _STORES and name in _INTEGER_LOADS:
                c += 1  # (M4) the store's data phase holds the load back
            t = issue + c
            for r in insn.writes:
                if r == "pc":
                    continue
                if r == insn.mem_base and (name in _MULTIPLE or r not in insn.registers[:1]):
                    ready[r] = store_ready[r] = t  # a written-back base (SP of PUSH/POP): after the access
                    early.pop(r, None)
                    continue
                ready[r] = issue + latency
                store_ready[r] = issue + 1 if acc_early else issue + latency  # stored from the accumulate stage
                if name in _FP_MAC:
                    continue  # its early (accumulator) cycle was set above
                if acc_early:
                    early[r] = issue + 1
                else:
                    early.pop(r, None)
            cycles.append(t - start)
            prev = insn
        if last is not None and last.writes_pc and not taken:
            taken = self.refill
            if last.name in ("ldr", "tbb", "tbh"):
                taken = 3  # (M4) LDR PC and TBB/TBH: three cycles for the pipeline reload
        return thumb_block_cost(insns, cycles, taken, div_sites, self.line_bytes)

    @staticmethod
    def _fp(insn):
        """(issue cycles, result latency) of an FPU instruction (module docstring)."""
        name = insn.name
        registers = insn.reads | insn.writes
        if name in _FP_MAC:
            return 1, 4
        if name in _FP_LONG:
            return 14, 15
        if name in _FP_LATENCY_2:
            return 1, 2
        if name in _FP_MEM:
            double = _fp_words(registers) > 1
            return (2, 2) if double else (1, 1)
        if name in _FP_MULTIPLE:
            return insn.reg_count, insn.reg_count + 1
        if name == "vmov" and _fp_words(registers) and any(not _FP_REG.match(r) for r in registers):
            to_core = not any(_FP_REG.match(r) for r in insn.writes)
            words = _fp_words(registers)
            if to_core:
                return (2, 2) if words > 1 else (1, 2)
            return (1, 2) if words > 1 else (1, 1)
        return 1, 1
