"""The host files a firmware may reach through semihosting: those under one directory the user names.

Paths are the firmware's, relative to that directory. Absolute paths, `..` components and symbolic links
are refused (each directory is opened relative to its parent without following links, so a link cannot
lead out even if it appears while the firmware runs). Only regular files open; without `writable`, only
for reading. Refusals carry the errno the firmware sees and a note for the person running it.
"""

from dataclasses import dataclass
import errno as host_errno
import os
import stat

# Error numbers as newlib and picolibc define them (newlib/libc/include/sys/errno.h), which is how the
# firmware reads SYS_ERRNO back. They agree with Linux for all of these.
EPERM, ENOENT, EIO, EBADF, EACCES, EEXIST = 1, 2, 5, 9, 13, 17
ENOTDIR, EISDIR, EINVAL, EMFILE, ENOSPC, ESPIPE, EROFS = 20, 21, 22, 24, 28, 29, 30
ENAMETOOLONG = 91  # newlib's number (Linux uses 36)

_FROM_HOST = {host_errno.EPERM: EPERM, host_errno.ENOENT: ENOENT, host_errno.EBADF: EBADF,
              host_errno.EACCES: EACCES, host_errno.EEXIST: EEXIST, host_errno.ENOTDIR: ENOTDIR,
              host_errno.EISDIR: EISDIR, host_errno.EINVAL: EINVAL, host_errno.EMFILE: EMFILE,
              host_errno.ENOSPC: ENOSPC, host_errno.ESPIPE: ESPIPE, host_errno.EROFS: EROFS,
              host_errno.ENAMETOOLONG: ENAMETOOLONG, host_errno.ELOOP: EACCES}

# fopen()-style modes by semihosting mode number ("Semihosting for AArch32 and AArch64", SYS_OPEN):
# 0-1 r, 2-3 r+, 4-5 w, 6-7 w+, 8-9 a, 10-11 a+ (odd numbers are the binary variants).
_OPEN_FLAGS = (os.O_RDONLY, os.O_RDWR, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, os.O_RDWR | os.O_CREAT | os.O_TRUNC,
               os.O_WRONLY | os.O_CREAT | os.O_APPEND, os.O_RDWR | os.O_CREAT | os.O_APPEND)
MODE_NAMES = ("r", "rb", "r+", "r+b", "w", "wb", "w+", "w+b", "a", "ab", "a+", "a+b")


@dataclass
class Refused(Exception):
    errno: int  # the firmware's errno
    note: str  # for the person running the firmware


def errno_of(exc: OSError) -> int:
    return _FROM_HOST.get(exc.errno, EIO)


class HostFiles:
    """Opens, removes and renames files under root (None: no directory given, every file is refused)."""

    def __init__(self, root=None, writable=False):
        self.root = os.path.realpath(root) if root is not None else None
        self.writable = bool(writable)

    def _parts(self, path: str):
        if self.root is None:
            raise Refused(EACCES, f"{path!r}: no file directory given (--files DIR)")
        if not path or path.startswith(("/", "\\")) or (len(path) > 1 and path[1] == ":"):
            raise Refused(EACCES, f"{path!r}: absolute paths are refused; paths are relative to the --files directory")
        parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
        if ".." in parts:
            raise Refused(EACCES, f"{path!r}: '..' is refused; paths stay inside the --files directory")
        if not parts or "\0" in path:
            raise Refused(ENOENT, f"{path!r}: not a file name")
        return parts

    def _directory(self, parts, path):
        """An fd of the directory holding the last part, reached without following links."""
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for part in parts[:-1]:
                child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
                os.close(fd)
                fd = child
        except OSError as exc:
            os.close(fd)
            raise self._refusal(exc, path) from None
        return fd

    def _refusal(self, exc, path):
        if exc.errno in (host_errno.ELOOP, host_errno.ENOTDIR) and self._is_link(path):
            return Refused(EACCES, f"{path!r}: symbolic links are not followed")
        return Refused(errno_of(exc), f"{path!r}: {exc.strerror}")

    def _is_link(self, path):
        here = self.root
        for part in self._parts(path):
            here = os.path.join(here, part)
            if os.path.islink(here):
                return True
        return False

    def _check_writable(self, path):
        if not self.writable:
            raise Refused(EROFS, f"{path!r}: the --files directory is read-only (--files-writable allows writes)")

    def open(self, path: str, mode: int) -> int:
        """A host file descriptor for the firmware's path and semihosting mode; Refused otherwise."""
        if not 0 <= mode < len(MODE_NAMES):
            raise Refused(EINVAL, f"{path!r}: open mode {mode} is not a semihosting mode (0-11)")
        parts = self._parts(path)
        flags = _OPEN_FLAGS[mode // 2]
        if flags != os.O_RDONLY:
            self._check_writable(path)
        directory = self._directory(parts, path)
        try:
            fd = os.open(parts[-1], flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644, dir_fd=directory)
        except OSError as exc:
            raise self._refusal(exc, path) from None
        finally:
            os.close(directory)
        kind = os.fstat(fd).st_mode
        if not stat.S_ISREG(kind):
            os.close(fd)
            raise Refused(EISDIR if stat.S_ISDIR(kind) else EACCES, f"{path!r}: not a regular file")
        os.set_blocking(fd, True)
        return fd

    def remove(self, path: str):
        parts = self._parts(path)
        self._check_writable(path)
        directory = self._directory(parts, path)
        try:
            os.unlink(parts[-1], dir_fd=directory)
        except OSError as exc:
            raise self._refusal(exc, path) from None
        finally:
            os.close(directory)

    def rename(self, old: str, new: str):
        old_parts, new_parts = self._parts(old), self._parts(new)
        self._check_writable(old)
        src = self._directory(old_parts, old)
        try:
            dst = self._directory(new_parts, new)
            try:
                os.rename(old_parts[-1], new_parts[-1], src_dir_fd=src, dst_dir_fd=dst)
            except OSError as exc:
                raise self._refusal(exc, old) from None
            finally:
                os.close(dst)
        finally:
            os.close(src)
