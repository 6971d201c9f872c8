"""Cache geometry the simulator models and the cost models read: one record for both sides."""

from dataclasses import dataclass, field

from mcubench.core.errors import UsageError


@dataclass
class CacheConfig:
    """A set-associative LRU cache the tracer simulates: hits and misses land in Trace.caches[name].

    ranges: [(base, end)] addresses it caches (end exclusive; empty = everything). fetch/read/write say
    which accesses go through it: instruction fetches (one access per cache line a basic block spans)
    and data loads and stores (which need memory tracing). write_allocate: a write miss fills the line.
    """

    name: str
    size_bytes: int
    line_bytes: int
    ways: int
    ranges: list = field(default_factory=list)
    fetch: bool = True
    read: bool = True
    write: bool = True
    write_allocate: bool = True

    @property
    def sets(self) -> int:
        return self.size_bytes // (self.line_bytes * self.ways)

    def check(self):
        sets = self.sets
        if (
            self.line_bytes <= 0
            or self.line_bytes & (self.line_bytes - 1)
            or self.ways <= 0
            or sets <= 0
            or sets & (sets - 1)
            or sets * self.line_bytes * self.ways != self.size_bytes
        ):
            raise UsageError(
                f"cache {self.name!r}: size {self.size_bytes} B, line {self.line_bytes} B, "
                f"{self.ways} ways must give a power-of-two number of sets"
            )
