/*
 * Hand-written Cortex-M4 microbenchmarks. Each function is one region (measured with --region NAME);
 * the cycle count each should take is worked out from the Cortex-M4 TRM (ARM DDI 0439B) Table 3-1 in
 * tests/test_cost_microbench.py, next to the check. P (taken-branch refill) is 2 in cortex-m4-80mhz.toml.
 * Every loop counter arrives in r0 and is at least 1.
 */
    .syntax unified
    .thumb
    .text

/* r0 iterations of 8 MLAs, each accumulating into r3 (a dependent chain). */
    .global mb_mla_chain
    .type mb_mla_chain, %function
    .balign 4
mb_mla_chain:
    movs r1, #3
    movs r2, #5
    movs r3, #0
1:  mla r3, r1, r2, r3
    mla r3, r1, r2, r3
    mla r3, r1, r2, r3
    mla r3, r1, r2, r3
    mla r3, r1, r2, r3
    mla r3, r1, r2, r3
    mla r3, r1, r2, r3
    mla r3, r1, r2, r3
    subs r0, #1
    bne 1b
    mov r0, r3
    bx lr
    .size mb_mla_chain, . - mb_mla_chain

/* r0 iterations of 4 independent loads from r1 (pipelined), then 2 dependent loads (pointer chase). */
    .global mb_ldr_seq
    .type mb_ldr_seq, %function
    .balign 4
mb_ldr_seq:
    push {r4, r5}
1:  ldr r2, [r1]
    ldr r3, [r1, #4]
    ldr r4, [r1, #8]
    ldr r5, [r1, #12]
    ldr r2, [r1, #16]
    ldr r2, [r2]
    subs r0, #1
    bne 1b
    pop {r4, r5}
    bx lr
    .size mb_ldr_seq, . - mb_ldr_seq

/* r0 iterations of LDM of 4 registers from r1. */
    .global mb_ldm
    .type mb_ldm, %function
    .balign 4
mb_ldm:
    push {r4, r5}
1:  ldm r1, {r2, r3, r4, r5}
    subs r0, #1
    bne 1b
    pop {r4, r5}
    bx lr
    .size mb_ldm, . - mb_ldm

/* r0 iterations with a conditional branch never taken and one always taken (to the next line). */
    .global mb_branches
    .type mb_branches, %function
    .balign 4
mb_branches:
    movs r1, #0
1:  cmp r1, #1
    beq 3f
    cmp r1, #0
    beq 2f
    nop
2:  subs r0, #1
    bne 1b
3:  bx lr
    .size mb_branches, . - mb_branches

/* r0 iterations of one UDIV r3 = r1 / r2 with the caller's operands. */
    .global mb_udiv
    .type mb_udiv, %function
    .balign 4
mb_udiv:
1:  udiv r3, r1, r2
    subs r0, #1
    bne 1b
    mov r0, r3
    bx lr
    .size mb_udiv, . - mb_udiv

/* r0 iterations of 32 single-cycle 16-bit ALU instructions: straight-line code for the flash tests. */
    .global mb_straight
    .type mb_straight, %function
    .balign 8
mb_straight:
1:  .rept 31
    adds r1, r1, #1
    .endr
    subs r0, #1
    bne 1b
    bx lr
    .size mb_straight, . - mb_straight

/* r0 iterations of a load whose address the ALU computes in the instruction just before it. */
    .global mb_agu
    .type mb_agu, %function
    .balign 4
mb_agu:
1:  adds r3, r1, #4
    ldr r2, [r3]
    subs r0, #1
    bne 1b
    bx lr
    .size mb_agu, . - mb_agu

/* r0 iterations of a load followed by stores: STR pipelines after LDR, even with a register offset. */
    .global mb_ldr_str
    .type mb_ldr_str, %function
    .balign 4
mb_ldr_str:
    movs r3, #4
1:  ldr r2, [r1, r3]
    str r2, [r1, r3]
    str r2, [r1, #8]
    subs r0, #1
    bne 1b
    bx lr
    .size mb_ldr_str, . - mb_ldr_str
