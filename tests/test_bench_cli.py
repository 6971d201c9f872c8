"""End-to-end: `mcubench bench` on real models, through firmware build, simulation and cost models."""

from pathlib import Path

import pytest

from mcubench.benchmarks.cli import main
from mcubench.core.results import load_results

SHARED_MODELS = Path(__file__).resolve().parents[1].parent / "shared" / "models" / "mlperf-tiny"


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_bench_unlabelled_model_writes_results(tmp_path, capsys):
    out = tmp_path / "results.json"
    code = main(["bench", "--models", str(SHARED_MODELS / "ad01_int8.tflite"),
                 "--devices", "cortex-m4-80mhz,esp32-c3", "--json", str(out), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    results = load_results(out)
    assert [(r.model, r.device) for r in results.rows] == [("ad01_int8", "cortex-m4-80mhz"), ("ad01_int8", "esp32-c3")]
    for row in results.rows:
        assert row.accuracy is None
        assert row.macs == 264_192  # the FC autoencoder's MACs, summed from its layer shapes
        assert row.cycles >= row.instructions > row.macs / 4
        assert row.latency_ms == pytest.approx(row.cycles / (row.clock_mhz * 1e3))
        assert row.energy_uj == pytest.approx(row.avg_power_mw * row.latency_ms, rel=1e-9)
        assert row.peak_ram_bytes >= row.arena_bytes
        assert row.flash_bytes >= row.weights_bytes
        assert sum(layer.cycles for layer in row.layers) <= row.cycles
        assert len(row.layers) >= 10
        # What the report needs to be honest and to compare: the input, flash by kind, the arena plan.
        assert (row.input_kind, row.input_seed) == ("random", 0)
        assert 0 < row.code_bytes < row.flash_bytes - row.weights_bytes
        assert row.arena_plan and max(b.offset_bytes + b.bytes for b in row.arena_plan) <= row.arena_bytes
        assert sum(layer.weights_bytes for layer in row.layers) >= row.weights_bytes  # packed, plus requantization
        for layer in row.layers:
            live = sum(b.bytes for b in row.arena_plan if b.first_layer <= layer.index <= b.last_layer)
            assert layer.arena_live_bytes == live <= row.arena_bytes
    stdout, stderr = capsys.readouterr()
    # Standard output is the summary table alone (`> table.md`); where the record went is a note on stderr.
    assert stdout.startswith("**Simulated estimates") and "| Model | Device |" in stdout
    assert "results:" not in stdout and f"results: {out}\n" in stderr


@pytest.mark.needs_toolchain
def test_run_model_without_a_seed_is_the_same_every_time(tmp_path, capsys):
    import numpy as np

    model = str(SHARED_MODELS / "ad01_int8.tflite")
    runs = []
    for i in range(2):
        assert main(["run", model, "--device", "esp32-c3", "--json", str(tmp_path / f"{i}.json"),
                     "--output", str(tmp_path / f"{i}.npy")]) == 0
        out = capsys.readouterr().out.splitlines()
        # The input is said once, with the figures it produced.
        assert out[0] == "input: random int8, seed 0 (the default; --seed N for another)"
        assert "(simulated estimate)" in out[1]
        # ... and how far they are trusted, as `mcubench devices` says it.
        assert out[2].startswith("  timing trust: simulated estimate, validated to ±")
        assert out[3] == "  energy trust: run power x simulated time; not checked on this device"
        runs.append(load_results(tmp_path / f"{i}.json").rows[0])
    assert (runs[0].input_kind, runs[0].input_seed) == ("random", 0)
    assert runs[0].cycles == runs[1].cycles
    assert np.array_equal(np.load(tmp_path / "0.npy"), np.load(tmp_path / "1.npy"))
    assert main(["run", model, "--device", "esp32-c3", "--seed", "7", "--output", str(tmp_path / "7.npy")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "input: random int8, seed 7"
    assert not np.array_equal(np.load(tmp_path / "7.npy"), np.load(tmp_path / "0.npy"))


@pytest.mark.needs_toolchain
def test_run_labels_the_device_at_the_clock_it_ran(tmp_path, capsys):
    assert main(["run", str(SHARED_MODELS / "ad01_int8.tflite"), "--device", "cortex-m4-80mhz",
                 "--clock-mhz", "26"]) == 0
    figures = capsys.readouterr().out.splitlines()[1]
    assert figures.startswith("ad01_int8 on Cortex-M4 @ 26 MHz (simulated estimate)"), figures


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_bench_default_suite_scores_accuracy_bit_exact(tmp_path, capsys):
    out = tmp_path / "results.json"
    code = main(["bench", "--devices", "cortex-m4-80mhz", "--samples", "8", "--json", str(out), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    results = load_results(out)
    assert results.rows, "the default suite has models"
    for row in results.rows:
        assert row.accuracy is not None and row.accuracy.samples == 8
        assert row.accuracy.reference_agreement == 1.0  # firmware output equals the TFLite interpreter's
        assert 0.0 <= row.accuracy.value <= 1.0


def test_bench_unknown_device_is_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "results.json"
    code = main(["bench", "--models", str(SHARED_MODELS / "ad01_int8.tflite"), "--devices", "no-such-chip",
                 "--json", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "no-such-chip" in err and "cortex-m4-80mhz" in err
    assert not out.exists()


def test_bench_missing_model_file_is_one_line(tmp_path, capsys):
    code = main(["bench", "--models", str(tmp_path / "missing.tflite"), "--devices", "cortex-m4-80mhz"])
    err = capsys.readouterr().err
    assert code != 0 and err.count("\n") == 1 and "missing.tflite" in err


@pytest.mark.parametrize("argv,message", [
    (["run", str(SHARED_MODELS / "ad01_int8.tflite"), "--device", ","], "no device named"),
    (["run", str(SHARED_MODELS / "ad01_int8.tflite"), "--device", "esp32-c3", "--rate", "2"], "--rate"),
    (["bench", "--models", str(SHARED_MODELS / "ad01_int8.tflite"), "--devices", " , "], "no device named"),
])
def test_device_list_and_option_errors_are_one_line(tmp_path, capsys, argv, message):
    out = tmp_path / "out.json"
    code = main(argv + ["--json", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and message in err
    assert not out.exists()
