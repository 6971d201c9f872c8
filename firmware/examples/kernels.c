/*
 * kernels.c: varied compiled code for differential tests (traced against untraced, decoded loads
 * against hooked ones): saturating int8 arithmetic (IT blocks), struct copies (LDM/LDRD), a jump table
 * (TBB/TBH), float loads, divisions and a recursive function, in marked regions.
 */
#include <stdint.h>

#include "mcubench.h"

typedef struct {
    int32_t a, b, c, d, e, f;
} record_t;

int8_t input[256];
int8_t output[256];
record_t records[8];
float weights[16];
volatile int32_t sink;

__attribute__((noinline)) static int8_t saturate(int32_t x)
{
    if (x > 127) {
        return 127;
    }
    if (x < -128) {
        return -128;
    }
    return (int8_t)x;
}

__attribute__((noinline)) void requantize(int n, int32_t mult, int32_t shift)
{
    for (int i = 0; i < n; i++) {
        int32_t v = (input[i] * mult) >> shift;
        output[i] = saturate(v + (i & 1 ? output[i > 0 ? i - 1 : 0] : 0));
    }
}

__attribute__((noinline)) int32_t dispatch(int op, int32_t x)
{
    switch (op) {
    case 0: return x + 1;
    case 1: return x * 3;
    case 2: return x - 7;
    case 3: return x ^ 0x55;
    case 4: return x / 3;
    case 5: return x % 11;
    case 6: return -x;
    default: return x;
    }
}

__attribute__((noinline)) int32_t fib(int32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) float dot(int n)
{
    float acc = 0.0f;
    for (int i = 0; i < n; i++) {
        acc += weights[i] * (float)input[i];
    }
    return acc;
}

int main(void)
{
    for (int i = 0; i < 256; i++) {
        input[i] = (int8_t)(i * 37 + 11);
    }
    for (int i = 0; i < 16; i++) {
        weights[i] = 0.25f * (float)(i - 8);
    }
    mcb_region_begin("requantize");
    requantize(256, 3, 2);
    mcb_region_end();
    mcb_region_begin("copy");
    for (int i = 1; i < 8; i++) {
        records[i] = records[i - 1];
        records[i].a += i;
    }
    mcb_region_end();
    int32_t acc = 0;
    for (int i = 0; i < 64; i++) {
        acc += dispatch(i & 7, acc + i);
        acc += (int32_t)input[i] / ((i & 15) + 1);
        acc += (uint32_t)acc % (uint32_t)(i + 3);
    }
    acc += fib(12);
    acc += (int32_t)dot(16);
    sink = acc;
    return (int)(acc & 0x3F);
}
