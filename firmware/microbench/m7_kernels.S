/*
 * Cortex-M7 microbenchmark: sum r0 words from r1 (one load per word), for the data cache and TCM tests
 * in tests/test_cost_microbench_m7.py. Returns the sum in r0.
 */
    .syntax unified
    .thumb
    .text
    .global mb_sum
    .type mb_sum, %function
    .balign 8
mb_sum:
    mov r2, r0
    movs r0, #0
1:  ldr r3, [r1], #4
    adds r0, r0, r3
    subs r2, #1
    bne 1b
    bx lr
    .size mb_sum, . - mb_sum
