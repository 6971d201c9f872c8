/*
 * Start-up for RV32: stack and global pointer, section copies, .bss clear, main(), semihosting exit.
 * Symbols come from the linker script that firmware/platform/linker.py writes for the device.
 *
 * Built with MCB_HOSTED (firmware linked with a C library: `mcubench platform`, `mcubench build` of C/C++
 * sources), it also sets up the thread-local block (tp: picolibc keeps errno there), runs the constructor
 * tables and ends with exit(main()).
 */
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, _estack

    la a0, _stext
    la a1, _sitext
    la a2, _etext
    call copy_words
    la a0, _srodata
    la a1, _sirodata
    la a2, _erodata
    call copy_words
    la a0, _sdata
    la a1, _sidata
    la a2, _edata
    call copy_words

    la a0, _sbss
    la a1, _ebss
1:  bgeu a0, a1, 2f
    sw zero, 0(a0)
    addi a0, a0, 4
    j 1b
2:
#if defined(MCB_HOSTED)
    la tp, __tls_base
    la a0, _stdata
    la a1, _sitdata
    la a2, _etdata
    call copy_words
    la a0, _stbss
    la a1, _etbss
4:  bgeu a0, a1, 5f
    sw zero, 0(a0)
    addi a0, a0, 4
    j 4b
5:
    call mcb_run_constructors
    call main
    call exit
#else
    call main
    call mcb_exit_status
#endif
3:  j 3b

/* copy_words(dst=a0, src=a1, end=a2): nothing to do when the section runs where it is stored. */
copy_words:
    beq a0, a1, 2f
1:  bgeu a0, a2, 2f
    lw t0, 0(a1)
    sw t0, 0(a0)
    addi a0, a0, 4
    addi a1, a1, 4
    j 1b
2:  ret
