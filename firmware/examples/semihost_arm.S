@ semihost_arm.S: a console call the run resumes from, then an extended exit, with exact counts.
@ Executed: movs, ldr, bkpt (SYS_WRITEC 'A') | movs, ldr, bkpt (SYS_EXIT_EXTENDED, status 5) = 6.
#include "thumb_start.inc"
    movs r0, #0x03              @ SYS_WRITEC
    ldr r1, =letter
    bkpt 0xAB
    movs r0, #0x20              @ SYS_EXIT_EXTENDED
    ldr r1, =exit_block
    bkpt 0xAB
    .pool
letter: .byte 'A'
    .balign 4
exit_block: .word 0x20026, 5    @ ADP_Stopped_ApplicationExit, status 5
