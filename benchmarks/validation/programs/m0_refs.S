/*
 * Cortex-M0+ validation references (benchmarks/validation/references.py): per-instruction cycle counts the
 * Cortex-M0+ TRM states exactly, and a delay loop timed on silicon, measured by difference as for the Cortex-M7 (4 and 14 copies, second call
 * of each inside a marked region). r0 points at a buffer in SRAM, r5 holds 0 (the closing marker value).
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
    MEASURE ldr_x4, name_ldr_x4
    MEASURE ldr_x14, name_ldr_x14
    MEASURE muls_x4, name_muls_x4
    MEASURE muls_x14, name_muls_x14
    MEASURE ldm2_x4, name_ldm2_x4
    MEASURE ldm2_x14, name_ldm2_x14
    MEASURE b_x4, name_b_x4
    MEASURE b_x14, name_b_x14
    MEASURE subs_bhi_x4, name_subs_bhi_x4
    MEASURE subs_bhi_x14, name_subs_bhi_x14
    movs r0, #0
    pop {r4-r7, pc}
    .size main, . - main
    .pool

    .macro GEN_LDR n
    .balign 4
ldr_x\n:
    ldr r0, =buffer
    .rept \n
    ldr r1, [r0]
    .endr
    bx lr
    .endm
    GEN_LDR 4
    GEN_LDR 14

    .macro GEN_MULS n
    .balign 4
muls_x\n:
    movs r1, #3
    movs r2, #5
    .rept \n
    muls r1, r2, r1
    .endr
    bx lr
    .endm
    GEN_MULS 4
    GEN_MULS 14

    .macro GEN_LDM n
    .balign 4
ldm2_x\n:
    ldr r0, =buffer
    .rept \n
    ldm r0!, {r1, r2}
    .endr
    bx lr
    .endm
    GEN_LDM 4
    GEN_LDM 14

    .macro GEN_B n
    .balign 4
b_x\n:
    .rept \n
    b 1f
    nop                         @ skipped: the branch must not land on the next instruction, which the
1:                              @ tracer would count as falling through
    .endr
    bx lr
    .endm
    GEN_B 4
    GEN_B 14

    @ A delay loop: subtract and a conditional branch back while higher, N iterations (one copy each).
    .macro GEN_SUBS_BHI n
    .balign 4
subs_bhi_x\n:
    movs r0, #(3 * \n)
1:  subs r0, r0, #3
    bhi 1b
    bx lr
    .endm
    GEN_SUBS_BHI 4
    GEN_SUBS_BHI 14
    .pool

    .section .rodata
name_ldr_x4: .asciz "ldr_x4"
name_ldr_x14: .asciz "ldr_x14"
name_muls_x4: .asciz "muls_x4"
name_muls_x14: .asciz "muls_x14"
name_ldm2_x4: .asciz "ldm2_x4"
name_ldm2_x14: .asciz "ldm2_x14"
name_b_x4: .asciz "b_x4"
name_b_x14: .asciz "b_x14"
name_subs_bhi_x4: .asciz "subs_bhi_x4"
name_subs_bhi_x14: .asciz "subs_bhi_x14"

    .bss
    .balign 8
buffer: .space 128
