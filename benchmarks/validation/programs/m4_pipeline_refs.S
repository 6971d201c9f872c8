/*
 * Cortex-M4 validation references measured on an STM32F407 (jnk0le's pipeline tests; references.py gives
 * each published figure and its source). Measured by difference as for the Cortex-M7: a function with 4 and
 * one with 14 copies of the sequence (or loop iterations), each called once to warm the flash accelerator and
 * once inside a marked region; (region of 14 - region of 4) / 10 is one copy. r7 = marker address, r5 = 0
 * (the closing marker value). Loads and stores all target one SRAM buffer (the published pipelining needs
 * every access in the same memory block). Each function sits in one 128-byte block of its own, so none
 * crosses a 1 KB boundary, where the simulator would end its basic block (the cost model restarts its
 * pipelining state at a block's start).
 */
    .syntax unified
    .thumb
    .text

    .macro MEASURE fname, name
    bl \fname
    ldr r6, =\name
    str r6, [r7]
    bl \fname
    str r5, [r7]
    .endm

    .global main
    .type main, %function
    .balign 4
main:
    push {r4-r7, lr}
    ldr r7, =MARKER
    movs r5, #0
    MEASURE loop20_x4, name_loop20_x4
    MEASURE loop20_x14, name_loop20_x14
    MEASURE ldr_post_same_x4, name_ldr_post_same_x4
    MEASURE ldr_post_same_x14, name_ldr_post_same_x14
    MEASURE ldr_post_alternate_x4, name_ldr_post_alternate_x4
    MEASURE ldr_post_alternate_x14, name_ldr_post_alternate_x14
    MEASURE str_ldr_x4, name_str_ldr_x4
    MEASURE str_ldr_x14, name_str_ldr_x14
    MEASURE alu_address_x4, name_alu_address_x4
    MEASURE alu_address_x14, name_alu_address_x14
    MEASURE str_reg_x4, name_str_reg_x4
    MEASURE str_reg_x14, name_str_reg_x14
    MEASURE str_imm_x4, name_str_imm_x4
    MEASURE str_imm_x14, name_str_imm_x14
    movs r0, #0
    pop {r4-r7, pc}
    .size main, . - main
    .pool

    /* The shape of the published test loop: 17 NOP.W, SUBS.W and a BNE.W back to a word-aligned 32-bit
       instruction, N iterations. */
    .macro GEN_LOOP20 n
    .balign 128
loop20_x\n:
    movs.w r0, #\n
    nop.w
1:
    .rept 17
    nop.w
    .endr
    subs.w r0, #1
    bne.w 1b
    bx lr
    .endm
    GEN_LOOP20 4
    GEN_LOOP20 14

    /* Post-indexed loads back to back on one base register. */
    .macro GEN_LDR_POST_SAME n
    .balign 128
ldr_post_same_x\n:
    ldr r0, =buffer
    nop                         @ the 32-bit loads at word addresses, as the published tests place them
    .rept \n
    ldr.w r1, [r0], #4
    .endr
    bx lr
    .endm
    GEN_LDR_POST_SAME 4
    GEN_LDR_POST_SAME 14

    /* Post-indexed loads alternating between two base registers; one copy is a pair. */
    .macro GEN_LDR_POST_ALTERNATE n
    .balign 128
ldr_post_alternate_x\n:
    ldr r0, =buffer
    add.w r2, r0, #64
    nop                         @ the 32-bit loads at word addresses
    .rept \n
    ldr.w r1, [r0], #4
    ldr.w r3, [r2], #4
    .endr
    bx lr
    .endm
    GEN_LDR_POST_ALTERNATE 4
    GEN_LDR_POST_ALTERNATE 14

    /* An immediate-offset store followed by a load (another word of the buffer), then a CMP: the published
       tests found a load can absorb a following NOP but not a CMP, so the copy's load ends on its own. */
    .macro GEN_STR_LDR n
    .balign 128
str_ldr_x\n:
    ldr r0, =buffer
    .rept \n
    str r1, [r0]
    ldr r2, [r0, #8]
    cmp r3, #0
    .endr
    bx lr
    .endm
    GEN_STR_LDR 4
    GEN_STR_LDR 14

    /* A load whose base register the ALU instruction just before it wrote, then a CMP (as above). */
    .macro GEN_ALU_ADDRESS n
    .balign 128
alu_address_x\n:
    ldr r0, =buffer
    .rept \n
    mov r1, r0
    ldr r2, [r1]
    cmp r3, #0
    .endr
    bx lr
    .endm
    GEN_ALU_ADDRESS 4
    GEN_ALU_ADDRESS 14

    /* Register-offset stores back to back. */
    .macro GEN_STR_REG n
    .balign 128
str_reg_x\n:
    ldr r0, =buffer
    movs r2, #4
    .rept \n
    str r1, [r0, r2]
    .endr
    bx lr
    .endm
    GEN_STR_REG 4
    GEN_STR_REG 14

    /* Immediate-offset stores back to back. */
    .macro GEN_STR_IMM n
    .balign 128
str_imm_x\n:
    ldr r0, =buffer
    .rept \n
    str r1, [r0, #4]
    .endr
    bx lr
    .endm
    GEN_STR_IMM 4
    GEN_STR_IMM 14
    .pool

    .section .rodata
name_loop20_x4: .asciz "loop20_x4"
name_loop20_x14: .asciz "loop20_x14"
name_ldr_post_same_x4: .asciz "ldr_post_same_x4"
name_ldr_post_same_x14: .asciz "ldr_post_same_x14"
name_ldr_post_alternate_x4: .asciz "ldr_post_alternate_x4"
name_ldr_post_alternate_x14: .asciz "ldr_post_alternate_x14"
name_str_ldr_x4: .asciz "str_ldr_x4"
name_str_ldr_x14: .asciz "str_ldr_x14"
name_alu_address_x4: .asciz "alu_address_x4"
name_alu_address_x14: .asciz "alu_address_x14"
name_str_reg_x4: .asciz "str_reg_x4"
name_str_reg_x14: .asciz "str_reg_x14"
name_str_imm_x4: .asciz "str_imm_x4"
name_str_imm_x14: .asciz "str_imm_x14"

    .bss
    .balign 8
buffer: .space 256
