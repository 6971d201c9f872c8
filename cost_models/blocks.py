"""What every core model produces per basic block, and how block costs add up over a BlockTable.

A block's cost is static: decode once, cost once, multiply by the block's execution count. What varies per
execution is charged from the trace's counters: the final branch's taken count (count - fallthrough),
data-dependent divide latency (Trace.divisions histograms) and memory stalls (cache and area counters).
"""

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class BlockCost:
    base: int  # cycles of one execution with the final branch not taken and no memory stalls
    taken: int  # extra cycles each time the final branch is taken
    not_taken: int = 0  # extra cycles each time it is not taken (the block is left by falling through)
    line_cycles: tuple = ()  # ((line address, core cycles spent on instructions in that line), ...) in order
    div_sites: tuple = ()  # ((address, cycles already counted in base), ...)
    ends_conditional: bool = False  # final instruction is a conditional branch
    ends_indirect: bool = False  # final instruction branches to a register or loaded value
    unaligned_wide_start: bool = False  # first instruction is 32 bits wide at an address that is 2 mod 4


class CoreModel:
    """Base of the per-core timing models: block costs are computed once per distinct block."""

    def block_cost(self, insns) -> BlockCost:
        cache = self.__dict__.setdefault("_costs", {})
        key = (insns[0].address, insns[-1].address) if insns else None
        cost = cache.get(key)
        if cost is None:
            cost = cache[key] = self._block_cost(insns)
        return cost

    def _block_cost(self, insns) -> BlockCost:
        raise NotImplementedError

    def mispredict_cycles(self, rows, blocks) -> int:
        """Cycles lost to mispredicted branches, from block_rows(blocks) and the blocks' counters (cores with a
        predictor override this)."""
        return 0

    def branch_target_cycles(self, rows, blocks, run_blocks) -> int:
        """Cycles a taken branch costs on account of its target (cores where the target matters override)."""
        return 0

    def memory_stalls(self, device, view, rows, clock_mhz, tally) -> float:
        """Stall cycles of the memory system; by default, line fills of the device's caches."""
        from .cache_misses import miss_stalls

        return miss_stalls(device, view, clock_mhz, tally)


@dataclass
class View:
    """The counters of one span: the whole run or one region."""

    blocks: object  # simulator.trace.BlockTable
    divisions: dict
    memory: dict
    caches: dict


@dataclass
class Tally:
    cycles: float = 0.0
    notes: set = field(default_factory=set)  # assumptions this span needed, said once


def block_rows(image, model, blocks, tally):
    """[(BlockCost, count, taken)] for every row of a BlockTable."""
    rows = []
    mismatched = 0
    for address, size, n, count, fallthrough in zip(blocks.address, blocks.size, blocks.instructions, blocks.count,
                                                    blocks.fallthrough):
        insns = image.block(int(address), int(size))
        mismatched += len(insns) != int(n)
        cost = model.block_cost(insns)
        count = int(count)
        rows.append((cost, count, max(0, count - int(fallthrough))))
    if mismatched:
        tally.notes.add(f"{mismatched} block(s) decode to another instruction count than the simulator counted: "
                        "costed as decoded")
    return rows


def block_ends(blocks) -> list:
    """Each row's end address (address + size): where its fall-through goes, and which final instruction it has."""
    return (blocks.address.astype(np.uint64) + blocks.size.astype(np.uint64)).tolist()


def sequential_entries(blocks) -> dict:
    """address -> executions that entered the block at that address by falling through from the one before."""
    into = {}
    for end, fallthrough in zip(block_ends(blocks), blocks.fallthrough.tolist()):
        if fallthrough:
            into[int(end)] = into.get(int(end), 0) + int(fallthrough)
    return into


def division_extra(rows, divisions, latency, worst, tally) -> int:
    """Cycles that data-dependent divides add over what block bases already count.

    A divide can lie in two overlapping blocks (a branch into the middle of a block), while its operand
    histogram covers every execution of that one instruction: so each site is charged once, against the
    executions of all blocks holding it.
    """
    executions, counted_at = {}, {}
    for cost, count, _ in rows:
        for address, counted in cost.div_sites:
            executions[address] = executions.get(address, 0) + count
            counted_at[address] = counted
    extra = 0
    for address, count in executions.items():
        counted = counted_at[address]
        hist = divisions.get(address)
        seen = 0
        if hist is not None:
            hist = np.asarray(hist, dtype=np.int64)
            seen = int(hist.sum())
            extra += int(sum(int(n) * (latency(d) - counted) for d, n in enumerate(hist) if n))
        if seen < count:
            extra += (count - seen) * (worst - counted)
            tally.notes.add(f"divide operands not traced at some sites: charged the worst case, {worst} cycles")
    return extra
