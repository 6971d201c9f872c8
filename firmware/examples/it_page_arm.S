@ it_page_arm.S: an IT block split by a 4 KB page boundary, so Unicorn starts a block in the middle of
@ it; the conditional load there must be counted only when its condition passes (twice of three).
#include "thumb_start.inc"
    ldr r2, =buffer
    movs r0, #0
    b loop
    .pool
    .org 0xFF8                  @ loop + 6 bytes reach the page boundary at 0x08001000
loop:
    adds r0, #1
    cmp r0, #2
    nop
    itt ne
    ldrne r1, [r2]              @ first instruction of the next page
    ldrne r3, [r2, #4]
    cmp r0, #3
    bne loop
    movs r0, #0x18
    ldr r1, =0x20026
    bkpt 0xAB
    .pool

    .bss
    .balign 4
buffer: .space 16
