/* hello.c: every console path of mcubench.h semihosting, then a chosen exit status. */
#include "mcubench.h"

int main(void)
{
    static const char text[] = "written\n";
    const uint32_t block[3] = {1u /* stdout */, (uint32_t)(uintptr_t)text, sizeof(text) - 1};
    mcb_write0("hello, ");
    mcb_writec('w');
    mcb_writec('\n');
    mcb_semihost(MCB_SYS_WRITE, block);
    return 7;
}
