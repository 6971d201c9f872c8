/*
 * mcb_model.h: what generated model code includes. Layer markers become no-ops in a host build
 * (MCB_HOST), where the same C is compiled with the host compiler to check numerics quickly.
 */
#ifndef MCB_MODEL_H
#define MCB_MODEL_H

#include <stdint.h>

#include "mcb_kernels.h"
#include "mcb_kernels_f32.h"
#include "mcb_kernels_s16.h"

#ifdef MCB_HOST
#define MCB_LAYER_BEGIN(name) ((void)0)
#define MCB_LAYER_END() ((void)0)
#else
#include "mcubench.h"
#define MCB_LAYER_BEGIN(name) mcb_region_begin(name)
#define MCB_LAYER_END() mcb_region_end()
#endif

extern int8_t mcb_input[];
extern int8_t *const mcb_output;
extern const uint32_t mcb_output_bytes;
extern const uint32_t mcb_input_bytes;
void mcb_model_invoke(void);

#endif
