/*
 * inlined.c: a function the compiler inlined everywhere (no out-of-line copy: a region on it finds no
 * symbol) and one inlined at some call sites and called out of line at another (a region counts only
 * that one call). Built with -g, so DWARF records where the inlined copies are.
 */
#include <stdint.h>

#include "mcubench.h"

volatile uint32_t sink;

static inline __attribute__((always_inline)) uint32_t square(uint32_t x)
{
    return x * x;
}

/* Taking the address forces an out-of-line copy of square beside its inlined ones. */
uint32_t (*volatile indirect_square)(uint32_t) = square;

static uint32_t add_three(uint32_t x)
{
    return x + 3u;
}

int main(void)
{
    for (uint32_t i = 0; i < 10; i++) {
        sink += square(i);
    }
    sink += square(sink);
    sink += indirect_square(5u);
    sink = add_three(sink);
    return 0;
}
