/* fault.c: stores to an address no device maps, inside a function the fault report must name. */
#include <stdint.h>

__attribute__((noinline)) void poke_unmapped(uint32_t value)
{
    *(volatile uint32_t *)0x30000000u = value;
}

int main(void)
{
    poke_unmapped(1);
    return 0;
}
