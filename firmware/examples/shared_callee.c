/* One function called from two marked regions, both inside an outer one: the function's region must be
 * reported inside the outer region (the innermost region around every call), not inside whichever
 * region called it first. */
#include "mcubench.h"

volatile int sink;

__attribute__((noinline)) void shared_work(int n)
{
    for (int i = 0; i < n; i++) {
        sink += i;
    }
}

int main(void)
{
    mcb_region_begin("outer");
    mcb_region_begin("first");
    shared_work(10);
    mcb_region_end();
    mcb_region_begin("second");
    shared_work(20);
    mcb_region_end();
    mcb_region_end();
    return 0;
}
