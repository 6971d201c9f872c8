/*
 * The native tracer when memory runs out: every failure is reported (tracer_error() == TRACER_OUT_OF_MEMORY,
 * the run stopped) instead of counts silently dropped, and set-up failures leave nothing allocated.
 * Built by tests/test_tracer_contract.py with the tracer's sources and an allocator that fails on demand.
 * Prints one line per check and "ok" at the end; exits non-zero on the first failed check.
 */
#include <stdio.h>
#include <stdlib.h>

static long live, fail_at = -1, calls;

static int fails(void) { return fail_at >= 0 && calls++ >= fail_at; }
void *t_malloc(size_t n) { if (fails()) return NULL; void *p = malloc(n); live += p != NULL; return p; }
void *t_calloc(size_t n, size_t s) { if (fails()) return NULL; void *p = calloc(n, s); live += p != NULL; return p; }
void *t_realloc(void *q, size_t n) { if (fails()) return NULL; void *p = realloc(q, n); live += q == NULL && p != NULL; return p; }
void t_free(void *p) { live -= p != NULL; free(p); }

#define malloc t_malloc
#define calloc t_calloc
#define realloc t_realloc
#define free t_free
#include "tracer_tables.c"
#include "tracer_cache.c"
#include "tracer_regions.c"
#include "tracer_hooks.c"
#include "tracer_api.c"
#undef malloc
#undef calloc
#undef realloc
#undef free

static int stopped;
static int reg_read(uc_engine *uc, int reg, void *v) { (void)uc, (void)reg; *(uint64_t *)v = 0x20001000u; return 0; }
static int mem_read(uc_engine *uc, uint64_t a, void *buf, uint64_t n) { (void)uc, (void)a; memset(buf, 0, n); return 0; }
static int emu_stop(uc_engine *uc) { (void)uc; stopped = 1; return 0; }

#define CHECK(what, cond) do { if (!(cond)) { printf("FAILED: %s\n", what); return 1; } printf("ok: %s\n", what); } while (0)

static tracer_t *new_tracer(void)
{
    return tracer_new(NULL, (void *)reg_read, (void *)mem_read, (void *)emu_stop, TRACER_ISA_THUMB, 13, 14, 15, 0);
}

int main(void)
{
    /* tracer_new: whichever allocation fails, NULL and nothing left allocated */
    for (long k = 0; k < 6; k++) {
        live = 0, calls = 0, fail_at = k;
        tracer_t *t = new_tracer();
        fail_at = -1;
        if (t) {
            tracer_free(t);
            continue;
        }
        CHECK("tracer_new fails whole", live == 0);
    }

    /* tracer_add_cache: a failed allocation leaves no half-built cache behind */
    live = 0, calls = 0;
    tracer_t *t = new_tracer();
    uint32_t ranges[2] = {0x08000000u, 0x08100000u};
    calls = 0, fail_at = 1; /* tags succeed, stamps fail */
    CHECK("tracer_add_cache refuses", tracer_add_cache(t, 32, 64, 2, CACHE_FLAG_FETCH, 1, ranges) == -1);
    fail_at = -1;
    CHECK("no cache counted", t->ncaches == 0);
    tracer_free(t);
    CHECK("tracer_add_cache leaks nothing", live == 0);

    /* a region entered with no memory left: the run stops with TRACER_OUT_OF_MEMORY */
    t = new_tracer();
    tracer_add_area(t, 0x20000000u, 0x20010000u, 1);
    tracer_add_function(t, 0x100);
    CHECK("tracer_reset", tracer_reset(t, UINT64_MAX) == 0);
    stopped = 0, calls = 0, fail_at = 0;
    tracer_block_hook(NULL, 0x100, 8, t);
    fail_at = -1;
    CHECK("out of memory in a region entry is reported", tracer_error(t) == TRACER_OUT_OF_MEMORY && stopped);

    /* a division's histogram that cannot be allocated */
    CHECK("tracer_reset again", tracer_reset(t, UINT64_MAX) == 0 && tracer_error(t) == TRACER_OK);
    div_site_t *site = tracer_add_div_site(t, 0x200, 0, 1, 0, 1);
    stopped = 0, calls = 0, fail_at = 0;
    tracer_div_hook(NULL, 0x200, 4, site);
    fail_at = -1;
    CHECK("out of memory in a division hook is reported", tracer_error(t) == TRACER_OUT_OF_MEMORY && stopped);

    /* a new block that cannot be decoded for lack of memory (larger than the stack buffer) */
    CHECK("tracer_reset once more", tracer_reset(t, UINT64_MAX) == 0);
    stopped = 0, calls = 0, fail_at = 0;
    tracer_block_hook(NULL, 0x400, 8192, t);
    fail_at = -1;
    CHECK("out of memory decoding a block is reported", tracer_error(t) == TRACER_OUT_OF_MEMORY && stopped);

    /* tracer_reset with no memory for the root context: refused, and freeing still works */
    calls = 0, fail_at = 0;
    CHECK("tracer_reset refuses", tracer_reset(t, UINT64_MAX) == -1);
    fail_at = -1;
    tracer_free(t);
    CHECK("everything freed", live == 0);
    printf("ok\n");
    return 0;
}
