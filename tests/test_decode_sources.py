"""The decoder's register reads and writes, which every dependency rule of the cost models relies on, for the
instructions where capstone's own register lists fall short (checked against the Armv7-M ARM's operand
descriptions: SSAT Rd, #imm, Rn reads Rn; SXTAB Rd, Rn, Rm reads Rn and Rm; PKHBT Rd, Rn, Rm reads Rn and Rm)."""

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
    # capstone already lists these: unchanged
    ("smlad r0, r1, r2, r3", {"r1", "r2", "r3"}, {"r0"}),
    ("sxtb16 r1, r2", {"r2"}, {"r1"}),
])
def test_every_source_register_is_read(source, reads, writes):
    code = assemble_thumb(source, cpu="cortex-m7")
    (insn,), _ = decode_block(Isa.ARMV7E_M, 0x2000_0000, code)
    assert (set(insn.reads), set(insn.writes)) == (reads, writes)
