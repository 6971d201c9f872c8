/*
 * A known heap: malloc 1000 and 3000 bytes, free the first, malloc 500 (which fits in the freed block),
 * then report how far the heap break is from where the heap starts, as the firmware itself sees it:
 * sbrk(0) against the end of static data (`end`, where newlib's and picolibc's first break is; the C
 * library may have taken some heap before main). No stdio: printf would allocate its own buffers and
 * move the break after the measurement.
 * Builds with newlib (rdimon.specs), newlib-nano (nano.specs) and, on RV32, the picolibc-style sbrk in
 * sbrk_rv32.c.
 */
#include <stddef.h>
#include <stdint.h>

#include "mcubench.h"

/* The C library's declarations, written out so the RV32 build needs no C library headers. */
void *malloc(size_t size);
void free(void *block);
void *sbrk(ptrdiff_t increment);
void *memset(void *dst, int value, size_t n);

/* End of static data, where the first break is: `end` in newlib's linker scripts. */
#ifndef HEAP_START
#define HEAP_START end
#endif
extern char HEAP_START;

static void put_number(const char *label, uint32_t value)
{
    char text[12];
    int i = sizeof text - 1;
    text[i] = '\0';
    do {
        text[--i] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    mcb_write0(label);
    mcb_write0(&text[i]);
    mcb_write0("\n");
}

int main(void)
{
    char *a = malloc(1000);
    char *b = malloc(3000);
    if (!a || !b) {
        return 2;
    }
    memset(a, 1, 1000);
    memset(b, 2, 3000);
    free(a);
    char *c = malloc(500);
    if (!c) {
        return 2;
    }
    memset(c, 3, 500);
    char *peak = sbrk(0);
    put_number("heap_break_bytes ", (uint32_t)(peak - &HEAP_START));
    free(b);
    free(c);
    return 0;
}
