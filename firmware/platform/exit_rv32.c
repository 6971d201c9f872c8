/* The RV32 start-up calls this with main's return value: C, so it can use mcubench.h's inline trap. */
#include "mcubench.h"

__attribute__((noreturn, used)) void mcb_exit_status(int status)
{
    mcb_exit(status);
}
