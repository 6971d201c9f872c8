/* A small int8 dot-product workload that builds for every device (smoke test of the whole cost path). */
#include <stdint.h>

#include "mcubench.h"

#define N 1024
static int8_t a[N];
static int8_t b[N];
static const int8_t weights[64] = {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16,
                                   1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16,
                                   1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16,
                                   1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16};

__attribute__((noinline)) int32_t dot(const int8_t *x, const int8_t *y, int n)
{
    int32_t acc = 0;
    for (int i = 0; i < n; i++) {
        acc += x[i] * y[i] + weights[i & 63];
    }
    return acc;
}

int main(void)
{
    uint32_t seed = 12345u;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        a[i] = (int8_t)(seed >> 24);
        b[i] = (int8_t)(seed >> 16);
    }
    volatile int32_t sink;
    mcb_region_begin("dot");
    sink = dot(a, b, N);
    mcb_region_end();
    return (int)(sink & 0);
}
