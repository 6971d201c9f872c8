@ udf_arm.S: a permanently undefined instruction, which must be reported as a fault, not skipped.
    .syntax unified
    .thumb
    .text
    .word 0x20001000
    .word reset
    .thumb_func
    .global reset
reset:
    movs r0, #1
    udf #0
    b reset
