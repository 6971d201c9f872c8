/*
 * The four memory functions GCC may call on its own (for struct copies and zeroing), so firmware links
 * without a C library on every target. Word-at-a-time when both pointers allow it.
 */
/* Keep GCC from turning these very loops back into calls to themselves. */
#pragma GCC optimize("no-tree-loop-distribute-patterns")

#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 3u) == 0) {
        for (; n >= 4; n -= 4, d += 4, s += 4) {
            *(uint32_t *)d = *(const uint32_t *)s;
        }
    }
    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d <= s || d >= s + n) {
        return memcpy(dst, src, n);
    }
    while (n--) {
        d[n] = s[n];
    }
    return dst;
}

void *memset(void *dst, int value, size_t n)
{
    uint8_t *d = dst;
    uint32_t word = (uint8_t)value * 0x01010101u;
    while (n && ((uintptr_t)d & 3u)) {
        *d++ = (uint8_t)value;
        --n;
    }
    for (; n >= 4; n -= 4, d += 4) {
        *(uint32_t *)d = word;
    }
    while (n--) {
        *d++ = (uint8_t)value;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; ++i) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}
