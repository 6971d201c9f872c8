@ returns_arm.S: return targets, for the branch target counters (Trace BlockTable.target_changes).
@ Ten iterations; each calls `same` from one site and `alternate` from two sites, so `same` always returns
@ to one address (one change: its first return) and `alternate` returns alternately to two (20 changes).
#include "thumb_start.inc"
    movs r4, #10
loop:
    bl same
    bl alternate
    bl alternate
    subs r4, r4, #1
    bne loop
    movs r0, #0x18              @ SYS_EXIT
    ldr r1, =0x20026            @ ADP_Stopped_ApplicationExit: status 0
    bkpt 0xAB
    .pool

    .thumb_func
    .global same
same:
    bx lr

    .thumb_func
    .global alternate
alternate:
    bx lr
