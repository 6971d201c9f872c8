/* Data-cache and TCM microbenchmarks for the STM32H7 model: each marked region sums an array twice. */
#include <stdint.h>

#include "mcubench.h"

uint32_t mb_sum(uint32_t n, const uint32_t *words);

#define SMALL_WORDS 2048u  /* 8 KB: fits the 16 KB D-cache, so the second pass hits */
#define BIG_WORDS 16384u   /* 64 KB: four times the D-cache, so both passes miss */

static uint32_t small[SMALL_WORDS]; /* .bss: AXI SRAM, behind the D-cache (stm32h7.toml placement) */
static uint32_t big[BIG_WORDS];
/* The bottom 8 KB of DTCM, far below the stack that grows down from the top of DTCM. */
#define DTCM_WORDS ((const uint32_t *)0x20000000u)

int main(void)
{
    volatile uint32_t sink = 0;
    mcb_region_begin("dcache_fits");
    sink += mb_sum(SMALL_WORDS, small);
    sink += mb_sum(SMALL_WORDS, small);
    mcb_region_end();
    mcb_region_begin("dcache_thrash");
    sink += mb_sum(BIG_WORDS, big);
    sink += mb_sum(BIG_WORDS, big);
    mcb_region_end();
    mcb_region_begin("dtcm");
    sink += mb_sum(SMALL_WORDS, DTCM_WORDS);
    sink += mb_sum(SMALL_WORDS, DTCM_WORDS);
    mcb_region_end();
    return (int)(sink & 0);
}
