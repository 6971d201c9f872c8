/* Xtensa (call0 ABI) entry for QEMU's `sim` machine: stack, main, then exit through the simulator call
   (SYS_exit = 1, status in a3; QEMU needs -semihosting). */
    .section .text.start, "ax"
    .global _start
    .align 4
_start:
    movi a1, _stack_top
    call0 main
    mov a3, a2
    movi a2, 1
    simcall
1:  j 1b

    .text
    .global isa_mark
    .type isa_mark, @function
    .align 4
isa_mark:
    ret
    .size isa_mark, . - isa_mark
