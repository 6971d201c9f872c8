/*
 * ESP32-C3 validation references (benchmarks/validation/references.py gives each published figure and its
 * source): loops whose cycles per iteration were measured on an ESP32-C3 with its performance counter.
 * Measured by difference: a function running the loop 4 times and one running it 14 times, each called once
 * to warm the flash cache and once inside a marked region; (region of 14 - region of 4) / 10 is one
 * iteration in steady state. s1 holds the marker address.
 */
    .text

    /* One 32-byte line holds the measuring code, so the warm-up call also brings the closing store's line
       into the cache; the jump after it ends the simulator's block there, so the fetch of the next line is
       not counted in the region. */
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
    MEASURE back_taken_x4, name_back_taken_x4
    MEASURE back_taken_x14, name_back_taken_x14
    MEASURE jump_x4, name_jump_x4
    MEASURE jump_x14, name_jump_x14
    MEASURE fwd_not_taken_x4, name_fwd_not_taken_x4
    MEASURE fwd_not_taken_x14, name_fwd_not_taken_x14
    MEASURE fwd_taken_x4, name_fwd_taken_x4
    MEASURE fwd_taken_x14, name_fwd_taken_x14
    MEASURE load_use_x4, name_load_use_x4
    MEASURE load_use_x14, name_load_use_x14
    MEASURE store_x4, name_store_x4
    MEASURE store_x14, name_store_x14
    lw s1, 8(sp)
    lw ra, 12(sp)
    addi sp, sp, 16
    li a0, 0
    ret
    .size main, . - main

    /* Counter increment, NOP, and a backward BNE taken on every iteration but the last. */
    .macro GEN_BACK_TAKEN n
    .balign 32
back_taken_x\n:
    li t0, 0
    li t1, \n
1:  addi t0, t0, 1
    nop
    bne t0, t1, 1b
    ret
    .endm
    GEN_BACK_TAKEN 4
    GEN_BACK_TAKEN 14

    /* As above, with an unconditional forward jump at the top of the loop (over alignment padding). */
    .macro GEN_JUMP n
    .balign 32
jump_x\n:
    li t0, 0
    li t1, \n
1:  j 2f
    .balign 16
2:  addi t0, t0, 1
    nop
    bne t0, t1, 1b
    ret
    .endm
    GEN_JUMP 4
    GEN_JUMP 14

    /* A forward BEQ taken only on the last iteration (not taken otherwise) and a J back to the top. */
    .macro GEN_FWD_NOT_TAKEN n
    .balign 32
fwd_not_taken_x\n:
    li t0, 0
    li t1, \n
1:  addi t0, t0, 1
    beq t0, t1, 2f
    j 1b
    .balign 4
2:  ret
    .endm
    GEN_FWD_NOT_TAKEN 4
    GEN_FWD_NOT_TAKEN 14

    /* A forward BNE taken on every iteration but the last, to a J back to the top. */
    .macro GEN_FWD_TAKEN n
    .balign 32
fwd_taken_x\n:
    li t0, 0
    li t1, \n
1:  addi t0, t0, 1
    bne t0, t1, 2f
    j 3f
    .balign 4
2:  j 1b
    .balign 4
3:  ret
    .endm
    GEN_FWD_TAKEN 4
    GEN_FWD_TAKEN 14

    /* A word load whose value (4) the next instruction adds to the pointer, NOP, BNE back. */
    .macro GEN_LOAD_USE n
    .balign 32
load_use_x\n:
    la t0, fours
    addi t1, t0, 4 * \n
1:  lw t2, 0(t0)
    add t0, t0, t2
    nop
    bne t0, t1, 1b
    ret
    .endm
    GEN_LOAD_USE 4
    GEN_LOAD_USE 14

    /* A word store between ALU instructions and NOPs, BNE back. */
    .macro GEN_STORE n
    .balign 32
store_x\n:
    la t0, buffer
    addi t1, t0, 4 * \n
1:  xor t2, t2, zero
    sw zero, 0(t0)
    nop
    nop
    addi t0, t0, 4
    nop
    bne t0, t1, 1b
    ret
    .endm
    GEN_STORE 4
    GEN_STORE 14

    .section .rodata
name_back_taken_x4: .asciz "back_taken_x4"
name_back_taken_x14: .asciz "back_taken_x14"
name_jump_x4: .asciz "jump_x4"
name_jump_x14: .asciz "jump_x14"
name_fwd_not_taken_x4: .asciz "fwd_not_taken_x4"
name_fwd_not_taken_x14: .asciz "fwd_not_taken_x14"
name_fwd_taken_x4: .asciz "fwd_taken_x4"
name_fwd_taken_x14: .asciz "fwd_taken_x14"
name_load_use_x4: .asciz "load_use_x4"
name_load_use_x14: .asciz "load_use_x14"
name_store_x4: .asciz "store_x4"
name_store_x14: .asciz "store_x14"

    .data
    .balign 4
fours: .rept 14
    .word 4
    .endr

    .bss
    .balign 4
buffer: .space 64
