/*
 * mcubench.h: what firmware needs to talk to the mcubench simulator, and nothing more.
 *
 * Region markers: mcb_region_begin("name") / mcb_region_end() bracket a span whose cycles, energy and
 * memory traffic mcubench reports separately. Regions may nest. The marker is one store of the name's
 * address to MCB_MARKER_ADDR; on Cortex-M that is ITM stimulus port 31, which silicon ignores while the
 * ITM is disabled, so marked firmware runs unchanged on a real chip.
 *
 * Console and exit use semihosting (Arm: BKPT 0xAB; RISC-V: the slli/ebreak/srai sequence), which the
 * simulator services; on a chip without a debugger attached they would trap, so keep them for benchmarks.
 */
#ifndef MCUBENCH_H
#define MCUBENCH_H

#include <stdint.h>

#ifndef MCB_MARKER_ADDR
#if defined(__arm__)
#define MCB_MARKER_ADDR 0xE000007Cu /* ITM_STIM31, ARMv7-M ARM (DDI 0403E) C1.7.2 */
#else
#define MCB_MARKER_ADDR 0x600FFFFCu /* the default RV32 device's marker word (esp32-c3.toml) */
#endif
#endif

static inline void mcb_region_begin(const char *name)
{
    *(volatile uint32_t *)MCB_MARKER_ADDR = (uint32_t)(uintptr_t)name;
}

static inline void mcb_region_end(void)
{
    *(volatile uint32_t *)MCB_MARKER_ADDR = 0u;
}

/* Semihosting operation numbers: "Semihosting for AArch32 and AArch64" (Arm, 2022), section 6. */
#define MCB_SYS_WRITEC 0x03u
#define MCB_SYS_WRITE0 0x04u
#define MCB_SYS_WRITE 0x05u
#define MCB_SYS_EXIT 0x18u
#define MCB_SYS_EXIT_EXTENDED 0x20u
#define MCB_ADP_STOPPED_APPLICATION_EXIT 0x20026u

static inline uint32_t mcb_semihost(uint32_t op, const void *arg)
{
#if defined(__arm__)
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
#elif defined(__riscv)
    register uint32_t a0 __asm__("a0") = op;
    register const void *a1 __asm__("a1") = arg;
    /* The RISC-V semihosting trap: these three uncompressed instructions, in this order. */
    __asm__ volatile(
        ".option push\n"
        ".option norvc\n"
        ".balign 4\n"
        "slli x0, x0, 0x1f\n"
        "ebreak\n"
        "srai x0, x0, 7\n"
        ".option pop\n"
        : "+r"(a0)
        : "r"(a1)
        : "memory");
    return a0;
#else
#error "mcubench.h: unsupported architecture"
#endif
}

static inline void mcb_write0(const char *text)
{
    mcb_semihost(MCB_SYS_WRITE0, text);
}

static inline void mcb_writec(char c)
{
    mcb_semihost(MCB_SYS_WRITEC, &c);
}

/* Ends the simulation with an exit status (0 = success). */
static inline __attribute__((noreturn)) void mcb_exit(int status)
{
    const uint32_t block[2] = {MCB_ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    mcb_semihost(MCB_SYS_EXIT_EXTENDED, block);
    for (;;) {
    }
}

#endif
