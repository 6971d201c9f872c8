#include "fir.h"

void fir_q15_init(fir_q15 *filter, const int16_t *coeffs, int taps, int16_t *history)
{
    filter->coeffs = coeffs;
    filter->taps = taps;
    filter->history = history;
    for (int k = 0; k < taps; ++k) {
        history[k] = 0;
    }
}

void fir_q15_run(fir_q15 *filter, const int16_t *in, int16_t *out, int n)
{
    for (int i = 0; i < n; ++i) {
        for (int k = filter->taps - 1; k > 0; --k) {
            filter->history[k] = filter->history[k - 1];
        }
        filter->history[0] = in[i];
        /* The coefficients sum to 1.0 in Q15 and are positive: the sum stays within 32 bits. */
        int32_t acc = 1 << 14; /* round to nearest */
        for (int k = 0; k < filter->taps; ++k) {
            acc += (int32_t)filter->coeffs[k] * filter->history[k];
        }
        acc >>= 15;
        out[i] = (int16_t)(acc > 32767 ? 32767 : acc < -32768 ? -32768 : acc);
    }
}
