/* Calls each Cortex-M4 microbenchmark of m4_kernels.S once with fixed arguments (see the test). */
#include <stdint.h>

uint32_t mb_mla_chain(uint32_t n);
void mb_ldr_seq(uint32_t n, const uint32_t *words);
void mb_ldm(uint32_t n, const uint32_t *words);
void mb_branches(uint32_t n);
uint32_t mb_udiv(uint32_t n, uint32_t dividend, uint32_t divisor);
void mb_straight(uint32_t n);
void mb_agu(uint32_t n, const uint32_t *words);
void mb_ldr_str(uint32_t n, uint32_t *words);

/* words[4] points at words[0], so the dependent load in mb_ldr_seq reads RAM. */
static uint32_t words[8];

int main(void)
{
    words[4] = (uint32_t)(uintptr_t)&words[0];
    volatile uint32_t sink = 0;
    sink += mb_mla_chain(100);
    mb_ldr_seq(100, words);
    mb_ldm(100, words);
    mb_branches(100);
    sink += mb_udiv(10, 0xFFFFFFFFu, 1u);    /* d = 31 - 0 = 31 */
    sink += mb_udiv(10, 5u, 7u);             /* d = clz(7) - clz(5) = 0 */
    sink += mb_udiv(10, 1000u, 10u);         /* d = 28 - 22 = 6 */
    mb_straight(50);
    mb_agu(100, words);
    mb_ldr_str(100, words);
    return (int)(sink & 0);
}
