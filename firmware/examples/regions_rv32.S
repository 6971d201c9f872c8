# regions_rv32.S: marked regions and a function region on RV32IMC, counted by hand.
# The marker word is the esp32-c3 device's (0x600FFFFC).
#   before "outer" begins:  lui(a5), la(a4: auipc, addi), sw(begin)              4
#   in outer:               li a0, call kernel (the linker relaxes it to c.jal) 2 + kernel(3)
#                           sw zero (end)                                        1
#   after:                  li a0, li a1 (lui, addi), slli, ebreak               5
# kernel(n = a0): li t0, 0 | loop: addi, bne (n times) | ret  =  2n + 2
# total = 4 + 2 + 8 + 1 + 5 = 20; outer = 2 + 8 + 1 = 11; kernel = 8.
#include "rv32_semihost.inc"
    .text
    .globl _start
    .option norvc
_start:
    lui a5, 0x60100             # a5 = 0x60100000
    la a4, outer_name
    sw a4, -4(a5)               # begin "outer" (marker 0x600FFFFC)
    li a0, 3
    call kernel
    sw zero, -4(a5)             # end "outer"
    li a0, 0x18                 # SYS_EXIT
    li a1, 0x20026
    SEMIHOST_CALL

    .globl kernel
kernel:
    li t0, 0
1:  addi t0, t0, 1
    bne t0, a0, 1b
    ret

outer_name: .asciz "outer"
