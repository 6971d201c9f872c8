"""From the native tracer's per-context counters to whole-run and per-region figures.

The tracer attributes every counter to a context: a node of the region tree (root = outside all
regions). A region's inclusive figures are the sums over every context whose path from the root
passes through that region, so nesting and recursion are counted exactly once.
"""

from dataclasses import dataclass

import numpy as np

from mcubench.core.trace import AccessCounts, BlockTable, CacheAreaCounts, CacheCounts, RegionTrace
from mcubench.simulator import native


@dataclass
class Totals:
    blocks: BlockTable
    memory: dict
    caches: dict
    divisions: dict


def _block_table(blocks, keep) -> BlockTable:
    """Blocks of the selected rows, one row per (address, size), counts summed."""
    keep = keep & (blocks["count"] > 0)
    if not keep.any():
        return BlockTable.empty()
    rows = {k: v[keep] for k, v in blocks.items()}
    key = (rows["address"].astype(np.uint64) << np.uint64(32)) | rows["size"].astype(np.uint64)
    unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    sums = {}
    for column in ("count", "fallthrough", "target_changes"):
        sums[column] = np.zeros(unique.size, dtype=np.uint64)
        np.add.at(sums[column], inverse, rows[column])
    return BlockTable(rows["address"][first], rows["size"][first], rows["instructions"][first], **sums)


def _misses_by_area(counts, areas) -> dict:
    """area name -> CacheAreaCounts for the areas with a miss (the tracer's last row, unmapped, has none:
    a cache covers mapped areas only)."""
    return {area.name: CacheAreaCounts(**_named(native.CACHE_AREA_COUNTERS, counts[i])) for i, area in enumerate(areas)
            if counts[i].any()}


def _named(names, row) -> dict:
    """One row of tracer counters by name, in the tracer's order (simulator/native.py mirrors _tracer.h)."""
    return {name: int(v) for name, v in zip(names, row)}


def rolled_up(parts, mask, areas, caches, sites) -> Totals:
    """Sums over the contexts selected by the boolean mask."""
    blocks = parts["blocks"]
    table = _block_table(blocks, mask[blocks["ctx"]])
    mem = parts["mem"][mask].sum(axis=0, dtype=np.uint64)
    memory = {area.name: AccessCounts(**_named(native.MEMORY_COUNTERS, mem[i])) for i, area in enumerate(areas)}
    cache = parts["cache"][mask].sum(axis=0, dtype=np.uint64)
    by_area = parts["cache_area"][mask].sum(axis=0, dtype=np.uint64)
    cache_counts = {c.name: CacheCounts(**_named(native.CACHE_COUNTERS, cache[i]), areas=_misses_by_area(by_area[i], areas))
                    for i, c in enumerate(caches)}
    div = parts["div"][mask].sum(axis=0, dtype=np.uint64)
    divisions = {site.address: div[i].copy() for i, site in enumerate(sites) if div[i].any()}
    return Totals(table, memory, cache_counts, divisions)


def _enclosing_region(parent, region, names, ids):
    """Innermost region around every call of a region (a function called from several layers sits in
    their common parent), or None at top level."""
    common = None
    for c in range(1, parent.size):
        if int(region[c]) not in ids:
            continue
        chain = []
        p = int(parent[c])
        while p != 0:
            chain.append(names[int(region[p])])
            p = int(parent[p])
        chain.reverse()  # outermost first
        if common is None:
            common = chain
        else:
            n = 0
            while n < min(len(common), len(chain)) and common[n] == chain[n]:
                n += 1
            common = common[:n]
    return common[-1] if common else None


def build_regions(parts, parent, region, names, calls, areas, caches, sites, memory_traced):
    """[RegionTrace], one per region name, in the order the names were configured or first seen."""
    nctx = parent.size
    paths = [frozenset()]
    for c in range(1, nctx):
        paths.append(paths[parent[c]] | {int(region[c])})
    out = []
    for name in dict.fromkeys(names):
        ids = {i for i, n in enumerate(names) if n == name}
        mask = np.array([bool(p & ids) for p in paths], dtype=bool)
        totals = rolled_up(parts, mask, areas, caches, sites)
        parent_name = _enclosing_region(parent, region, names, ids)
        out.append(RegionTrace(
            name=name, parent=parent_name, calls=int(sum(int(calls[i]) for i in ids)), blocks=totals.blocks,
            memory=totals.memory if memory_traced else {}, caches=totals.caches, divisions=totals.divisions,
        ))
    return out
