/*
 * Cortex-M7 validation references (benchmarks/validation/references.py gives each one's published figure and
 * source). As in the published method, every sequence is measured by difference: a function with 4 copies
 * and one with 14 copies, each called once to warm the instruction cache and once inside a marked region;
 * (region of 14 - region of 4) / 10 is the cycles of one copy. r0 points into DTCM (not cached, no wait).
 */
    .syntax unified
    .thumb
    .text

    @ One 32-byte line holds the whole sequence, so the warm-up call also brings the closing store's line
    @ into the instruction cache; the branch after it ends the simulator's block there, so the fetch of the
    @ next line is not counted in the region. The region sees no cache miss of the harness.
    .macro MEASURE fname, name
    .balign 32
    bl \fname
    ldr r6, =\name
    str r6, [r7]
    bl \fname
    str r8, [r7]
    b 1f
1:
    .endm

    .global main
    .type main, %function
    .balign 4
main:
    push {r4-r8, lr}
    ldr r7, =MARKER
    mov.w r8, #0
    mov.w r0, #0x20000000        @ DTCM base: far below the stack at the top of DTCM
    movs r1, #3
    movs r2, #5
    movs r3, #7
    vmov.f32 s1, #2.0
    vmov.f32 s2, #3.0
    MEASURE ldm4_x4, name_ldm4_x4
    MEASURE ldm4_x14, name_ldm4_x14
    MEASURE mla_chain_x4, name_mla_chain_x4
    MEASURE mla_chain_x14, name_mla_chain_x14
    MEASURE mul_dependent_x4, name_mul_dependent_x4
    MEASURE mul_dependent_x14, name_mul_dependent_x14
    MEASURE ldr_pair_banks_x4, name_ldr_pair_banks_x4
    MEASURE ldr_pair_banks_x14, name_ldr_pair_banks_x14
    MEASURE str_pair_x4, name_str_pair_x4
    MEASURE str_pair_x14, name_str_pair_x14
    MEASURE ldr_alu_pair_x4, name_ldr_alu_pair_x4
    MEASURE ldr_alu_pair_x14, name_ldr_alu_pair_x14
    MEASURE alu_pair_x4, name_alu_pair_x4
    MEASURE alu_pair_x14, name_alu_pair_x14
    MEASURE vdiv_x4, name_vdiv_x4
    MEASURE vdiv_x14, name_vdiv_x14
    MEASURE vsqrt_x4, name_vsqrt_x4
    MEASURE vsqrt_x14, name_vsqrt_x14
    movs r0, #0
    pop {r4-r8, pc}
    .size main, . - main
    .pool

    .balign 32
    .type ldm4_x4, %function
ldm4_x4:
    .rept 4
    ldm r0, {r2, r3, r4, r5}
    .endr
    bx lr

    .balign 32
    .type ldm4_x14, %function
ldm4_x14:
    .rept 14
    ldm r0, {r2, r3, r4, r5}
    .endr
    bx lr

    .balign 32
    .type mla_chain_x4, %function
mla_chain_x4:
    .rept 4
    mla r1, r2, r3, r1
    .endr
    bx lr

    .balign 32
    .type mla_chain_x14, %function
mla_chain_x14:
    .rept 14
    mla r1, r2, r3, r1
    .endr
    bx lr

    .balign 32
    .type mul_dependent_x4, %function
mul_dependent_x4:
    .rept 4
    mul r1, r1, r2
    .endr
    bx lr

    .balign 32
    .type mul_dependent_x14, %function
mul_dependent_x14:
    .rept 14
    mul r1, r1, r2
    .endr
    bx lr

    .balign 32
    .type ldr_pair_banks_x4, %function
ldr_pair_banks_x4:
    .rept 4
    ldr r1, [r0]
    ldr r2, [r0, #4]
    .endr
    bx lr

    .balign 32
    .type ldr_pair_banks_x14, %function
ldr_pair_banks_x14:
    .rept 14
    ldr r1, [r0]
    ldr r2, [r0, #4]
    .endr
    bx lr

    .balign 32
    .type str_pair_x4, %function
str_pair_x4:
    .rept 4
    str r1, [r0]
    str r2, [r0, #4]
    .endr
    bx lr

    .balign 32
    .type str_pair_x14, %function
str_pair_x14:
    .rept 14
    str r1, [r0]
    str r2, [r0, #4]
    .endr
    bx lr

    .balign 32
    .type ldr_alu_pair_x4, %function
ldr_alu_pair_x4:
    .rept 4
    ldr r1, [r0]
    add.w r2, r2, #1
    .endr
    bx lr

    .balign 32
    .type ldr_alu_pair_x14, %function
ldr_alu_pair_x14:
    .rept 14
    ldr r1, [r0]
    add.w r2, r2, #1
    .endr
    bx lr

    .balign 32
    .type alu_pair_x4, %function
alu_pair_x4:
    .rept 4
    add.w r1, r1, #1
    add.w r2, r2, #1
    .endr
    bx lr

    .balign 32
    .type alu_pair_x14, %function
alu_pair_x14:
    .rept 14
    add.w r1, r1, #1
    add.w r2, r2, #1
    .endr
    bx lr

    .balign 32
    .type vdiv_x4, %function
vdiv_x4:
    .rept 4
    vdiv.f32 s0, s1, s2
    .endr
    bx lr

    .balign 32
    .type vdiv_x14, %function
vdiv_x14:
    .rept 14
    vdiv.f32 s0, s1, s2
    .endr
    bx lr

    .balign 32
    .type vsqrt_x4, %function
vsqrt_x4:
    .rept 4
    vsqrt.f32 s0, s1
    .endr
    bx lr

    .balign 32
    .type vsqrt_x14, %function
vsqrt_x14:
    .rept 14
    vsqrt.f32 s0, s1
    .endr
    bx lr

    .section .rodata
name_ldm4_x4: .asciz "ldm4_x4"
name_ldm4_x14: .asciz "ldm4_x14"
name_mla_chain_x4: .asciz "mla_chain_x4"
name_mla_chain_x14: .asciz "mla_chain_x14"
name_mul_dependent_x4: .asciz "mul_dependent_x4"
name_mul_dependent_x14: .asciz "mul_dependent_x14"
name_ldr_pair_banks_x4: .asciz "ldr_pair_banks_x4"
name_ldr_pair_banks_x14: .asciz "ldr_pair_banks_x14"
name_str_pair_x4: .asciz "str_pair_x4"
name_str_pair_x14: .asciz "str_pair_x14"
name_ldr_alu_pair_x4: .asciz "ldr_alu_pair_x4"
name_ldr_alu_pair_x14: .asciz "ldr_alu_pair_x14"
name_alu_pair_x4: .asciz "alu_pair_x4"
name_alu_pair_x14: .asciz "alu_pair_x14"
name_vdiv_x4: .asciz "vdiv_x4"
name_vdiv_x14: .asciz "vdiv_x14"
name_vsqrt_x4: .asciz "vsqrt_x4"
name_vsqrt_x14: .asciz "vsqrt_x14"
