/* runaway.c: never exits, so only the instruction budget stops it. */
#include <stdint.h>

volatile uint32_t spins;

__attribute__((noinline)) void spin_forever(void)
{
    for (;;) {
        spins++;
    }
}

int main(void)
{
    spin_forever();
    return 0;
}
