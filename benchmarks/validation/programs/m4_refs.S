/*
 * Cortex-M4 validation references (benchmarks/validation/references.py gives each one's published figure
 * and source). Each reference is a marked region; the region "empty" holds only the closing marker store,
 * and the validation subtracts it. r7 = marker address, r8 = 0 (the closing marker value) throughout.
 * Instruction widths are spelled out (.n / .w) so the encodings and alignments match the published code.
 */
    .syntax unified
    .thumb
    .text

    .macro BEGIN name
    ldr r6, =\name
    str r6, [r7]
    .endm
    .macro END
    str r8, [r7]
    .endm
    @ Start the next region so that its first instruction sits at an 8-byte boundary, as the published
    @ samples do (their code starts at 0x080001b0).
    .macro BEGIN_AT_8 name
    ldr r6, =\name
    .balign 8
    nop.n
    nop.n
    nop.n
    str r6, [r7]
    .endm

    .global main
    .type main, %function
    .balign 4
main:
    push {r4-r8, lr}
    ldr r7, =MARKER
    mov.w r8, #0

    BEGIN name_empty
    END

    /* Cortex-M4 TRM (DDI 0439B) 3.3.2, load/store timings: the four examples it gives. */
    ldr r1, =words
    adds r2, r1, #4
    BEGIN name_ldr_ldr
    ldr r0, [r1]
    ldr r1, [r2]
    END

    ldr r1, =words
    movs r2, #0
    mov r3, r1
    BEGIN name_ldr_str_imm
    ldr r0, [r1, r2]
    str r0, [r3, #20]
    END

    BEGIN name_ldr_str_reg
    ldr r0, [r1, r2]
    str r1, [r3, r2]
    END

    ldr r1, =words
    mov r2, r1
    mov r3, r1
    movs r5, #0
    BEGIN name_ldr_ldr_ldr
    ldr r0, [r1, r5]
    ldr r1, [r2]
    ldr r2, [r3, #4]
    END

    /* Compendium "Branch timing", samples a and b, called with r0 = 2, r1 = 3. */
    movs r0, #2
    movs r1, #3
    BEGIN_AT_8 name_branch_wide
    mov r2, r0
    mov.w r0, #1
1:  mul r0, r2, r0
    sub.w r1, r1, #1
    cmp r1, #0
    bne 1b
    END

    movs r0, #2
    movs r1, #3
    BEGIN_AT_8 name_branch_narrow
    mov r2, r0
    mov.w r0, #1
1:  add r0, r2
    sub.w r1, r1, #1
    cmp r1, #0
    bne 1b
    END

    /* Compendium "Instruction alignment effects": four moves, unaligned (a) and aligned (b). */
    BEGIN_AT_8 name_moves_unaligned
    mov r8, r8
    mov.w r8, r8
    mov.w r8, r8
    mov.w r8, r8
    END

    BEGIN_AT_8 name_moves_aligned
    mov.w r8, r8
    mov.w r8, r8
    mov.w r8, r8
    mov.w r8, r8
    END

    /* Compendium "Constant time multiplication": a^2 + b^2 as a 64-bit sum, three instructions. */
    movs r0, #3
    movs r1, #4
    BEGIN name_umull_umlal
    mov r3, r0
    umull r0, r1, r1, r1
    umlal r0, r1, r3, r3
    END

    /* Compendium "Division timing": one UDIV per operand pair. */
    ldr r0, =1000
    movs r1, #10
    BEGIN name_udiv_1000_10
    udiv r2, r0, r1
    END

    mov.w r0, #0xFFFFFFFF
    movs r1, #1
    BEGIN name_udiv_max_1
    udiv r2, r0, r1
    END

    movs r0, #5
    movs r1, #7
    BEGIN name_udiv_5_7
    udiv r2, r0, r1
    END

    movs r0, #3
    ldr r1, =1000
    BEGIN name_udiv_3_1000
    udiv r2, r0, r1
    END

    /* Compendium "Function calls": a call to a leaf function and its return. */
    BEGIN_AT_8 name_call_return
    bl leaf
    END

    movs r0, #0
    pop {r4-r8, pc}
    .size main, . - main
    .pool

    .balign 4
    .type leaf, %function
leaf:
    bx lr
    .size leaf, . - leaf

    .section .rodata
name_empty: .asciz "empty"
name_ldr_ldr: .asciz "ldr_ldr"
name_ldr_str_imm: .asciz "ldr_str_imm"
name_ldr_str_reg: .asciz "ldr_str_reg"
name_ldr_ldr_ldr: .asciz "ldr_ldr_ldr"
name_branch_wide: .asciz "branch_wide"
name_branch_narrow: .asciz "branch_narrow"
name_moves_unaligned: .asciz "moves_unaligned"
name_moves_aligned: .asciz "moves_aligned"
name_umull_umlal: .asciz "umull_umlal"
name_udiv_1000_10: .asciz "udiv_1000_10"
name_udiv_max_1: .asciz "udiv_max_1"
name_udiv_5_7: .asciz "udiv_5_7"
name_udiv_3_1000: .asciz "udiv_3_1000"
name_call_return: .asciz "call_return"

    .bss
    .balign 8
words: .space 64
