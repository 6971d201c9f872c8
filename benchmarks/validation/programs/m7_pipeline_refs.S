/*
 * Cortex-M7 pipeline references from jnk0le's STM32H743 measurements (benchmarks/validation/references.py
 * gives each one's published figure, statement and source). Measured as in m7_refs.S: for each sequence a
 * function with 4 copies and one with 14, each called once to warm the instruction cache and once inside a
 * marked region; (region of 14 - region of 4) / 10 is the cycles of one copy. Each function sets up its own
 * registers before the copies (the same in both, so it cancels in the difference). r0 points into DTCM
 * (not cached, no wait) and is never written; r7, r8 belong to the harness; r9-r11 are not used.
 */
    .syntax unified
    .thumb
    .text

    @ The harness of m7_refs.S: one 32-byte line holds the whole sequence, so the warm-up call also brings the
    @ closing store's line into the instruction cache; the branch after it ends the simulator's block there.
    .macro MEASURE name
    .balign 32
    bl \name\()_x4
    ldr.w r6, =name_\name\()_x4
    str r6, [r7]
    bl \name\()_x4
    str r8, [r7]
    b 1f
1:
    .balign 32
    bl \name\()_x14
    ldr.w r6, =name_\name\()_x14
    str r6, [r7]
    bl \name\()_x14
    str r8, [r7]
    b 1f
1:
    .endm

    @ The two functions of a reference: \name\()_setup, then \copies copies of \name\()_copy, then
    @ \name\()_end and the return; and the region names. Each starts on a 256-byte boundary, so none (all are
    @ shorter) crosses a 4 KiB page, where the simulator (Unicorn) would end a block in the middle: the store
    @ buffer of the Cortex-M7 model lasts one block.
    .macro FUNCTION name, copies
    .balign 256
    .type \name\()_x\copies, %function
\name\()_x\copies:
    \name\()_setup
    .rept \copies
    \name\()_copy
    .endr
    \name\()_end
    bx lr
    .pushsection .rodata
name_\name\()_x\copies: .asciz "\name\()_x\copies"
    .popsection
    .endm

    .macro REFERENCE name
    FUNCTION \name, 4
    FUNCTION \name, 14
    .endm

    .macro NOTHING
    .endm

    @ --- the sequences (one copy each) ------------------------------------------------------------------

    @ A word load and an ALU instruction adding the loaded word.
    .macro ldr_alu_next_setup
    mov.w r12, r0
    movs r2, #0
    .endm
    .macro ldr_alu_next_copy
    ldr.w r1, [r12]
    add.w r2, r2, r1
    .endm

    @ The same with a byte load.
    .macro ldrb_alu_use_setup
    mov.w r12, r0
    movs r2, #0
    .endm
    .macro ldrb_alu_use_copy
    ldrb.w r1, [r12]
    add.w r2, r2, r1
    .endm

    @ A word load and a multiply of the loaded word.
    .macro ldr_mul_use_setup
    mov.w r12, r0
    movs r3, #3
    .endm
    .macro ldr_mul_use_copy
    ldr.w r1, [r12]
    mul r2, r1, r3
    .endm

    @ A byte load and a multiply-accumulate adding the loaded byte (its accumulator).
    .macro ldrb_mla_accumulate_setup
    mov.w r12, r0
    movs r3, #3
    movs r4, #5
    .endm
    .macro ldrb_mla_accumulate_copy
    ldrb.w r1, [r12]
    mla r2, r3, r4, r1
    .endm

    @ A conditional branch that is never taken (Z is set) and the ALU instruction after it.
    .macro bne_not_taken_setup
    movs r2, #0
    cmp r0, r0
    .endm
    .macro bne_not_taken_copy
    bne.w 9f
    add.w r2, r2, #1
    .endm
    .macro bne_not_taken_end
9:
    .endm

    @ Two independent bitfield (extend) instructions.
    .macro dsp_pair_setup
    movs r2, #2
    movs r4, #4
    .endm
    .macro dsp_pair_copy
    uxtb.w r1, r2
    uxtb.w r3, r4
    .endm

    @ A bitfield instruction whose result is the next load's index (a word-aligned one), and an ALU
    @ instruction.
    .macro dsp_address_setup
    mov.w r12, r0
    movs r2, #8
    movs r4, #0
    .endm
    .macro dsp_address_copy
    uxtb.w r1, r2
    ldr.w r3, [r12, r1]
    add.w r4, r4, #1
    .endm

    @ A multiply and an independent store.
    .macro mul_str_setup
    mov.w r12, r0
    movs r2, #2
    movs r3, #3
    movs r4, #4
    .endm
    .macro mul_str_copy
    mul r1, r2, r3
    str.w r4, [r12]
    .endm

    @ The store references measure a throughput the page gives for a store every cycle without end (its loop
    @ runs 1000 times): before the counted copies, 4 copies in the setup (the same in both functions) fill the
    @ store buffer as the loop's earlier iterations do, so the 4-copy function is already at the steady rate.
    .macro STORE_WARM_UP name
    .rept 4
    \name\()_copy
    .endr
    .endm

    @ Byte stores, one per copy, all to the same byte.
    .macro strb_same_word_setup
    mov.w r12, r0
    movs r1, #1
    STORE_WARM_UP strb_same_word
    .endm
    .macro strb_same_word_copy
    strb.w r1, [r12]
    .endm

    @ Byte stores alternating the even and the odd word of a doubleword (two per copy).
    .macro strb_alternate_banks_setup
    mov.w r12, r0
    movs r1, #1
    STORE_WARM_UP strb_alternate_banks
    .endm
    .macro strb_alternate_banks_copy
    strb.w r1, [r12]
    strb.w r1, [r12, #4]
    .endm

    @ Byte stores to consecutive bytes (post-indexed, unit stride).
    .macro strb_unit_stride_setup
    mov.w r12, r0
    movs r1, #1
    STORE_WARM_UP strb_unit_stride
    .endm
    .macro strb_unit_stride_copy
    strb.w r1, [r12], #1
    .endm

    @ Halfword stores to consecutive halfwords.
    .macro strh_unit_stride_setup
    mov.w r12, r0
    movs r1, #1
    STORE_WARM_UP strh_unit_stride
    .endm
    .macro strh_unit_stride_copy
    strh.w r1, [r12], #2
    .endm

    @ Word stores to an unaligned address.
    .macro str_unaligned_setup
    mov.w r12, r0
    movs r1, #1
    STORE_WARM_UP str_unaligned
    .endm
    .macro str_unaligned_copy
    str.w r1, [r12, #1]
    .endm

    @ A word load and an independent word store (to the other bank).
    .macro ldr_str_pair_setup
    mov.w r12, r0
    movs r2, #2
    .endm
    .macro ldr_str_pair_copy
    ldr.w r1, [r12]
    str.w r2, [r12, #12]
    .endm

    @ A word load and a store of the loaded word.
    .macro ldr_str_forward_setup
    mov.w r12, r0
    .endm
    .macro ldr_str_forward_copy
    ldr.w r1, [r12]
    str.w r1, [r12, #12]
    .endm

    @ Two independent ALU instructions, each with an inline shifted register operand.
    .macro shifted_pair_setup
    movs r2, #2
    movs r3, #3
    movs r5, #5
    movs r6, #6
    .endm
    .macro shifted_pair_copy
    add.w r1, r2, r3, lsl #2
    add.w r4, r5, r6, lsl #2
    .endm

    @ A chain of single-precision adds (each adds into the previous result).
    .macro vadd_chain_setup
    vmov.f32 s0, #1.0
    vmov.f32 s1, #2.0
    .endm
    .macro vadd_chain_copy
    vadd.f32 s0, s0, s1
    .endm

    @ Two independent single-precision adds.
    .macro vadd_pair_setup
    vmov.f32 s1, #2.0
    vmov.f32 s2, #3.0
    .endm
    .macro vadd_pair_copy
    vadd.f32 s3, s1, s2
    vadd.f32 s4, s1, s2
    .endm

    @ Sequences without an _end macro end with nothing.
    .irp name, ldr_alu_next, ldrb_alu_use, ldr_mul_use, ldrb_mla_accumulate, dsp_pair, dsp_address, mul_str, strb_same_word, strb_alternate_banks, strb_unit_stride, strh_unit_stride, str_unaligned, ldr_str_pair, ldr_str_forward, shifted_pair, vadd_chain, vadd_pair
    .macro \name\()_end
    .endm
    .endr

    .global main
    .type main, %function
    .balign 4
main:
    push {r4-r8, lr}
    ldr r7, =MARKER
    mov.w r8, #0
    mov.w r0, #0x20000000        @ DTCM base: far below the stack at the top of DTCM
    .irp name, ldr_alu_next, ldrb_alu_use, ldr_mul_use, ldrb_mla_accumulate, bne_not_taken, dsp_pair, dsp_address, mul_str, strb_same_word, strb_alternate_banks, strb_unit_stride, strh_unit_stride, str_unaligned, ldr_str_pair, ldr_str_forward, shifted_pair, vadd_chain, vadd_pair
    MEASURE \name
    .endr
    movs r0, #0
    pop {r4-r8, pc}
    .size main, . - main
    .pool

    .irp name, ldr_alu_next, ldrb_alu_use, ldr_mul_use, ldrb_mla_accumulate, bne_not_taken, dsp_pair, dsp_address, mul_str, strb_same_word, strb_alternate_banks, strb_unit_stride, strh_unit_stride, str_unaligned, ldr_str_pair, ldr_str_forward, shifted_pair, vadd_chain, vadd_pair
    REFERENCE \name
    .endr
