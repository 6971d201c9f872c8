"""Contracts between the compiler and the C runtime written once: every kernel parameter struct the
compiler emits names its fields (designated initializers) and names exactly the fields of the runtime's
struct, in order; the DSP kernels' scratch size is the runtime's own function, which the compiler mirrors."""

import re
import shutil
import subprocess
import zlib

import numpy as np
import pytest

from mcubench.firmware.compiler.build import RUNTIME_DIR, translate
from mcubench.firmware.compiler.lowering import _dsp_scratch
from tests import test_kernels_f32, test_kernels_ops, test_kernels_s16

HEADERS = ("mcb_kernels.h", "mcb_broadcast.h", "mcb_kernels_f32.h", "mcb_kernels_s16.h")


def struct_fields() -> dict:
    """{struct name: [field names in order]} of the runtime headers."""
    structs = {}
    for name in HEADERS:
        path = RUNTIME_DIR / name
        if not path.exists():
            continue
        text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
        for body, struct in re.findall(r"typedef struct\s*\{(.*?)\}\s*(\w+)\s*;", text, re.S):
            fields = []
            for decl in filter(None, (d.strip() for d in body.split(";"))):
                first, *more = decl.split(",")
                names = [re.findall(r"(\w+)\s*(?:\[[^\]]*\])?\s*$", first)[0]]
                names += [re.findall(r"(\w+)", m)[0] for m in more]
                fields += names
            structs[struct] = fields
    return structs


def parse_init(text, i=0):
    """A C initializer at text[i] as nested dicts (designated) or lists (positional); (value, next index)."""
    if text[i] != "{":
        j = i
        while text[j] not in ",}":
            j += 1
        return text[i:j].strip(), j
    i += 1
    named, items = {}, []
    while True:
        while text[i] == " ":
            i += 1
        if text[i] == "}":
            return (named if named else items), i + 1
        m = re.match(r"\.(\w+)\s*=\s*", text[i:])
        if m:
            i += m.end()
            named[m.group(1)], i = parse_init(text, i)
        else:
            value, i = parse_init(text, i)
            items.append(value)
        while text[i] == " ":
            i += 1
        if text[i] == ",":
            i += 1


def check_designated(ctype, value, structs, where):
    assert isinstance(value, dict), f"{where}: {ctype} initialized positionally"
    assert list(value) == structs[ctype], f"{where}: {ctype} fields {list(value)} != {structs[ctype]}"
    for field, sub in value.items():
        if isinstance(sub, dict):
            nested = {"rq": "mcb_requant", "bc": "mcb_broadcast"}[field]
            check_designated(nested, sub, structs, f"{where}.{field}")


def generated_sources(tmp_path):
    """C sources the compiler makes for one random model of every op, int8, float32 and int16x8."""
    for module in (test_kernels_ops, test_kernels_f32, test_kernels_s16):
        for op, make in sorted(module.GENERATORS.items()):
            rng = np.random.default_rng([zlib.crc32(op.encode()), 0])
            path = tmp_path / f"{module.__name__.split('.')[-1]}_{op}.tflite"
            path.write_bytes(make(rng))
            for kernels in ("portable", "dsp"):
                yield f"{path.name} ({kernels})", translate(path, kernels)[3]


def test_every_parameter_struct_names_its_fields(tmp_path):
    structs = struct_fields()
    assert {"mcb_conv_params", "mcb_requant", "mcb_broadcast", "mcb_add_params"} <= set(structs)
    seen = set()
    for where, source in generated_sources(tmp_path):
        for ctype, name, init in re.findall(r"static const (mcb_\w+) (\w+) = (\{.*\});", source):
            value, end = parse_init(init)
            assert end == len(init), f"{where}: {name}: could not read the initializer"
            check_designated(ctype, value, structs, f"{where}: {name}")
            seen.add(ctype)
    assert {"mcb_conv_params", "mcb_fc_params", "mcb_pool_params", "mcb_add_params", "mcb_softmax_params",
            "mcb_conv_f32_params", "mcb_softmax_s16_params"} <= seen


def test_a_struct_in_another_order_is_caught():
    structs = struct_fields()
    value = {f: "0" for f in reversed(structs["mcb_softmax_params"])}
    with pytest.raises(AssertionError, match="fields"):
        check_designated("mcb_softmax_params", value, structs, "reordered")


def test_dsp_scratch_is_the_runtimes_function(tmp_path):
    """lowering._dsp_scratch reserves what mcb_dsp_scratch_bytes() in mcb_kernels.h says, on a grid of
    filter lengths (both sides of the 16/8 column block limit), column counts and channel counts."""
    ks = [1, 3, 4, 9, 27, 64, 140, 141, 144, 145, 147, 288, 576, 1152]
    columns = [1, 2, 3, 7, 8, 9, 15, 16, 17, 49, 625]
    in_cs = [1, 2, 3, 4, 8, 27, 64]
    grid = [(k, n, c) for k in ks for n in columns for c in in_cs]
    source = tmp_path / "scratch.c"
    source.write_text('#include <stdio.h>\n#include "mcb_kernels.h"\nint main(void) {\n'
                      + "".join(f'    printf("%d\\n", (int)mcb_dsp_scratch_bytes({k}, {n}, {c}));\n' for k, n, c in grid)
                      + "    return 0;\n}\n")
    exe = tmp_path / "scratch"
    compiler = shutil.which("cc") or shutil.which("gcc")
    build = subprocess.run([compiler, "-O1", f"-I{RUNTIME_DIR}", "-o", str(exe), str(source)], capture_output=True,
                           text=True)
    assert build.returncode == 0, build.stderr
    got = [int(line) for line in subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.split()]
    assert got == [_dsp_scratch(k, n, c) for k, n, c in grid]
