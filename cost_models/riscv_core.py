"""Single-issue in-order cores timed from an RV32IMC trace: the ESP32-C3's own core, and the ESP32's
Xtensa LX6 through an RV32IMC proxy build (one RV32 instruction taken as one LX6 instruction of the same
class: both are 32-bit load/store machines without SIMD in the code we compile).

Per instruction: ALU, LUI/AUIPC, stores 1 cycle; loads 1, plus `load_use_cycles` when the next instruction
reads the loaded register; MUL/MULH* `mul_cycles`; DIV/REM* `div_cycles`; a conditional branch 1, plus
`branch_taken_cycles` when taken; JAL (J, C.J, C.JAL: PC-relative) 1 + `jump_taken_cycles` and JALR (register
target) 1 + `branch_taken_cycles`, both always taken. The figures come from the device file's [timing]
table, each with its source or marked as an assumption with its reasoning.

With `zero_overhead_loops` (the ESP32's LX6 has Xtensa's loop option: LOOP/LOOPNEZ/LOOPGTZ, which GCC
uses for counted innermost loops), a block that branches back to its own start is taken to be such a loop:
its closing branch costs nothing while it loops, and 1 cycle (the LOOP set-up) each time the loop is left.
"""

from mcubench.core.device import LX6ProxyTiming

from .blocks import BlockCost, CoreModel

_MULS = {"mul", "mulh", "mulhu", "mulhsu"}
_DIVS = {"div", "divu", "rem", "remu"}
_LOADS = {"lb", "lh", "lw", "lbu", "lhu", "lwsp"}


class InOrderRV(CoreModel):
    def __init__(self, device):
        timing = device.need("timing")
        self.name = timing.model
        self.taken_cycles = timing.branch_taken_cycles
        self.jump_cycles = timing.jump_taken_cycles
        self.load_use = timing.load_use_cycles
        self.mul = timing.mul_cycles
        self.div = timing.div_cycles
        self.divide_worst = self.div
        # The Xtensa loop option is a property of the LX6; RV32IMC has no hardware loops.
        self.zero_overhead_loops = isinstance(timing, LX6ProxyTiming) and timing.zero_overhead_loops
        self.notes = {f"{self.name}: taken branch +{self.taken_cycles}, jump +{self.jump_cycles}, "
                      f"load-use +{self.load_use}, multiply {self.mul}, divide {self.div} cycles (device file)"}
        if self.zero_overhead_loops:
            self.notes.add(f"{self.name}: single-block loops closed by a backward branch run as zero-overhead "
                           "LOOPs (branch free while looping, 1 cycle per loop exit)")

    def divide_cycles(self, bin: int) -> int:
        return self.div  # no published early termination: a fixed latency

    def _taken_cycles(self, last) -> int:
        """Cycles a block's final instruction adds when it branches (0 when it is no branch or jump)."""
        if last is None or not last.writes_pc:
            return 0
        return self.jump_cycles if last.name in ("j", "jal") else self.taken_cycles

    def _block_cost(self, insns) -> BlockCost:
        total = 0
        for i, insn in enumerate(insns):
            name = insn.name
            if name in _MULS:
                c = self.mul
            elif name in _DIVS:
                c = self.div
            elif name in _LOADS:
                c = 1
                nxt = insns[i + 1] if i + 1 < len(insns) else None
                if nxt is not None and insn.writes & nxt.reads:
                    c += self.load_use
            else:
                c = 1
            total += c
        last = insns[-1] if insns else None
        if self.zero_overhead_loops and last is not None and last.conditional and last.target == insns[0].address:
            return BlockCost(base=total - 1, taken=0, not_taken=1, ends_conditional=True)
        return BlockCost(
            base=total, taken=self._taken_cycles(last),
            ends_conditional=bool(last and last.conditional),
            ends_indirect=bool(last and last.name in ("jalr", "jr", "ret")),
        )
