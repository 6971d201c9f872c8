/* tracer_regions.c: the region stack (function regions entered at their entry block and left at their
   return address; marked regions begun and ended by stores to the marker word) and the marker page. */
#include "_tracer.h"

void push_frame(tracer_t *t, uint32_t kind, uint32_t region, uint32_t ret, uint32_t sp)
{
    if (t->nframes == MAX_FRAMES) {
        tracer_fail(t, TRACER_REGIONS_TOO_DEEP);
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
            tracer_fail(t, TRACER_END_WITHOUT_BEGIN);
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
            tracer_fail(t, TRACER_REGIONS_TOO_DEEP);
            return;
        }
        t->mark_addr[t->nmarks++] = name;
    }
    push_frame(t, FRAME_MARK, t->nfuncs + m, 1u /* never a block address */, 0);
    finish_split(t, head, tail_addr, tail_size);
}

int tracer_add_function(tracer_t *t, uint32_t addr)
{
    if (t->nfuncs == MAX_FUNCS)
        return -1;
    t->func_addr[t->nfuncs++] = addr;
    return 0;
}

void tracer_set_marker(tracer_t *t, uint32_t offset, int exact)
{
    t->marker_offset = offset;
    t->exact_markers = exact;
}
