@ loads_arm.S (ARMv7E-M with FPv4): one of every load form, reading the data RAM, so decoded load
@ counts can be checked against hooked ones (tests/test_simulator_differential.py).
#include "thumb_start.inc"
    .fpu fpv4-sp-d16
    ldr r4, =buffer
    ldr r0, [r4]
    ldrb r1, [r4, #1]
    ldrh r2, [r4, #2]
    ldrsb r3, [r4, #3]
    ldrsh r5, [r4, #4]
    ldrd r0, r1, [r4, #8]
    ldm r4, {r0, r1, r2, r3}
    ldmdb r4!, {r0, r1}
    adds r4, #8
    ldrex r0, [r4]
    clrex
    vldr s0, [r4]
    vldr d1, [r4, #8]
    vldmia r4, {s2-s5}
    vldmia r4, {d2-d3}
    push {r0-r3}
    pop {r0-r3}
    vpush {d0-d1}
    vpop {d0-d1}
    movs r0, #1
    tbb [pc, r0]
table_b:
    .byte 0, (after_b - table_b) / 2
    .balign 2
after_b:
    movs r0, #1
    tbh [pc, r0, lsl #1]
table_h:
    .hword 0, (after_h - table_h) / 2
after_h:
    cmp r0, #1
    ite eq
    ldreq r1, [r4]
    ldrne r1, [r4, #4]
    movs r0, #0x18
    ldr r1, =0x20026
    bkpt 0xAB
    .pool

    .bss
    .balign 8
    .space 8
buffer: .space 64
