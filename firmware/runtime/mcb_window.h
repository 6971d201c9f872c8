/*
 * mcb_window.h: the part of a sliding window (convolution, depthwise convolution, pooling) that falls
 * inside the input, shared by the kernels of every type.
 */
#ifndef MCB_WINDOW_H
#define MCB_WINDOW_H

#include <stdint.h>

#include "mcb_kernels.h"

/* The taps of a convolution window that fall inside the input: [k0, k1) along one axis. */
static inline void mcb_clip_taps(int32_t origin, int32_t k, int32_t dilation, int32_t size, int32_t *k0, int32_t *k1)
{
    int32_t lo = 0, hi = k;
    while (lo < hi && origin + dilation * lo < 0) {
        ++lo;
    }
    while (hi > lo && origin + dilation * (hi - 1) >= size) {
        --hi;
    }
    *k0 = lo;
    *k1 = hi;
}

/* The window of pooling output cell (oy, ox), clipped to the input (TFLite counts only the cells inside):
 * rows [*ky0, *ky1) and columns [*kx0, *kx1) from the corner (*y0, *x0). The float kernels have the same
 * function for their own parameter struct (mcb_pool_f32_params). */
static inline void mcb_pool_window(const mcb_pool_params *p, int32_t oy, int32_t ox, int32_t *ky0, int32_t *ky1,
                                   int32_t *kx0, int32_t *kx1, int32_t *y0, int32_t *x0)
{
    *y0 = oy * p->stride_h - p->pad_top;
    *x0 = ox * p->stride_w - p->pad_left;
    *ky0 = *y0 < 0 ? -*y0 : 0;
    *kx0 = *x0 < 0 ? -*x0 : 0;
    *ky1 = p->in_h - *y0 < p->k_h ? p->in_h - *y0 : p->k_h;
    *kx1 = p->in_w - *x0 < p->k_w ? p->in_w - *x0 : p->k_w;
}

#endif
