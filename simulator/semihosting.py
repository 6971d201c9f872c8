"""Semihosting: the firmware's console, files, clock and exit, serviced by the simulator.

Operation numbers and argument blocks follow "Semihosting for AArch32 and AArch64" (Arm, 2022, version
3.0), chapter 6; RISC-V uses the same operations and blocks with the slli/ebreak/srai trap ("RISC-V
Semihosting", riscv-non-isa/riscv-semihosting, version 0.3). newlib's rdimon, picolibc's semihost
library and hand-written calls all reach the firmware's host through this one table.

What the host is here:
- The console is one byte stream: stdout and stderr in the order written (kept as bytes, never decoded).
  `:tt` opens it (modes 0-3 stdin, 4-7 stdout, 8-11 stderr); handles 0, 1 and 2 are open from reset.
  stdin is empty unless the caller gives bytes.
- Files live under one directory the user names (simulator/host_files.py); without one, every open fails.
- Time is simulated: one tick per executed instruction, at the device's clock (SYS_TICKFREQ), so
  firmware timing itself sees instructions, not cycles. SYS_TIME counts seconds from 1970-01-01 at the
  start of the run, so runs are repeatable.
- SYS_SYSTEM (run a host command) and anything else not listed is refused: the run stops with one line
  naming the operation.
"""

import os

from mcubench.core.errors import SimulationError
from mcubench.simulator.host_files import EBADF, EINVAL, EMFILE, ENAMETOOLONG, ESPIPE, HostFiles, Refused, errno_of

SYS_OPEN = 0x01
SYS_CLOSE = 0x02
SYS_WRITEC = 0x03
SYS_WRITE0 = 0x04
SYS_WRITE = 0x05
SYS_READ = 0x06
SYS_READC = 0x07
SYS_ISERROR = 0x08
SYS_ISTTY = 0x09
SYS_SEEK = 0x0A
SYS_FLEN = 0x0C
SYS_TMPNAM = 0x0D
SYS_REMOVE = 0x0E
SYS_RENAME = 0x0F
SYS_CLOCK = 0x10
SYS_TIME = 0x11
SYS_SYSTEM = 0x12
SYS_ERRNO = 0x13
SYS_GET_CMDLINE = 0x15
SYS_HEAPINFO = 0x16
SYS_EXIT = 0x18
SYS_EXIT_EXTENDED = 0x20
SYS_ELAPSED = 0x30
SYS_TICKFREQ = 0x31
ADP_STOPPED_APPLICATION_EXIT = 0x20026

OPERATION_NAMES = {value: name for name, value in globals().items() if name.startswith("SYS_")}

# The RISC-V semihosting trap: slli x0,x0,0x1f; ebreak; srai x0,x0,7 (uncompressed).
RV_SLLI = 0x01F01013
RV_EBREAK = 0x00100073
RV_SRAI = 0x40705013

STDIN, STDOUT, STDERR = 0, 1, 2
CONSOLE = ":tt"
# The extension-features file (Semihosting v2.0, 6.1.2): magic "SHFB", then feature byte 0 with
# SH_EXT_EXIT_EXTENDED (bit 0) and SH_EXT_STDOUT_STDERR (bit 1). newlib's rdimon reads it to decide
# that exit() may pass its status (SYS_EXIT_EXTENDED) and that stderr is a handle of its own.
FEATURES = ":semihosting-features"
FEATURE_BYTES = b"SHFB\x03"

_MAX_STRING = 1 << 16
_MAX_NAME = 4096
_MAX_TRANSFER = 1 << 24  # one SYS_READ or SYS_WRITE: the largest RAM of any device, with room
_MAX_HANDLES = 64
_ERROR = 0xFFFFFFFF  # -1 as the 32-bit result register holds it


class UnsupportedOperation(SimulationError):
    """The firmware asked for a semihosting operation the simulator does not serve."""

    def __init__(self, op):
        self.op = op
        name = OPERATION_NAMES.get(op, "unknown")
        super().__init__(f"unsupported semihosting operation {op:#04x} ({name})")


class _Features:
    """The read-only virtual file behind FEATURES."""

    def __init__(self):
        self.offset = 0


class Semihost:
    """The host side of one run.

    read(address, n) -> bytes and write(address, data) reach guest memory; instructions() -> int is the
    count executed so far. heap_info is the (heap base, heap limit, stack base, stack limit) SYS_HEAPINFO
    reports.
    """

    def __init__(self, read, write=None, *, files=None, command_line="firmware", instructions=None,
                 tick_hz=1_000_000, heap_info=(0, 0, 0, 0), stdin=b""):
        self._read = read
        self._write = write
        self.files = files or HostFiles()
        self.command_line = command_line
        self._instructions = instructions or (lambda: 0)
        self.tick_hz = int(tick_hz)
        self.heap_info = tuple(heap_info)
        self._stdin = bytes(stdin)
        self._stdin_offset = 0
        self.console = bytearray()
        self.exit_status = None
        self.errno = 0
        self.notes = []  # refused file operations, for the person running the firmware
        self._handles = {}  # handle -> host fd or _Features
        self._dispatch = {
            SYS_OPEN: self._open, SYS_CLOSE: self._close, SYS_WRITEC: self._writec, SYS_WRITE0: self._write0,
            SYS_WRITE: self._write_op, SYS_READ: self._read_op, SYS_READC: self._readc,
            SYS_ISERROR: self._iserror, SYS_ISTTY: self._istty, SYS_SEEK: self._seek, SYS_FLEN: self._flen,
            SYS_REMOVE: self._remove, SYS_RENAME: self._rename, SYS_CLOCK: self._clock, SYS_TIME: self._time,
            SYS_ERRNO: lambda arg: self.errno, SYS_GET_CMDLINE: self._get_cmdline,
            SYS_HEAPINFO: self._heapinfo, SYS_EXIT: self._exit, SYS_EXIT_EXTENDED: self._exit_extended,
            SYS_ELAPSED: self._elapsed, SYS_TICKFREQ: lambda arg: self.tick_hz,
        }

    # --- guest memory ------------------------------------------------------------------------------
    def _word(self, address):
        return int.from_bytes(self._read(address, 4), "little")

    def _words(self, address, n):
        data = self._read(address, 4 * n)
        return [int.from_bytes(data[4 * i:4 * i + 4], "little") for i in range(n)]

    def _store(self, address, data):
        if self._write is None:
            raise SimulationError("semihosting: this host cannot write guest memory")
        self._write(address, bytes(data))

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

    def _name(self, address, length):
        if length > _MAX_NAME:
            raise Refused(ENAMETOOLONG, f"a file name of {length} bytes")
        return self._read(address, length).decode("utf-8", errors="surrogateescape")

    # --- dispatch ----------------------------------------------------------------------------------
    def call(self, op: int, arg: int) -> int:
        """Services one operation; returns the value for r0/a0. Sets exit_status on exit."""
        handler = self._dispatch.get(op)
        if handler is None:
            raise UnsupportedOperation(op)
        try:
            return handler(arg) & 0xFFFFFFFF
        except Refused as refused:
            self.errno = refused.errno
            self.notes.append(f"{OPERATION_NAMES[op]}: {refused.note}")
            return _ERROR

    def close_all(self):
        for handle in list(self._handles):
            self._drop(handle)

    def _drop(self, handle):
        fd = self._handles.pop(handle)
        if isinstance(fd, int):
            os.close(fd)

    def _handle(self, handle):
        if handle not in self._handles:
            raise Refused(EBADF, f"handle {handle} is not open")
        return self._handles[handle]

    # --- console -----------------------------------------------------------------------------------
    def _writec(self, arg):
        self.console += self._read(arg, 1)
        return 0

    def _write0(self, arg):
        self.console += self._string(arg)
        return 0

    def _readc(self, arg):
        if self._stdin_offset >= len(self._stdin):
            return _ERROR
        self._stdin_offset += 1
        return self._stdin[self._stdin_offset - 1]

    # --- files -------------------------------------------------------------------------------------
    def _open(self, arg):
        name_at, mode, length = self._words(arg, 3)
        name = self._name(name_at, length)
        if name == CONSOLE:
            return STDIN if mode < 4 else STDOUT if mode < 8 else STDERR
        if name == FEATURES:
            if mode > 1:
                raise Refused(EINVAL, f"{FEATURES} opens for reading only")
            fd = _Features()
        else:
            if len(self._handles) >= _MAX_HANDLES:
                raise Refused(EMFILE, f"{name!r}: more than {_MAX_HANDLES} files open")
            fd = self.files.open(name, mode)
        handle = 3
        while handle in self._handles:
            handle += 1
        self._handles[handle] = fd
        return handle

    def _close(self, arg):
        handle = self._word(arg)
        if handle in (STDIN, STDOUT, STDERR):
            return 0  # the console stays open
        self._handle(handle)
        self._drop(handle)
        return 0

    def _write_op(self, arg):
        handle, buf, length = self._words(arg, 3)
        if length > _MAX_TRANSFER:
            raise Refused(EINVAL, f"SYS_WRITE of {length} bytes")
        data = self._read(buf, length) if length else b""
        if handle in (STDOUT, STDERR):
            self.console += data
            return 0  # bytes not written
        if handle == STDIN:
            raise Refused(EBADF, "stdin is not writable")
        fd = self._handle(handle)
        if not isinstance(fd, int):
            raise Refused(EBADF, f"{FEATURES} is read-only")
        try:
            written = os.write(fd, data)
        except OSError as exc:
            raise Refused(errno_of(exc), f"write: {exc.strerror}") from None
        return length - written

    def _read_op(self, arg):
        handle, buf, length = self._words(arg, 3)
        if length > _MAX_TRANSFER:
            raise Refused(EINVAL, f"SYS_READ of {length} bytes")
        if handle == STDIN:
            data = self._stdin[self._stdin_offset:self._stdin_offset + length]
            self._stdin_offset += len(data)
        elif handle in (STDOUT, STDERR):
            raise Refused(EBADF, "stdout and stderr are not readable")
        else:
            fd = self._handle(handle)
            if isinstance(fd, _Features):
                data = FEATURE_BYTES[fd.offset:fd.offset + length]
                fd.offset += len(data)
            else:
                try:
                    data = os.read(fd, length)
                except OSError as exc:
                    raise Refused(errno_of(exc), f"read: {exc.strerror}") from None
        if data:
            self._store(buf, data)
        return length - len(data)  # bytes not read: == length at end of file

    def _iserror(self, arg):
        status = self._word(arg)
        return 1 if status >= 1 << 31 else 0

    def _istty(self, arg):
        handle = self._word(arg)
        if handle in (STDIN, STDOUT, STDERR):
            return 1
        self._handle(handle)
        return 0

    def _seek(self, arg):
        handle, position = self._words(arg, 2)
        if handle in (STDIN, STDOUT, STDERR):
            raise Refused(ESPIPE, "the console cannot seek")
        fd = self._handle(handle)
        if isinstance(fd, _Features):
            fd.offset = position
            return 0
        try:
            os.lseek(fd, position, os.SEEK_SET)
        except OSError as exc:
            raise Refused(errno_of(exc), f"seek: {exc.strerror}") from None
        return 0

    def _flen(self, arg):
        handle = self._word(arg)
        if handle in (STDIN, STDOUT, STDERR):
            return 0
        fd = self._handle(handle)
        if isinstance(fd, _Features):
            return len(FEATURE_BYTES)
        return os.fstat(fd).st_size

    def _remove(self, arg):
        name_at, length = self._words(arg, 2)
        self.files.remove(self._name(name_at, length))
        return 0

    def _rename(self, arg):
        old_at, old_length, new_at, new_length = self._words(arg, 4)
        self.files.rename(self._name(old_at, old_length), self._name(new_at, new_length))
        return 0

    # --- time, command line, memory layout ---------------------------------------------------------
    def _clock(self, arg):
        return self._instructions() * 100 // self.tick_hz  # centiseconds

    def _time(self, arg):
        return self._instructions() // self.tick_hz

    def _elapsed(self, arg):
        self._store(arg, self._instructions().to_bytes(8, "little"))
        return 0

    def _get_cmdline(self, arg):
        buf, size = self._words(arg, 2)
        text = self.command_line.encode() + b"\0"
        if len(text) > size:
            raise Refused(EINVAL, f"SYS_GET_CMDLINE: the command line needs {len(text)} bytes, the buffer has {size}")
        self._store(buf, text)
        self._store(arg + 4, (len(text) - 1).to_bytes(4, "little"))
        return 0

    def _heapinfo(self, arg):
        block = self._word(arg)
        self._store(block, b"".join(v.to_bytes(4, "little") for v in self.heap_info))
        return 0

    # --- exit --------------------------------------------------------------------------------------
    def _exit(self, arg):
        # 32-bit callers pass the reason code itself; only ApplicationExit means success.
        self.exit_status = 0 if arg == ADP_STOPPED_APPLICATION_EXIT else 1
        return 0

    def _exit_extended(self, arg):
        reason, subcode = self._words(arg, 2)
        status = subcode if reason == ADP_STOPPED_APPLICATION_EXIT else 1
        self.exit_status = status - (1 << 32) if status >= 1 << 31 else status
        return 0

    def text(self) -> str:
        return self.console.decode("utf-8", errors="replace")

