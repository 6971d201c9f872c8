/* A direct-form FIR filter on Q15 samples (the worked example of docs/firmware.md). */
#ifndef FIR_H
#define FIR_H

#include <stdint.h>

typedef struct {
    const int16_t *coeffs; /* Q15 */
    int taps;
    int16_t *history; /* the last `taps` input samples, newest first */
} fir_q15;

void fir_q15_init(fir_q15 *filter, const int16_t *coeffs, int taps, int16_t *history);
void fir_q15_run(fir_q15 *filter, const int16_t *in, int16_t *out, int n);

#endif
