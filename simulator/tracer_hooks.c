/* tracer_hooks.c: the callbacks Unicorn calls while the firmware runs (blocks, memory accesses, divisions,
   conditional loads, the heap break). The hot path: keep it free of anything a run does not need. */
#include "_tracer.h"

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

/* ---------------------------------------------------------------------------------------------- */
/* blocks and data accesses */

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
    if (i < 0 && (i = block_slow(t, addr, size)) < 0)
        return; /* out of memory: block_lookup stopped the run */
    if (t->blocks[i].func != NO_FUNC) {
        uint32_t region = t->blocks[i].func;
        uint32_t sp = read_reg32(t, t->reg_sp);
        frame_t *top = t->nframes ? &t->frames[t->nframes - 1] : NULL;
        /* A branch back to the entry inside the same call is not a new call. */
        if (!(top && top->kind == FRAME_FUNC && top->region == region && top->sp == sp)) {
            push_frame(t, FRAME_FUNC, region, read_reg32(t, t->reg_ret) & ~1u, sp);
            if ((i = block_lookup(t, addr, size)) < 0)
                return;
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
    /* bits(n) - bits(d) = clz(d) - clz(n): 0..31 when both are non-zero */
    int32_t more_bits = (int32_t)clz32(d) - (int32_t)clz32(n);
    uint32_t bin = (n == 0 || d == 0) ? DIV_BIN_ZERO : (more_bits < 0 ? DIV_BIN_SHORTER : (uint32_t)more_bits);
    context_t *c = &t->ctxs[t->ctx];
    if (!c->div) {
        c->div = calloc((size_t)t->nsites * HIST_BINS, sizeof(uint64_t));
        if (!c->div) {
            tracer_fail(t, TRACER_OUT_OF_MEMORY);
            return;
        }
    }
    c->div[(size_t)s->index * HIST_BINS + bin]++;
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
        if (!c->cond) {
            tracer_fail(t, TRACER_OUT_OF_MEMORY);
            return;
        }
    }
    c->cond[s->index]++;
}
