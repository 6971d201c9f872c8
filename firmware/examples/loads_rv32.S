# loads_rv32.S: one of every RV32IMC load form, reading the data RAM, for the decoded-load check.
#include "rv32_semihost.inc"
    .text
    .globl _start
_start:
    la t0, buffer
    lw t1, 0(t0)
    lh t1, 2(t0)
    lhu t1, 2(t0)
    lb t1, 1(t0)
    lbu t1, 1(t0)
    mv s0, t0
    c.lw a1, 4(s0)
    mv sp, t0
    c.lwsp a2, 8(sp)
    li a0, 0x18
    li a1, 0x20026
    SEMIHOST_CALL

    .bss
    .balign 4
buffer: .space 64
