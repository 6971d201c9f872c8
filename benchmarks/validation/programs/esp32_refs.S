/*
 * ESP32 validation references (benchmarks/validation/references.py). The ESP32 device is costed from an
 * RV32IMC proxy build, so each reference is the RV32 sequence that stands for the measured Xtensa one,
 * instruction for instruction. Measured by difference as for the Cortex-M7: a function with 4 and one with
 * 14 copies, each called once to warm the flash cache and once inside a marked region;
 * (region of 14 - region of 4) / 10 is one copy. s1 holds the marker address.
 */
    .text

    /* One 32-byte line holds the whole sequence, so the warm-up call also brings the closing store's line
       into the cache; the jump after it ends the simulator's block there, so the fetch of the next line is
       not counted in the region. The region sees no cache miss of the harness. */
    .macro MEASURE fname, name
    .balign 32
    call \fname
    la t1, \name
    sw t1, 0(s1)
    call \fname
    sw zero, 0(s1)
    j 1f
1:
    .endm

    .globl main
    .type main, @function
main:
    addi sp, sp, -16
    sw ra, 12(sp)
    sw s1, 8(sp)
    li s1, MARKER
    MEASURE dec_branch_x4, name_dec_branch_x4
    MEASURE dec_branch_x14, name_dec_branch_x14
    lw s1, 8(sp)
    lw ra, 12(sp)
    addi sp, sp, 16
    li a0, 0
    ret
    .size main, . - main

    /* A loop counter decrement and the conditional branch that closes the loop, taken: one iteration's
       overhead of a loop the compiler did not turn into a zero-overhead LOOP. The branch skips one
       instruction, so the trace sees it taken. t0 never reaches zero. */
    .macro GEN_DEC_BRANCH n
    .balign 32
    .type dec_branch_x\n, @function
dec_branch_x\n:
    li t0, 1000
    .rept \n
    addi t0, t0, -1
    bnez t0, 1f
    nop
1:
    .endr
    ret
    .endm

    GEN_DEC_BRANCH 4
    GEN_DEC_BRANCH 14

    .section .rodata
name_dec_branch_x4: .asciz "dec_branch_x4"
name_dec_branch_x14: .asciz "dec_branch_x14"
