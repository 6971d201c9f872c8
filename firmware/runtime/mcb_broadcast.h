/*
 * mcb_broadcast.h: the loop of the element-wise binary kernels (ADD, MUL) of every type over a 4-D output
 * whose two inputs may be broadcast (mcb_broadcast in mcb_kernels.h).
 */
#ifndef MCB_BROADCAST_H
#define MCB_BROADCAST_H

#include "mcb_kernels.h"

/* Runs BODY for every output element o_ with the matching flat indices i1_, i2_ of both inputs. */
#define MCB_BROADCAST_LOOP(bc, BODY)                                                                         \
    do {                                                                                                     \
        if ((bc)->flat) {                                                                                    \
            const int32_t n_ = (bc)->out_dims[0] * (bc)->out_dims[1] * (bc)->out_dims[2] * (bc)->out_dims[3]; \
            for (int32_t o_ = 0; o_ < n_; ++o_) {                                                            \
                const int32_t i1_ = o_, i2_ = o_;                                                            \
                BODY                                                                                         \
            }                                                                                                \
        } else {                                                                                             \
            int32_t o_ = 0;                                                                                  \
            for (int32_t d0 = 0; d0 < (bc)->out_dims[0]; ++d0)                                               \
                for (int32_t d1 = 0; d1 < (bc)->out_dims[1]; ++d1)                                           \
                    for (int32_t d2 = 0; d2 < (bc)->out_dims[2]; ++d2)                                       \
                        for (int32_t d3 = 0; d3 < (bc)->out_dims[3]; ++d3, ++o_) {                           \
                            const int32_t i1_ = d0 * (bc)->in1_strides[0] + d1 * (bc)->in1_strides[1] +      \
                                                d2 * (bc)->in1_strides[2] + d3 * (bc)->in1_strides[3];       \
                            const int32_t i2_ = d0 * (bc)->in2_strides[0] + d1 * (bc)->in2_strides[1] +      \
                                                d2 * (bc)->in2_strides[2] + d3 * (bc)->in2_strides[3];       \
                            BODY                                                                             \
                        }                                                                                    \
        }                                                                                                    \
    } while (0)

#endif
