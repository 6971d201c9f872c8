/* hot_data.c: a fully connected layer as an int8 network runs it. Activations and accumulators are
   ordinary .bss (the device's [placement] data area decides where they live); the weights are constants in
   flash, twice the size of a 16 KB data cache, so their lines miss on every pass while the activations
   stay cached. Moving the activations to a faster memory must not make this slower. */
#include <stdint.h>

#define N_IN 256
#define N_OUT 128
#define PASSES 3

static const int8_t weights[N_OUT * N_IN] = {1, -2, 3};
int8_t input[N_IN];
int32_t acc[N_OUT];

__attribute__((noinline)) void layer(void)
{
    for (int o = 0; o < N_OUT; o++) {
        int32_t sum = acc[o];
        const int8_t *w = &weights[o * N_IN];
        for (int i = 0; i < N_IN; i++) {
            sum += input[i] * w[i];
        }
        acc[o] = sum;
    }
}

int main(void)
{
    for (int i = 0; i < N_IN; i++) {
        input[i] = (int8_t)(i * 7);
    }
    for (int p = 0; p < PASSES; p++) {
        layer();
    }
    return acc[0] == 3 * (0 * 1 + 7 * -2 + 14 * 3) ? 0 : 1;
}
