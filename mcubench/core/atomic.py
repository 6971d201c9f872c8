"""Writing output files completely or not at all: a temporary file in the same folder, then a rename.

Every output mcubench writes (results, traces, baselines, reports, arrays) goes through here, so a crash
or a full disk never leaves a half-written file where a user or a CI job would read it.
"""

import json
import os
from pathlib import Path
import tempfile

from mcubench.core.errors import OutputError


def write_bytes_atomic(path, data: bytes, *, mode=0o644):
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)  # mkstemp creates 0600; outputs are ordinary readable files
        os.replace(tmp, path)
    except OSError as exc:
        os.unlink(tmp)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        os.unlink(tmp)
        raise


def write_text_atomic(path, text: str):
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path, data, indent=1):
    write_text_atomic(path, json.dumps(data, indent=indent) + "\n")
