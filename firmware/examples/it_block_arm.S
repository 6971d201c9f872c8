@ it_block_arm.S: loads inside an IT block, which Unicorn 2.1 mis-executes once a memory hook fires on
@ them (unicorn-engine/unicorn issue #2309) unless the tracer clears the stale IT state.
@ Executed: ldr, movs | 3 x (cmp, itte, ldreq, ldreq, ldrne, adds, cmp, bne) | movs, ldr, bkpt = 29
@ instructions (IT-skipped ones included); SRAM loads: r0=0 -> 1, r0=1 -> 2, r0=2 -> 1, so 4.
#include "thumb_start.inc"
    ldr r2, =0x20000000
    movs r0, #0
1:  cmp r0, #1
    itte eq
    ldreq r1, [r2]
    ldreq r3, [r2, #4]
    ldrne r3, [r2, #8]
    adds r0, #1
    cmp r0, #3
    bne 1b
    movs r0, #0x18
    ldr r1, =0x20026
    bkpt 0xAB
    .pool
