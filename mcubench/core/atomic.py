"""Writing output files completely or not at all: a temporary file in the same folder, then a rename.

Every output mcubench writes (results, traces, baselines, reports, arrays) goes through here, so a crash,
Ctrl-C or a full disk never leaves a half-written file where a user or a CI job would read it.

Only regular files are replaced. "-" is standard output. A character device or a FIFO (/dev/null, a named
pipe) is written through, as a shell's `>` would; a symlink is followed, so the file it points to gets the
new content and the link stays; a directory, block device or socket is refused. A missing parent folder is
created. mcubench.core.paths checks the same rules before a command starts its work.
"""

import json
import os
from pathlib import Path
import stat
import sys
import tempfile

from mcubench.core.errors import OutputError

STDOUT = "-"


def _fail(path, exc):
    return OutputError(f"{path}: cannot write: {exc.strerror or exc}")


def write_bytes_atomic(path, data: bytes, *, mode=0o644):
    if str(path) == STDOUT:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if str(path) == "":
        raise OutputError("an output path is empty")
    target = Path(os.path.realpath(path))  # through symlinks: replace the file, keep the link
    try:
        kind = os.stat(target).st_mode
    except FileNotFoundError:
        kind = None
    except OSError as exc:
        raise _fail(path, exc) from None
    if kind is not None and not stat.S_ISREG(kind):
        _write_through(path, target, kind, data)
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _fail(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)  # mkstemp creates 0600; outputs are ordinary readable files
        os.replace(tmp, target)
    except OSError as exc:
        os.unlink(tmp)
        raise _fail(path, exc) from None
    except BaseException:
        os.unlink(tmp)
        raise


def _write_through(path, target, kind, data):
    """A character device or FIFO gets the bytes as they are (it cannot be replaced, and must not be)."""
    if not (stat.S_ISCHR(kind) or stat.S_ISFIFO(kind)):
        what = "a directory" if stat.S_ISDIR(kind) else "not a regular file, character device or FIFO"
        raise OutputError(f"{path}: cannot write: {what}")
    try:
        fd = os.open(target, os.O_WRONLY)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    except OSError as exc:
        raise _fail(path, exc) from None


def write_text_atomic(path, text: str):
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path, data, indent=1):
    write_text_atomic(path, json.dumps(data, indent=indent) + "\n")
