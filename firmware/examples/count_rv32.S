# count_rv32.S: a loop whose instruction count is known exactly, for RV32IMC.
# Executed: 1 (c.li) + 10 x 2 (c.addi, c.bnez) + 3 (c.li a0; lui + addi for a1) + 2 (slli, ebreak)
# = 26 instructions; srai never runs because the exit stops the run at the ebreak.
# Unicorn's blocks: [li addi bnez] x1, [addi bnez] x9, [li lui addi slli ebreak] x1.
#include "rv32_semihost.inc"
    .text
    .globl _start
_start:
    li t0, 10
loop:
    addi t0, t0, -1
    bnez t0, loop
    li a0, 0x18                 # SYS_EXIT
    li a1, 0x20026              # ADP_Stopped_ApplicationExit: status 0
    SEMIHOST_CALL
