"""Semihosting: the firmware's console and exit, serviced by the simulator.

Operation numbers and argument blocks follow "Semihosting for AArch32 and AArch64" (Arm, 2022),
section 6; RISC-V uses the same operations ("RISC-V Semihosting", riscv-non-isa/riscv-semihosting).
"""

from mcubench.core.errors import SimulationError

SYS_WRITEC = 0x03
SYS_WRITE0 = 0x04
SYS_WRITE = 0x05
SYS_EXIT = 0x18
SYS_EXIT_EXTENDED = 0x20
ADP_STOPPED_APPLICATION_EXIT = 0x20026

_MAX_STRING = 1 << 16

# The RISC-V semihosting trap: slli x0,x0,0x1f; ebreak; srai x0,x0,7 (uncompressed).
RV_SLLI = 0x01F01013
RV_EBREAK = 0x00100073
RV_SRAI = 0x40705013


class Semihost:
    """Console output and exit status of one run. read(address, n) -> bytes reads guest memory."""

    def __init__(self, read):
        self._read = read
        self.console = bytearray()
        self.exit_status = None

    def _word(self, address):
        return int.from_bytes(self._read(address, 4), "little")

    def _string(self, address):
        out = bytearray()
        while len(out) < _MAX_STRING:
            try:
                chunk = self._read(address + len(out), 64)
            except SimulationError:  # the string may end just before unmapped memory
                chunk = self._read(address + len(out), 1)
            end = chunk.find(b"\0")
            if end >= 0:
                return bytes(out + chunk[:end])
            out += chunk
        return bytes(out)

    def call(self, op: int, arg: int) -> int:
        """Services one operation; returns the value for r0/a0. Sets exit_status on exit."""
        if op == SYS_WRITEC:
            self.console += self._read(arg, 1)
            return 0
        if op == SYS_WRITE0:
            self.console += self._string(arg)
            return 0
        if op == SYS_WRITE:
            fd, buf, length = self._word(arg), self._word(arg + 4), self._word(arg + 8)
            if fd not in (1, 2):
                raise SimulationError(f"semihosting SYS_WRITE to file handle {fd}: only stdout/stderr are served")
            self.console += self._read(buf, length)
            return 0  # bytes not written
        if op == SYS_EXIT:
            # 32-bit callers pass the reason code itself; only ApplicationExit means success.
            self.exit_status = 0 if arg == ADP_STOPPED_APPLICATION_EXIT else 1
            return 0
        if op == SYS_EXIT_EXTENDED:
            reason, subcode = self._word(arg), self._word(arg + 4)
            status = subcode if reason == ADP_STOPPED_APPLICATION_EXIT else 1
            self.exit_status = status - (1 << 32) if status >= 1 << 31 else status
            return 0
        raise SimulationError(f"unsupported semihosting operation {op:#x}")

    def text(self) -> str:
        return self.console.decode("utf-8", errors="replace")
