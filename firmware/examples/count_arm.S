@ count_arm.S: a loop whose instruction count is known exactly, for ARMv7E-M and ARMv6-M.
@ Executed: 1 (movs) + 10 x 2 (subs, bne) + 3 (movs, ldr, bkpt) = 24 instructions.
@ Unicorn's blocks: [movs subs bne] x1, [subs bne] x9, [movs ldr bkpt] x1.
#include "thumb_start.inc"
    movs r0, #10
loop:
    subs r0, r0, #1
    bne loop
    movs r0, #0x18              @ SYS_EXIT
    ldr r1, =0x20026            @ ADP_Stopped_ApplicationExit: status 0
    bkpt 0xAB
    .pool
