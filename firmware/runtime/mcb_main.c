/*
 * The inference harness: the simulator writes mcb_input before the run and reads the output buffer after
 * it, so one ELF serves any number of inferences. The start-up code passes main's status to the exit call.
 */
#include "mcb_model.h"

int main(void)
{
    mcb_region_begin("inference");
    mcb_model_invoke();
    mcb_region_end();
    return 0;
}
