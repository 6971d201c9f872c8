/*
 * The C library's system calls for firmware built with `mcubench platform` or `mcubench build` of C/C++
 * sources: newlib or newlib-nano (Arm) and picolibc (RV32), over the semihosting that mcubench.h uses.
 *
 * - Console: stdout and stderr go to the semihosting console (handles 1 and 2, open from reset on
 *   mcubench's semihosting); stdin reads from handle 0.
 * - Heap: sbrk hands out RAM from `end` (newlib) or `__heap_start` (picolibc, its own sbrk) up to
 *   `__heap_end`, both from the linker script; beyond that malloc returns NULL (errno ENOMEM).
 * - Exit: exit() and a return from main() end the run through _exit, with the status.
 * - Files: none here (open() fails with ENOSYS). For semihosted file access, link newlib's rdimon
 *   (--specs=rdimon.specs): its definitions replace these, which are all weak.
 *
 * The constructor tables (C++ static constructors, __attribute__((constructor))) are run by
 * mcb_run_constructors, which the platform start-up code calls before main().
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "mcubench.h"

#define MCB_SYS_READ 0x06u

typedef void (*mcb_init_fn)(void);
extern const mcb_init_fn __preinit_array_start[], __preinit_array_end[];
extern const mcb_init_fn __init_array_start[], __init_array_end[];

void mcb_run_constructors(void)
{
    for (const mcb_init_fn *f = __preinit_array_start; f < __preinit_array_end; ++f) {
        (*f)();
    }
    for (const mcb_init_fn *f = __init_array_start; f < __init_array_end; ++f) {
        (*f)();
    }
}

__attribute__((weak, noreturn)) void _exit(int status)
{
    mcb_exit(status);
}

#if defined(__PICOLIBC__)
/* picolibc: its stdio writes through a FILE of ours; its sbrk and malloc are its own. */
#include <stdio.h>

static int mcb_putc(char c, FILE *file)
{
    (void)file;
    mcb_writec(c);
    return (unsigned char)c;
}

static FILE mcb_console = FDEV_SETUP_STREAM(mcb_putc, NULL, NULL, _FDEV_SETUP_WRITE);
__attribute__((weak)) FILE *const stdout = &mcb_console;
__attribute__((weak)) FILE *const stderr = &mcb_console;
__attribute__((weak)) FILE *const stdin = NULL;

#else
/* newlib and newlib-nano: the reentrant library calls these. */
#include <sys/stat.h>

extern char end[];        /* the first byte after .bss: the heap starts here */
extern char __heap_end[]; /* and may grow up to here */

/* A C++ object with a destructor registers it with __cxa_atexit against this handle (crtbegin.o, which
 * -nostartfiles leaves out, normally defines it). */
__attribute__((weak)) void *__dso_handle = &__dso_handle;

__attribute__((weak)) void *_sbrk(ptrdiff_t increment)
{
    static char *brk = end;
    char *previous = brk;
    if (increment > __heap_end - brk || increment < end - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    brk += increment;
    return previous;
}

__attribute__((weak)) int _write(int fd, const char *buf, int len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    const uint32_t block[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    return len - (int)mcb_semihost(MCB_SYS_WRITE, block); /* the call returns the bytes not written */
}

__attribute__((weak)) int _read(int fd, char *buf, int len)
{
    if (fd != 0) {
        errno = EBADF;
        return -1;
    }
    const uint32_t block[3] = {0u, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    return len - (int)mcb_semihost(MCB_SYS_READ, block); /* the call returns the bytes not read */
}

__attribute__((weak)) int _open(const char *path, int flags, ...)
{
    (void)path;
    (void)flags;
    errno = ENOSYS;
    return -1;
}

__attribute__((weak)) int _close(int fd)
{
    if (fd >= 0 && fd <= 2) {
        return 0;
    }
    errno = EBADF;
    return -1;
}

__attribute__((weak)) int _lseek(int fd, int offset, int whence)
{
    (void)fd;
    (void)offset;
    (void)whence;
    errno = ESPIPE; /* the console is not seekable */
    return -1;
}

__attribute__((weak)) int _fstat(int fd, struct stat *st)
{
    if (fd < 0 || fd > 2) {
        errno = EBADF;
        return -1;
    }
    st->st_mode = S_IFCHR; /* a terminal: newlib line-buffers stdout */
    return 0;
}

__attribute__((weak)) int _isatty(int fd)
{
    return fd >= 0 && fd <= 2;
}

__attribute__((weak)) int _getpid(void)
{
    return 1;
}

__attribute__((weak)) int _kill(int pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = EINVAL;
    return -1;
}
#endif
