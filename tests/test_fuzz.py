"""Property-based fuzzing of every input mcubench reads: mutated ELFs, .tflite files, results records,
baselines and suite files, each fed to the command line in-process (main(argv)).

The contract, for every input: exit 0 with a correct result, exit 1 (`check` found a regression) or 2 with
exactly one line on stderr; never exit 3, never a traceback, never a partial file, never a clobbered one.

The run is seeded, so CI tries the same cases every time. The number of examples per input kind is
MCUBENCH_FUZZ_EXAMPLES (default 30, one to two minutes on two cores; the baseline gets twice as many, the
suite file three quarters, each ELF runs under both trace and run, and every other results record is also
rendered); a longer local run, with another seed (MCUBENCH_FUZZ_SEED, default 12) for new cases:

    MCUBENCH_FUZZ_EXAMPLES=500 MCUBENCH_FUZZ_SEED=7 python -m pytest tests/test_fuzz.py -s

With -s each test prints how many cases ended in each outcome; MCUBENCH_FUZZ_REPORT=FILE.json also
writes those counts as JSON.
"""

import collections
import contextlib
import io
import json
import math
import os
from pathlib import Path
import shutil

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
import numpy as np
import pytest

from mcubench.benchmarks.cli import EXIT_FIRMWARE, EXIT_INTERNAL, EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, main
from mcubench.core.device import load_device
from mcubench.firmware.compiler.tflite_writer import write_model
from mcubench.firmware.platform.toolchain import build_elf

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "firmware" / "examples"
RESULTS = Path(__file__).resolve().parent / "golden" / "results_small.json"
SUITE_DIR = ROOT / "benchmarks" / "suites" / "default"

EXAMPLES_PER_KIND = int(os.environ.get("MCUBENCH_FUZZ_EXAMPLES", "30"))
SEED = int(os.environ.get("MCUBENCH_FUZZ_SEED", "12"))
OUTCOMES = collections.defaultdict(collections.Counter)  # input kind -> outcome -> cases


def _settings(scale=1.0):
    return settings(max_examples=max(1, int(EXAMPLES_PER_KIND * scale)), deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


def _cli(argv):
    """main(argv) in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as stop:  # main returns codes; anything that still exits is a finding too
            code = stop.code
    return code, out.getvalue(), err.getvalue()


def _snapshot(folder):
    """Every file under folder with its bytes: outputs written, changed or left behind."""
    return {p.relative_to(folder): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def check_contract(kind, argv, out_dir, allowed=(EXIT_OK, EXIT_USAGE), partial_record=None):
    """Run argv; assert the contract; count the outcome. Returns the exit code. partial_record: the results
    file (relative to out_dir) that `bench` writes with exit 2 when some pairs could not be measured."""
    before = _snapshot(out_dir)
    code, stdout, stderr = _cli(argv)
    OUTCOMES[kind][{EXIT_OK: "exit 0", EXIT_REGRESSION: "exit 1 (regression)", EXIT_USAGE: "exit 2 (refused)",
                    EXIT_INTERNAL: "exit 3 (INTERNAL)", EXIT_FIRMWARE: "exit 4 (firmware exit status)"}
                   .get(code, f"exit {code}")] += 1
    assert "Traceback" not in stderr, stderr
    assert code != EXIT_INTERNAL, f"internal error on {argv}: {stderr}"
    assert code in allowed, (code, stderr)
    after = _snapshot(out_dir)
    leftovers = [p for p in after if p.name.startswith(".") or ".render-" in str(p) or ".build-" in str(p)]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    if code == EXIT_USAGE and partial_record is not None and partial_record in after:
        # bench measured what it could: a whole record whose failures name each pair it could not measure
        record = json.loads(after[partial_record])
        assert record["failures"] and stderr.count("\n") == len(record["failures"]), stderr
        assert all(line.startswith("mcubench: ") for line in stderr.splitlines()), stderr
    elif code in (EXIT_USAGE, EXIT_FIRMWARE):  # exit 4: the run finished, its outputs are whole
        assert stderr.count("\n") == 1 and stderr.startswith("mcubench: error: "), stderr
    if code == EXIT_USAGE and not (partial_record is not None and partial_record in after):
        assert after == before, f"a refused input changed the outputs: {set(after) ^ set(before)}"
    return code


def _report(kind):
    counts = dict(sorted(OUTCOMES[kind].items()))
    print(f"\nfuzz {kind}: {sum(counts.values())} cases: {counts}")
    path = os.environ.get("MCUBENCH_FUZZ_REPORT")
    if path:
        data = json.loads(Path(path).read_text()) if Path(path).exists() else {}
        data[kind] = counts
        Path(path).write_text(json.dumps(data, indent=1) + "\n")


@pytest.fixture(autouse=True)
def _own_build_cache(tmp_path_factory, monkeypatch):
    # Mutated models that build must not fill the user's firmware cache.
    monkeypatch.setenv("MCUBENCH_CACHE", str(tmp_path_factory.getbasetemp() / "fuzz-cache"))


# ------------------------------------------------------------------------------------------ mutations

def _byte_mutations(size):
    """Edits of a binary file: (offset, new byte) pairs, mostly in the headers, and a length to keep."""
    header = st.integers(0, min(size, 256) - 1)
    anywhere = st.integers(0, size - 1)
    edit = st.tuples(st.one_of(header, anywhere), st.integers(0, 255))
    return st.tuples(st.lists(edit, min_size=0, max_size=8),
                     st.one_of(st.just(size), st.integers(0, size)))


def _apply(data, mutation):
    edits, keep = mutation
    out = bytearray(data)
    for offset, value in edits:
        out[offset] = value
    return bytes(out[:keep])


def _word_mutations(data):
    """Replace aligned 32-bit words of the file with boundary values (sizes, offsets, counts)."""
    words = st.sampled_from([0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFF, 64, -64 & 0xFFFFFFFF, 1000])
    return st.lists(st.tuples(st.integers(0, len(data) // 4 - 1), words), min_size=1, max_size=4)


def _apply_words(data, edits):
    out = bytearray(data)
    for index, value in edits:
        out[4 * index:4 * index + 4] = value.to_bytes(4, "little")
    return bytes(out)


def _file_mutations(data):
    """Byte edits or word edits of a binary file (ELF, .tflite)."""
    return st.one_of(_byte_mutations(len(data)), _word_mutations(data).map(lambda w: ("words", w)))


def _mutated(data, mutation):
    return _apply_words(data, mutation[1]) if mutation[0] == "words" else _apply(data, mutation)


def _case_dir(tmp_path, name, content, out=True):
    """A fresh tmp_path/case holding the input file name (bytes or text) and, if out, an empty out/ folder:
    (input path, case folder or its out/)."""
    work = tmp_path / "case"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    path = work / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    if not out:
        return path, work
    (work / "out").mkdir()
    return path, work / "out"


JSON_VALUES = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, -1, 0, -0.5, 1e308, 2**64, None, True, "", "12", [], {}]),
    st.integers(-2**70, 2**70), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8))


def _paths(node, prefix=()):
    """Every path to a value in a JSON tree."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


def _at(node, path):
    for key in path:
        node = node[key]
    return node


@st.composite
def json_mutant(draw, document):
    """A copy of a JSON document with one to three values replaced, deleted or added."""
    data = json.loads(json.dumps(document))
    paths = list(_paths(data))[1:]
    numbers = [p for p in paths if isinstance(_at(data, p), (int, float)) and not isinstance(_at(data, p), bool)]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(numbers if numbers and draw(st.booleans()) else paths))
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            action = draw(st.sampled_from(["nudge", "nudge", "replace", "replace", "delete", "add"]))
            value = parent[path[-1]]
            if action == "nudge" and isinstance(value, (int, float)) and not isinstance(value, bool):
                # a plausible new figure: the gate must pass it, fail it as a regression, or refuse it
                parent[path[-1]] = type(value)(value * draw(st.sampled_from([0, 0.5, 0.999, 1.001, 2, 10])))
            elif action in ("replace", "nudge"):
                parent[path[-1]] = draw(JSON_VALUES)
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=6))] = draw(JSON_VALUES)
            else:
                parent.append(draw(JSON_VALUES))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this path's parent
    return data


def _dump(data):
    return json.dumps(data, allow_nan=True)


# ---------------------------------------------------------------------------------------------- ELF

@pytest.fixture(scope="module")
def hello_elf(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz-elf") / "hello.elf"
    build_elf(load_device("cortex-m4-80mhz"), [EXAMPLES / "hello.c"], path)
    return path.read_bytes()


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_fuzz_elf(hello_elf, tmp_path):
    @_settings()
    @seed(SEED)
    @given(_file_mutations(hello_elf))
    def case(mutation):
        elf, out = _case_dir(tmp_path, "fw.elf", _mutated(hello_elf, mutation))
        firmware = (EXIT_OK, EXIT_USAGE, EXIT_FIRMWARE)  # hello.c exits with status 7: exit 4
        code = check_contract("ELF (trace, run)", ["trace", elf, "--budget", "100000",
                                                   "--json", out / "t.json"], out, allowed=firmware)
        if code in (EXIT_OK, EXIT_FIRMWARE):
            assert json.loads((out / "t.json").read_text())["schema"].startswith("mcubench.trace/")
        check_contract("ELF (trace, run)", ["run", elf, "--device", "cortex-m4-80mhz",
                                            "--json", out / "r.json"], out, allowed=firmware)

    case()
    _report("ELF (trace, run)")


# --------------------------------------------------------------------------------------------- tflite

def _fc_model():
    rng = np.random.default_rng(1)
    tensors = [
        dict(name="input", shape=[1, 16], dtype="int8", scale=0.5, zero_point=-3),
        dict(name="weights", shape=[4, 16], dtype="int8", scale=0.02, zero_point=0,
             data=rng.integers(-127, 128, size=(4, 16))),
        dict(name="bias", shape=[4], dtype="int32", scale=0.01, zero_point=0, data=rng.integers(-99, 99, size=4)),
        dict(name="output", shape=[1, 4], dtype="int8", scale=0.25, zero_point=2),
    ]
    return write_model(tensors, [dict(op="FULLY_CONNECTED", inputs=[0, 1, 2], outputs=[3], options={})], [0], [3])


@pytest.mark.slow
def test_fuzz_tflite(tmp_path):
    model = _fc_model()

    @_settings()
    @seed(SEED)
    @given(_file_mutations(model))
    def case(mutation):
        tflite, out = _case_dir(tmp_path, "m.tflite", _mutated(model, mutation))
        code = check_contract(".tflite (build)", ["build", tflite, "--device", "cortex-m4-80mhz",
                                                  "-o", out / "b"], out)
        if code == EXIT_OK:
            assert (out / "b" / "m.elf").stat().st_size > 0

    case()
    _report(".tflite (build)")


# ------------------------------------------------------------------------------------ results, baseline

@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz-baseline") / "baseline.json"
    assert _cli(["check", RESULTS, "--baseline", path, "--update-baseline"])[0] == EXIT_OK
    return json.loads(path.read_text())


@pytest.mark.slow
def test_fuzz_results_record(baseline, tmp_path):
    document = json.loads(RESULTS.read_text())
    (tmp_path / "baseline.json").write_text(json.dumps(baseline))

    @_settings()
    @seed(SEED)
    @given(json_mutant(document), st.booleans())
    def case(mutant, render):
        record, out = _case_dir(tmp_path, "r.json", _dump(mutant))
        check_contract("results record (check, report)",
                       ["check", record, "--baseline", tmp_path / "baseline.json", "--junit", out / "j.xml"],
                       out, allowed=(EXIT_OK, EXIT_REGRESSION, EXIT_USAGE))
        if render:  # rendering plots takes a second or two: every other case
            code = check_contract("results record (check, report)", ["report", record, "-o", out / "rep"],
                                  out)
            if code == EXIT_OK:
                assert (out / "rep" / "summary.md").stat().st_size > 0

    case()
    _report("results record (check, report)")


@pytest.mark.slow
def test_fuzz_baseline(baseline, tmp_path):
    @_settings(scale=2)
    @seed(SEED)
    @given(json_mutant(baseline))
    def case(mutant):
        baseline_file, work = _case_dir(tmp_path, "b.json", _dump(mutant), out=False)
        code = check_contract("baseline (check)", ["check", RESULTS, "--baseline", baseline_file,
                                                   "--markdown", work / "s.md"], work,
                              allowed=(EXIT_OK, EXIT_REGRESSION, EXIT_USAGE))
        if code == EXIT_OK:  # a baseline that passes must really hold every figure of the results
            text = (work / "s.md").read_text(encoding="utf-8")
            assert "passed" in text and "nan" not in text.lower()

    case()
    _report("baseline (check)")


# ----------------------------------------------------------------------------------------------- suite

SUITE_KEYS = {"name": "fuzz", "title": "fuzzed suite", "devices": ["cortex-m4-80mhz"]}
MODEL_KEYS = {"name": "vibration", "title": "Vibration", "file": str(SUITE_DIR / "vibration" / "vibration_ae_int8.tflite"),
              "dataset": str(SUITE_DIR / "vibration" / "test.npz"), "metric": "auc"}
TOML_VALUES = st.one_of(st.text(max_size=10), st.integers(-5, 5), st.floats(allow_nan=True), st.booleans(),
                        st.lists(st.text(max_size=6), max_size=3),
                        st.sampled_from([str(SUITE_DIR / "kws" / "test.npz"), str(SUITE_DIR), "top1", "auc", "",
                                         str(SUITE_DIR / "kws" / "kws_dscnn_int8.tflite"), "esp32-c3"]))


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v == math.inf else "-inf" if v == -math.inf else repr(v))
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, str):
        return json.dumps(v)  # a TOML basic string is a JSON string
    return str(v)


def _toml(suite, models):
    lines = [f"{k} = {_toml_value(v)}" for k, v in suite.items()]
    for model in models:
        lines += ["", "[[model]]"] + [f"{k} = {_toml_value(v)}" for k, v in model.items()]
    return "\n".join(lines) + "\n"


@st.composite
def suite_mutant(draw):
    suite, model = dict(SUITE_KEYS), dict(MODEL_KEYS)
    for _ in range(draw(st.integers(1, 2))):
        table = draw(st.sampled_from([suite, model]))
        key = draw(st.sampled_from(sorted(table) + ["unknown"]))
        action = draw(st.sampled_from(["replace", "replace", "delete"]))
        if action == "delete":
            table.pop(key, None)
        else:
            table[key] = draw(TOML_VALUES)
    text = _toml(suite, [model] * draw(st.sampled_from([1, 1, 1, 0, 2])))
    if draw(st.integers(0, 3)) == 0:  # a few raw characters inserted: the TOML parser's errors too
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(alphabet="[]=\"'#\n x,{}", min_size=1, max_size=3)) + text[at:]
    return text


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_fuzz_suite_file(tmp_path):
    @_settings(scale=0.75)
    @seed(SEED)
    @given(suite_mutant())
    def case(text):
        suite, out = _case_dir(tmp_path, "suite.toml", text)
        code = check_contract("suite file (bench)", ["bench", "--suite", suite, "--samples", "2",
                                                     "--jobs", "1", "--no-progress", "--json", out / "r.json"], out,
                              allowed=(EXIT_OK, EXIT_USAGE), partial_record=Path("r.json"))
        if code == EXIT_OK:
            rows = json.loads((out / "r.json").read_text())["rows"]
            assert rows and all(r["cycles"] > 0 for r in rows)

    case()
    _report("suite file (bench)")
