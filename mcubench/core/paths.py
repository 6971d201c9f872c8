"""The files a command reads and writes, checked before it starts any work.

A command calls these on its arguments first, so a bad path costs no simulation time and never leaves a
half-done run behind. The rules for outputs are mcubench.core.atomic's: "-" is standard output (where
allowed), a regular file is replaced, a character device or FIFO is written through, a symlink is
followed, a missing parent folder is created; anything else is refused.
"""

import os
from pathlib import Path
import stat

from mcubench.core.atomic import STDOUT
from mcubench.core.errors import UsageError


def input_file(path, option="") -> Path:
    """A file to read: it must exist and not be a folder."""
    label = f"{option} {path}" if option else str(path)
    if str(path) == "":
        raise UsageError(f"{option or 'a file argument'}: the path is empty")
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"{label}: is a directory, not a file")
    if not p.exists():
        raise UsageError(f"{label}: no such file")
    if not os.access(p, os.R_OK):
        raise UsageError(f"{label}: permission denied")
    return p


def _writable_folder(path, label):
    """The nearest existing folder of path (which mkdir would create the rest in) must be writable."""
    folder = Path(os.path.realpath(path)).parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(f"{label}: {folder} is not a directory")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{label}: cannot write in {folder}: permission denied")


def output_file(path, option, *, stdout_ok=True):
    """A file to write (see the module docstring)."""
    if path is None:
        return
    if str(path) == "":
        raise UsageError(f"{option}: the path is empty")
    if str(path) == STDOUT:
        if not stdout_ok:
            raise UsageError(f"{option}: '-' (standard output) is not available here")
        return
    label = f"{option} {path}"
    try:
        mode = os.stat(path).st_mode  # follows symlinks: the file that would be written
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"{label}: {exc.strerror}") from None
    if mode is None or stat.S_ISREG(mode):
        _writable_folder(path, label)
        return
    if stat.S_ISDIR(mode):
        raise UsageError(f"{label}: is a directory, not a file")
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        raise UsageError(f"{label}: not a regular file, character device or FIFO")
    if not os.access(path, os.W_OK):
        raise UsageError(f"{label}: permission denied")


def output_folder(path, option):
    """A folder to write files into: an existing folder, or one that can be created."""
    if path is None:
        return
    if str(path) in ("", STDOUT):
        raise UsageError(f"{option}: give a folder, not {str(path)!r}")
    label = f"{option} {path}"
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise UsageError(f"{label}: exists and is not a directory")
    if p.is_dir():
        if not os.access(p, os.W_OK | os.X_OK):
            raise UsageError(f"{label}: permission denied")
        return
    _writable_folder(p / "x", label)


def one_stdout(options: dict):
    """At most one of the outputs may be standard output. options: {"--json": value, ...}.
    True when one is: the command then prints its human-readable text on stderr."""
    on_stdout = [name for name, value in options.items() if value is not None and str(value) == STDOUT]
    if len(on_stdout) > 1:
        raise UsageError(f"{', '.join(on_stdout)}: only one output can be standard output ('-')")
    return bool(on_stdout)
