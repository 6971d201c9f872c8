/*
 * _tracer.c: the simulator's hot path, Unicorn hooks written in C.
 *
 * Python registers these callbacks with uc_hook_add / uc_mmio_map through unicorn's own ctypes handle,
 * so this library does not link libunicorn: it receives the few Unicorn functions it calls
 * (uc_reg_read, uc_mem_read, uc_emu_stop) as pointers at creation. Python reads the counters after a
 * run and does everything else (naming, roll-ups) with numpy.
 *
 * Counters are kept per "context": a node of the region tree (root = no region; a child per region
 * entered from its parent), so each counter belongs to the innermost region and Python can roll
 * them up to inclusive figures for any region exactly, nesting and recursion included.
 *
 * The counter layouts (the M_, C_ and A_ enums and HIST_BINS below) are mirrored in simulator/native.py
 * (LAYOUT), which compares them with tracer_layout() when it loads the library.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef void uc_engine;
typedef int (*reg_read_fn)(uc_engine *, int, void *);
typedef int (*mem_read_fn)(uc_engine *, uint64_t, void *, uint64_t);
typedef int (*emu_stop_fn)(uc_engine *);
typedef int (*reg_write_fn)(uc_engine *, int, const void *);

enum { ISA_THUMB = 0, ISA_RV32 = 1 };
enum { FRAME_MARK = 0, FRAME_FUNC = 1 };
enum { C_READ_HIT, C_READ_MISS, C_WRITE_HIT, C_WRITE_MISS, C_FETCH_HIT, C_FETCH_MISS, C_NCOUNTERS };
/* Per cache and memory area of the missed line: a miss belongs to the memory that has to fill it. */
enum { A_READ_MISS, A_WRITE_MISS, A_FETCH_MISS, A_LINE_FILL, A_NCOUNTERS };
enum { M_READS, M_WRITES, M_READ_BYTES, M_WRITE_BYTES, M_NCOUNTERS };

#define MAX_AREAS 32
#define MAX_CACHES 8
#define MAX_CACHE_RANGES 8
#define MAX_FRAMES 512
#define MAX_FUNCS 256
#define MAX_MARKS 1024
#define HIST_BINS 33
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
    int region_error; /* 1 = region stack overflow, 2 = end marker without begin */

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
/* contexts */

static uint32_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

static int ctx_alloc_counters(tracer_t *t, context_t *c)
{
    size_t ncaches = t->ncaches ? t->ncaches : 1;
    c->mem = calloc((size_t)(t->nareas + 1) * M_NCOUNTERS, sizeof(uint64_t)); /* + the unmapped bucket */
    c->cache = calloc(ncaches * C_NCOUNTERS, sizeof(uint64_t));
    c->cache_area = calloc(ncaches * (t->nareas + 1) * A_NCOUNTERS, sizeof(uint64_t));
    c->div = NULL;
    c->cond = NULL;
    return c->mem && c->cache && c->cache_area;
}

static void ctx_table_rebuild(tracer_t *t, uint32_t new_size)
{
    free(t->ctx_table);
    t->ctx_table = calloc(new_size, sizeof(uint32_t));
    t->ctx_table_mask = new_size - 1;
    for (uint32_t i = 1; i < t->nctx; i++) {
        uint32_t h = hash32(t->ctxs[i].parent * 0x9E3779B1u ^ t->ctxs[i].region) & t->ctx_table_mask;
        while (t->ctx_table[h])
            h = (h + 1) & t->ctx_table_mask;
        t->ctx_table[h] = i + 1;
    }
}

/* The child context of `parent` for `region`, created on first use; 0 (root) if out of memory. */
static uint32_t ctx_child(tracer_t *t, uint32_t parent, uint32_t region)
{
    uint32_t h = hash32(parent * 0x9E3779B1u ^ region) & t->ctx_table_mask;
    while (t->ctx_table[h]) {
        context_t *c = &t->ctxs[t->ctx_table[h] - 1];
        if (c->parent == parent && c->region == region)
            return t->ctx_table[h] - 1;
        h = (h + 1) & t->ctx_table_mask;
    }
    if (t->nctx == t->ctx_cap) {
        uint32_t cap = t->ctx_cap * 2;
        context_t *n = realloc(t->ctxs, cap * sizeof(context_t));
        if (!n)
            return 0;
        t->ctxs = n;
        t->ctx_cap = cap;
    }
    context_t *c = &t->ctxs[t->nctx];
    c->parent = parent;
    c->region = region;
    if (!ctx_alloc_counters(t, c))
        return 0;
    uint32_t id = t->nctx++;
    if (t->nctx * 2 > t->ctx_table_mask + 1) {
        ctx_table_rebuild(t, (t->ctx_table_mask + 1) * 2);
    } else {
        t->ctx_table[h] = id + 1;
    }
    return id;
}

static void push_frame(tracer_t *t, uint32_t kind, uint32_t region, uint32_t ret, uint32_t sp)
{
    if (t->nframes == MAX_FRAMES) {
        t->region_error = 1;
        t->emu_stop(t->uc);
        return;
    }
    frame_t *f = &t->frames[t->nframes++];
    f->kind = kind;
    f->region = region;
    f->ctx_before = t->ctx;
    f->ret = ret;
    f->sp = sp;
    t->ctx = ctx_child(t, t->ctx, region);
    t->calls[region]++;
}

/* ---------------------------------------------------------------------------------------------- */
/* blocks */

/* Thumb-2: a halfword whose top five bits are 0b11101, 0b11110 or 0b11111 starts a 32-bit instruction
   (ARMv7-M ARM, DDI 0403E, A5.1). RISC-V: low two bits 0b11 mark a 32-bit instruction, else RVC. */
static uint32_t insn_length(tracer_t *t, const uint8_t *p)
{
    if (t->isa == ISA_THUMB)
        return ((p[0] | ((uint32_t)p[1] << 8)) >> 11) >= 0x1D ? 4 : 2;
    return (p[0] & 3) == 3 ? 4 : 2;
}

static int32_t sign_extend(uint32_t value, unsigned bits)
{
    uint32_t m = 1u << (bits - 1);
    return (int32_t)((value ^ m) - m);
}

/* Target of an unconditional direct jump at pc that does not link, or 0 when the instruction is not one.
   Thumb B encodings T2 and T4 (DDI 0403E A7.7.12); RISC-V JAL x0 and C.J (unprivileged ISA 2.6, 16.4). */
static uint32_t jump_target(tracer_t *t, const uint8_t *p, uint32_t len, uint32_t pc)
{
    if (t->isa == ISA_THUMB) {
        uint32_t hw = p[0] | ((uint32_t)p[1] << 8);
        if (len == 2)
            return (hw >> 11) == 0x1C ? pc + 4 + (uint32_t)sign_extend((hw & 0x7FF) << 1, 12) : 0;
        uint32_t hw2 = p[2] | ((uint32_t)p[3] << 8);
        if ((hw >> 11) != 0x1E || (hw2 & 0xD000) != 0x9000)
            return 0;
        uint32_t s = (hw >> 10) & 1, j1 = (hw2 >> 13) & 1, j2 = (hw2 >> 11) & 1;
        uint32_t imm = (s << 24) | ((~(j1 ^ s) & 1) << 23) | ((~(j2 ^ s) & 1) << 22) | ((hw & 0x3FF) << 12) |
                       ((hw2 & 0x7FF) << 1);
        return pc + 4 + (uint32_t)sign_extend(imm, 25);
    }
    if (len == 4) {
        uint32_t w = p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
        if ((w & 0xFFF) != 0x06F) /* JAL with rd = x0 */
            return 0;
        uint32_t imm = ((w >> 31) << 20) | (((w >> 12) & 0xFF) << 12) | (((w >> 20) & 1) << 11) | (((w >> 21) & 0x3FF) << 1);
        return pc + (uint32_t)sign_extend(imm, 21);
    }
    uint32_t h = p[0] | ((uint32_t)p[1] << 8);
    if ((h & 0xE003) != 0xA001) /* C.J */
        return 0;
    uint32_t imm = (((h >> 12) & 1) << 11) | (((h >> 11) & 1) << 4) | (((h >> 9) & 3) << 8) | (((h >> 8) & 1) << 10) |
                   (((h >> 7) & 1) << 6) | (((h >> 6) & 1) << 7) | (((h >> 3) & 7) << 1) | (((h >> 2) & 1) << 5);
    return pc + (uint32_t)sign_extend(imm, 12);
}

/* An instruction that does nothing while the core waits: NOP, YIELD, WFE, WFI (Thumb hints, DDI 0403E
   A7.7.261-263, A7.7.88), or RISC-V NOP, C.NOP and WFI. */
static int waits(tracer_t *t, const uint8_t *p, uint32_t len)
{
    if (t->isa == ISA_THUMB) {
        uint32_t hw = p[0] | ((uint32_t)p[1] << 8);
        return len == 2 && (hw == 0xBF00 || hw == 0xBF10 || hw == 0xBF20 || hw == 0xBF30);
    }
    if (len == 2)
        return (p[0] | ((uint32_t)p[1] << 8)) == 0x0001;
    uint32_t w = p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
    return w == 0x00000013 || w == 0x10500073;
}

/* Decodes a new block once: its instruction count, and whether it is an idle loop (an unconditional
   jump back to its own start, preceded only by waiting instructions: `while (1);`, `for (;;) __WFI();`). */
static uint32_t decode_block(tracer_t *t, uint32_t addr, uint32_t size, uint32_t *idle)
{
    uint8_t small[4096];
    uint8_t *buf = size <= sizeof(small) ? small : malloc(size);
    uint32_t n = 0, quiet = 1;
    *idle = 0;
    if (!buf || t->mem_read(t->uc, addr, buf, size) != 0) {
        if (buf && buf != small)
            free(buf);
        return 0;
    }
    for (uint32_t i = 0; i < size; n++) {
        uint32_t len = insn_length(t, &buf[i]);
        if (i + len < size)
            quiet = quiet && waits(t, &buf[i], len);
        else if (i + len == size)
            *idle = quiet && jump_target(t, &buf[i], len, addr + i) == addr;
        i += len;
    }
    if (buf != small)
        free(buf);
    return n;
}

static int blocks_grow(tracer_t *t)
{
    uint32_t cap = t->blocks_cap * 2;
    block_t *n = realloc(t->blocks, (size_t)cap * sizeof(block_t));
    if (!n)
        return 0;
    t->blocks = n;
    t->blocks_cap = cap;
    free(t->table);
    t->table = calloc((size_t)cap * 2, sizeof(uint32_t));
    t->table_mask = cap * 2 - 1;
    for (uint32_t i = 0; i < t->nblocks; i++) {
        block_t *b = &t->blocks[i];
        uint32_t h = hash32(b->addr ^ (b->size << 20) ^ (b->ctx * 0x9E3779B1u)) & t->table_mask;
        while (t->table[h])
            h = (h + 1) & t->table_mask;
        t->table[h] = i + 1;
    }
    return 1;
}

static uint32_t func_of(tracer_t *t, uint32_t addr)
{
    for (uint32_t i = 0; i < t->nfuncs; i++)
        if (t->func_addr[i] == addr)
            return i;
    return NO_FUNC;
}

static int64_t block_lookup(tracer_t *t, uint32_t addr, uint32_t size)
{
    uint32_t h = hash32(addr ^ (size << 20) ^ (t->ctx * 0x9E3779B1u)) & t->table_mask;
    uint32_t slot;
    while ((slot = t->table[h]) != 0) {
        block_t *b = &t->blocks[slot - 1];
        if (b->addr == addr && b->size == size && b->ctx == t->ctx)
            return slot - 1;
        h = (h + 1) & t->table_mask;
    }
    if (t->nblocks == t->blocks_cap) {
        if (!blocks_grow(t))
            return -1;
        return block_lookup(t, addr, size);
    }
    block_t *b = &t->blocks[t->nblocks];
    b->addr = addr;
    b->size = size;
    b->ctx = t->ctx;
    b->count = 0;
    b->fallthrough = 0;
    b->target_changes = 0;
    b->last_target = NO_TARGET;
    b->next = 0;
    b->func = func_of(t, addr);
    b->ninsn = decode_block(t, addr, size, &b->idle);
    t->table[h] = t->nblocks + 1;
    return t->nblocks++;
}

static uint32_t read_reg32(tracer_t *t, int reg)
{
    uint64_t v = 0;
    t->reg_read(t->uc, reg, &v);
    return (uint32_t)v;
}

/* ---------------------------------------------------------------------------------------------- */
/* memory areas */

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

/* ---------------------------------------------------------------------------------------------- */
/* caches: set-associative, LRU, one access per line touched */

static int cache_covers(const cache_t *c, uint32_t addr)
{
    for (uint32_t i = 0; i < c->nranges; i++)
        if (addr >= c->base[i] && addr < c->end[i])
            return 1;
    return 0;
}

/* Returns 1 on a hit. On a miss the line is filled unless `allocate` is 0. */
static int cache_access(cache_t *c, uint32_t line, int allocate)
{
    uint32_t set = line & c->set_mask;
    uint32_t *tags = &c->tags[(size_t)set * c->ways];
    uint64_t *stamps = &c->stamps[(size_t)set * c->ways];
    uint32_t victim = 0;
    c->clock++;
    for (uint32_t w = 0; w < c->ways; w++) {
        if (tags[w] == line + 1) {
            stamps[w] = c->clock;
            return 1;
        }
        if (stamps[w] < stamps[victim])
            victim = w;
    }
    if (allocate) {
        tags[victim] = line + 1;
        stamps[victim] = c->clock;
    }
    return 0;
}

/* The current context's miss counters of cache i for the memory area holding addr (misses only: off the
   hit path). */
static uint64_t *cache_area_counts(tracer_t *t, uint32_t i, uint32_t addr)
{
    return &t->ctxs[t->ctx].cache_area[((size_t)i * (t->nareas + 1) + area_index(t, addr)) * A_NCOUNTERS];
}

static void caches_fetch(tracer_t *t, uint32_t addr, uint32_t size)
{
    uint64_t *counts = t->ctxs[t->ctx].cache;
    for (uint32_t i = 0; i < t->ncaches; i++) {
        cache_t *c = &t->caches[i];
        if (!c->fetch || !cache_covers(c, addr))
            continue;
        uint32_t first = addr >> c->line_shift, last = (addr + size - 1) >> c->line_shift;
        for (uint32_t line = first; line <= last; line++) {
            if (cache_access(c, line, 1)) {
                counts[i * C_NCOUNTERS + C_FETCH_HIT]++;
            } else {
                counts[i * C_NCOUNTERS + C_FETCH_MISS]++;
                uint64_t *a = cache_area_counts(t, i, line << c->line_shift);
                a[A_FETCH_MISS]++;
                a[A_LINE_FILL]++;
            }
        }
    }
}

static void caches_data(tracer_t *t, uint32_t addr, uint32_t size, int write)
{
    uint64_t *counts = t->ctxs[t->ctx].cache;
    for (uint32_t i = 0; i < t->ncaches; i++) {
        cache_t *c = &t->caches[i];
        if (!(write ? c->write : c->read) || !cache_covers(c, addr))
            continue;
        uint32_t first = addr >> c->line_shift, last = (addr + size - 1) >> c->line_shift;
        for (uint32_t line = first; line <= last; line++) {
            int allocate = write ? c->write_allocate : 1;
            int hit = cache_access(c, line, allocate);
            counts[i * C_NCOUNTERS + (write ? (hit ? C_WRITE_HIT : C_WRITE_MISS) : (hit ? C_READ_HIT : C_READ_MISS))]++;
            if (!hit) {
                uint64_t *a = cache_area_counts(t, i, line << c->line_shift);
                a[write ? A_WRITE_MISS : A_READ_MISS]++;
                a[A_LINE_FILL] += (uint64_t)allocate;
            }
        }
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* hooks */

/*
 * Work-around for a Unicorn 2.1 bug (unicorn-engine/unicorn issue #2309): when a memory hook fires on a
 * load or store inside a Thumb IT block, Unicorn stores that instruction's IT state into the CPU state
 * and nothing clears it after the IT block, so the next translated block runs as if it were still
 * conditional (instructions silently skipped). The IT state in the CPU state is only read when a new
 * block is looked up, so clearing it here is safe: the running block keeps its own IT tracking.
 * Reading xPSR on every access would cost a third of the traced run, so the code hooks on the
 * conditional memory instructions (tracer_cond_hook) raise it_pending and only then is it checked.
 */
#define XPSR_IT_BITS 0x0600FC00u

static inline void clear_stale_it_state(tracer_t *t)
{
    if (!t->it_pending || !t->reg_write)
        return;
    uint32_t xpsr = read_reg32(t, t->reg_xpsr);
    if (xpsr & XPSR_IT_BITS) {
        xpsr &= ~XPSR_IT_BITS;
        t->reg_write(t->uc, t->reg_xpsr, &xpsr);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* the heap break */

/* A code hook on the first instruction of sbrk(increment), which returns the old break or -1. */
void tracer_sbrk_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    tracer_t *t = user;
    (void)uc, (void)address, (void)size;
    t->sbrk_incr = (int32_t)read_reg32(t, t->reg_arg0);
    t->sbrk_ret = read_reg32(t, t->reg_ret) & ~1u;
    t->sbrk_sp = read_reg32(t, t->reg_sp);
    t->sbrk_calls++;
}

static void sbrk_returned(tracer_t *t)
{
    if (read_reg32(t, t->reg_sp) < t->sbrk_sp)
        return; /* a call inside sbrk returning to the same address */
    t->sbrk_ret = 1;
    uint32_t old = read_reg32(t, t->reg_arg0);
    if (old == 0xFFFFFFFFu)
        return; /* refused: the break did not move */
    if (!t->heap_base)
        t->heap_base = t->heap_top = old;
    uint32_t now = old + (uint32_t)t->sbrk_incr;
    if (now > t->heap_top)
        t->heap_top = now;
}

/* The rare part of the block hook: a block not seen after its predecessor, or a function entry. */
static int64_t block_slow(tracer_t *t, uint32_t addr, uint32_t size)
{
    int64_t i = block_lookup(t, addr, size);
    if (i < 0)
        return -1;
    if (t->prev >= 0)
        t->blocks[t->prev].next = (uint32_t)i + 1;
    return i;
}

void tracer_block_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    tracer_t *t = user;
    uint32_t addr = (uint32_t)address;
    (void)uc;
    t->it_pending = 0;
    if (addr == t->sbrk_ret)
        sbrk_returned(t);
    /* A function region ends when control reaches its return address with the stack popped. */
    while (t->nframes && t->frames[t->nframes - 1].ret == addr) {
        frame_t *f = &t->frames[t->nframes - 1];
        if (read_reg32(t, t->reg_sp) < f->sp)
            break; /* a deeper call returning to the same address (recursion) */
        t->ctx = f->ctx_before;
        t->nframes--;
    }
    /* Fast path: the block that followed the previous one last time (loops, straight-line code). */
    int64_t i = -1;
    block_t *p = t->prev >= 0 ? &t->blocks[t->prev] : NULL;
    if (p && p->next) {
        block_t *g = &t->blocks[p->next - 1];
        if (g->addr == addr && g->size == size && g->ctx == t->ctx)
            i = p->next - 1;
    }
    if (i < 0 && (i = block_slow(t, addr, size)) < 0) {
        t->emu_stop(t->uc);
        return;
    }
    if (t->blocks[i].func != NO_FUNC) {
        uint32_t region = t->blocks[i].func;
        uint32_t sp = read_reg32(t, t->reg_sp);
        frame_t *top = t->nframes ? &t->frames[t->nframes - 1] : NULL;
        /* A branch back to the entry inside the same call is not a new call. */
        if (!(top && top->kind == FRAME_FUNC && top->region == region && top->sp == sp)) {
            push_frame(t, FRAME_FUNC, region, read_reg32(t, t->reg_ret) & ~1u, sp);
            if ((i = block_lookup(t, addr, size)) < 0) {
                t->emu_stop(t->uc);
                return;
            }
        }
    }
    block_t *b = &t->blocks[i];
    if (b->idle) {
        /* The firmware parked: nothing after this block does work, so the run ends before it. */
        t->parked_pc = addr;
        t->parked_icount = t->icount;
        t->emu_stop(t->uc);
        return;
    }
    b->count++;
    if (t->prev >= 0) {
        p = &t->blocks[t->prev]; /* block_lookup may have moved the table */
        if (p->addr + p->size == addr) {
            p->fallthrough++;
        } else if (p->last_target != addr) {
            p->last_target = addr;
            p->target_changes++;
        }
    }
    t->prev = i;
    if (t->nfetch_caches)
        caches_fetch(t, addr, size);
    t->icount += b->ninsn;
    if (t->icount > t->budget && !t->budget_hit) {
        t->budget_hit = 1;
        t->emu_stop(t->uc);
    }
}

void tracer_mem_read_hook(uc_engine *uc, int type, uint64_t address, int size, int64_t value, void *user)
{
    tracer_t *t = user;
    uint32_t addr = (uint32_t)address;
    (void)uc, (void)type, (void)value;
    clear_stale_it_state(t);
    uint64_t *m = &t->ctxs[t->ctx].mem[area_index(t, addr) * M_NCOUNTERS];
    m[M_READS]++;
    m[M_READ_BYTES] += (uint32_t)size;
    if (t->ndata_caches)
        caches_data(t, addr, (uint32_t)size, 0);
}

void tracer_mem_write_hook(uc_engine *uc, int type, uint64_t address, int size, int64_t value, void *user)
{
    tracer_t *t = user;
    uint32_t addr = (uint32_t)address;
    (void)uc, (void)type, (void)value;
    clear_stale_it_state(t);
    uint64_t *m = &t->ctxs[t->ctx].mem[area_index(t, addr) * M_NCOUNTERS];
    m[M_WRITES]++;
    m[M_WRITE_BYTES] += (uint32_t)size;
    for (uint32_t r = 0; r < t->nram; r++) {
        if (addr >= t->ram_base[r] && addr < t->ram_end[r]) {
            for (uint32_t k = 0; k < (uint32_t)size && addr + k < t->ram_end[r]; k++) {
                uint32_t off = addr + k - t->ram_base[r];
                t->ram_bits[r][off >> 3] |= (uint8_t)(1u << (off & 7));
            }
            break;
        }
    }
    if (t->ndata_caches)
        caches_data(t, addr, (uint32_t)size, 1);
}

static uint32_t clz32(uint32_t x)
{
    return x ? (uint32_t)__builtin_clz(x) : 32;
}

/* Runs before the division executes, so the operand registers still hold its inputs. */
void tracer_div_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    div_site_t *s = user;
    tracer_t *t = s->t;
    (void)uc, (void)address, (void)size;
    uint32_t n = read_reg32(t, s->reg_dividend), d = read_reg32(t, s->reg_divisor);
    if (s->is_signed) {
        /* the divider works on magnitudes */
        n = (int32_t)n < 0 ? 0u - n : n;
        d = (int32_t)d < 0 ? 0u - d : d;
    }
    int32_t bin = (int32_t)clz32(d) - (int32_t)clz32(n);
    bin = bin < 0 ? 0 : (bin > 32 ? 32 : bin);
    context_t *c = &t->ctxs[t->ctx];
    if (!c->div) {
        c->div = calloc((size_t)t->nsites * HIST_BINS, sizeof(uint64_t));
        if (!c->div)
            return;
    }
    c->div[(size_t)s->index * HIST_BINS + bin]++;
}

/*
 * A marker store changes the region in the middle of a block the block hook already counted. Split
 * that block at the instruction after the store, so the instructions before belong to the old context
 * and the rest to the new one: the current block's count moves to a head entry (old context, falls
 * through) and a tail entry (new context) is counted by finish_split once the context has changed.
 */
static int64_t split_head(tracer_t *t, uint32_t *tail_addr, uint32_t *tail_size)
{
    if (t->prev < 0)
        return -1;
    block_t *b = &t->blocks[t->prev];
    uint32_t pc = read_reg32(t, t->reg_pc) & ~1u;
    uint8_t insn[2];
    if (!t->exact_markers || pc < b->addr || pc >= b->addr + b->size || t->mem_read(t->uc, pc, insn, 2) != 0)
        return -1; /* PC not known exactly: keep the block whole */
    uint32_t len = insn_length(t, insn);
    uint32_t next = pc + len, addr = b->addr, end = b->addr + b->size;
    if (next >= end)
        return -1; /* the store ends the block: nothing to move */
    b->count--;
    int64_t head = block_lookup(t, addr, next - addr);
    if (head < 0)
        return -1;
    t->blocks[head].count++;
    t->blocks[head].fallthrough++;
    *tail_addr = next;
    *tail_size = end - next;
    return head;
}

static void finish_split(tracer_t *t, int64_t head, uint32_t tail_addr, uint32_t tail_size)
{
    if (head < 0)
        return;
    int64_t tail = block_lookup(t, tail_addr, tail_size);
    if (tail < 0)
        return;
    t->blocks[tail].count++;
    t->prev = tail;
}

/* Does nothing: installed on the marker word alone when memory is not traced, so that Unicorn keeps
   PC exact at marker stores (it synchronises PC only for accesses some hook watches). */
void tracer_sync_hook(uc_engine *uc, int type, uint64_t address, int size, int64_t value, void *user)
{
    (void)uc, (void)type, (void)address, (void)size, (void)value;
    clear_stale_it_state(user);
}

/* A code hook on a load or store inside an IT block: Unicorn calls it only when the condition passes. */
void tracer_cond_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    cond_site_t *s = user;
    tracer_t *t = s->t;
    (void)uc, (void)address, (void)size;
    t->it_pending = 1;
    context_t *c = &t->ctxs[t->ctx];
    if (!c->cond) {
        c->cond = calloc(t->ncond, sizeof(uint64_t));
        if (!c->cond)
            return;
    }
    c->cond[s->index]++;
}

/* The marker page: the word at marker_offset begins a region (a name's address) or ends one (0). */
uint64_t tracer_mmio_read(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
    tracer_t *t = user;
    uint64_t v = 0;
    (void)uc;
    if (offset + size <= sizeof(t->page))
        memcpy(&v, &t->page[offset], size);
    return v;
}

void tracer_mmio_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *user)
{
    tracer_t *t = user;
    (void)uc;
    if (offset + size <= sizeof(t->page))
        memcpy(&t->page[offset], &value, size);
    if (offset != t->marker_offset)
        return;
    uint32_t name = (uint32_t)value, tail_addr = 0, tail_size = 0;
    int64_t head = split_head(t, &tail_addr, &tail_size);
    if (name == 0) {
        /* end: leave the innermost marked region (and any function frame left open inside it) */
        uint32_t k = t->nframes;
        while (k && t->frames[k - 1].kind != FRAME_MARK)
            k--;
        if (!k) {
            t->region_error = 2;
            t->emu_stop(t->uc);
            return;
        }
        t->ctx = t->frames[k - 1].ctx_before;
        t->nframes = k - 1;
        finish_split(t, head, tail_addr, tail_size);
        return;
    }
    uint32_t m;
    for (m = 0; m < t->nmarks && t->mark_addr[m] != name; m++) {
    }
    if (m == t->nmarks) {
        if (t->nmarks == MAX_MARKS) {
            t->region_error = 1;
            t->emu_stop(t->uc);
            return;
        }
        t->mark_addr[t->nmarks++] = name;
    }
    push_frame(t, FRAME_MARK, t->nfuncs + m, 1u /* never a block address */, 0);
    finish_split(t, head, tail_addr, tail_size);
}

/* ---------------------------------------------------------------------------------------------- */
/* set-up and results, called from Python with ctypes */

tracer_t *tracer_new(uc_engine *uc, void *reg_read, void *mem_read, void *emu_stop, uint32_t isa, uint32_t reg_sp,
                     uint32_t reg_ret, uint32_t reg_pc, uint32_t reg_arg0)
{
    tracer_t *t = calloc(1, sizeof(tracer_t));
    if (!t)
        return NULL;
    t->uc = uc;
    t->reg_read = (reg_read_fn)reg_read;
    t->mem_read = (mem_read_fn)mem_read;
    t->emu_stop = (emu_stop_fn)emu_stop;
    t->isa = isa;
    t->reg_sp = reg_sp;
    t->reg_ret = reg_ret;
    t->reg_pc = reg_pc;
    t->reg_arg0 = reg_arg0;
    t->sbrk_ret = 1;
    t->blocks_cap = 1024;
    t->blocks = malloc(t->blocks_cap * sizeof(block_t));
    t->table = calloc(t->blocks_cap * 2, sizeof(uint32_t));
    t->table_mask = t->blocks_cap * 2 - 1;
    t->ctx_cap = 64;
    t->ctxs = calloc(t->ctx_cap, sizeof(context_t));
    t->ctx_table = calloc(128, sizeof(uint32_t));
    t->ctx_table_mask = 127;
    t->calls = calloc(MAX_FUNCS + MAX_MARKS, sizeof(uint64_t));
    t->budget = UINT64_MAX;
    if (!t->blocks || !t->table || !t->ctxs || !t->ctx_table || !t->calls)
        return NULL;
    return t;
}

int tracer_add_area(tracer_t *t, uint32_t base, uint32_t end, int is_ram)
{
    if (t->nareas == MAX_AREAS)
        return -1;
    t->area_base[t->nareas] = base;
    t->area_end[t->nareas] = end;
    t->nareas++;
    if (is_ram) {
        t->ram_base[t->nram] = base;
        t->ram_end[t->nram] = end;
        t->ram_bits[t->nram] = calloc((end - base + 7) / 8, 1);
        if (!t->ram_bits[t->nram])
            return -1;
        t->nram++;
    }
    return 0;
}

int tracer_add_function(tracer_t *t, uint32_t addr)
{
    if (t->nfuncs == MAX_FUNCS)
        return -1;
    t->func_addr[t->nfuncs++] = addr;
    return 0;
}

int tracer_add_cache(tracer_t *t, uint32_t line_bytes, uint32_t sets, uint32_t ways, uint32_t flags, uint32_t nranges,
                     const uint32_t *ranges)
{
    if (t->ncaches == MAX_CACHES || nranges > MAX_CACHE_RANGES || !sets || !ways || (sets & (sets - 1)) ||
        !line_bytes || (line_bytes & (line_bytes - 1)))
        return -1;
    cache_t *c = &t->caches[t->ncaches];
    c->line_shift = (uint32_t)__builtin_ctz(line_bytes);
    c->set_mask = sets - 1;
    c->ways = ways;
    c->fetch = flags & 1;
    c->read = (flags >> 1) & 1;
    c->write = (flags >> 2) & 1;
    c->write_allocate = (flags >> 3) & 1;
    c->nranges = nranges;
    for (uint32_t i = 0; i < nranges; i++) {
        c->base[i] = ranges[2 * i];
        c->end[i] = ranges[2 * i + 1];
    }
    c->tags = calloc((size_t)sets * ways, sizeof(uint32_t));
    c->stamps = calloc((size_t)sets * ways, sizeof(uint64_t));
    if (!c->tags || !c->stamps)
        return -1;
    t->ncaches++;
    t->nfetch_caches += c->fetch;
    t->ndata_caches += c->read | c->write;
    return 0;
}

/* Returns the user-data pointer to register with the code hook at this site. */
void *tracer_add_div_site(tracer_t *t, uint32_t addr, uint32_t reg_dividend, uint32_t reg_divisor, uint32_t is_signed,
                          uint32_t capacity)
{
    if (!t->sites) {
        t->sites = calloc(capacity, sizeof(div_site_t));
        if (!t->sites)
            return NULL;
    }
    if (t->nsites >= capacity)
        return NULL;
    div_site_t *s = &t->sites[t->nsites];
    s->t = t;
    s->index = t->nsites++;
    s->addr = addr;
    s->reg_dividend = reg_dividend;
    s->reg_divisor = reg_divisor;
    s->is_signed = is_signed;
    return s;
}

void *tracer_add_cond_site(tracer_t *t, uint32_t capacity)
{
    if (!t->cond_sites) {
        t->cond_sites = calloc(capacity, sizeof(cond_site_t));
        if (!t->cond_sites)
            return NULL;
        t->cond_cap = capacity;
    }
    if (t->ncond >= t->cond_cap)
        return NULL;
    cond_site_t *s = &t->cond_sites[t->ncond];
    s->t = t;
    s->index = t->ncond++;
    return s;
}

void tracer_set_marker(tracer_t *t, uint32_t offset, int exact)
{
    t->marker_offset = offset;
    t->exact_markers = exact;
}

void tracer_set_reg_write(tracer_t *t, void *reg_write, uint32_t reg_xpsr)
{
    t->reg_write = (reg_write_fn)reg_write;
    t->reg_xpsr = reg_xpsr;
}

/* Clears every counter for a new run. */
void tracer_reset(tracer_t *t, uint64_t budget)
{
    for (uint32_t i = 0; i < t->nctx; i++) {
        free(t->ctxs[i].mem);
        free(t->ctxs[i].cache);
        free(t->ctxs[i].cache_area);
        free(t->ctxs[i].div);
        free(t->ctxs[i].cond);
    }
    t->nctx = 1;
    t->ctxs[0].parent = 0;
    t->ctxs[0].region = 0xFFFFFFFFu;
    ctx_alloc_counters(t, &t->ctxs[0]);
    memset(t->ctx_table, 0, (t->ctx_table_mask + 1) * sizeof(uint32_t));
    t->ctx = 0;
    t->nframes = 0;
    t->region_error = 0;
    t->nblocks = 0;
    memset(t->table, 0, (t->table_mask + 1) * sizeof(uint32_t));
    t->prev = -1;
    t->icount = 0;
    t->budget = budget;
    t->budget_hit = 0;
    t->parked_pc = 0;
    t->parked_icount = 0;
    t->sbrk_ret = 1;
    t->heap_base = t->heap_top = 0;
    t->sbrk_calls = 0;
    t->nmarks = 0;
    memset(t->calls, 0, (MAX_FUNCS + MAX_MARKS) * sizeof(uint64_t));
    for (uint32_t r = 0; r < t->nram; r++)
        memset(t->ram_bits[r], 0, (t->ram_end[r] - t->ram_base[r] + 7) / 8);
    for (uint32_t i = 0; i < t->ncaches; i++) {
        cache_t *c = &t->caches[i];
        memset(c->tags, 0, (size_t)(c->set_mask + 1) * c->ways * sizeof(uint32_t));
        memset(c->stamps, 0, (size_t)(c->set_mask + 1) * c->ways * sizeof(uint64_t));
        c->clock = 0;
    }
    memset(t->page, 0, sizeof(t->page));
    t->it_pending = 0;
}

/* Results. */
uint64_t tracer_icount(tracer_t *t) { return t->icount; }
int tracer_budget_hit(tracer_t *t) { return t->budget_hit; }
int tracer_region_error(tracer_t *t) { return t->region_error; }
uint32_t tracer_nblocks(tracer_t *t) { return t->nblocks; }
uint32_t tracer_nctx(tracer_t *t) { return t->nctx; }
uint32_t tracer_nmarks(tracer_t *t) { return t->nmarks; }
uint32_t tracer_parked_pc(tracer_t *t) { return t->parked_pc; }
uint64_t tracer_parked_icount(tracer_t *t) { return t->parked_icount; }
uint32_t tracer_heap_base(tracer_t *t) { return t->heap_base; }
uint32_t tracer_heap_top(tracer_t *t) { return t->heap_top; }
uint64_t tracer_sbrk_calls(tracer_t *t) { return t->sbrk_calls; }

void tracer_blocks(tracer_t *t, uint32_t *addr, uint32_t *size, uint32_t *ninsn, uint32_t *ctx, uint64_t *count,
                   uint64_t *fallthrough, uint64_t *target_changes)
{
    for (uint32_t i = 0; i < t->nblocks; i++) {
        addr[i] = t->blocks[i].addr;
        size[i] = t->blocks[i].size;
        ninsn[i] = t->blocks[i].ninsn;
        ctx[i] = t->blocks[i].ctx;
        count[i] = t->blocks[i].count;
        fallthrough[i] = t->blocks[i].fallthrough;
        target_changes[i] = t->blocks[i].target_changes;
    }
}

/* The counter layout, which the Python side (simulator/native.py) checks against its own before a run. */
void tracer_layout(uint32_t *out)
{
    out[0] = M_NCOUNTERS;
    out[1] = C_NCOUNTERS;
    out[2] = A_NCOUNTERS;
    out[3] = HIST_BINS;
}

/* Per context: parent, region, (nareas + 1) x M_NCOUNTERS memory counters, ncaches x C_NCOUNTERS,
   ncaches x (nareas + 1) x A_NCOUNTERS, nsites x HIST_BINS, ncond. */
void tracer_contexts(tracer_t *t, uint32_t *parent, uint32_t *region, uint64_t *mem, uint64_t *cache,
                     uint64_t *cache_area, uint64_t *div, uint64_t *cond)
{
    size_t nm = (size_t)(t->nareas + 1) * M_NCOUNTERS, nc = (size_t)t->ncaches * C_NCOUNTERS,
           na = (size_t)t->ncaches * (t->nareas + 1) * A_NCOUNTERS, nd = (size_t)t->nsites * HIST_BINS;
    for (uint32_t i = 0; i < t->nctx; i++) {
        parent[i] = t->ctxs[i].parent;
        region[i] = t->ctxs[i].region;
        memcpy(&mem[i * nm], t->ctxs[i].mem, nm * sizeof(uint64_t));
        if (nc) {
            memcpy(&cache[i * nc], t->ctxs[i].cache, nc * sizeof(uint64_t));
            memcpy(&cache_area[i * na], t->ctxs[i].cache_area, na * sizeof(uint64_t));
        }
        if (nd) {
            if (t->ctxs[i].div)
                memcpy(&div[i * nd], t->ctxs[i].div, nd * sizeof(uint64_t));
            else
                memset(&div[i * nd], 0, nd * sizeof(uint64_t));
        }
        if (t->ncond) {
            if (t->ctxs[i].cond)
                memcpy(&cond[(size_t)i * t->ncond], t->ctxs[i].cond, t->ncond * sizeof(uint64_t));
            else
                memset(&cond[(size_t)i * t->ncond], 0, t->ncond * sizeof(uint64_t));
        }
    }
}

void tracer_marks(tracer_t *t, uint32_t *addr, uint64_t *calls)
{
    for (uint32_t i = 0; i < t->nmarks; i++)
        addr[i] = t->mark_addr[i];
    for (uint32_t i = 0; i < t->nfuncs + t->nmarks; i++)
        calls[i] = t->calls[i];
}

void tracer_ram_bits(tracer_t *t, uint32_t r, uint8_t *out)
{
    memcpy(out, t->ram_bits[r], (t->ram_end[r] - t->ram_base[r] + 7) / 8);
}

void tracer_free(tracer_t *t)
{
    if (!t)
        return;
    for (uint32_t i = 0; i < t->nctx; i++) {
        free(t->ctxs[i].mem);
        free(t->ctxs[i].cache);
        free(t->ctxs[i].cache_area);
        free(t->ctxs[i].div);
        free(t->ctxs[i].cond);
    }
    for (uint32_t r = 0; r < t->nram; r++)
        free(t->ram_bits[r]);
    for (uint32_t i = 0; i < t->ncaches; i++) {
        free(t->caches[i].tags);
        free(t->caches[i].stamps);
    }
    free(t->sites);
    free(t->cond_sites);
    free(t->blocks);
    free(t->table);
    free(t->ctxs);
    free(t->ctx_table);
    free(t->calls);
    free(t);
}
