/*
 * Hand-written Cortex-M0+ (ARMv6-M) microbenchmark; its hand calculation from the Cortex-M0+ TRM
 * (ARM DDI 0484C) Table 3-1 is in tests/test_cost_microbench.py.
 */
    .syntax unified
    .thumb
    .text
    .global mb_m0_loop
    .type mb_m0_loop, %function
    .balign 4
mb_m0_loop:
    push {r4, lr}
1:  ldr r2, [r1]
    ldr r3, [r1, #4]
    muls r2, r3, r2
    str r2, [r1, #8]
    ldm r1!, {r3, r4}
    subs r1, #8
    subs r0, #1
    bne 1b
    pop {r4, pc}
    .size mb_m0_loop, . - mb_m0_loop
