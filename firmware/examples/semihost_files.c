/*
 * semihost_files.c: the file operations of semihosting called directly (no C library), so the same
 * program checks the Arm BKPT and the RISC-V slli/ebreak/srai traps. Reads input.bin from the --files
 * directory, tries /etc/passwd, prints what it saw, exits with the number of checks that failed.
 * -DASK_SYSTEM instead asks the host to run a command (SYS_SYSTEM), which mcubench refuses.
 */
#include <stdint.h>

#include "mcubench.h"

#define SYS_OPEN 0x01u
#define SYS_CLOSE 0x02u
#define SYS_READ 0x06u
#define SYS_SEEK 0x0Au
#define SYS_FLEN 0x0Cu
#define SYS_SYSTEM 0x12u
#define SYS_ERRNO 0x13u
#define SYS_ELAPSED 0x30u
#define SYS_TICKFREQ 0x31u

static uint32_t call(uint32_t op, const uint32_t *block)
{
    return mcb_semihost(op, block);
}

static uint32_t length(const char *s)
{
    uint32_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static void put_number(const char *label, uint32_t value)
{
    char text[12];
    int i = sizeof text - 1;
    text[i] = '\0';
    do {
        text[--i] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    mcb_write0(label);
    mcb_write0(&text[i]);
    mcb_write0("\n");
}

static int32_t open_file(const char *name, uint32_t mode)
{
    uint32_t block[3] = {(uint32_t)(uintptr_t)name, mode, length(name)};
    return (int32_t)call(SYS_OPEN, block);
}

__attribute__((noinline)) void ask_host_to_run(void)
{
    static const char command[] = "cat /etc/passwd";
    uint32_t block[2] = {(uint32_t)(uintptr_t)command, sizeof command - 1};
    call(SYS_SYSTEM, block);
}

int main(void)
{
#if defined(ASK_SYSTEM)
    ask_host_to_run();
#endif
    int failed = 0;
    int32_t h = open_file("input.bin", 1 /* rb */);
    if (h < 0) {
        put_number("input.bin: errno ", call(SYS_ERRNO, 0));
        return 100;
    }
    uint32_t handle[1] = {(uint32_t)h};
    put_number("flen ", call(SYS_FLEN, handle));
    uint32_t seek[2] = {(uint32_t)h, 3};
    failed += call(SYS_SEEK, seek) != 0;
    char buf[8] = {0};
    uint32_t read[3] = {(uint32_t)h, (uint32_t)(uintptr_t)buf, 4};
    failed += call(SYS_READ, read) != 0; /* all 4 bytes read */
    mcb_write0("read ");
    mcb_write0(buf);
    mcb_write0("\n");
    uint32_t tail[3] = {(uint32_t)h, (uint32_t)(uintptr_t)buf, 8};
    put_number("not read at end ", call(SYS_READ, tail)); /* 3 bytes left of 10: 5 not read */
    failed += call(SYS_CLOSE, handle) != 0;
    failed += (int32_t)call(SYS_CLOSE, handle) != -1; /* closed twice */

    int32_t p = open_file("/etc/passwd", 0 /* r */);
    put_number("passwd handle is -1: ", p == -1);
    put_number("passwd errno ", call(SYS_ERRNO, 0));

    uint32_t ticks[2] = {0, 0};
    failed += call(SYS_ELAPSED, ticks) != 0;
    put_number("ticks > 0: ", ticks[0] > 0);
    put_number("tick Hz ", call(SYS_TICKFREQ, 0));
    return failed;
}
