/* Calls the Cortex-M0+ microbenchmark of m0_kernels.S (see the test). */
#include <stdint.h>

void mb_m0_loop(uint32_t n, uint32_t *words);

static uint32_t words[4] = {3, 5, 0, 0};

int main(void)
{
    mb_m0_loop(100, words);
    return 0;
}
