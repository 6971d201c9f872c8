/*
 * Host harness (numerics checks only): reads input records from stdin, one inference each, writes the
 * outputs to stdout. Built with the host compiler and -DMCB_HOST.
 */
#include <stdio.h>

#include "mcb_model.h"

int main(void)
{
    while (fread(mcb_input, 1, mcb_input_bytes, stdin) == mcb_input_bytes) {
        mcb_model_invoke();
        if (fwrite(mcb_output, 1, mcb_output_bytes, stdout) != mcb_output_bytes) {
            return 1;
        }
    }
    return 0;
}
