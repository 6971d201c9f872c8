"""The native tracer library (simulator/_tracer.h and tracer_*.c): found, loaded with ctypes, given its
prototypes, and the Python mirror of its contract.

The package build (setup.py) compiles it into simulator/_tracer*.so. When that file is missing or older
than its sources (a source checkout that was never built), it is compiled once with the system C
compiler into a per-user cache, so the simulator still runs.
"""

import ctypes
import functools
import hashlib
import importlib.machinery
import logging
import os
from pathlib import Path
import shutil
import subprocess

from mcubench.core.errors import SimulationError
from mcubench.core.trace import DIV_BIN_SHORTER, DIV_BIN_ZERO
from mcubench.core.trace import DIVISION_BINS as HIST_BINS

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
HEADER = HERE / "_tracer.h"
# The parts of the one library: hash tables, cache model, regions, hooks, set-up and results (setup.py
# compiles the same list).
SOURCES = tuple(HERE / f"tracer_{part}.c" for part in ("tables", "cache", "regions", "hooks", "api"))

u32, u64, ptr = ctypes.c_uint32, ctypes.c_uint64, ctypes.c_void_p
P32, P64, P8 = ctypes.POINTER(ctypes.c_uint32), ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(ctypes.c_uint8)

_PROTOTYPES = {
    "tracer_new": (ptr, [ptr, ptr, ptr, ptr, u32, u32, u32, u32, u32]),
    "tracer_add_area": (ctypes.c_int, [ptr, u32, u32, ctypes.c_int]),
    "tracer_add_function": (ctypes.c_int, [ptr, u32]),
    "tracer_add_cache": (ctypes.c_int, [ptr, u32, u32, u32, u32, u32, P32]),
    "tracer_add_div_site": (ptr, [ptr, u32, u32, u32, u32, u32]),
    "tracer_set_marker": (None, [ptr, u32, ctypes.c_int]),
    "tracer_set_reg_write": (None, [ptr, ptr, u32]),
    "tracer_reset": (ctypes.c_int, [ptr, u64]),
    "tracer_icount": (u64, [ptr]),
    "tracer_budget_hit": (ctypes.c_int, [ptr]),
    "tracer_error": (ctypes.c_int, [ptr]),
    "tracer_nblocks": (u32, [ptr]),
    "tracer_nctx": (u32, [ptr]),
    "tracer_nmarks": (u32, [ptr]),
    "tracer_parked_pc": (u32, [ptr]),
    "tracer_parked_icount": (u64, [ptr]),
    "tracer_heap_base": (u32, [ptr]),
    "tracer_heap_top": (u32, [ptr]),
    "tracer_sbrk_calls": (u64, [ptr]),
    "tracer_blocks": (None, [ptr, P32, P32, P32, P32, P64, P64, P64]),
    "tracer_contexts": (None, [ptr, P32, P32, P64, P64, P64, P64, P64]),
    "tracer_layout": (None, [P32]),
    "tracer_add_cond_site": (ptr, [ptr, u32]),
    "tracer_marks": (None, [ptr, P32, P64]),
    "tracer_ram_bits": (None, [ptr, u32, P8]),
    "tracer_free": (None, [ptr]),
}

# The mirror of the enums _tracer.h marks "mirrored", by name and value (tests/test_tracer_contract.py
# compares them with the header). Counters per context, as the tracer lays them out: memory accesses per
# area, cache hits and misses per cache, misses and line fills per cache and memory area of the missed line,
# divide-operand histogram bins per site; library() also refuses a built tracer whose counts differ.
ISA_CODES = {"thumb": 0, "rv32": 1}
TRACER_ERRORS = {"ok": 0, "regions_too_deep": 1, "end_without_begin": 2, "out_of_memory": 3}
CACHE_FLAGS = {"fetch": 1, "read": 2, "write": 4, "write_allocate": 8}
MEMORY_COUNTERS = ("reads", "writes", "read_bytes", "write_bytes")
CACHE_COUNTERS = ("read_hits", "read_misses", "write_hits", "write_misses", "fetch_hits", "fetch_misses")
CACHE_AREA_COUNTERS = ("read_misses", "write_misses", "fetch_misses", "line_fills")
DIVISION_BIN_CODES = {"div_bin_shorter": DIV_BIN_SHORTER, "div_bin_zero": DIV_BIN_ZERO, "hist_bins": HIST_BINS}
LAYOUT = (len(MEMORY_COUNTERS), len(CACHE_COUNTERS), len(CACHE_AREA_COUNTERS), HIST_BINS)

# The callbacks Python hands to uc_hook_add / uc_mmio_map as plain function pointers.
CALLBACKS = ("tracer_block_hook", "tracer_sbrk_hook", "tracer_mem_read_hook", "tracer_mem_write_hook", "tracer_div_hook", "tracer_sync_hook", "tracer_cond_hook",
             "tracer_mmio_read", "tracer_mmio_write")


def _built_library():
    newest = max(p.stat().st_mtime for p in (HEADER, *SOURCES))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = HERE / f"_tracer{suffix}"
        if candidate.is_file() and candidate.stat().st_mtime >= newest:
            return candidate
    return None


def _compile_into_cache():
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in (HEADER, *SOURCES))).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mcubench"
    target = cache / f"_tracer-{digest}.so"
    if target.is_file():
        return target
    compiler = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if compiler is None:
        raise SimulationError("the native tracer is not built and no C compiler was found: run `pip install -e .`")
    cache.mkdir(parents=True, exist_ok=True)
    log.info("the native tracer is not built (or older than its sources): compiling it into %s", target)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    proc = subprocess.run([compiler, "-O2", "-shared", "-fPIC", f"-I{HERE}", "-o", str(tmp), *map(str, SOURCES)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SimulationError(f"compiling the native tracer failed: {proc.stderr.strip().splitlines()[-1:]}")
    os.replace(tmp, target)
    return target


@functools.lru_cache(maxsize=None)
def library():
    path = _built_library() or _compile_into_cache()
    lib = ctypes.CDLL(str(path))
    for name, (restype, argtypes) in _PROTOTYPES.items():
        fn = getattr(lib, name, None)
        if fn is None:
            raise SimulationError(f"the native tracer {path} is out of date (no {name}): rebuild with `pip install -e .`")
        fn.restype = restype
        fn.argtypes = argtypes
    layout = (ctypes.c_uint32 * len(LAYOUT))()
    lib.tracer_layout(layout)
    if tuple(layout) != LAYOUT:
        raise SimulationError(f"the native tracer {path} lays out its counters as {tuple(layout)}, "
                              f"this package expects {LAYOUT}: rebuild with `pip install -e .`")
    return lib


def callback_address(name: str) -> int:
    """Address of one of the C hook functions, for uc_hook_add."""
    return ctypes.cast(getattr(library(), name), ctypes.c_void_p).value
