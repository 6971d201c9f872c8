"""Cortex-M7 cycle counts: in-order dual issue, branch prediction, L1 caches over slow memories.

Arm's Cortex-M7 TRM (ARM DDI 0489) describes a 6-stage superscalar pipeline that can issue two
instructions per cycle, a branch target address cache, and 32-byte-line L1 caches, but publishes no
instruction timing table. So this model is ours, and each rule is an assumption (the device file says so):

- Issue: an instruction pairs with the one before it in the same cycle unless either is a divide, a
  load/store multiple, a system/IT/barrier instruction, or a branch in the first slot; at most one multiply
  and one floating-point operation per pair; and only when its operands are ready. Condition flags are not
  tracked: a flag-setting instruction and the conditional branch after it issue together (the branch
  resolves in a later stage). Memory: a load pairs with a store (jnk0le's STM32H743 measurements, "pipeline
  cycle test/doc/cortex_m7.md", stores: "can be dual issued with load"), two stores never pair (our
  assumption, which the same page confirms: "cannot dual issue two stores"), two loads as below. From the
  same page: a multiply never pairs with a store ("can't dual issue with stores"), and two bitfield/DSP
  instructions (extends, bitfield insert/extract, reverses, CLZ, saturation, SIMD add/subtract, SEL, PKH)
  never pair ("bitfield and DSP instructions except multiplication ... cannot dual issue wrt each other"),
  nor do two instructions that each have an inline shifted register operand, e.g. ADD r0, r1, r2, LSL #2
  (the page's "operand2 dual issuing matrix": inline shifted reg with inline shifted reg, "-": "cannot dual
  issue"; Insn.shifted_register; the matrix's shifted-constant cells are not modelled: the decoder does not
  tell a shifted constant from a plain one).
- Result latency (cycles until a dependent instruction can issue): ALU and bitfield/DSP 1, multiply/MAC 2,
  FP 3, divide = its 2..12 cycles by the Cortex-M4's measured early-termination latency
  (cost_models/cortex_m4.py; Arm documents no Cortex-M7 divide timing). By the consumer (same page):
  - a word load (LDR) feeds an ALU instruction the next cycle, 1 ("word loads can be consumed by late ALU in
    next cycle"), but a multiply ("all multiplications and multiply accumulates can't consume ldr result from
    previous cycle") and an instruction that reads an operand in the early ALU ("except instructions that
    consume one of the operands in early ALU (e.g. ... uxtab)": SBFX/UBFX/RBIT/REV*/BFI/PKH*/{S,U}XTA*, all
    their operands taken as early) after 2; byte and halfword loads and the other loads (LDRD, LDREX, VLDR)
    after 2 ("byte/half loads can be consumed in secend cycle by late ALU"). Not modelled: an inline shifted
    operand is also read early, so LDR into e.g. ADD r0, r1, r2, LSL #2 is charged 1, not 2; an early-ALU
    operand from an ALU instruction ("source must be available a cycle earlier than normally", unless that
    instruction itself ran in the early ALU) is charged 1.
  - a load or store address or index: 2 after any load (our assumption) and after a bitfield/DSP
    instruction ("bitfield/dsp instruction (e.g. uxtb, uxtab, rev) result cannot be used as index or address
    by load/store instructions in next cycle (1 extra cycle latency)"), 1 after an ALU instruction.
  - a multiply-accumulate's accumulator is read one stage after the late ALU ("accumulate dependency is
    consumed cycle later in another stage after the late alu (so it can consume ldrb result from previous
    cycle, or late ALU from the same cycle)"): after an ALU or bitfield/DSP instruction 0 (same cycle), after
    a load 1, after a multiply 1 (so a dependent MLA/SMLAD chain runs at one per cycle, as on the Cortex-M4).
  - a store's data register: 0 after an ALU, bitfield/DSP, load or multiply instruction ("can store any
    result in same cycle, including ldr, ldrh, ldrb"); a floating-point result as before.
- LDM/STM/PUSH/POP move 64 bits per cycle: ceil(N / 2) cycles, pairing with nothing (measured on an
  STM32H743: jnk0le, "pipeline cycle test/doc/cortex_m7.md": "takes ceil(regnum/2) cycles to execute").
- Two loads pair when they read the even and the odd word of a doubleword (the DTCM and D-cache are banked
  by word: same measurements); statically that is known for the same base register and immediate offsets
  4 apart modulo 8. VDIV.F32 and VSQRT.F32 hold the pipeline for 16 and 14 cycles
  (same measurements: they "lock the pipeline for the rest of the duration").
- Floating-point multiply-accumulates: a chained one (VMLA, VMLS, VNMLA, VNMLS) has 6 cycles of result
  latency and a fused one (VFMA, VFMS, VFNMA, VFNMS) 5, but either result is ready as the next one's addend
  after 3 (same measurements, "result latency" table: as multiplicand 6 / 5, as accumulate 3; LLVM's
  Arm-contributed Cortex-M7 scheduling model, ARMScheduleM7.td, has the same figures).
- Branches: the M7 predicts with a branch target address cache (BTAC), and only statically when the BTAC is
  off (Cortex-M7 TRM, DDI 0489, Table 3-3 ACTLR: "DISBTACREAD ... BTAC is not used and only static branch
  prediction can occur"); the TRM lists no return stack. Direct branches cost nothing extra; a conditional
  branch taken t times in c executions is mispredicted min(t, c - t) times (the minority direction, as a
  2-bit counter does in a loop). A branch to a register or loaded target (BX, BLX, POP {pc}, LDR pc, TBB/TBH)
  is predicted to go where it went the last time it was taken, so it is mispredicted on its first taken
  exit and each time its target changes (Trace BlockTable.target_changes): a function called from one site
  returns without a misprediction, one called from two alternating sites mispredicts every return.
  Assumption: the BTAC keeps every branch (its capacity is not published). A misprediction costs 8 cycles
  (jnk0le's STM32H743 measurements: flag forwarding "can reduce branch misprediction penalty from 8 to 6
  cycles", so 8 is the penalty without it).
- Store buffer (same page, stores: "store buffer doesn't merge series of consecutive stores, so strb and strh
  will clog the store buffer with RMW operations. When doing one byte/half store every cycle, the throughput is
  4 cycles per store if targeting one bank, 2 cycles per store if targeting even/odd bank and 2.4 cycles for
  unit stride advancing strb. (strh is still 2 cycles)"). A store goes into the buffer when it issues and
  leaves it when its write is done. Writes start in program order (our assumption: the page says nothing of
  order), each in its bank (word address bit 2: the even/odd words of the loads above) once that bank is free:
  - a byte or halfword store (STRB, STRH) is a read-modify-write that holds its bank 4 cycles ("4 cycles per
    store if targeting one bank"); the two banks work at once, so stores alternating the banks drain at 2 per
    store ("2 cycles per store if targeting even/odd bank"), and so do unit-stride halfwords (2 to each word:
    "strh is still 2 cycles"); unit-stride bytes (4 to each word) come out at 3, not the page's 2.4, which no
    rule here was fitted to (the writes of one bank could instead start out of order; that gives 2);
  - a word store (STR, STREX, STRT, VSTR.32) holds its bank 1 cycle, a doubleword one (STRD, VSTR.64) both
    banks 1 cycle (the page does not give them as slow: at one per cycle they never fill the buffer). An
    unaligned word store is slow too ("the throughput is 4 cycles per one store"), but the decoder cannot tell
    an unaligned address from the instruction, so every word store is costed as aligned.
  Capacity: "unaligned stores execute without any stalls until store buffer clogs up (5 consecutive stores)".
  Read as: five back-to-back 4-cycle stores issue without a stall and the sixth waits. Here that is 4 entries:
  the first store's write is done by the fifth's issue (cycle 4), which takes its entry. A store issues only
  when fewer than 4 earlier stores are still in the buffer.
  Banks are known statically only between consecutive stores through one base register with immediate
  offsets (post- and pre-indexed writeback followed within the block), the register taken as word-aligned
  (assumption), so that their banks differ when their displacements' bit 2 does. A store through another
  base register than the store before it, a register index, or a base written by a non-memory instruction is
  assumed to hit the other bank than the store before it (assumption: the page's rates for the patterns it
  names, 2, 2 and 2.4, are nearer the alternating figure than the one-bank 4). The buffer is empty at every
  block's entry (assumption: the trace counts blocks, not their order), so a store-bound loop body of one
  block is charged only what fills within one execution.
  LDM/STM/PUSH/POP do not go through this buffer model.
- Memory: ITCM/DTCM zero wait; other memory goes through the I-/D-cache (simulated by the tracer); a miss
  costs the area's line fill from [timing.line_fill]; write-backs are hidden by the write buffer.
"""

import math

from .blocks import BlockCost, CoreModel, block_ends
from .cortex_m4 import DIV_MAX, DIV_MIN, m4_divide_cycles

_LOADS = {"ldr", "ldrb", "ldrh", "ldrsb", "ldrsh", "ldrex", "ldrd", "vldr", "ldrt"}
_STORES = {"str", "strb", "strh", "strex", "strd", "vstr", "strt"}
_MULTIPLE = {"ldm", "ldmdb", "ldmia", "stm", "stmdb", "stmia", "push", "pop", "vldmia", "vldmdb", "vstmia",
             "vstmdb", "vpush", "vpop"}
_SYSTEM = {"it", "msr", "mrs", "dmb", "dsb", "isb", "cpsid", "cpsie", "wfi", "wfe", "svc", "bkpt", "tbb", "tbh"}
_MUL_PREFIXES = ("mul", "mla", "mls", "smul", "umul", "smla", "umla", "umaal", "smmul", "smmla", "smmls",
                 "smuad", "smusd", "smlsd", "smlal", "smlsl")
_FP_LONG = {"vdiv": 16, "vsqrt": 14}  # cycles the pipeline is held (see the module docstring)
_FP_MAC_LATENCY = {"vmla": 6, "vmls": 6, "vnmla": 6, "vnmls": 6, "vfma": 5, "vfms": 5, "vfnma": 5, "vfnms": 5}
_FP_ADDEND_LATENCY = 3  # a multiply-accumulate result read as the next one's addend
_WORD_LOADS = {"ldr", "ldrt"}  # a word into a core register: to the late ALU the next cycle
# Bitfield and DSP instructions other than multiplies (jnk0le's "bitfield and DSP instructions except
# multiplication (e.g. uxtb, uxtab, ubfi, pkhbt, uadd8, qadd, clz, rev)"): they do not pair with each other.
_DSP = {"sxtb", "sxth", "uxtb", "uxth", "sxtb16", "uxtb16", "sxtab", "sxtah", "uxtab", "uxtah", "sxtab16",
        "uxtab16", "bfi", "bfc", "sbfx", "ubfx", "pkhbt", "pkhtb", "rev", "rev16", "revsh", "rbit", "clz", "ssat",
        "usat", "ssat16", "usat16", "sel", "usad8", "usada8"}
_DSP_PREFIXES = ("qadd", "qsub", "qdadd", "qdsub", "qasx", "qsax", "sadd", "ssub", "sasx", "ssax", "uadd", "usub",
                 "uasx", "usax", "shadd", "shsub", "shasx", "shsax", "uhadd", "uhsub", "uhasx", "uhsax", "uqadd",
                 "uqsub", "uqasx", "uqsax")
# Instructions that read an operand in the early ALU (jnk0le: SBFX, UBFX, RBIT, REV* "execute in early alu";
# in BFI, PKH* and {S,U}XTA* the extracted or shifted register): a word load reaches them after 2, not 1.
_EARLY = {"sbfx", "ubfx", "rbit", "rev", "rev16", "revsh", "bfi", "pkhbt", "pkhtb", "sxtab", "uxtab", "sxtah",
          "uxtah", "sxtab16", "uxtab16"}
_INT_STORES = {"str", "strb", "strh", "strex", "strd", "strt"}
_RMW_STORES = {"strb", "strh"}  # byte/halfword: a read-modify-write in the store buffer
_RMW_CYCLES = 4  # "4 cycles per store if targeting one bank" (module docstring)
_STORE_BUFFER = 4  # entries: 5 consecutive 4-cycle stores without a stall (module docstring)


def _kind(name):
    if name in ("sdiv", "udiv"):
        return "div"
    if name in ("fmstat", "vmrs", "vmsr"):
        return "sys"  # VMRS/VMSR issue alone (LLVM's M7 model: SingleIssue)
    if name in ("fconsts", "fconstd"):
        return "fp"  # VMOV of an immediate
    if name in _MULTIPLE:
        return "multi"
    if name in _SYSTEM:
        return "sys"
    if name in _LOADS:
        return "load"
    if name in _STORES:
        return "store"
    if name.startswith(_MUL_PREFIXES):
        return "mul"
    if name in _DSP or name.startswith(_DSP_PREFIXES):
        return "dsp"
    if name.startswith("v"):
        return "fp"
    if name in ("b", "bl", "bx", "blx", "cbz", "cbnz"):
        return "branch"
    return "alu"


def _other_bank(a, b) -> bool:
    """Both loads address words of opposite parity: same base register, immediate offsets 4 apart mod 8."""
    if a.mem_base is None or a.mem_base != b.mem_base or a.mem_index or b.mem_index or a.mem_base in a.writes:
        return False
    if a.mem_offset is None or b.mem_offset is None:
        return False
    return (a.mem_offset - b.mem_offset) % 8 == 4


class _StoreBuffer:
    """The stores of one block in the store buffer (module docstring): when each one's entry is free again, the
    cycle the latest write started, when each bank is free, and where the latest store went."""

    def __init__(self):
        self.free_at = []  # per buffered store, the first cycle its entry is free, in program order
        self.last_start = 0
        self.bank_free = [0, 0]
        self.offsets = {}  # base register -> displacement from its value at its first use in the block
        self.last = None  # (base register or None, bank) of the latest store
        self.phase = 0  # bank of displacement 0 of that base register

    def ready(self) -> int:
        """First cycle a store may issue: fewer than _STORE_BUFFER stores still buffered."""
        if len(self.free_at) < _STORE_BUFFER:
            return 0
        return sorted(self.free_at, reverse=True)[_STORE_BUFFER - 1]

    def forget(self, insn, kind):
        """A base register written other than by a memory instruction's writeback is no longer followed."""
        for r in insn.writes:
            if not (kind in _MEMORY and r == insn.mem_base and r not in insn.registers):  # not writeback only
                self.offsets.pop(r, None)
                if self.last is not None and self.last[0] == r:
                    self.last = (None, self.last[1])

    def load(self, insn):
        self._address(insn)  # a load's writeback moves its base register too

    def _address(self, insn):
        """The store's displacement from its base register's first value, or None; follows writeback."""
        base = insn.mem_base
        if base is None or insn.mem_index is not None or insn.mem_offset is None:
            return None
        start = self.offsets.get(base, 0)
        if base not in insn.writes:
            self.offsets.setdefault(base, 0)
            return start + insn.mem_offset
        if insn.mem_offset == 0 and insn.immediate is not None:  # post-indexed: [rn], #imm
            self.offsets[base] = start + insn.immediate
            return start
        self.offsets[base] = start + insn.mem_offset  # pre-indexed with writeback: [rn, #imm]!
        return start + insn.mem_offset

    def store(self, insn, issue):
        displacement = self._address(insn)
        base = insn.mem_base if displacement is not None else None
        word_parity = (displacement >> 2) & 1 if base is not None else 0
        if base is not None and self.last is not None and self.last[0] == base:
            bank = word_parity ^ self.phase
        else:  # no known relation to the store before: the other bank (assumption)
            bank = 1 - self.last[1] if self.last is not None else 0
            self.phase = bank ^ word_parity
        self.last = (base, bank)
        double = insn.name == "strd" or (insn.name == "vstr" and insn.registers[:1] and
                                         insn.registers[0].startswith("d"))
        banks = (0, 1) if double else (bank,)
        hold = _RMW_CYCLES if insn.name in _RMW_STORES else 1
        start = max([issue, self.last_start] + [self.bank_free[b] for b in banks])
        self.last_start = start
        for b in banks:
            self.bank_free[b] = start + hold
        self.free_at = [t for t in self.free_at if t > issue] + [start + hold]


_LATENCY = {"alu": 1, "dsp": 1, "mul": 2, "load": 2, "store": 1, "fp": 3, "branch": 1, "sys": 1, "multi": 1,
            "div": DIV_MIN}
_MEMORY = {"load", "store"}


def _role(insn, kind, reg) -> str:
    """How an instruction reads one of its registers: as an address, a store's data, a multiplicand, an integer
    accumulator, in the early ALU, or (everything else) in the late ALU."""
    if kind in _MEMORY and reg in (insn.mem_base, insn.mem_index):
        return "address"
    if kind == "store" and insn.name in _INT_STORES:
        return "data"
    if kind == "mul":
        return "accumulator" if reg in insn.accumulators else "multiplicand"
    if insn.name in _EARLY:
        return "early"
    return "late"


def _consumer_latency(producer, latency, role) -> int:
    """Cycles from the issue of a producer (its class, its late-ALU latency) to that of a consumer reading the
    result in this role (the module docstring gives each figure's source)."""
    if producer == "word_load":
        return {"late": 1, "accumulator": 1, "data": 0}.get(role, 2)
    if role == "data" and producer in ("alu", "dsp", "load", "mul"):
        return 0
    if role == "accumulator" and producer in ("alu", "dsp", "load", "mul"):
        return latency - 1
    if role == "address" and producer == "dsp":
        return 2
    return latency


class CortexM7(CoreModel):
    name = "cortex-m7"
    divide_worst = DIV_MAX
    divide_cycles = staticmethod(m4_divide_cycles)

    def __init__(self, device):
        timing = device.need("timing")
        self.dual_issue = timing.dual_issue
        self.mispredict = timing.branch_mispredict_cycles
        self.notes = {
            f"Cortex-M7 dual issue {'on' if self.dual_issue else 'off'}, misprediction {self.mispredict} cycles "
            "(indirect branches predicted to their last target), word load to ALU 1 cycle, other load uses 2, "
            "multiply latency 2 (our rules and jnk0le's STM32H743 measurements: Arm publishes no M7 timing table)",
        }

    def _pairs(self, a, ka, b, kb) -> bool:
        if not self.dual_issue:
            return False
        blocking = {"div", "multi", "sys"}
        if ka in blocking or kb in blocking or ka == "branch" or a.writes_pc:
            return False
        if ka in _MEMORY and kb in _MEMORY:
            if ka == kb == "load":
                return _other_bank(a, b)
            return ka != kb  # a load and a store; never two stores
        if ka == kb and ka in ("mul", "fp", "dsp"):
            return False
        if {ka, kb} == {"mul", "store"}:
            return False
        if a.shifted_register and b.shifted_register:
            return False
        return True

    def _block_cost(self, insns) -> BlockCost:
        produced = {}  # register -> (issue cycle, producer class, late-ALU latency) of its latest write
        fp_addend = {}  # register -> first cycle an FP multiply-accumulate may add into it (addend forwarding)

        def needed(insn, kind, reg):
            if reg in insn.accumulators and reg in fp_addend and kind == "fp":
                return fp_addend[reg]
            if reg not in produced:
                return 0
            issue, producer, latency = produced[reg]
            return issue + _consumer_latency(producer, latency, _role(insn, kind, reg))

        cycle = -1  # cycle of the latest issue
        slot_free = False  # the latest issue cycle has a free second slot
        prev = prev_kind = None
        div_sites = []
        buffer = _StoreBuffer()
        for insn in insns:
            kind = _kind(insn.name)
            operands_ready = max((needed(insn, kind, r) for r in insn.reads), default=0)
            if kind == "store":
                operands_ready = max(operands_ready, buffer.ready())
            if prev is not None and slot_free and operands_ready <= cycle and self._pairs(prev, prev_kind, insn, kind):
                issue = cycle
                slot_free = False
            else:
                issue = max(cycle + 1, operands_ready)
                slot_free = True
            occupancy = 1
            latency = _LATENCY[kind]
            if kind == "multi":
                occupancy = max(1, math.ceil(insn.reg_count / 2))
                latency = occupancy
            elif kind == "div":
                occupancy = latency = DIV_MIN
                div_sites.append((insn.address, DIV_MIN))
            elif kind == "fp" and insn.name in _FP_LONG:
                occupancy = latency = _FP_LONG[insn.name]
            elif kind == "fp" and insn.name in _FP_MAC_LATENCY:
                latency = _FP_MAC_LATENCY[insn.name]
            if kind == "store":
                buffer.store(insn, issue)
            elif kind == "load":
                buffer.load(insn)
            buffer.forget(insn, kind)
            producer = "word_load" if insn.name in _WORD_LOADS else kind
            for r in insn.writes:
                # A written-back base register comes from the address stage: ready after one cycle.
                if r == insn.mem_base and kind in _MEMORY:
                    produced[r] = (issue, "base", 1)
                else:
                    produced[r] = (issue, producer, latency)
                fp_addend.pop(r, None)
            if insn.name in _FP_MAC_LATENCY:
                for r in insn.writes:
                    fp_addend[r] = issue + _FP_ADDEND_LATENCY
            cycle = issue + occupancy - 1
            if occupancy > 1:
                slot_free = False
            prev, prev_kind = insn, kind
        last = insns[-1] if insns else None
        return BlockCost(
            base=cycle + 1, taken=0, div_sites=tuple(div_sites),
            ends_conditional=bool(last and last.writes_pc and last.conditional),
            ends_indirect=bool(last and last.writes_pc and last.name not in ("b", "bl", "cbz", "cbnz")),
        )

    # --- per-span extras ---------------------------------------------------------------------
    def mispredict_cycles(self, rows, blocks) -> int:
        # A predictor keeps its state per branch instruction, and one branch can end several of the trace's
        # blocks (a jump into the middle of a block starts another block that ends at the same branch, and
        # where the emulator starts blocks depends on the code layout): a conditional branch's outcomes are
        # pooled over the blocks it ends (keyed by their end address) before the minority is taken.
        outcomes = {}
        mispredicts = 0
        for (cost, count, taken), changes, end in zip(rows, blocks.target_changes.tolist(), block_ends(blocks)):
            if cost.ends_conditional:
                executed, went = outcomes.get(end, (0, 0))
                outcomes[end] = (executed + count, went + taken)
            if cost.ends_indirect:
                mispredicts += min(taken, int(changes))
        mispredicts += sum(min(went, executed - went) for executed, went in outcomes.values())
        return mispredicts * self.mispredict
