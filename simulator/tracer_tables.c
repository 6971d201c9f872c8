/* tracer_tables.c: the open-addressing hash tables of contexts ((parent, region) -> context) and of
   blocks ((address, size, context) -> block), and the one-time decoding of a new block. */
#include "_tracer.h"

static uint32_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/* ---------------------------------------------------------------------------------------------- */
/* contexts */

/* The counters of a new context; 0 (nothing left allocated) when memory runs out. */
int ctx_alloc_counters(tracer_t *t, context_t *c)
{
    size_t ncaches = t->ncaches ? t->ncaches : 1;
    c->mem = calloc((size_t)(t->nareas + 1) * M_NCOUNTERS, sizeof(uint64_t)); /* + the unmapped bucket */
    c->cache = calloc(ncaches * C_NCOUNTERS, sizeof(uint64_t));
    c->cache_area = calloc(ncaches * (t->nareas + 1) * A_NCOUNTERS, sizeof(uint64_t));
    c->div = NULL;
    c->cond = NULL;
    if (c->mem && c->cache && c->cache_area)
        return 1;
    ctx_free_counters(c);
    return 0;
}

void ctx_free_counters(context_t *c)
{
    free(c->mem);
    free(c->cache);
    free(c->cache_area);
    free(c->div);
    free(c->cond);
    c->mem = NULL;
    c->cache = NULL;
    c->cache_area = NULL;
    c->div = NULL;
    c->cond = NULL;
}

/* A table twice as large, or 0 (the old one kept) when memory runs out. */
static int ctx_table_grow(tracer_t *t)
{
    uint32_t size = (t->ctx_table_mask + 1) * 2;
    uint32_t *table = calloc(size, sizeof(uint32_t));
    if (!table)
        return 0;
    free(t->ctx_table);
    t->ctx_table = table;
    t->ctx_table_mask = size - 1;
    for (uint32_t i = 1; i < t->nctx; i++) {
        uint32_t h = hash32(t->ctxs[i].parent * 0x9E3779B1u ^ t->ctxs[i].region) & t->ctx_table_mask;
        while (t->ctx_table[h])
            h = (h + 1) & t->ctx_table_mask;
        t->ctx_table[h] = i + 1;
    }
    return 1;
}

/* The child context of `parent` for `region`, created on first use. Out of memory: the run stops with
   TRACER_OUT_OF_MEMORY and the counts stay with `parent`. */
uint32_t ctx_child(tracer_t *t, uint32_t parent, uint32_t region)
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
        if (!n) {
            tracer_fail(t, TRACER_OUT_OF_MEMORY);
            return parent;
        }
        t->ctxs = n;
        t->ctx_cap = cap;
    }
    context_t *c = &t->ctxs[t->nctx];
    c->parent = parent;
    c->region = region;
    if (!ctx_alloc_counters(t, c)) {
        tracer_fail(t, TRACER_OUT_OF_MEMORY);
        return parent;
    }
    uint32_t id = t->nctx++;
    t->ctx_table[h] = id + 1;
    /* Keep the table at most half full; a table that cannot grow still has free slots, but the run stops. */
    if (t->nctx * 2 > t->ctx_table_mask + 1 && !ctx_table_grow(t))
        tracer_fail(t, TRACER_OUT_OF_MEMORY);
    return id;
}

/* ---------------------------------------------------------------------------------------------- */
/* blocks */

static int32_t sign_extend(uint32_t value, unsigned bits)
{
    uint32_t m = 1u << (bits - 1);
    return (int32_t)((value ^ m) - m);
}

/* Target of an unconditional direct jump at pc that does not link, or 0 when the instruction is not one.
   Thumb B encodings T2 and T4 (DDI 0403E A7.7.12); RISC-V JAL x0 and C.J (unprivileged ISA 2.6, 16.4). */
static uint32_t jump_target(tracer_t *t, const uint8_t *p, uint32_t len, uint32_t pc)
{
    if (t->isa == TRACER_ISA_THUMB) {
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
    if (t->isa == TRACER_ISA_THUMB) {
        uint32_t hw = p[0] | ((uint32_t)p[1] << 8);
        return len == 2 && (hw == 0xBF00 || hw == 0xBF10 || hw == 0xBF20 || hw == 0xBF30);
    }
    if (len == 2)
        return (p[0] | ((uint32_t)p[1] << 8)) == 0x0001;
    uint32_t w = p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
    return w == 0x00000013 || w == 0x10500073;
}

/* Decodes a new block once: its instruction count, and whether it is an idle loop (an unconditional
   jump back to its own start, preceded only by waiting instructions: `while (1);`, `for (;;) __WFI();`).
   Returns 0 when the code cannot be read, and stops the run when memory runs out. */
static uint32_t decode_block(tracer_t *t, uint32_t addr, uint32_t size, uint32_t *idle)
{
    uint8_t small[4096];
    uint8_t *buf = size <= sizeof(small) ? small : malloc(size);
    uint32_t n = 0, quiet = 1;
    *idle = 0;
    if (!buf) {
        tracer_fail(t, TRACER_OUT_OF_MEMORY);
        return 0;
    }
    if (t->mem_read(t->uc, addr, buf, size) != 0) {
        if (buf != small)
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

/* Room for twice as many blocks, or 0 (nothing changed) when memory runs out. */
static int blocks_grow(tracer_t *t)
{
    uint32_t cap = t->blocks_cap * 2;
    uint32_t *table = calloc((size_t)cap * 2, sizeof(uint32_t));
    if (!table)
        return 0;
    block_t *n = realloc(t->blocks, (size_t)cap * sizeof(block_t));
    if (!n) {
        free(table);
        return 0;
    }
    t->blocks = n;
    t->blocks_cap = cap;
    free(t->table);
    t->table = table;
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

/* The block (addr, size) in the current context, created on first use; -1 with the run stopped
   (TRACER_OUT_OF_MEMORY) when memory runs out. */
int64_t block_lookup(tracer_t *t, uint32_t addr, uint32_t size)
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
        if (!blocks_grow(t)) {
            tracer_fail(t, TRACER_OUT_OF_MEMORY);
            return -1;
        }
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
