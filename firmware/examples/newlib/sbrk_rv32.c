/*
 * The picolibc way of giving firmware a heap, on RV32: sbrk() moves a break from the end of static data
 * (`__heap_start`) towards the stack, and a small first-fit malloc takes its blocks from sbrk(). No C
 * library is linked; the start-up code is mcubench's own (firmware/platform/startup_rv32.S).
 */
#include <stddef.h>
#include <stdint.h>

extern char _ebss; /* end of static data, from the platform's linker script */

static char *brk_now;

/* Not inlined into malloc, as in a C library where sbrk is an object file of its own. */
__attribute__((noinline)) void *sbrk(ptrdiff_t increment)
{
    if (!brk_now) {
        brk_now = &_ebss;
    }
    char *old = brk_now;
    brk_now += increment;
    return old;
}

/* First fit over a list of blocks, each with an 8-byte header: size and free flag. */
typedef struct block {
    size_t size;
    size_t free;
} block_t;

static block_t *first;
static char *heap_end;

void *malloc(size_t n)
{
    n = (n + 7u) & ~(size_t)7u;
    for (char *p = (char *)first; p && p < heap_end; p += sizeof(block_t) + ((block_t *)p)->size) {
        block_t *b = (block_t *)p;
        if (b->free && b->size >= n) {
            b->free = 0;
            return b + 1;
        }
    }
    block_t *b = sbrk((ptrdiff_t)(sizeof(block_t) + n));
    if (!first) {
        first = b;
    }
    b->size = n;
    b->free = 0;
    heap_end = (char *)(b + 1) + n;
    return b + 1;
}

void free(void *p)
{
    if (p) {
        ((block_t *)p - 1)->free = 1;
    }
}
