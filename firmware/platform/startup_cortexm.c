/*
 * Start-up for Cortex-M (ARMv6-M and ARMv7E-M): vector table, section copies, FPU enable, main(), exit.
 * Symbols come from the linker script that firmware/platform/linker.py writes for the device.
 *
 * Built with MCB_HOSTED (firmware linked with a C library: `mcubench platform`, `mcubench build` of C/C++
 * sources), it also runs the constructor tables before main() (C++ static constructors,
 * __attribute__((constructor))) and ends with exit(main()), so the C library flushes its streams and runs
 * atexit handlers before the semihosting exit.
 */
#include <stdint.h>
#if defined(MCB_HOSTED)
#include <stdlib.h>
#endif

#include "mcubench.h"

extern uint32_t _estack;
extern uint32_t _sitext, _stext, _etext;
extern uint32_t _sirodata, _srodata, _erodata;
extern uint32_t _sidata, _sdata, _edata;
extern uint32_t _sbss, _ebss;

int main(void);

#if defined(MCB_HOSTED)
void mcb_run_constructors(void); /* syscalls.c */
#endif

static void copy_words(uint32_t *dst, const uint32_t *src, const uint32_t *end)
{
    if (dst == src) {
        return; /* section runs where it is stored */
    }
    while (dst < end) {
        *dst++ = *src++;
    }
}

/* Kept out of line and never inlined into Reset_Handler, so the profile names it. */
__attribute__((noreturn, used)) void Reset_Handler(void)
{
    copy_words(&_stext, &_sitext, &_etext);
    copy_words(&_srodata, &_sirodata, &_erodata);
    copy_words(&_sdata, &_sidata, &_edata);
    for (uint32_t *p = &_sbss; p < &_ebss; ++p) {
        *p = 0;
    }
#if defined(__ARM_FP)
    /* CPACR (0xE000ED88): full access to CP10 and CP11, ARMv7-M ARM (DDI 0403E) B3.2.20. */
    *(volatile uint32_t *)0xE000ED88u |= (0xFu << 20);
    __asm__ volatile("dsb\n isb" ::: "memory");
#endif
#if defined(MCB_HOSTED)
    mcb_run_constructors();
    exit(main());
#else
    mcb_exit(main());
#endif
}

/* An exception we do not expect in a benchmark: stop with a status that says which one. */
__attribute__((noreturn)) static void unexpected_exception(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    mcb_write0("mcubench: unexpected exception\n");
    mcb_exit((int)(0x100u + (ipsr & 0x1FFu)));
}

/* The 16 ARMv7-M system exception vectors (DDI 0403E B1.5.2); no device interrupts are used. */
__attribute__((section(".vectors"), used)) const void *const vector_table[16] = {
    &_estack,
    (const void *)Reset_Handler,
    (const void *)unexpected_exception, /* NMI */
    (const void *)unexpected_exception, /* HardFault */
    (const void *)unexpected_exception, /* MemManage */
    (const void *)unexpected_exception, /* BusFault */
    (const void *)unexpected_exception, /* UsageFault */
    0, 0, 0, 0,
    (const void *)unexpected_exception, /* SVCall */
    (const void *)unexpected_exception, /* DebugMonitor */
    0,
    (const void *)unexpected_exception, /* PendSV */
    (const void *)unexpected_exception, /* SysTick */
};
