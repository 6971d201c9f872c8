/* Filters a noisy square wave with a 16-tap low-pass FIR and prints a checksum of the output. */
#include <stdio.h>
#include <stdlib.h>

#include "fir.h"
#include "mcubench.h"

#define TAPS 16
#define SAMPLES 256

/* Hamming-windowed sinc, cut-off at 0.05 of the sample rate, Q15. */
static const int16_t coeffs[TAPS] = {112, 243, 618, 1293, 2217, 3225, 4089, 4587,
                                     4587, 4089, 3225, 2217, 1293, 618, 243, 112};

int main(void)
{
    int16_t *in = malloc(SAMPLES * sizeof *in);
    int16_t *out = malloc(SAMPLES * sizeof *out);
    if (in == NULL || out == NULL) {
        return 1;
    }
    uint32_t seed = 1;
    for (int i = 0; i < SAMPLES; ++i) {
        seed = seed * 1664525u + 1013904223u; /* a linear congruential generator: repeatable noise */
        int noise = (int)((seed >> 16) & 0x0FFF) - 0x800;
        in[i] = (int16_t)(((i / 16) % 2 ? 8000 : -8000) + noise);
    }

    int16_t history[TAPS];
    fir_q15 filter;
    fir_q15_init(&filter, coeffs, TAPS, history);
    mcb_region_begin("fir"); /* mcubench reports this span on its own */
    fir_q15_run(&filter, in, out, SAMPLES);
    mcb_region_end();

    uint32_t checksum = 0;
    for (int i = 0; i < SAMPLES; ++i) {
        checksum = checksum * 31u + (uint16_t)out[i];
    }
    printf("fir: %d taps, %d samples, checksum %08lx\n", TAPS, SAMPLES, (unsigned long)checksum);
    printf("out[40..47]:");
    for (int i = 40; i < 48; ++i) {
        printf(" %d", out[i]);
    }
    printf("\n");
    free(in);
    free(out);
    return 0;
}
