"""The Trace record: everything one simulated run observed, and nothing about time or power.

This is the contract between the simulator (which fills it) and the cost models (which read it).
It is plain data: numpy arrays and numbers, saved to and loaded from JSON so that a trace can be
re-costed later, for another clock or device of the same ISA, without running again.

Per-region figures are inclusive: a region's counters include those of regions nested in it.
"""

from dataclasses import dataclass, field
import base64
import json

import numpy as np

from mcubench.core.errors import TraceError

TRACE_SCHEMA = "mcubench.trace/4"
# Older records lack counters the cost models need: /1 per-area cache misses (a cache in front of several
# memories could not charge each miss to the memory that filled it), /2 per-block branch target changes,
# /3 divisions by a zero operand and by a longer divisor (its histogram clamped both into bin 0).
# They are refused with a line that says to take the trace again.
_OLDER_SCHEMAS = {
    "mcubench.trace/1": "cache misses per memory area",
    "mcubench.trace/2": "branch target changes",
    "mcubench.trace/3": "divisions by zero and by a longer divisor",
}

# The divide-operand histogram of a division site (Trace.divisions): bin k < 32 counts the divisions whose
# dividend has k more significant bits than the divisor (magnitudes), DIV_BIN_SHORTER those whose dividend
# has fewer, DIV_BIN_ZERO those with a zero operand. Mirrors simulator/_tracer.h.
DIV_BIN_SHORTER = 32
DIV_BIN_ZERO = 33
DIVISION_BINS = 34


@dataclass
class BlockTable:
    """Executed basic blocks, one row per distinct (address, size) block.

    fallthrough counts the executions after which the next executed block began at address+size;
    the cost models read count - fallthrough as the taken count of the block's final branch.
    target_changes counts the taken exits that went somewhere else than the block's previous taken exit (the
    first taken exit counts): the mispredictions of a branch target cache that keeps each branch's last target.
    A row that merges several regions' executions of one block adds their counts, one first exit per region.
    """

    address: np.ndarray  # uint32, first instruction (Thumb addresses without the low bit)
    size: np.ndarray  # uint32, bytes
    instructions: np.ndarray  # uint32, instructions in one execution of the block
    count: np.ndarray  # uint64, executions
    fallthrough: np.ndarray  # uint64, executions followed by the block at address+size
    target_changes: np.ndarray  # uint64, taken exits to another target than the previous taken exit

    _COLUMNS = ("address", "size", "instructions", "count", "fallthrough", "target_changes")
    _TYPES = (np.uint32, np.uint32, np.uint32, np.uint64, np.uint64, np.uint64)

    @classmethod
    def empty(cls):
        return cls(*(np.zeros(0, dtype=t) for t in cls._TYPES))

    @property
    def executed_instructions(self) -> int:
        return int(np.dot(self.instructions.astype(np.uint64), self.count))

    def to_dict(self):
        return {k: getattr(self, k).tolist() for k in self._COLUMNS}

    @classmethod
    def from_dict(cls, d):
        return cls(*(np.asarray(d[k], dtype=t) for k, t in zip(cls._COLUMNS, cls._TYPES)))


@dataclass
class AccessCounts:
    """Data accesses (loads and stores, not instruction fetches) to one memory area."""

    reads: int = 0
    writes: int = 0
    read_bytes: int = 0
    write_bytes: int = 0


@dataclass
class CacheAreaCounts:
    """Misses of one cache whose line lies in one memory area, and the line fills they caused.

    A read or fetch miss always fills its line; a write miss fills it only in a write-allocate cache.
    """

    read_misses: int = 0
    write_misses: int = 0
    fetch_misses: int = 0
    line_fills: int = 0


@dataclass
class CacheCounts:
    """Hits and misses of one cache model the caller configured for the run (see simulator docs).

    areas: memory area name -> CacheAreaCounts, for the areas whose lines missed (the area of the line,
    not of the instruction that asked for it).
    """

    read_hits: int = 0
    read_misses: int = 0
    write_hits: int = 0
    write_misses: int = 0
    fetch_hits: int = 0
    fetch_misses: int = 0
    areas: dict = field(default_factory=dict)

    def to_dict(self):
        d = {k: v for k, v in vars(self).items() if k != "areas"}
        d["areas"] = {name: vars(a) for name, a in self.areas.items()}
        return d

    @classmethod
    def from_dict(cls, d):
        d = dict(d)
        areas = {name: CacheAreaCounts(**a) for name, a in d.pop("areas").items()}
        return cls(**d, areas=areas)


@dataclass
class RegionTrace:
    """One region: a marked span, or every call of a named function. Counters are inclusive."""

    name: str
    parent: str | None
    calls: int
    blocks: BlockTable
    memory: dict = field(default_factory=dict)  # area name -> AccessCounts
    caches: dict = field(default_factory=dict)  # cache name -> CacheCounts
    divisions: dict = field(default_factory=dict)  # instruction address -> histogram (see Trace)

    @property
    def instructions(self) -> int:
        return self.blocks.executed_instructions


@dataclass
class ImageInfo:
    """Sizes of the loaded ELF image, by section class.

    Writable sections that live in flash (.init_array, .fini_array) count as rodata. Linker placeholders
    (a RAM section with no content whose name says heap or stack, such as a CubeIDE `._user_heap_stack`)
    only reserve room that the heap and stack use: they are `reserved_bytes`, not static RAM.
    """

    text_bytes: int = 0
    rodata_bytes: int = 0
    data_bytes: int = 0
    bss_bytes: int = 0
    reserved_bytes: int = 0
    reserved_sections: dict = field(default_factory=dict)  # section name -> bytes

    @property
    def flash_bytes(self) -> int:
        # .data's initial values are stored in flash and copied to RAM at start-up.
        return self.text_bytes + self.rodata_bytes + self.data_bytes

    @property
    def static_ram_bytes(self) -> int:
        return self.data_bytes + self.bss_bytes


@dataclass
class Trace:
    """The whole run. See the module docstring."""

    isa: str  # an Isa value (mcubench.core.isa)
    device: str  # the device whose memory map the run used
    elf_sha256: str
    exit_status: int | None  # None when the firmware parked instead of exiting (see idle_pc)
    console_bytes: bytes  # everything the firmware wrote to stdout and stderr, byte for byte
    blocks: BlockTable
    image: ImageInfo
    code: list  # [(address, bytes)] executable segments, so blocks can be decoded without the ELF
    memory: dict = field(default_factory=dict)  # area name -> AccessCounts (empty when not traced)
    caches: dict = field(default_factory=dict)  # cache name -> CacheCounts
    # Division sites: instruction address -> DIVISION_BINS-bin histogram of the operands' bit lengths (see
    # DIV_BIN_SHORTER), which sets the early-terminating divider's latency on cores that have one.
    divisions: dict = field(default_factory=dict)
    stack_high_water_bytes: int = 0
    ram_touched_bytes: int = 0
    heap_bytes: int = 0
    regions: list = field(default_factory=list)  # [RegionTrace]
    memory_traced: bool = False
    # The run ended with the firmware parked: an idle loop (`while (1);`) or WFI at this address, which
    # the counts leave out. None when it exited through semihosting.
    idle_pc: int | None = None
    idle_function: str | None = None  # the function idle_pc is in, when the ELF names it
    host_notes: list = field(default_factory=list)  # what the semihosting host refused, for the user

    @property
    def instructions(self) -> int:
        return self.blocks.executed_instructions

    @property
    def console(self) -> str:
        """The console as text: UTF-8, with U+FFFD for bytes that are not (console_bytes is exact)."""
        return self.console_bytes.decode("utf-8", errors="replace")

    def region(self, name: str) -> RegionTrace:
        for r in self.regions:
            if r.name == name:
                return r
        raise TraceError(f"trace has no region {name!r}")

    # --- JSON round trip -------------------------------------------------------------------
    def to_dict(self):
        return {
            "schema": TRACE_SCHEMA,
            "isa": self.isa,
            "device": self.device,
            "elf_sha256": self.elf_sha256,
            "exit_status": self.exit_status,
            "idle_pc": self.idle_pc,
            "idle_function": self.idle_function,
            "console": self.console,
            "console_base64": base64.b64encode(self.console_bytes).decode(),
            "host_notes": list(self.host_notes),
            "instructions": self.instructions,
            "blocks": self.blocks.to_dict(),
            "image": vars(self.image),
            "code": [[addr, base64.b64encode(data).decode()] for addr, data in self.code],
            "memory": {k: vars(v) for k, v in self.memory.items()},
            "caches": {k: v.to_dict() for k, v in self.caches.items()},
            "divisions": {str(k): list(map(int, v)) for k, v in self.divisions.items()},
            "stack_high_water_bytes": self.stack_high_water_bytes,
            "ram_touched_bytes": self.ram_touched_bytes,
            "heap_bytes": self.heap_bytes,
            "memory_traced": self.memory_traced,
            "regions": [
                {
                    "name": r.name,
                    "parent": r.parent,
                    "calls": r.calls,
                    "instructions": r.instructions,
                    "blocks": r.blocks.to_dict(),
                    "memory": {k: vars(v) for k, v in r.memory.items()},
                    "caches": {k: v.to_dict() for k, v in r.caches.items()},
                    "divisions": {str(k): list(map(int, v)) for k, v in r.divisions.items()},
                }
                for r in self.regions
            ],
        }

    @classmethod
    def from_dict(cls, d):
        if isinstance(d, dict) and d.get("schema") in _OLDER_SCHEMAS:
            raise TraceError(
                f"a {d['schema']} trace record, written before mcubench counted "
                f"{_OLDER_SCHEMAS[d['schema']]} ({TRACE_SCHEMA}): take the trace again with `mcubench trace`"
            )
        if not isinstance(d, dict) or d.get("schema") != TRACE_SCHEMA:
            raise TraceError(f"not a {TRACE_SCHEMA} trace record")
        try:
            return cls(
                isa=d["isa"],
                device=d["device"],
                elf_sha256=d["elf_sha256"],
                exit_status=d["exit_status"],
                console_bytes=(
                    base64.b64decode(d["console_base64"]) if "console_base64" in d else d["console"].encode()
                ),
                idle_pc=d.get("idle_pc"),
                idle_function=d.get("idle_function"),
                host_notes=list(d.get("host_notes", [])),
                blocks=BlockTable.from_dict(d["blocks"]),
                image=ImageInfo(**d["image"]),
                code=[(int(a), base64.b64decode(b)) for a, b in d["code"]],
                memory={k: AccessCounts(**v) for k, v in d["memory"].items()},
                caches={k: CacheCounts.from_dict(v) for k, v in d["caches"].items()},
                divisions={int(k): np.asarray(v, dtype=np.uint64) for k, v in d["divisions"].items()},
                stack_high_water_bytes=d["stack_high_water_bytes"],
                ram_touched_bytes=d["ram_touched_bytes"],
                heap_bytes=d.get("heap_bytes", 0),
                memory_traced=d["memory_traced"],
                regions=[
                    RegionTrace(
                        name=r["name"],
                        parent=r["parent"],
                        calls=r["calls"],
                        blocks=BlockTable.from_dict(r["blocks"]),
                        memory={k: AccessCounts(**v) for k, v in r["memory"].items()},
                        caches={k: CacheCounts.from_dict(v) for k, v in r["caches"].items()},
                        divisions={int(k): np.asarray(v, dtype=np.uint64) for k, v in r["divisions"].items()},
                    )
                    for r in d["regions"]
                ],
            )
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise TraceError(f"malformed trace record: {exc}") from None

    def save(self, path):
        with open(path, "w") as f:
            json.dump(self.to_dict(), f)

    @classmethod
    def load(cls, path):
        try:
            with open(path) as f:
                data = json.load(f)
        except OSError as exc:
            raise TraceError(f"{path}: cannot read trace: {exc.strerror or exc}") from None
        except (UnicodeDecodeError, ValueError, RecursionError):  # an ELF given as --trace, or broken JSON
            raise TraceError(f"{path}: not a trace record (JSON written by `mcubench trace --json`)") from None
        return cls.from_dict(data)
