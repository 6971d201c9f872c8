"""The validation references: a program region the project runs, and the published figure for it.

A reference's figure is either silicon measured by someone else on a named chip, or an exact cycle count that
the core's technical reference manual states (documentation, accepted where the manual is exact). Each names
its source in full: document or page, table or statement, board, clock, wait states, how it was built.

Each reference also states its relation to the model (docs/devices.md, "How far a device is trusted"):
- "independent": the model's rule for the mechanism it checks was not taken from this source, so agreement is
  evidence that the model predicts silicon (validation);
- "informed": the rule was taken from this source, or, for an exact count of a technical reference manual, from
  the same manual (a specification check). Agreement shows the rule was implemented as its source says
  (consistency), not that the model predicts silicon it was not built from.
Its `basis` says in a sentence why.

How the simulated figure is taken from the program's marked regions (programs/*.S):
- "region": the region's cycles minus those of the region "empty" (which holds only the closing marker);
- "per_copy": (cycles of region NAME_x14 - cycles of region NAME_x4) / 10, the published method of the
  Cortex-M7 and Cortex-M0+ figures (4 and 14 copies of the sequence, difference over 10).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    name: str  # unique; also the region name in its program
    device: str  # the device model it checks
    program: str  # file under programs/
    mechanism: str
    published: float
    unit: str
    how: str  # "region" or "per_copy"
    clock_mhz: float  # the device model is evaluated at this clock (the reference's wait-state conditions)
    source: str
    relation: str  # INDEPENDENT or INFORMED
    basis: str  # why: where the model's rule for this mechanism comes from


INDEPENDENT = "independent"
INFORMED = "informed"
RELATIONS = (INDEPENDENT, INFORMED)

_COMPENDIUM = ("S. van Hoek, M4 Optimization Compendium (companion site of a master thesis; repository "
               "asm-compendium/asm-compendium.github.io at c7346d1), page {page}: Cortex-M4 on an STM32 board "
               "(code in flash at 0x0800 0000; the site's tested boards ran at 24 MHz), cycles and CPI/LSU counts "
               "from the DWT counters, hand-written assembly as shown on the page; the counts show no fetch "
               "stalls (CYC = instructions + CPI + LSU), so they are compared at 0 flash wait states")
_TRM_M4 = ("Arm Cortex-M4 Technical Reference Manual (DDI 0439B), section 3.3.2 load/store timings, example "
           "'{example}: normally {n} cycles total' (documentation: exact at zero wait states)")
_JNK_M7 = ("jnk0le, Cortex-M7 pipeline measurements (repository jnk0le/random, 'pipeline cycle test/doc/"
           "cortex_m7.md' at 3dfc2ab): STM32H743 rev Y, caches on, DWT CYCCNT over hand-written assembly loops "
           "(GNU as); statement: '{says}'")
# The same page at the version read for the pipeline references (m7_pipeline_refs.S); the template
# 'CM7_pipetest_tmpl.S' of the same directory shows the method: 1000 iterations of an unrolled loop body.
_JNK_M7_PIPE = ("jnk0le, Cortex-M7 pipeline measurements (repository jnk0le/random, 'pipeline cycle test/doc/"
                "cortex_m7.md' at 0b9c602, method in 'CM7_pipetest_tmpl.S'): STM32H743 rev Y, DWT CYCCNT over "
                "1000 iterations of hand-written assembly loop bodies (GNU as); statement: '{says}'")
_TRM_M0 = ("Arm Cortex-M0+ Technical Reference Manual (DDI 0484C), section 3.3, Table 3-1: {what} "
           "(documentation: exact at zero wait states)")

# cortex-m4-80mhz at 16 MHz has 0 flash wait states (RM0351 Table 11), the condition of these figures.
_M4 = dict(device="cortex-m4-80mhz", program="m4_refs.S", clock_mhz=16.0, how="region")
_M7 = dict(device="stm32h7", program="m7_refs.S", clock_mhz=480.0, how="per_copy", unit="cycles per copy")
_M7_PIPELINE = dict(device="stm32h7", program="m7_pipeline_refs.S", clock_mhz=480.0, how="per_copy",
                    unit="cycles per copy")
_M0 = dict(device="stm32g0", program="m0_refs.S", clock_mhz=16.0, how="per_copy", unit="cycles per copy")
_PCM1723 = ("pcm1723, 'ESP32 no meirei jikkou saikuru-suu (1)' ('ESP32 instruction execution cycle counts', part 1; "
            "blog pcm1723.hateblo.jp, entry 2018-04-17): ESP32 (Xtensa LX6) code built with ESP-IDF's GCC, timed on "
            "the chip with esp_timer_get_time over 24 million loop iterations at 240 MHz (part 2, entry "
            "2018-04-27); statement: {says}")
_JNK_M4 = ("jnk0le, Cortex-M3/M4 pipeline measurements (repository jnk0le/random at 3dfc2ab, 'pipeline cycle test/"
           "doc/cortex_m3m4.md' and the test template 'CM3_pipetest_tmpl.S'): Cortex-M4 tested on an STM32F407 rev Y, "
           "DWT CYCCNT over hand-written assembly loops of 1000 iterations (GNU as), caches and wait states as the "
           "board ran them (the figures are per-instruction pipeline effects, compared at 0 flash wait states); "
           "statement: '{says}'")
_NICCLE = ("Timon Van Overveldt, ESP32-C3 cycle measurements (repository timonvo/niccle at a53ea4e, "
           "'esp/examples/cycle_counting.rs', written up in 'Counting CPU cycles on ESP32-C3 and ESP32-C6 "
           "microcontrollers', ctrlsrc.io, 2023): ESP32-C3 at its maximum clock (160 MHz, esp32c3-hal "
           "ClockControl::max), code in internal RAM (#[ram]), hand-written RISC-V assembly (Rust inline asm), "
           "cycles from the CPU performance counter (MPCER/MPCMR) over 1, 2, 3, 4 and 1000 iterations, each "
           "benchmark printing the author's per-instruction prediction against the count measured; {says}")
_BLAATSCHAAP = ("blaatschaap.be, 'Wait a microsecond' (busy-wait delay loops written in assembly and run from RAM): "
                "on an STM32L051 (Cortex-M0+) the loop 'sub r0, r0, #3; bhi loop' is the one whose delay matched, "
                "'1 cycle' plus '2 cycles' for the taken branch (a loop written for 4 cycles per iteration, as on "
                "the Cortex-M0's 3-cycle branch, ran fast there)")

# The ESP32 is costed from an RV32IMC proxy: the program is the RV32 sequence standing for the Xtensa one.
_ESP32 = dict(device="esp32", program="esp32_refs.S", clock_mhz=240.0, how="per_copy", unit="cycles per copy")

_M4_PIPELINE = dict(device="cortex-m4-80mhz", program="m4_pipeline_refs.S", clock_mhz=16.0, how="per_copy",
                    unit="cycles per copy")
_C3 = dict(device="esp32-c3", program="esp32c3_refs.S", clock_mhz=160.0, how="per_copy",
           unit="cycles per iteration")

# Why each reference is, or is not, independent of the model (the relation and its basis).
_SPEC_M4 = dict(relation=INFORMED, basis="specification check: the model's load/store pipelining rules are this "
                "section of the Cortex-M4 TRM, the document quoted")
_REFILL_M4 = dict(relation=INFORMED, basis="the model's taken-branch refill (P = 1, +1 to an unaligned 32-bit "
                  "target) was taken from the compendium's 'Branch timing' measurements")
_FETCH_M4 = dict(relation=INDEPENDENT, basis="the model charges straight-line instructions by the Cortex-M4 TRM and "
                 "has no rule taken from this page (it has no fetch-alignment rule for straight-line code)")
_MUL_M4 = dict(relation=INDEPENDENT, basis="the model's multiply timings are the Cortex-M4 TRM's Table 3-1 (1 cycle); "
               "nothing was taken from this page")
_DIV_M4 = dict(relation=INFORMED, basis="the model's divide rule is this page's formula (cost_models/cortex_m4.py)")
_JNK_M7_RULE = dict(relation=INFORMED, basis="the model's rule for this mechanism (cost_models/cortex_m7.py) was "
                    "written from this page's measurements")
_M7_OWN = ("the model's rule ({rule}) is its own assumption from the Cortex-M7's published pipeline structure, "
           "not taken from this page; it predicted the published figure before the page was used for any rule")


def _m7_revised(before):
    """A Cortex-M7 reference whose statement the model's rule was revised from (what the model said before)."""
    return dict(relation=INFORMED, basis="the model's rule for this mechanism (cost_models/cortex_m7.py) was "
                f"revised from this statement; before, its own assumption {before}")


_JNK_M4_INDEXED = dict(relation=INFORMED, basis="the model's rule for back-to-back indexed loads (no pipelining on "
                      "one base register, pipelining on alternating ones) was corrected from this statement, with "
                      "the TRM's wording that supports it")
_JNK_M4_INDEPENDENT = dict(relation=INDEPENDENT, basis="the model's Cortex-M4 rule for this mechanism comes from the "
                          "Cortex-M4 TRM or the M4 Optimization Compendium, not from these STM32F407 measurements")
_JNK_M4_STORE_LOAD = dict(relation=INFORMED, basis="the model's store-then-load cycle was added from this statement "
                          "(before, the model charged what the TRM's 3.3.2 gives and was 20% fast here)")
_NICCLE_INDEPENDENT = dict(relation=INDEPENDENT, basis="the device file's ESP32-C3 timings for conditional branches, "
                           "loads and stores (taken branch +2, load-use +1, ...) are its own assumption, Espressif "
                           "publishing none; nothing of them was taken from these measurements")
_NICCLE_JUMP = dict(relation=INFORMED, basis="the device file's jump timing (J = 2 cycles) was taken from this "
                    "page's measurements (cycles::JUMP); the loop's other instructions are timed by the assumptions")
_SPEC_M0 = dict(relation=INFORMED, basis="specification check: the model's Cortex-M0+ timings are this table of "
                "the Cortex-M0+ TRM, the document quoted")

REFERENCES = (
    Reference("ldr_ldr", mechanism="load pipelining", published=3, unit="cycles",
              source=_TRM_M4.format(example="LDR R0,[R1]; LDR R1,[R2]", n=3), **_M4, **_SPEC_M4),
    Reference("ldr_str_imm", mechanism="load then store pipelining", published=3, unit="cycles",
              source=_TRM_M4.format(example="LDR R0,[R1,R2]; STR R0,[R3,#20]", n=3), **_M4, **_SPEC_M4),
    Reference("ldr_str_reg", mechanism="load then register-offset store", published=3, unit="cycles",
              source=_TRM_M4.format(example="LDR R0,[R1,R2]; STR R1,[R3,R2]", n=3), **_M4, **_SPEC_M4),
    Reference("ldr_ldr_ldr", mechanism="load pipelining", published=4, unit="cycles",
              source=_TRM_M4.format(example="LDR R0,[R1,R5]; LDR R1,[R2]; LDR R2,[R3,#4]", n=4), **_M4, **_SPEC_M4),
    Reference("branch_wide", mechanism="taken branch to an unaligned 32-bit instruction", published=19,
              unit="cycles", source=_COMPENDIUM.format(page="'Branch timing', sample a (r0 = 2, r1 = 3)"), **_M4,
              **_REFILL_M4),
    Reference("branch_narrow", mechanism="taken branch to a 16-bit instruction", published=16, unit="cycles",
              source=_COMPENDIUM.format(page="'Branch timing', sample b (r0 = 2, r1 = 3)"), **_M4, **_REFILL_M4),
    Reference("moves_unaligned", mechanism="unaligned 32-bit instructions (fetch)", published=5, unit="cycles",
              source=_COMPENDIUM.format(page="'Instruction alignment effects', sample a"), **_M4, **_FETCH_M4),
    Reference("moves_aligned", mechanism="aligned 32-bit instructions (fetch)", published=4, unit="cycles",
              source=_COMPENDIUM.format(page="'Instruction alignment effects', sample b"), **_M4, **_FETCH_M4),
    Reference("umull_umlal", mechanism="long multiply and multiply-accumulate", published=3, unit="cycles",
              source=_COMPENDIUM.format(page="'Constant time multiplication', pythagorean.s"), **_M4, **_MUL_M4),
    # Division timing page: f = 2 with a zero operand, 3 when bits(Rn) < bits(Rm), else
    # 5 + floor((bits(Rn) - bits(Rm)) / 4), fitted by the author to many measured divisions.
    Reference("udiv_1000_10", mechanism="divide (early termination)", published=6, unit="cycles",
              source=_COMPENDIUM.format(page="'Division timing', formula at bits(1000) = 10, bits(10) = 4"), **_M4,
              **_DIV_M4),
    Reference("udiv_max_1", mechanism="divide (early termination)", published=12, unit="cycles",
              source=_COMPENDIUM.format(page="'Division timing', formula at bits(0xFFFFFFFF) = 32, bits(1) = 1"),
              **_M4, **_DIV_M4),
    Reference("udiv_5_7", mechanism="divide (early termination)", published=5, unit="cycles",
              source=_COMPENDIUM.format(page="'Division timing', formula at bits(5) = bits(7) = 3"), **_M4,
              **_DIV_M4),
    Reference("udiv_3_1000", mechanism="divide (early termination)", published=3, unit="cycles",
              source=_COMPENDIUM.format(page="'Division timing', formula at bits(3) = 2 < bits(1000) = 10"), **_M4,
              **_DIV_M4),
    Reference("call_return", mechanism="call and return (BL, BX LR)", published=4, unit="cycles",
              source=_COMPENDIUM.format(page="'Function calls': 'Jumping to a function and returning costs four "
                                        "cycles'"), **_M4, **_REFILL_M4),

    Reference("ldm4", mechanism="load multiple", published=2,
              source=_JNK_M7.format(says="load/store pair/multiple ... takes ceil(regnum/2) cycles to execute"),
              **_M7, **_JNK_M7_RULE),
    Reference("mla_chain", mechanism="multiply-accumulate chain", published=1,
              source=_JNK_M7.format(says="all multiply accumulates can be chained on accumulator dependency "
                                    "each cycle"), **_M7, relation=INDEPENDENT,
              basis=_M7_OWN.format(rule="accumulator forwarding, as on the Cortex-M4")),
    Reference("mul_dependent", mechanism="multiply result latency", published=2,
              source=_JNK_M7.format(says="all multiplications and multiply accumulates have 1 additional cycle "
                                    "of result latency"), **_M7, relation=INDEPENDENT,
              basis=_M7_OWN.format(rule="multiply result latency 2")),
    Reference("ldr_pair_banks", mechanism="dual issue: two loads to even and odd words", published=1,
              source=_JNK_M7.format(says="two loads (targeting dtcm or cache or both) can be dual issued if "
                                    "each one is targeting different bank (even and odd words)"), **_M7,
              **_JNK_M7_RULE),
    Reference("str_pair", mechanism="dual issue: two stores", published=2,
              source=_JNK_M7.format(says="cannot dual issue two stores"), **_M7, relation=INDEPENDENT,
              basis=_M7_OWN.format(rule="two stores never pair; first stated as at most one memory access per "
                                   "issue pair, of which a load with a store was later revised from this page")),
    Reference("ldr_alu_pair", mechanism="dual issue: load with ALU", published=1,
              source=_JNK_M7.format(says="AGUs can execute from either op, with no extra restrictions"), **_M7,
              relation=INDEPENDENT, basis=_M7_OWN.format(rule="a memory access pairs with an ALU instruction")),
    Reference("alu_pair", mechanism="dual issue: two ALU instructions", published=1,
              source=_JNK_M7.format(says="operand2 dual issuing matrix: simple constant with simple constant: "
                                    "can dual issue"), **_M7, relation=INDEPENDENT,
              basis=_M7_OWN.format(rule="two independent ALU instructions pair")),
    Reference("vdiv", mechanism="floating-point divide", published=16,
              source=_JNK_M7.format(says="vdiv.f/vsqrt.f execute in 16/14 cycles, dual issues with one integer "
                                    "instruction and locks pipeline for the rest of the duration"), **_M7,
              **_JNK_M7_RULE),
    Reference("vsqrt", mechanism="floating-point square root", published=14,
              source=_JNK_M7.format(says="vdiv.f/vsqrt.f execute in 16/14 cycles"), **_M7, **_JNK_M7_RULE),

    # Cortex-M7 on an STM32H743 (jnk0le): each figure is what the statement gives for the steady state of
    # the copy repeated, with the page's other statements for what the copy also needs (named in each).
    Reference("ldr_alu_next", mechanism="word load result used by the next ALU instruction", published=1,
              source=_JNK_M7_PIPE.format(says="word loads can be consumed by late ALU in next cycle': ADD in the "
                                         "cycle after the LDR whose word it adds, with the next copy's LDR ('AGUs "
                                         "can execute from either op'): one copy per cycle"),
              **_M7_PIPELINE, **_m7_revised("(load result latency 2 for every load) gave 2 cycles, +100%")),
    Reference("ldrb_alu_use", mechanism="byte load result used by the next ALU instruction", published=2,
              source=_JNK_M7_PIPE.format(says="byte/half loads can be consumed in secend cycle by late ALU (1 extra "
                                         "cycle of result latency)': ADD two cycles after the LDRB, with the next "
                                         "copy's LDRB"), **_M7_PIPELINE,
              **_m7_revised("(load result latency 2 for every load) gave this figure; the rule now tells "
                            "byte/halfword loads (2) from word loads (1) by this statement")),
    Reference("ldr_mul_use", mechanism="word load result used as a multiplicand", published=2,
              source=_JNK_M7_PIPE.format(says="all multiplications and multiply accumulates can't consume ldr "
                                         "result from previous cycle': MUL two cycles after the LDR, with the next "
                                         "copy's LDR (only stores are said not to pair with a multiply)"),
              **_M7_PIPELINE,
              **_m7_revised("(load result latency 2 for every load) gave this figure; the rule now keeps 2 for "
                            "a multiply after a word load by this statement")),
    Reference("ldrb_mla_accumulate", mechanism="byte load result added as a multiply-accumulate's accumulator",
              published=1,
              source=_JNK_M7_PIPE.format(says="accumulate dependency is consumed cycle later in another stage after "
                                         "the late alu (so it can consume ldrb result from previous cycle, or late "
                                         "ALU from the same cycle)': MLA the cycle after the LDRB, with the next "
                                         "copy's LDRB"), **_M7_PIPELINE,
              **_m7_revised("(load result latency 2 to any use, the accumulator included) gave 2 cycles, +100%")),
    Reference("bne_not_taken", mechanism="not-taken conditional branch with the instruction after it",
              published=1, source=_JNK_M7_PIPE.format(says="not-taken branch can dual issue with following "
                                                      "instruction': BNE.W and ADD.W in one cycle"),
              **_M7_PIPELINE, relation=INDEPENDENT,
              basis=_M7_OWN.format(rule="a branch issues with the instruction before it, not as the first slot")),
    Reference("dsp_pair", mechanism="dual issue: two bitfield/DSP instructions", published=2,
              source=_JNK_M7_PIPE.format(says="bitfield and DSP instructions except multiplication (e.g. uxtb, "
                                         "uxtab, ubfi, pkhbt, uadd8, qadd, clz, rev) cannot dual issue wrt each "
                                         "other': two UXTB.W, one per cycle"), **_M7_PIPELINE,
              **_m7_revised("(two independent ALU instructions pair, whatever they are) gave 1 cycle, -50%")),
    Reference("dsp_address", mechanism="bitfield result used as the next load's index", published=3,
              source=_JNK_M7_PIPE.format(says="bitfield/dsp instruction (e.g. uxtb, uxtab, rev) result cannot be "
                                         "used as index or address by load/store instructions in next cycle (1 extra "
                                         "cycle latency)': UXTB.W, a bubble, LDR.W with the ADD.W (an ADD result is "
                                         "an index the next cycle: the page's 'add.w r0, r2 ... ldr.w r4, [r14, r0]' "
                                         "'doesn't stall')"), **_M7_PIPELINE,
              **_m7_revised("(ALU result latency 1 to any use, an address included) gave 2 cycles, -33%")),
    Reference("mul_str", mechanism="dual issue: multiply and store", published=2,
              source=_JNK_M7_PIPE.format(says="multiplication, MAC ... can't dual issue with stores (slippery)': "
                                         "MUL and STR.W one after the other"), **_M7_PIPELINE,
              **_m7_revised("(a memory access pairs with any non-memory instruction) gave 1 cycle, -50%")),
    Reference("strb_same_word", mechanism="byte stores to one word (store buffer read-modify-write)", published=4,
              source=_JNK_M7_PIPE.format(says="store buffer doesn't merge series of consecutive stores, so strb and "
                                         "strh will clog the store buffer with RMW operations. When doing one "
                                         "byte/half store every cycle, the throughput is 4 cycles per store if "
                                         "targeting one bank"), **_M7_PIPELINE,
              **_m7_revised("(a store issues in one cycle; no store buffer) gave 1 cycle, -75%")),
    Reference("strb_alternate_banks", mechanism="byte stores alternating even and odd words", published=4,
              source=_JNK_M7_PIPE.format(says="the throughput is ... 2 cycles per store if targeting even/odd bank': "
                                         "two STRB.W per copy"), **_M7_PIPELINE,
              **_m7_revised("(a store issues in one cycle; no store buffer) gave 2 cycles, -50%")),
    Reference("strb_unit_stride", mechanism="byte stores to consecutive bytes", published=2.4,
              source=_JNK_M7_PIPE.format(says="the throughput is ... 2.4 cycles for unit stride advancing strb'"),
              **_M7_PIPELINE,
              **_m7_revised("(a store issues in one cycle; no store buffer) gave 1 cycle, -58%; the rule's two "
                            "figures are this statement's one-bank and even/odd cases, and it gives 3 here "
                            "(2.8 over the 10 copies)")),
    Reference("strh_unit_stride", mechanism="halfword stores to consecutive halfwords", published=2,
              source=_JNK_M7_PIPE.format(says="the throughput is ... 2.4 cycles for unit stride advancing strb. "
                                         "(strh is still 2 cycles)'"), **_M7_PIPELINE,
              **_m7_revised("(a store issues in one cycle; no store buffer) gave 1 cycle, -50%; the rule's two "
                            "figures are this statement's one-bank and even/odd cases")),
    Reference("str_unaligned", mechanism="unaligned word stores", published=4,
              source=_JNK_M7_PIPE.format(says="When doing one unaligned store every cycle, the throughput is 4 "
                                         "cycles per one store (unalignment amount or address advancement doesn't "
                                         "matter)'"), **_M7_PIPELINE, relation=INDEPENDENT,
              basis="the model's store buffer (cost_models/cortex_m7.py) takes its capacity from this statement "
              "but costs every word store as aligned (the decoder cannot tell an unaligned address), so its "
              "figure here is its own assumption, a word store drains in one cycle, not this page's 4"),
    Reference("ldr_str_pair", mechanism="dual issue: load with store", published=1,
              source=_JNK_M7_PIPE.format(says="stores ... can be dual issued with load': LDR.W and STR.W (other "
                                         "bank) in one cycle"), **_M7_PIPELINE,
              **_m7_revised("(at most one memory access per issue pair, except two loads to opposite banks) "
                            "gave 2 cycles, +100%")),
    Reference("ldr_str_forward", mechanism="store of the word loaded in the same cycle", published=1,
              source=_JNK_M7_PIPE.format(says="stores ... can be dual issued with load' and 'can store any result "
                                         "in same cycle, including ldr, ldrh, ldrb': LDR.W and the STR.W of its "
                                         "word in one cycle"), **_M7_PIPELINE,
              **_m7_revised("(load result latency 2 to any use, a store's data included; one memory access "
                            "per issue pair) gave 3 cycles, +200%")),
    Reference("shifted_pair", mechanism="dual issue: two ALU instructions with inline shifted register operands",
              published=2,
              source=_JNK_M7_PIPE.format(says="operand2 dual issuing matrix: inline shifted reg (older) with inline "
                                         "shifted reg (younger): cannot dual issue': two ADD.W with LSL #2 "
                                         "operands, one per cycle"), **_M7_PIPELINE,
              **_m7_revised("(two independent ALU instructions pair, whatever their operands) gave 1 cycle, "
                            "-50%")),
    Reference("vadd_chain", mechanism="single-precision add result latency", published=3,
              source=_JNK_M7_PIPE.format(says="result latency ... vadd.f as vadd.f operand: 3'"), **_M7_PIPELINE,
              relation=INDEPENDENT, basis=_M7_OWN.format(rule="floating-point result latency 3")),
    Reference("vadd_pair", mechanism="dual issue: two single-precision adds", published=2,
              source=_JNK_M7_PIPE.format(says="arithmetic instructions cannot be dual issued (e.g vadd.f + "
                                         "vadd.f ...)'"), **_M7_PIPELINE, relation=INDEPENDENT,
              basis=_M7_OWN.format(rule="at most one floating-point operation per issue pair")),

    Reference("dec_branch", mechanism="loop counter decrement and taken conditional branch (no LOOP)",
              published=5,
              source=_PCM1723.format(says="when inline assembly keeps GCC from using the hardware loop "
                                     "instruction, the loop is a loop-counter decrement plus a conditional jump, "
                                     "with 5 cycles of overhead"), **_ESP32, relation=INDEPENDENT,
              basis="the device file's LX6 timings (taken branch +2, ...) are its own assumption, not taken from "
                    "this series"),

    Reference("ldr", mechanism="load", published=2, source=_TRM_M0.format(what="LDR 2 cycles"), **_M0, **_SPEC_M0),
    Reference("muls", mechanism="multiply", published=1,
              source=_TRM_M0.format(what="MULS 1 cycle with the fast multiplier (STM32G0: PM0223, MULS 1 cycle)"),
              **_M0, **_SPEC_M0),
    Reference("ldm2", mechanism="load multiple", published=3, source=_TRM_M0.format(what="LDM 1 + N, N = 2"),
              **_M0, **_SPEC_M0),
    Reference("b", mechanism="taken branch", published=2, source=_TRM_M0.format(what="B (taken) 2 cycles"),
              **_M0, **_SPEC_M0),
    Reference("subs_bhi", mechanism="delay loop: subtract and taken conditional branch", published=3,
              source=_BLAATSCHAAP, **_M0, relation=INDEPENDENT,
              basis="the model's Cortex-M0+ timings are the Cortex-M0+ TRM's; nothing was taken from this page"),

    # Cortex-M4 on an STM32F407 (jnk0le): each figure is the statement's cycle effect on the TRM's counts
    # (single load 2, immediate-offset store 1, register-offset store 2, ALU 1).
    Reference("loop20", mechanism="taken branch closing a loop (BNE.W to an aligned 32-bit instruction)",
              published=20, source=_JNK_M4.format(says="Template files by default measure 20 cycles per loop "
                                                  "(17 NOP.W, SUBS.W and BNE.W: 'bne.w 1b // 2 cycles taken')"),
              **_M4_PIPELINE, **_JNK_M4_INDEPENDENT),
    Reference("ldr_post_same", mechanism="post-indexed loads on one base register (no pipelining)", published=2,
              source=_JNK_M4.format(says="[cm4] post and pre indexed loads cannot be chained back to back on same "
                                    "register base address (alternating 2 different registers works)': each "
                                    "takes the 2 cycles of an unpipelined load"), **_M4_PIPELINE, **_JNK_M4_INDEXED),
    Reference("ldr_post_alternate", mechanism="post-indexed loads alternating two base registers (pipelined)",
              published=2,
              source=_JNK_M4.format(says="alternating 2 different registers works': a pair of pipelined loads, "
                                    "1 cycle each in a chain"), **_M4_PIPELINE, **_JNK_M4_INDEXED),
    Reference("str_ldr", mechanism="store followed by a load (no pipelining)", published=5,
              source=_JNK_M4.format(says="stores cannot be pipelined with following load instructions (adds extra "
                                    "cycle to store)' and 'load instructions can eat following nop (cmp, tst don't "
                                    "work)': STR 1 + 1, LDR 2, CMP 1"), **_M4_PIPELINE, **_JNK_M4_STORE_LOAD),
    Reference("alu_address", mechanism="load address from the ALU instruction just before", published=5,
              source=_JNK_M4.format(says="base address and offset must be available 1 cycle earlier than normally': "
                                    "MOV 1, LDR 2 + 1, CMP 1"), **_M4_PIPELINE, **_JNK_M4_INDEPENDENT),
    Reference("str_reg", mechanism="register-offset store", published=2,
              source=_JNK_M4.format(says="reg offset store execute in 2 cycles"), **_M4_PIPELINE,
              **_JNK_M4_INDEPENDENT),
    Reference("str_imm", mechanism="immediate-offset store", published=1,
              source=_JNK_M4.format(says="immediate offset store (+ pre and post indexed on cm4) effectively execute "
                                    "in 1 cycle"), **_M4_PIPELINE, **_JNK_M4_INDEPENDENT),

    # ESP32-C3 (niccle): steady-state iterations, from the ESP32-C3 values of the author's 'cycles' table,
    # which each benchmark checks against the counter.
    Reference("back_taken", mechanism="backward conditional branch, taken", published=5,
              source=_NICCLE.format(says="'BNE BACK usually taken aligned': ADDI 1 + NOP 1 + BNE taken backward 3 "
                                    "(BRANCH_BACK_TAKEN_SUBSEQUENT, ESP32-C3: 3)"), **_C3, **_NICCLE_INDEPENDENT),
    Reference("jump", mechanism="unconditional jump (J)", published=7,
              source=_NICCLE.format(says="'BNE BACK usually taken w/ aligned J FWD': J 2 (JUMP, ESP32-C3: 'they all "
                                    "take two cycles') + ADDI 1 + NOP 1 + BNE taken backward 3"), **_C3,
              **_NICCLE_JUMP),
    Reference("fwd_not_taken", mechanism="forward conditional branch, not taken, and a jump back", published=4,
              source=_NICCLE.format(says="'BEQ FWD rarely taken': ADDI 1 + BEQ not taken 1 "
                                    "(BRANCH_FWD_NOT_TAKEN_SUBSEQUENT) + J 2"), **_C3, **_NICCLE_JUMP),
    Reference("fwd_taken", mechanism="forward conditional branch, taken, and a jump back", published=6,
              source=_NICCLE.format(says="'BNE FWD usually taken': ADDI 1 + BNE taken forward 3 (BRANCH_FWD_TAKEN) "
                                    "+ J 2"), **_C3, **_NICCLE_JUMP),
    Reference("load_use", mechanism="load whose result the next instruction uses", published=7,
              source=_NICCLE.format(says="'BNE BACK usually taken w/ LW': LW 2 (LOAD, with the data dependency "
                                    "right after it) + ADD 1 + NOP 1 + BNE taken backward 3"), **_C3,
              **_NICCLE_INDEPENDENT),
    Reference("store", mechanism="store", published=9,
              source=_NICCLE.format(says="'BNE BACK usually taken w/ SW': XOR 1 + SW 1 (STORE) + NOP 1 + NOP 1 + "
                                    "ADDI 1 + NOP 1 + BNE taken backward 3"), **_C3, **_NICCLE_INDEPENDENT),
)


# ---- Cortex-M33 (stm32u575): jnk0le's RP2350 measurements. Kept in a block of its own.
# jnk0le's 'pipeline cycle test/doc/cortex_m0.md' is not used for stm32g0: it was measured on a Cortex-M0
# (SysTick timing, '[CM0??, stm32f0??]'; the page says 'cortex m0+ not yet available'), a 3-stage core whose
# timings are not the Cortex-M0+'s (the M0's taken branch is 3 cycles, the M0+'s 2), so none of its figures is
# a reference for the Cortex-M0+ model.
_JNK_M33 = ("jnk0le, Cortex-M33 pipeline measurements (repository jnk0le/random at 3dfc2ab, 'pipeline cycle test/"
            "doc/cortex_m33.md' and the test template 'CM33_pipetest_tmpl.S'): RP2350 (Cortex-M33 r1p0, with FPU "
            "and DSP), DWT CYCCNT over hand-written assembly loops of 1000 iterations (GNU as), interrupts off; the "
            "figures are per-instruction pipeline effects as the page states them (compared at 0 flash wait states); "
            "statement: '{says}")
_M33 = dict(device="stm32u575", program="m33_refs.S", clock_mhz=16.0, how="per_copy")
_COPY, _ITERATION = "cycles per copy", "cycles per iteration"
# Until the cortex-m33 model, stm32u575 was timed with the Cortex-M4 rules (an assumption) and these 34 references
# were independent of it: 32.4% mean absolute error, worst 100% (mcubench validate at commit f4cc74c). The
# cortex-m33 model's rules were then written from this page, so every one of them is now informed.
_M33_INFORMED = dict(relation=INFORMED, basis="the cortex-m33 model's rule for this mechanism (cost_models/cortex_m33.py) "
                     "was written from this page's statement; before that model the stm32u575 was timed with the "
                     "Cortex-M4 rules, to which this reference was independent")


def _m33(name, mechanism, published, says, unit=_COPY):
    return Reference(name, mechanism=mechanism, published=published, unit=unit, source=_JNK_M33.format(says=says),
                     **_M33, **_M33_INFORMED)


_M33_REFERENCES = (
    _m33("loop_subs_bne", "loop of SUBS and a taken BNE (16-bit)", 3, "subs r7, #1 // 1 cycle (must be .n)' and "
         "'bne 1b // 2 cycles taken, 0 not taken (must be .n)': SUBS 1 + BNE taken 2", _ITERATION),
    _m33("loop_dual_bne", "taken BNE dual-issued after a 16-bit ADD that sets no flags", 3,
         "taken branch, can dual issue (from \"slot 1\") when preceded by 16 bit instruction that doesn't generate "
         "condition flags. It's effectively executing in 1 cycle': SUBS 1 + ADD 1 + BNE 1", _ITERATION),
    _m33("loop_ldm_bne", "taken BNE dual-issued after a 16-bit LDMIA of 4 registers", 6,
         "branch can dual issue with load/store multiple as well': 'subs r7, #1 // 1 cycle', 'ldmia r6!, {r0-r3} "
         "// 4 cycles (must be .n)', 'bne 1b // 1 cycle taken'", _ITERATION),
    _m33("adds_beq_not_taken", "not-taken BEQ dual-issued after a flag-setting ADDS", 1,
         "not taken branch, can dual issue (from \"slot 1\") even when preceded with flag generating instruction': "
         "'adds r3, r4 // 1 cycle (must be .n)', 'beq 2f // 2 cycles taken, 0 not taken (must be .n)'"),
    _m33("alu_pair", "two 16-bit ALU instructions (no dual issue)", 2,
         "can't dual issue arithmetic+arithmetic or load/store + aritmetic': 1 cycle each"),
    _m33("shifted_reg_chain", "result latency of a shifted-register operand2 instruction", 2,
         "result latency of operand2 shifted reg/constant, instructions is 2 cycles (can't be chained like multiply "
         "accumulates)'"),
    _m33("shifted_const_chain", "result latency of a shifted-constant operand2 instruction", 2,
         "result latency of operand2 shifted reg/constant, instructions is 2 cycles': EOR.W with 0x1fc0"),
    _m33("uxtab_accumulate", "UXTAB chained on its added operand", 1,
         "{u,x}xta{b,h,b16} have 2 cycle result latenct, accumulate dependency can be chained like in multiply "
         "accumulates'"),
    _m33("uxtab_extended", "UXTAB result latency (extended operand)", 2,
         "{u,x}xta{b,h,b16} have 2 cycle result latenct'"),
    _m33("mla_accumulate", "MLA chained on its accumulator", 1,
         "multiply accumulates have 2 cycle result latency, accumualte dependency can be chained from previous MAC'"),
    _m33("mla_multiplicand", "MLA result latency (multiplicand)", 2,
         "multiply accumulates have 2 cycle result latency'"),
    _m33("uadd8_chain", "SIMD add result latency", 2,
         "DSP and SIMD instructions (qsub, uadd8, pkh{bt,tb}) have 2 cycle result latency (no chaining from "
         "acumulator stage)'"),
    _m33("bfi_chain", "BFI chain (single stage)", 1, "bfi is a single stage instruction (like the basic ones)'"),
    _m33("muls_pair", "16-bit MULS (flag-setting, two stages)", 4,
         "some instructions that execute throghout 2 pipeline stages (2 cycle result latency) and set a condition "
         "flags, take a total of 2 cycles to execute. Affected are: muls.n': two MULS of 2 cycles"),
    _m33("adds_shifted_const", "flag-setting ADDS.W with a shifted constant", 2,
         "Affected are: muls.n (no .w equivalent) and operand2 shifted constant': 2 cycles"),
    _m33("movs_shifted_const", "MOVS.W of a shifted constant", 1,
         "(inline shifted reg and movs.w (any type) are unaffected)': 1 cycle"),
    _m33("it_flagset_eq", "IT dual issue; flag-setting shifted-constant ADDSEQ.W executed", 3,
         "it can dual issue with preceding instruction' and 'mov.n r10, r10', 'it eq', 'addseq.w r0, r1, #0x1fc0 // "
         "2 cycles eq, 1 cycle ne': MOV 1 + IT 0 + ADDSEQ.W 2"),
    _m33("it_flagset_ne", "IT dual issue; ADDSEQ.W predicated out", 2,
         "it can dual issue with preceding instruction' and 'addseq.w r0, r1, #0x1fc0 // 2 cycles eq, 1 cycle ne': "
         "MOV 1 + IT 0 + ADDSEQ.W 1"),
    _m33("it_shifted_eq", "IT dual issue; shifted-register ADDEQ.W executed, its result used next", 4,
         "mov.n r10, r10', 'it eq', 'addeq.w r0, r1, r2, ror #23 // 1 cycle', 'add r0, r3 // 2 cycles eq, 1 cycle "
         "ne': MOV 1 + IT 0 + ADDEQ.W 1 + ADD 2"),
    _m33("it_shifted_ne", "IT dual issue; predicated-out instruction causes no hazard", 3,
         "instruction that have been predicated out (within it block) are not causing pipeline contention hazards': "
         "'add r0, r3 // 2 cycles eq, 1 cycle ne': MOV 1 + IT 0 + ADDEQ.W 1 + ADD 1"),
    _m33("load_use", "load whose result the next ALU instruction uses", 3,
         "load to use latency is 2 cycles': the ADDS issues 2 cycles after the LDR and takes 1"),
    _m33("load_store", "load whose result the next store writes", 3,
         "load to store latency is 1 cycle': LDR 1 + STR 1, then the template's 1-cycle MOV"),
    _m33("load_mla", "load whose result the next MLA accumulates", 2,
         "load result can be consumed as MAC accumulate dependency in 1 cycle': LDR 1 + MLA 1"),
    _m33("ldrd", "load double", 2, "load/store double execute in 2 cycles'"),
    _m33("strd", "store double", 2, "load/store double execute in 2 cycles'"),
    _m33("ldm4", "load multiple of 4 registers", 4, "load/store multiple of x registers execute in exactly x cycles'"),
    _m33("stm4", "store multiple of 4 registers", 4, "load/store multiple of x registers execute in exactly x cycles'"),
    _m33("vfma_accumulate", "VFMA chained on its accumulator, 2 integer instructions between", 3,
         "FMA/MLA execute in 1 cycle with 3 cycle of result latency into accumulator of another FMA ... No other "
         "vloating point instruction can be issued in the following 2 cycles': the page's example, VFMA 1 + MOV 1 + "
         "MOV 1"),
    _m33("vmul_vadd_two_acc", "unfused multiply-accumulates on two accumulators", 4,
         "each of the unfused multiply accumulate operations can be performed in 2 cycles total' (the page's "
         "two-accumulator schedule: VMUL, VMUL, VADD, VADD)"),
    _m33("vadd_chain", "VADD.F32 result latency", 2,
         "result latency of every other FP compute instruction (vadd.f32, vmul.f32) is 2 cycles'"),
    _m33("vadd_independent", "independent VADD.F32", 1, "Those are pipelined so can be issued every cycle'"),
    _m33("vmov_to_two_core", "VMOV of two S registers to two core registers", 2,
         "vmov of two S (or one D) registers to two GPR takes 2 cycles'"),
    _m33("vmov_from_two_core", "VMOV of two core registers to two S registers", 1,
         "vmov of two GPR registers to two S (or one D) takes 1 cycle'"),
    _m33("vmov_to_core", "VMOV of one S register to one core register", 1,
         "vmov of one S register to one GPR takes 1 cycle'"),
)
REFERENCES = REFERENCES + _M33_REFERENCES


def references_for(devices=None):
    """The references of the named devices (all when None), in table order."""
    return [r for r in REFERENCES if devices is None or r.device in devices]
