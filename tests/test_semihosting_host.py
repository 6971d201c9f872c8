"""The semihosting host: files confined to the --files directory, errno, the :tt console, time, layout.

Guest memory is a bytearray here; tests/test_firmware_newlib.py runs the same operations from real
firmware (newlib's rdimon and direct calls on Arm and RV32).
"""

import os

import pytest

from mcubench.simulator.host_files import EACCES, EBADF, EISDIR, ENOENT, EROFS, HostFiles
from mcubench.simulator import semihosting as sh
from mcubench.simulator.semihosting import FEATURE_BYTES, Semihost

BASE = 0x1000
ERROR = 0xFFFFFFFF


class Guest:
    """4 KB of guest memory at BASE with a bump allocator for argument blocks and strings."""

    def __init__(self):
        self.data = bytearray(4096)
        self.next = BASE

    def read(self, address, n):
        off = address - BASE
        assert 0 <= off and off + n <= len(self.data), "outside guest memory"
        return bytes(self.data[off:off + n])

    def write(self, address, data):
        off = address - BASE
        assert 0 <= off and off + len(data) <= len(self.data), "outside guest memory"
        self.data[off:off + len(data)] = data

    def put(self, data: bytes) -> int:
        address = self.next
        self.write(address, data)
        self.next += (len(data) + 3) & ~3
        return address

    def block(self, *values) -> int:
        return self.put(b"".join(v.to_bytes(4, "little") for v in values))

    def text(self, s: str) -> int:
        return self.put(s.encode() + b"\0")


@pytest.fixture
def files(tmp_path):
    root = tmp_path / "files"
    root.mkdir()
    (root / "input.bin").write_bytes(b"0123456789")
    (root / "sub").mkdir()
    (root / "sub" / "inner.txt").write_text("inner")
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", root / "link-out")
    os.symlink(tmp_path, root / "dir-out")
    os.mkfifo(root / "fifo")
    return root


def host_for(files_dir, writable=False, **kw):
    guest = Guest()
    return guest, Semihost(guest.read, guest.write, files=HostFiles(files_dir, writable), **kw)


def open_(guest, host, name, mode):
    return host.call(sh.SYS_OPEN, guest.block(guest.text(name), mode, len(name)))


@pytest.mark.parametrize("name,errno", [
    ("/etc/passwd", EACCES),  # absolute
    ("../secret.txt", EACCES),  # climbs out
    ("sub/../../secret.txt", EACCES),
    ("link-out", EACCES),  # a symbolic link to a file outside
    ("dir-out/secret.txt", EACCES),  # through a symbolic link to a directory outside
    ("missing.txt", ENOENT),
    ("sub", EISDIR),
    ("fifo", EACCES),  # not a regular file (and opening it must not block)
])
def test_paths_outside_the_directory_fail_with_an_errno(files, name, errno):
    guest, host = host_for(files)
    assert open_(guest, host, name, 0) == ERROR
    assert host.call(sh.SYS_ERRNO, 0) == errno
    assert host.notes and name in host.notes[-1]


def test_the_firmware_never_gets_etc_passwd(files):
    guest, host = host_for(files, writable=True)
    for name in ("/etc/passwd", "../../../../../../etc/passwd", "//etc/passwd", "\\etc\\passwd"):
        assert open_(guest, host, name, 0) == ERROR
    assert b"root:" not in guest.data


def test_no_directory_means_no_files(files):
    guest = Guest()
    host = Semihost(guest.read, guest.write)
    assert open_(guest, host, "input.bin", 0) == ERROR
    assert host.call(sh.SYS_ERRNO, 0) == EACCES
    assert "--files" in host.notes[0]


def test_read_seek_flen_close(files):
    guest, host = host_for(files)
    handle = open_(guest, host, "input.bin", 1)
    assert handle >= 3
    assert host.call(sh.SYS_FLEN, guest.block(handle)) == 10
    assert host.call(sh.SYS_SEEK, guest.block(handle, 4)) == 0
    buf = guest.put(bytes(8))
    assert host.call(sh.SYS_READ, guest.block(handle, buf, 4)) == 0  # nothing left unread
    assert guest.read(buf, 4) == b"4567"
    assert host.call(sh.SYS_READ, guest.block(handle, buf, 8)) == 6  # 2 read, 6 not: end of file
    assert guest.read(buf, 2) == b"89"
    assert host.call(sh.SYS_READ, guest.block(handle, buf, 8)) == 8
    assert host.call(sh.SYS_ISTTY, guest.block(handle)) == 0
    assert host.call(sh.SYS_CLOSE, guest.block(handle)) == 0
    assert host.call(sh.SYS_CLOSE, guest.block(handle)) == ERROR
    assert host.call(sh.SYS_ERRNO, 0) == EBADF
    assert open_(guest, host, "sub/inner.txt", 0) >= 3


def test_read_only_unless_writable(files):
    guest, host = host_for(files)
    for mode in range(2, 12):  # r+, w, w+, a, a+ and their binary forms all write
        assert open_(guest, host, "out.txt", mode) == ERROR
        assert host.call(sh.SYS_ERRNO, 0) == EROFS
    assert host.call(sh.SYS_REMOVE, guest.block(guest.text("input.bin"), 9)) == ERROR
    assert not (files / "out.txt").exists() and (files / "input.bin").exists()


def test_writable_directory(files):
    guest, host = host_for(files, writable=True)
    handle = open_(guest, host, "out.bin", 5)  # wb
    data = bytes(range(256))
    assert host.call(sh.SYS_WRITE, guest.block(handle, guest.put(data), 256)) == 0
    assert host.call(sh.SYS_CLOSE, guest.block(handle)) == 0
    assert (files / "out.bin").read_bytes() == data
    handle = open_(guest, host, "out.bin", 9)  # ab
    host.call(sh.SYS_WRITE, guest.block(handle, guest.put(b"!"), 1))
    host.close_all()
    assert (files / "out.bin").read_bytes() == data + b"!"
    assert host.call(sh.SYS_RENAME, guest.block(guest.text("out.bin"), 7, guest.text("moved.bin"), 9)) == 0
    assert host.call(sh.SYS_REMOVE, guest.block(guest.text("moved.bin"), 9)) == 0
    assert not (files / "moved.bin").exists()
    assert open_(guest, host, "../escape.txt", 4) == ERROR  # writable, but still confined
    assert not (files.parent / "escape.txt").exists()


def test_console_handles_and_open_modes():
    guest = Guest()
    host = Semihost(guest.read, guest.write, stdin=b"hi")
    assert [open_(guest, host, ":tt", mode) for mode in (0, 1, 3, 4, 7, 8, 11)] == [0, 0, 0, 1, 1, 2, 2]
    binary = bytes([0, 0xFF, 0x80, 0x0A, 0xC3, 0x28])
    assert host.call(sh.SYS_WRITE, guest.block(1, guest.put(binary), 6)) == 0
    assert host.call(sh.SYS_WRITE, guest.block(2, guest.put(b"err"), 3)) == 0
    assert bytes(host.console) == binary + b"err"  # bytes, never decoded
    assert host.call(sh.SYS_ISTTY, guest.block(1)) == 1
    assert host.call(sh.SYS_CLOSE, guest.block(1)) == 0  # the console stays open
    assert host.call(sh.SYS_READC, 0) == ord("h")
    buf = guest.put(bytes(4))
    assert host.call(sh.SYS_READ, guest.block(0, buf, 4)) == 3  # 1 byte left of "hi"
    assert guest.read(buf, 1) == b"i"
    assert host.call(sh.SYS_READC, 0) == ERROR  # end of stdin


def test_the_features_file_offers_extended_exit_and_stderr():
    guest = Guest()
    host = Semihost(guest.read, guest.write)
    handle = open_(guest, host, ":semihosting-features", 0)
    buf = guest.put(bytes(8))
    assert host.call(sh.SYS_FLEN, guest.block(handle)) == len(FEATURE_BYTES)
    assert host.call(sh.SYS_READ, guest.block(handle, buf, 8)) == 8 - len(FEATURE_BYTES)
    assert guest.read(buf, 5) == b"SHFB\x03"


def test_time_comes_from_executed_instructions():
    guest = Guest()
    count = [0]
    host = Semihost(guest.read, guest.write, instructions=lambda: count[0], tick_hz=80_000_000)
    count[0] = 160_000_000  # two simulated seconds at 80 MHz, one instruction per tick
    assert host.call(sh.SYS_TICKFREQ, 0) == 80_000_000
    assert host.call(sh.SYS_CLOCK, 0) == 200  # centiseconds
    assert host.call(sh.SYS_TIME, 0) == 2
    out = guest.put(bytes(8))
    assert host.call(sh.SYS_ELAPSED, out) == 0
    assert int.from_bytes(guest.read(out, 8), "little") == 160_000_000


def test_command_line_heap_info_and_iserror():
    guest = Guest()
    host = Semihost(guest.read, guest.write, command_line="fw.elf --fast", heap_info=(0x100, 0x200, 0x300, 0x180))
    buf = guest.put(bytes(32))
    block = guest.block(buf, 32)
    assert host.call(sh.SYS_GET_CMDLINE, block) == 0
    assert guest.read(buf, 14) == b"fw.elf --fast\0"
    assert int.from_bytes(guest.read(block + 4, 4), "little") == 13
    assert host.call(sh.SYS_GET_CMDLINE, guest.block(buf, 4)) == ERROR  # buffer too small
    info = guest.put(bytes(16))
    assert host.call(sh.SYS_HEAPINFO, guest.block(info)) == 0
    assert guest.read(info, 16) == b"".join(v.to_bytes(4, "little") for v in (0x100, 0x200, 0x300, 0x180))
    assert host.call(sh.SYS_ISERROR, guest.block(ERROR)) == 1
    assert host.call(sh.SYS_ISERROR, guest.block(5)) == 0
