@ regions_arm.S (ARMv7E-M): marked regions, a function region, data accesses and divisions, all with
@ counts known exactly (see tests/test_simulator_regions.py for the hand count).
#include "thumb_start.inc"
    ldr r4, =buffer             @ data buffer in sram1 (.bss)
    ldr r5, =0xE000007C         @ the device's region marker (ITM stimulus port 31)
    ldr r6, =outer_name
    str r6, [r5]                @ begin "outer"
    movs r0, #3
    bl kernel                   @ kernel(3)
    ldr r6, =inner_name
    str r6, [r5]                @ begin "inner", nested in "outer"
    movs r0, #5
    bl kernel                   @ kernel(5)
    movs r6, #0
    str r6, [r5]                @ end "inner"
    str r6, [r5]                @ end "outer"
    movs r0, #100
    movs r1, #7
    udiv r2, r0, r1             @ bits(100) - bits(7) = 7 - 3 = 4: bin 4
    movs r0, #1
    movs r1, #3
    sdiv r2, r0, r1             @ bits(1) < bits(3): the shorter-dividend bin
    movs r0, #0x18              @ SYS_EXIT, status 0
    ldr r1, =0x20026
    bkpt 0xAB

@ kernel(n = r0): stores 0..n-1 to the buffer, then loads the first word back. 4n + 3 instructions,
@ n stores and 1 load of 4 bytes each.
    .thumb_func
    .global kernel
kernel:
    movs r1, #0
1:  str r1, [r4, r1, lsl #2]
    adds r1, #1
    cmp r1, r0
    bne 1b
    ldr r2, [r4]
    bx lr

    .pool
outer_name: .asciz "outer"
inner_name: .asciz "inner"

    .bss
    .balign 4
buffer: .space 32
