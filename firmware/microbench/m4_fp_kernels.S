/*
 * Hand-written Cortex-M4F floating-point microbenchmarks (FPv4-SP). Each function is one region; the
 * cycles each should take are worked out from the Cortex-M4 TRM's FPU instruction table (Table 7-1, as
 * reproduced in TI SWCU192 Table 3-27) and its result-use rule in tests/test_cost_microbench_fp.py.
 * Every loop counter arrives in r0 and is at least 1; r1 points at 16 words of RAM.
 */
    .syntax unified
    .thumb
    .fpu fpv4-sp-d16
    .text

/* Independent multiplies and adds, none reading the result of the instruction just before it. */
    .global mb_fp_independent
    .type mb_fp_independent, %function
    .balign 4
mb_fp_independent:
1:  vmul.f32 s0, s8, s9
    vmul.f32 s1, s8, s10
    vadd.f32 s2, s8, s9
    vadd.f32 s3, s8, s10
    vsub.f32 s4, s8, s9
    vcvt.s32.f32 s5, s8
    subs r0, #1
    bne 1b
    bx lr
    .size mb_fp_independent, . - mb_fp_independent

/* Each add reads the multiply just before it: one extra cycle per pair. */
    .global mb_fp_dependent
    .type mb_fp_dependent, %function
    .balign 4
mb_fp_dependent:
1:  vmul.f32 s0, s8, s9
    vadd.f32 s1, s1, s0
    vmul.f32 s2, s8, s10
    vadd.f32 s3, s3, s2
    subs r0, #1
    bne 1b
    bx lr
    .size mb_fp_dependent, . - mb_fp_dependent

/* A chain of multiply-accumulates into s0: each takes the last one's result as its addend (no extra
 * cycle), then a VMOV to a core register of a MAC result (one extra cycle, then 2 for the move). */
    .global mb_fp_mac
    .type mb_fp_mac, %function
    .balign 4
mb_fp_mac:
1:  vmla.f32 s0, s8, s9
    vfma.f32 s0, s8, s10
    vmla.f32 s0, s9, s10
    vmov r2, s0
    subs r0, #1
    bne 1b
    bx lr
    .size mb_fp_mac, . - mb_fp_mac

/* FP loads and stores, single and double, and a register-list load of four singles. */
    .global mb_fp_memory
    .type mb_fp_memory, %function
    .balign 4
mb_fp_memory:
1:  vldr s0, [r1]
    vldr d1, [r1, #8]
    vstr s0, [r1, #16]
    vstr d1, [r1, #24]
    vldmia r1, {s4-s7}
    subs r0, #1
    bne 1b
    bx lr
    .size mb_fp_memory, . - mb_fp_memory

/* Divide and square root, then a compare and a status read. */
    .global mb_fp_divide
    .type mb_fp_divide, %function
    .balign 4
mb_fp_divide:
    vpush {d8-d9}
1:  vdiv.f32 s0, s8, s9
    vsqrt.f32 s1, s9
    vcmp.f32 s8, s9
    vmrs APSR_nzcv, fpscr
    subs r0, #1
    bne 1b
    vpop {d8-d9}
    bx lr
    .size mb_fp_divide, . - mb_fp_divide
