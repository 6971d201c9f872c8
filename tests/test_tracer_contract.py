"""The C tracer's contract with Python has one source, simulator/_tracer.h: every enum it marks "mirrored"
is repeated in simulator/native.py by name, order and value, and the counter names are the fields of the
records the counts become (AccessCounts, CacheCounts, CacheAreaCounts)."""

import dataclasses
from pathlib import Path
import re

import pytest

from mcubench.core.trace import AccessCounts, CacheAreaCounts, CacheCounts
from mcubench.simulator import native

HEADER = Path(native.__file__).with_name("_tracer.h").read_text()


def mirrored_enums():
    """{first constant's prefix-free name: [(name, value), ...]} of the enums the header marks mirrored."""
    enums = []
    for match in re.finditer(r"/\* mirrored:.*?\*/\s*enum\s*\w*\s*\{(.*?)\};", HEADER, re.S):
        body = re.sub(r"/\*.*?\*/", "", match.group(1), flags=re.S)
        members, value = [], -1
        for item in (i.strip() for i in body.split(",")):
            if not item:
                continue
            name, _, given = item.partition("=")
            value = int(given.strip(), 0) if given.strip() else value + 1
            members.append((name.strip(), value))
        enums.append(members)
    return enums


def enum_with(prefix):
    found = [members for members in mirrored_enums() if members[0][0].startswith(prefix)]
    assert len(found) == 1, f"one mirrored enum whose names start with {prefix}"
    return found[0]


def python_names(members, prefix, count_name=None):
    """The constants without prefix, lower case, in order, the trailing count left out."""
    names = [(n[len(prefix):].lower(), v) for n, v in members if n != count_name]
    return names


def test_every_mirrored_enum_is_checked_here():
    assert len(mirrored_enums()) == 7  # isa, error, cache flags, three counter layouts, division bins


@pytest.mark.parametrize("prefix, count, names, record", [
    ("M_", "M_NCOUNTERS", native.MEMORY_COUNTERS, AccessCounts),
    ("C_", "C_NCOUNTERS", native.CACHE_COUNTERS, CacheCounts),
    ("A_", "A_NCOUNTERS", native.CACHE_AREA_COUNTERS, CacheAreaCounts),
])
def test_counter_layouts_match_the_header_and_the_records(prefix, count, names, record):
    members = enum_with(prefix)
    assert python_names(members, prefix, count) == [(n, i) for i, n in enumerate(names)]
    assert dict(members)[count] == len(names)
    fields = [f.name for f in dataclasses.fields(record) if f.type is int or f.type == "int"]
    assert list(names) == fields[:len(names)]


@pytest.mark.parametrize("prefix, mirror", [
    ("TRACER_ISA_", native.ISA_CODES),
    ("CACHE_FLAG_", native.CACHE_FLAGS),
])
def test_codes_match_the_header(prefix, mirror):
    assert python_names(enum_with(prefix), prefix) == list(mirror.items())


def test_error_codes_match_the_header():
    members = enum_with("TRACER_OK")
    assert [(n[len("TRACER_"):].lower(), v) for n, v in members] == list(native.TRACER_ERRORS.items())


def test_histogram_bins_and_the_built_library_agree():
    assert python_names(enum_with("DIV_BIN_"), "") == list(native.DIVISION_BIN_CODES.items())
    lib = native.library()  # compares tracer_layout() with the mirror and refuses a stale build
    assert lib.tracer_error


def test_the_check_is_live():
    """A header whose counters are reordered no longer matches the mirror."""
    swapped = HEADER.replace("M_READS, M_WRITES", "M_WRITES, M_READS")
    assert swapped != HEADER
    body = re.search(r"enum mem_counter \{(.*?)\}", swapped).group(1)
    names = [n.strip()[2:].lower() for n in body.split(",") if n.strip() and "NCOUNTERS" not in n]
    assert names != list(native.MEMORY_COUNTERS)


def test_allocation_failures_are_reported_and_nothing_leaks(tmp_path):
    """tests/c/tracer_alloc.c: the tracer's sources with an allocator that fails on demand."""
    import shutil
    import subprocess

    compiler = shutil.which("cc") or shutil.which("gcc")
    source = Path(__file__).with_name("c") / "tracer_alloc.c"
    exe = tmp_path / "tracer_alloc"
    build = subprocess.run([compiler, "-std=gnu11", "-Wall", "-Werror", "-O1", f"-I{native.HERE}", "-o", str(exe),
                            str(source)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.endswith("ok\n"), run.stdout + run.stderr
