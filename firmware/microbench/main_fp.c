/* Calls each Cortex-M4F floating-point microbenchmark of m4_fp_kernels.S once (see the test). */
#include <stdint.h>

void mb_fp_independent(uint32_t n);
void mb_fp_dependent(uint32_t n);
void mb_fp_mac(uint32_t n);
void mb_fp_memory(uint32_t n, uint32_t *words);
void mb_fp_divide(uint32_t n);

static uint32_t words[16];

int main(void)
{
    mb_fp_independent(100);
    mb_fp_dependent(100);
    mb_fp_mac(100);
    mb_fp_memory(100, words);
    mb_fp_divide(10);
    return 0;
}
