# semihost_rv32.S: a console call the run resumes from, then an extended exit, with exact counts.
# Executed: li, la (auipc, addi), slli, ebreak, srai (SYS_WRITEC 'A')
#         | li, la (auipc, addi), slli, ebreak (SYS_EXIT_EXTENDED, status 5) = 6 + 5 = 11.
    .text
    .globl _start
_start:
    li a0, 0x03                 # SYS_WRITEC
    la a1, letter
    .option push
    .option norvc
    slli x0, x0, 0x1f
    ebreak
    srai x0, x0, 7
    .option pop
    li a0, 0x20                 # SYS_EXIT_EXTENDED
    la a1, exit_block
    .option push
    .option norvc
    slli x0, x0, 0x1f
    ebreak
    srai x0, x0, 7
    .option pop
letter: .byte 'A'
    .balign 4
exit_block: .word 0x20026, 5
