"""Semihosting operations on a fake guest memory: what reaches the console, what ends the run."""

import pytest

from mcubench.core.errors import SimulationError
from mcubench.simulator.semihosting import (ADP_STOPPED_APPLICATION_EXIT, SYS_EXIT, SYS_EXIT_EXTENDED, SYS_SYSTEM,
                                           SYS_WRITE, SYS_WRITE0, SYS_WRITEC, Semihost, UnsupportedOperation)


class Memory:
    def __init__(self, base, data):
        self.base, self.data = base, bytearray(data)

    def read(self, address, n):
        off = address - self.base
        if off < 0 or off + n > len(self.data):
            raise SimulationError("unmapped")
        return bytes(self.data[off:off + n])


def words(*values):
    return b"".join(v.to_bytes(4, "little") for v in values)


def test_console_operations():
    mem = Memory(0x1000, b"hi\0" + b"X" + b"\0" * 12 + words(1, 0x1000, 2) + words(2, 0x1000, 1))
    host = Semihost(mem.read)
    assert host.call(SYS_WRITE0, 0x1000) == 0
    assert host.call(SYS_WRITEC, 0x1003) == 0
    assert host.call(SYS_WRITE, 0x1010) == 0
    assert host.call(SYS_WRITE, 0x101C) == 0
    assert host.text() == "hiXhih" and host.exit_status is None


def test_a_string_ending_at_the_end_of_memory():
    host = Semihost(Memory(0x2000, b"end\0").read)
    host.call(SYS_WRITE0, 0x2000)
    assert host.text() == "end"


@pytest.mark.parametrize("op,arg,status", [
    (SYS_EXIT, ADP_STOPPED_APPLICATION_EXIT, 0),
    (SYS_EXIT, 0x20023, 1),  # any other reason (here ADP_Stopped_RunTimeErrorUnknown) is a failure
    (SYS_EXIT_EXTENDED, 0x3000, 42),
    (SYS_EXIT_EXTENDED, 0x3008, 1),
    (SYS_EXIT_EXTENDED, 0x3010, -1),
])
def test_exit_status(op, arg, status):
    mem = Memory(0x3000, words(ADP_STOPPED_APPLICATION_EXIT, 42, 0x20023, 7, ADP_STOPPED_APPLICATION_EXIT, 0xFFFFFFFF))
    host = Semihost(mem.read)
    host.call(op, arg)
    assert host.exit_status == status


def test_unsupported_operations_name_the_operation():
    host = Semihost(Memory(0, words(0, 0)).read)
    with pytest.raises(UnsupportedOperation, match=r"0x12 \(SYS_SYSTEM\)"):
        host.call(SYS_SYSTEM, 0)  # running a host command is never served
    with pytest.raises(UnsupportedOperation, match=r"0x7f \(unknown\)"):
        host.call(0x7F, 0)
