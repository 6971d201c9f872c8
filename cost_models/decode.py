"""Decode executed basic blocks once into the few facts the timing models need (mcubench.core.decode).

A block is identified by (address, size), as in the simulator's BlockTable. The code bytes come from the
trace itself (Trace.code), so a saved trace can be re-costed without the ELF.
"""

from mcubench.core.decode import FP_MULTIPLY_ACCUMULATES, Insn, decode_block
from mcubench.core.errors import TraceError

__all__ = ["CodeImage", "FP_MULTIPLY_ACCUMULATES", "Insn"]


class CodeImage:
    """The executable bytes of a trace, and decoded blocks cached by (address, size)."""

    def __init__(self, isa: str, code):
        self.isa = isa
        self.segments = sorted((int(a), bytes(b)) for a, b in code)
        self._blocks = {}
        self.undecodable_bytes = 0

    def _bytes_at(self, address: int, size: int) -> bytes:
        for base, data in self.segments:
            if base <= address and address + size <= base + len(data):
                return data[address - base:address - base + size]
        raise TraceError(f"trace has no code bytes for the block at {address:#x} ({size} bytes)")

    def block(self, address: int, size: int) -> tuple:
        key = (int(address), int(size))
        found = self._blocks.get(key)
        if found is None:
            found = self._blocks[key] = self._decode(*key)
        return found

    def _decode(self, address, size):
        insns, undecodable = decode_block(self.isa, address, self._bytes_at(address, size))
        self.undecodable_bytes += undecodable  # counted at 1 cycle each
        return insns
