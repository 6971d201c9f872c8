/* tracer_cache.c: the cache model: set-associative, LRU, one access per line touched; hits and misses per
   context and cache, misses and line fills per context, cache and memory area of the missed line. */
#include "_tracer.h"

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

void caches_fetch(tracer_t *t, uint32_t addr, uint32_t size)
{
    uint64_t *counts = t->ctxs[t->ctx].cache;
    for (uint32_t i = 0; i < t->ncaches; i++) {
        cache_t *c = &t->caches[i];
        if (!c->fetch || !cache_covers(c, addr))
            continue;
        uint32_t first = addr >> c->line_shift, last = (addr + size - 1) >> c->line_shift;
        for (uint32_t line = first; line <= last; line++) {
            if (cache_access(c, line, 1)) {
                counts[i * C_NCOUNTERS + C_FETCH_HITS]++;
            } else {
                counts[i * C_NCOUNTERS + C_FETCH_MISSES]++;
                uint64_t *a = cache_area_counts(t, i, line << c->line_shift);
                a[A_FETCH_MISSES]++;
                a[A_LINE_FILLS]++;
            }
        }
    }
}

void caches_data(tracer_t *t, uint32_t addr, uint32_t size, int write)
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
            counts[i * C_NCOUNTERS + (write ? (hit ? C_WRITE_HITS : C_WRITE_MISSES) : (hit ? C_READ_HITS : C_READ_MISSES))]++;
            if (!hit) {
                uint64_t *a = cache_area_counts(t, i, line << c->line_shift);
                a[write ? A_WRITE_MISSES : A_READ_MISSES]++;
                a[A_LINE_FILLS] += (uint64_t)allocate;
            }
        }
    }
}

/* Every line invalid, for a new run. */
void caches_clear(tracer_t *t)
{
    for (uint32_t i = 0; i < t->ncaches; i++) {
        cache_t *c = &t->caches[i];
        memset(c->tags, 0, (size_t)(c->set_mask + 1) * c->ways * sizeof(uint32_t));
        memset(c->stamps, 0, (size_t)(c->set_mask + 1) * c->ways * sizeof(uint64_t));
        c->clock = 0;
    }
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
    c->fetch = (flags & CACHE_FLAG_FETCH) != 0;
    c->read = (flags & CACHE_FLAG_READ) != 0;
    c->write = (flags & CACHE_FLAG_WRITE) != 0;
    c->write_allocate = (flags & CACHE_FLAG_WRITE_ALLOCATE) != 0;
    c->nranges = nranges;
    for (uint32_t i = 0; i < nranges; i++) {
        c->base[i] = ranges[2 * i];
        c->end[i] = ranges[2 * i + 1];
    }
    c->tags = calloc((size_t)sets * ways, sizeof(uint32_t));
    c->stamps = calloc((size_t)sets * ways, sizeof(uint64_t));
    if (!c->tags || !c->stamps) {
        free(c->tags);
        free(c->stamps);
        c->tags = NULL;
        c->stamps = NULL;
        return -1;
    }
    t->ncaches++;
    t->nfetch_caches += c->fetch;
    t->ndata_caches += c->read | c->write;
    return 0;
}
