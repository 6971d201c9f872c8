/*
 * The smallest Cortex-M vector table for a newlib program: the initial stack pointer and a reset
 * handler that enables the FPU and enters newlib's start-up code (_start, from crt0 or rdimon-crt0).
 */
#include <stdint.h>

extern void _start(void);
extern uint32_t __stack;

__attribute__((noreturn)) void Reset_Handler(void)
{
#if defined(__ARM_FP)
    /* CPACR (0xE000ED88): full access to CP10 and CP11, ARMv7-M ARM (DDI 0403E) B3.2.20. */
    *(volatile uint32_t *)0xE000ED88u |= (0xFu << 20);
    __asm__ volatile("dsb\n isb" ::: "memory");
#endif
    _start();
    for (;;) {
    }
}

__attribute__((section(".isr_vector"), used)) const void *const vectors[2] = {&__stack, (const void *)Reset_Handler};
