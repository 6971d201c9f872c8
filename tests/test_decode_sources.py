"""The decoder's register reads and writes, which every dependency rule of the cost models relies on, for the
instructions where capstone's own register lists fall short (checked against the Armv7-M ARM's operand
descriptions: SSAT Rd, #imm, Rn reads Rn; SXTAB Rd, Rn, Rm reads Rn and Rm; PKHBT Rd, Rn, Rm reads Rn and Rm;
SMLAL RdLo, RdHi, Rn, Rm reads all four and writes RdLo, RdHi; VSTM stores its list, VLDM loads it)."""

import pytest

from mcubench.core.decode import decode_block
from mcubench.core.isa import Isa

from test_cost_helpers import assemble_thumb


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("source, reads, writes", [
    ("ssat r0, #8, r1", {"r1"}, {"r0"}),
    ("usat r0, #8, r1", {"r1"}, {"r0"}),
    ("ssat16 r0, #8, r1", {"r1"}, {"r0"}),
    ("sxtab r2, r3, r0", {"r3", "r0"}, {"r2"}),
    ("uxtab r2, r3, r0", {"r3", "r0"}, {"r2"}),
    ("sxtah r2, r3, r0", {"r3", "r0"}, {"r2"}),
    ("uxtah r2, r3, r0", {"r3", "r0"}, {"r2"}),
    ("sxtab16 r2, r3, r0", {"r3", "r0"}, {"r2"}),
    ("uxtab16 r2, r3, r0", {"r3", "r0"}, {"r2"}),
    ("pkhbt r0, r1, r2, lsl #16", {"r1", "r2"}, {"r0"}),
    ("pkhtb r0, r1, r2, asr #16", {"r1", "r2"}, {"r0"}),
    # the source that is also the destination
    ("sxtab16 r3, r4, r3", {"r3", "r4"}, {"r3"}),
    ("ssat r2, #8, r2", {"r2"}, {"r2"}),
    # long multiply-accumulates read RdLo and RdHi; a long multiply does not
    ("smlal r0, r1, r2, r3", {"r0", "r1", "r2", "r3"}, {"r0", "r1"}),
    ("umlal r0, r1, r2, r3", {"r0", "r1", "r2", "r3"}, {"r0", "r1"}),
    ("umull r0, r1, r2, r3", {"r2", "r3"}, {"r0", "r1"}),
    # register lists of the FP multiples: stored ones are read, loaded ones written
    (".fpu fpv5-d16\nvstmia r4, {s14, s15}", {"r4", "s14", "s15"}, set()),
    (".fpu fpv5-d16\nvldmia r3, {s14, s15}", {"r3"}, {"s14", "s15"}),
    # capstone already lists these: unchanged
    ("smlad r0, r1, r2, r3", {"r1", "r2", "r3"}, {"r0"}),
    ("sxtb16 r1, r2", {"r2"}, {"r1"}),
])
def test_every_source_register_is_read(source, reads, writes):
    code = assemble_thumb(source, cpu="cortex-m7")
    (insn,), _ = decode_block(Isa.ARMV7E_M, 0x2000_0000, code)
    assert (set(insn.reads), set(insn.writes)) == (reads, writes)
