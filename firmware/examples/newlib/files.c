/*
 * newlib's rdimon semihosting from a program's point of view: stdio on the console, files in the host
 * directory mcubench is given (--files), errno for what the host refuses, the command line, the clock,
 * binary console output and an exit status.
 *
 * Prints lines the tests check; exits with status 3 after its work.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern void initialise_monitor_handles(void);

static void try_open(const char *path, const char *mode)
{
    errno = 0;
    FILE *f = fopen(path, mode);
    if (f) {
        char first[16] = {0};
        size_t n = fread(first, 1, sizeof first - 1, f);
        printf("open %s %s: OPENED, %u bytes: %s\n", path, mode, (unsigned)n, first);
        fclose(f);
    } else {
        printf("open %s %s: errno %d\n", path, mode, errno);
    }
}

int main(int argc, char **argv)
{
    initialise_monitor_handles();
    printf("argc %d argv0 %s\n", argc, argc > 0 ? argv[0] : "-");

    FILE *in = fopen("input.bin", "rb");
    if (!in) {
        printf("input.bin: errno %d\n", errno);
        return 1;
    }
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    fseek(in, 2, SEEK_SET);
    unsigned char buf[64];
    size_t got = fread(buf, 1, sizeof buf, in);
    unsigned sum = 0;
    for (size_t i = 0; i < got; i++) {
        sum += buf[i];
    }
    printf("input.bin: %ld bytes, read %u from offset 2, sum %u\n", size, (unsigned)got, sum);
    fclose(in);

    try_open("/etc/passwd", "r");
    try_open("../outside.txt", "r");
    try_open("link-out", "r");
    try_open("missing.txt", "r");

    errno = 0;
    FILE *out = fopen("written.txt", "w");
    if (out) {
        fprintf(out, "written by firmware, input sum %u\n", sum);
        fclose(out);
        printf("write written.txt: ok\n");
    } else {
        printf("write written.txt: errno %d\n", errno);
    }

    clock_t ticks = clock();
    printf("clock %s\n", ticks >= 0 ? "ok" : "failed");

    fflush(stdout);
    static const unsigned char binary[] = {0x00, 0xff, 0x80, 0x0a, 0xc3, 0x28};
    fwrite(binary, 1, sizeof binary, stdout);
    fflush(stdout);
    fprintf(stderr, "\nto stderr\n");
    return 3;
}
