/* unmodified.c: no markers; the test measures every call of invoke() with a function region. */
#include <stdint.h>

int8_t data[64];

__attribute__((noinline)) int32_t invoke(int n)
{
    int32_t acc = 0;
    for (int i = 0; i < n; i++) {
        acc += data[i] * (i + 1);
    }
    return acc;
}

int main(void)
{
    int32_t total = 0;
    for (int i = 0; i < 64; i++) {
        data[i] = (int8_t)(i - 32);
    }
    for (int k = 1; k <= 3; k++) {
        total += invoke(16 * k);
    }
    return total == 0 ? 1 : 0;
}
