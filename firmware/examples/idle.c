/*
 * idle.c: does its work, says so, then parks the core the way most firmware ends: `while (1);` (default),
 * a WFI loop (-DPARK_WFI) or a WFI loop that first polls a flag (-DPARK_POLL, not idle: it loads).
 */
#include <stdint.h>

#include "mcubench.h"

volatile uint32_t sink;
volatile uint32_t wake_flag;

__attribute__((noinline)) static void work(void)
{
    for (uint32_t i = 0; i < 100; i++) {
        sink += i * i;
    }
}

int main(void)
{
    work();
    mcb_write0("work done\n");
#if defined(PARK_WFI)
    for (;;) {
        __asm__ volatile("wfi");
    }
#elif defined(PARK_POLL)
    while (!wake_flag) {
    }
    return 1;
#else
    while (1) {
    }
#endif
}
