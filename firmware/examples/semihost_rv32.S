# semihost_rv32.S: a console call the run resumes from, then an extended exit, with exact counts.
# Executed: li, la (auipc, addi), slli, ebreak, srai (SYS_WRITEC 'A')
#         | li, la (auipc, addi), slli, ebreak (SYS_EXIT_EXTENDED, status 5) = 6 + 5 = 11.
#include "rv32_semihost.inc"
    .text
    .globl _start
_start:
    li a0, 0x03                 # SYS_WRITEC
    la a1, letter
    SEMIHOST_CALL
    li a0, 0x20                 # SYS_EXIT_EXTENDED
    la a1, exit_block
    SEMIHOST_CALL
letter: .byte 'A'
    .balign 4
exit_block: .word 0x20026, 5
