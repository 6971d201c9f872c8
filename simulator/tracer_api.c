/* tracer_api.c: set-up, reset and results, called from Python with ctypes (simulator/native.py). */
#include "_tracer.h"

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
    if (!t->blocks || !t->table || !t->ctxs || !t->ctx_table || !t->calls) {
        tracer_free(t);
        return NULL;
    }
    return t;
}

int tracer_add_area(tracer_t *t, uint32_t base, uint32_t end, int is_ram)
{
    if (t->nareas == MAX_AREAS)
        return -1;
    if (is_ram) {
        t->ram_bits[t->nram] = calloc((end - base + 7) / 8, 1);
        if (!t->ram_bits[t->nram])
            return -1;
        t->ram_base[t->nram] = base;
        t->ram_end[t->nram] = end;
        t->nram++;
    }
    t->area_base[t->nareas] = base;
    t->area_end[t->nareas] = end;
    t->nareas++;
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

void tracer_set_reg_write(tracer_t *t, void *reg_write, uint32_t reg_xpsr)
{
    t->reg_write = (reg_write_fn)reg_write;
    t->reg_xpsr = reg_xpsr;
}

/* Clears every counter for a new run; -1 when memory runs out (the tracer cannot run). */
int tracer_reset(tracer_t *t, uint64_t budget)
{
    for (uint32_t i = 0; i < t->nctx; i++)
        ctx_free_counters(&t->ctxs[i]);
    t->nctx = 1;
    t->ctxs[0].parent = 0;
    t->ctxs[0].region = 0xFFFFFFFFu;
    memset(t->ctx_table, 0, (t->ctx_table_mask + 1) * sizeof(uint32_t));
    t->ctx = 0;
    t->nframes = 0;
    t->error = TRACER_OK;
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
    caches_clear(t);
    memset(t->page, 0, sizeof(t->page));
    t->it_pending = 0;
    if (!ctx_alloc_counters(t, &t->ctxs[0])) {
        t->nctx = 0;
        return -1;
    }
    return 0;
}

/* Results. */
uint64_t tracer_icount(tracer_t *t) { return t->icount; }
int tracer_budget_hit(tracer_t *t) { return t->budget_hit; }
int tracer_error(tracer_t *t) { return t->error; }
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
    for (uint32_t i = 0; t->ctxs && i < t->nctx; i++)
        ctx_free_counters(&t->ctxs[i]);
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
