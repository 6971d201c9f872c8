"""benchmarks/isa_compare.py's stream rules on hand-made instruction lists (the measurement itself needs the
Xtensa toolchain and QEMU and is run as a benchmark, not a test)."""

from mcubench.benchmarks import isa_compare as ic


def _insns(rows, isa=ic.XTENSA):
    """rows: (address, size, name, operands) -> {address: Insn} with writes/reads as the disassembler sets them."""
    out = {}
    for address, size, name, operands in rows:
        regs = ic._REG.findall(operands)
        writes_first = name not in isa.stores and not ic._is_branch(isa, name) and name not in isa.jumps
        out[address] = ic.Insn(address, size, name, operands, "f", writes=regs[0] if regs and writes_first else "",
                               reads=tuple(regs[1:] if writes_first else regs))
    return out


def test_a_backward_branch_over_straight_code_closes_a_single_block_loop():
    insns = _insns([
        (0x10, 3, "l8ui", "a8, a9, 0"),
        (0x13, 2, "addi.n", "a9, a9, 1"),
        (0x15, 3, "bne", "a9, a10, 10"),
        (0x18, 3, "beqz", "a2, 10"),  # backward too, but its body holds the branch above: two blocks
    ])
    assert ic._loop_closers(ic.XTENSA, insns) == {0x15}


def test_sext_pairs_are_slli_then_srai_of_the_same_register_by_the_same_amount():
    insns = _insns([
        (0x00, 3, "l8ui", "a8, a9, 0"),
        (0x03, 3, "slli", "a8, a8, 24"),
        (0x06, 3, "l8ui", "a7, a9, 1"),
        (0x09, 3, "srai", "a8, a8, 24"),  # pair (another instruction between them)
        (0x0c, 3, "slli", "a7, a7, 16"),
        (0x0f, 3, "srai", "a7, a7, 24"),  # different amount: not a SEXT
        (0x12, 3, "slli", "a6, a5, 24"),
        (0x15, 3, "j", "18"),
        (0x18, 3, "srai", "a6, a6, 24"),  # a jump between them: not counted
    ])
    assert ic._sext_ends(insns) == {0x09}


def test_the_harness_marks_one_region_per_case():
    text = (ic.HERE / "harness.c").read_text()
    assert text.count("isa_mark();") == 2 * len(ic.CASES)
