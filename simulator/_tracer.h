/*
 * _tracer.h: the native tracer's parts (tracer_tables.c, tracer_cache.c, tracer_regions.c, tracer_hooks.c,
 * tracer_api.c, all compiled into the one library simulator/_tracer*.so) and its contract with Python.
 *
 * Python registers the hooks with uc_hook_add / uc_mmio_map through unicorn's own ctypes handle, so this
 * library does not link libunicorn: it receives the few Unicorn functions it calls (uc_reg_read,
 * uc_mem_read, uc_emu_stop, uc_reg_write) as pointers at creation. Python reads the counters after a run
 * and does everything else (naming, roll-ups) with numpy.
 *
 * Counters are kept per "context": a node of the region tree (root = no region; a child per region
 * entered from its parent), so each counter belongs to the innermost region and Python can roll them up
 * to inclusive figures for any region exactly, nesting and recursion included.
 *
 * THE CONTRACT: the enums marked "mirrored" below are repeated by name and value in simulator/native.py;
 * tests/test_tracer_contract.py reads this file and fails when the two differ, and native.library()
 * compares the counter counts with tracer_layout() when it loads the library.
 */
#ifndef MCB_TRACER_H
#define MCB_TRACER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef void uc_engine;
typedef int (*reg_read_fn)(uc_engine *, int, void *);
typedef int (*mem_read_fn)(uc_engine *, uint64_t, void *, uint64_t);
typedef int (*emu_stop_fn)(uc_engine *);
typedef int (*reg_write_fn)(uc_engine *, int, const void *);

/* mirrored: the ISA argument of tracer_new (native.ISA_CODES) */
enum tracer_isa { TRACER_ISA_THUMB = 0, TRACER_ISA_RV32 = 1 };

/* mirrored: tracer_error(), why the tracer stopped a run (native.TRACER_ERRORS) */
enum tracer_error {
    TRACER_OK = 0,
    TRACER_REGIONS_TOO_DEEP = 1,   /* region stack or region names full */
    TRACER_END_WITHOUT_BEGIN = 2,  /* a region end marker with no region open */
    TRACER_OUT_OF_MEMORY = 3,      /* an allocation failed: the counts would be incomplete */
};

/* mirrored: the flags argument of tracer_add_cache (native.CACHE_FLAGS) */
enum tracer_cache_flag { CACHE_FLAG_FETCH = 1, CACHE_FLAG_READ = 2, CACHE_FLAG_WRITE = 4, CACHE_FLAG_WRITE_ALLOCATE = 8 };

/* mirrored: memory accesses per context and area (native.MEMORY_COUNTERS, the fields of AccessCounts) */
enum mem_counter { M_READS, M_WRITES, M_READ_BYTES, M_WRITE_BYTES, M_NCOUNTERS };
/* mirrored: hits and misses per context and cache (native.CACHE_COUNTERS, the fields of CacheCounts) */
enum cache_counter { C_READ_HITS, C_READ_MISSES, C_WRITE_HITS, C_WRITE_MISSES, C_FETCH_HITS, C_FETCH_MISSES,
                     C_NCOUNTERS };
/* mirrored: per context, cache and memory area of the missed line: a miss belongs to the memory that has to
   fill it (native.CACHE_AREA_COUNTERS, the fields of CacheAreaCounts) */
enum cache_area_counter { A_READ_MISSES, A_WRITE_MISSES, A_FETCH_MISSES, A_LINE_FILLS, A_NCOUNTERS };
/* mirrored: bins of the divide-operand histogram per site (native.DIVISION_BIN_CODES): bin k < 32 counts
   divisions whose dividend has k more significant bits than their divisor (magnitudes), DIV_BIN_SHORTER
   those whose dividend has fewer, DIV_BIN_ZERO those with a zero operand: the cases of the Cortex-M4's
   measured divide latency (cost_models/cortex_m4.py) */
enum { DIV_BIN_SHORTER = 32, DIV_BIN_ZERO = 33, HIST_BINS = 34 };

enum { FRAME_MARK = 0, FRAME_FUNC = 1 };

#define MAX_AREAS 32
#define MAX_CACHES 8
#define MAX_CACHE_RANGES 8
#define MAX_FRAMES 512
#define MAX_FUNCS 256
#define MAX_MARKS 1024
#define NO_FUNC 0xFFFFFFFFu
#define NO_TARGET 0xFFFFFFFFu /* never a block address: blocks start at even addresses */

typedef struct {
    uint32_t addr, size, ninsn, ctx;
    uint32_t func; /* function region index whose entry this block is, or NO_FUNC */
    uint32_t next; /* index + 1 of the block that followed last time: a guess that saves the hash lookup */
    uint32_t idle; /* the block is an idle loop: it branches to itself doing nothing else (see idle_loop) */
    uint32_t last_target; /* where its final branch went when last taken, NO_TARGET before the first time */
    uint64_t count, fallthrough;
    /* Taken exits whose target differs from the previous taken exit's (the first one counts): what a branch
       target cache that remembers each branch's last target mispredicts. */
    uint64_t target_changes;
} block_t;

typedef struct {
    uint32_t parent, region;
    uint64_t *mem;        /* [area][M_NCOUNTERS] */
    uint64_t *cache;      /* [cache][C_NCOUNTERS] */
    uint64_t *cache_area; /* [cache][area][A_NCOUNTERS], area of the missed line */
    uint64_t *div;   /* [site][HIST_BINS], allocated on first division */
    uint64_t *cond;  /* [conditional-load site] executions, allocated on first use */
} context_t;

typedef struct {
    uint32_t kind, region, ctx_before, ret, sp;
} frame_t;

typedef struct {
    uint32_t line_shift, set_mask, ways, nranges;
    uint32_t fetch, read, write, write_allocate;
    uint32_t base[MAX_CACHE_RANGES], end[MAX_CACHE_RANGES];
    uint32_t *tags;   /* [set][way], line number + 1; 0 = invalid */
    uint64_t *stamps; /* [set][way], last use, for LRU */
    uint64_t clock;
} cache_t;

struct tracer;

typedef struct {
    struct tracer *t;
    uint32_t index, addr, reg_dividend, reg_divisor, is_signed;
} div_site_t;

typedef struct {
    struct tracer *t;
    uint32_t index;
} cond_site_t;

typedef struct tracer {
    uc_engine *uc;
    reg_read_fn reg_read;
    mem_read_fn mem_read;
    emu_stop_fn emu_stop;
    reg_write_fn reg_write;
    uint32_t isa, reg_sp, reg_ret, reg_pc, reg_xpsr;

    /* blocks: open-addressing hash of (addr, size, ctx) -> index into blocks[] */
    block_t *blocks;
    uint32_t nblocks, blocks_cap;
    uint32_t *table; /* index + 1; 0 = empty */
    uint32_t table_mask;
    int64_t prev; /* block executed last, for fall-through counts */

    uint64_t icount, budget;
    int budget_hit;
    uint32_t parked_pc; /* the idle loop the firmware reached, 0 = none */
    uint64_t parked_icount;

    /* the heap break: sbrk() is watched at its entry (increment, return address) and at its return */
    uint32_t reg_arg0;
    uint32_t sbrk_ret, sbrk_sp; /* pending call: where it returns to (1 = none pending) */
    int32_t sbrk_incr;
    uint32_t heap_base, heap_top; /* first break seen, highest break reached; heap_base 0 = no call yet */
    uint64_t sbrk_calls;

    /* contexts and the region stack */
    context_t *ctxs;
    uint32_t nctx, ctx_cap, ctx;
    uint32_t *ctx_table; /* hash of (parent, region) -> ctx + 1 */
    uint32_t ctx_table_mask;
    frame_t frames[MAX_FRAMES];
    uint32_t nframes;
    int error; /* enum tracer_error: why the tracer stopped the run, TRACER_OK if it did not */

    /* regions: function entries first (ids 0..nfuncs-1), then marker names in order of appearance */
    uint32_t nfuncs;
    uint32_t func_addr[MAX_FUNCS];
    uint32_t nmarks;
    uint32_t mark_addr[MAX_MARKS];
    uint64_t *calls; /* per region id */

    /* memory areas, for classifying data accesses */
    uint32_t nareas;
    uint32_t area_base[MAX_AREAS], area_end[MAX_AREAS];
    uint32_t last_area;

    /* written RAM */
    uint32_t nram;
    uint32_t ram_base[MAX_AREAS], ram_end[MAX_AREAS];
    uint8_t *ram_bits[MAX_AREAS];

    /* caches */
    uint32_t ncaches, nfetch_caches, ndata_caches;
    cache_t caches[MAX_CACHES];

    /* division sites */
    div_site_t *sites;
    uint32_t nsites;

    /* conditionally executed loads (Thumb IT blocks), counted when they execute */
    cond_site_t *cond_sites;
    uint32_t ncond, cond_cap;

    /* the marker page: MMIO backed by this buffer, the marker word at marker_offset */
    uint8_t page[4096];
    uint32_t marker_offset;
    int exact_markers; /* PC is exact at marker stores (a hook watches them), so blocks can be split */
    int it_pending;    /* a conditional (IT-block) memory instruction is executing: see clear_stale_it_state */
} tracer_t;

/* ---------------------------------------------------------------------------------------------- */
/* small helpers every part uses */

static inline uint32_t read_reg32(tracer_t *t, int reg)
{
    uint64_t v = 0;
    t->reg_read(t->uc, reg, &v);
    return (uint32_t)v;
}

/* Stops the run and says why; the first reason wins. */
static inline void tracer_fail(tracer_t *t, int error)
{
    if (!t->error)
        t->error = error;
    t->emu_stop(t->uc);
}

/* Thumb-2: a halfword whose top five bits are 0b11101, 0b11110 or 0b11111 starts a 32-bit instruction
   (ARMv7-M ARM, DDI 0403E, A5.1). RISC-V: low two bits 0b11 mark a 32-bit instruction, else RVC. */
static inline uint32_t insn_length(const tracer_t *t, const uint8_t *p)
{
    if (t->isa == TRACER_ISA_THUMB)
        return ((p[0] | ((uint32_t)p[1] << 8)) >> 11) >= 0x1D ? 4 : 2;
    return (p[0] & 3) == 3 ? 4 : 2;
}

static inline uint32_t area_index(tracer_t *t, uint32_t addr)
{
    uint32_t a = t->last_area;
    if (a < t->nareas && addr >= t->area_base[a] && addr < t->area_end[a])
        return a;
    for (a = 0; a < t->nareas; a++) {
        if (addr >= t->area_base[a] && addr < t->area_end[a]) {
            t->last_area = a;
            return a;
        }
    }
    return t->nareas; /* the "unmapped" bucket, last */
}

/* Functions one part calls in another: hidden, so calls between the parts are direct (no PLT) and only the
   tracer_* API is exported. */
#define TRACER_INTERNAL __attribute__((visibility("hidden")))

/* tracer_tables.c: the hash tables of contexts and blocks */
TRACER_INTERNAL int ctx_alloc_counters(tracer_t *t, context_t *c);
TRACER_INTERNAL void ctx_free_counters(context_t *c);
TRACER_INTERNAL uint32_t ctx_child(tracer_t *t, uint32_t parent, uint32_t region);
TRACER_INTERNAL int64_t block_lookup(tracer_t *t, uint32_t addr, uint32_t size);

/* tracer_cache.c: the cache model */
TRACER_INTERNAL void caches_fetch(tracer_t *t, uint32_t addr, uint32_t size);
TRACER_INTERNAL void caches_data(tracer_t *t, uint32_t addr, uint32_t size, int write);
TRACER_INTERNAL void caches_clear(tracer_t *t);

/* tracer_regions.c: the region stack and the marker page */
TRACER_INTERNAL void push_frame(tracer_t *t, uint32_t kind, uint32_t region, uint32_t ret, uint32_t sp);

/* tracer_api.c: set-up and results (the functions simulator/native.py declares) */
void tracer_free(tracer_t *t);

#endif
