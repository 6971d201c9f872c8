"""`mcubench bench` at scale: parallel jobs give the same record, unmeasurable pairs are rows that say why,
model folders and globs, the fast mode without a test set, and progress for long runs."""

import io
import json
from pathlib import Path
import shutil

import pytest

from mcubench.benchmarks.cli import main
from mcubench.benchmarks.cli.bench import _ProgressBar, expand_model_paths
from mcubench.core.errors import SuiteError
from mcubench.core.results import load_results

SHARED_MODELS = Path(__file__).resolve().parents[1].parent / "shared" / "models" / "mlperf-tiny"
WALL_CLOCK_FIELDS = ("sim_wall_s_per_sample",)


def _comparable(path):
    data = json.loads(Path(path).read_text())
    data.pop("created_utc")
    for row in data["rows"]:
        for name in WALL_CLOCK_FIELDS:
            row.pop(name)
    return data


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_parallel_record_equals_serial(tmp_path, capsys):
    records = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}.json"
        code = main(["bench", "--devices", "cortex-m4-80mhz,esp32-c3", "--samples", "2", "--jobs", jobs,
                     "--json", str(out), "--no-progress"])
        assert code == 0, capsys.readouterr().err
        records.append(_comparable(out))
    assert len(records[0]["rows"]) == 8
    assert records[0] == records[1]


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_pairs_that_do_not_fit_are_failure_rows(tmp_path, capsys):
    """VWW needs more RAM and ad01 more flash than the STM32G071 has: rows say so, the M4 rows are measured."""
    out = tmp_path / "sweep.json"
    code = main(["bench", "--models", str(SHARED_MODELS / "vww_96_int8.tflite"), str(SHARED_MODELS / "ad01_int8.tflite"),
                 "--devices", "cortex-m4-80mhz,stm32g0", "--samples", "0", "--jobs", "2", "--json", str(out),
                 "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2  # some pair could not be measured
    results = load_results(out)
    assert [(r.model, r.device) for r in results.rows] == [("vww_96_int8", "cortex-m4-80mhz"),
                                                           ("ad01_int8", "cortex-m4-80mhz")]
    failures = {(f.model, f.device): f for f in results.failures}
    assert set(failures) == {("vww_96_int8", "stm32g0"), ("ad01_int8", "stm32g0")}
    for failure in failures.values():
        assert failure.kind == "does-not-fit"
        assert "bytes" in failure.message  # required and available sizes
        assert f"{failure.model} on stm32g0: does-not-fit" in err


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_fast_mode_skips_accuracy(tmp_path, capsys):
    out = tmp_path / "fast.json"
    code = main(["bench", "--devices", "cortex-m4-80mhz", "--samples", "0", "--jobs", "1", "--json", str(out),
                 "--no-progress"])
    assert code == 0, capsys.readouterr().err
    rows = load_results(out).rows
    assert len(rows) == 4 and all(r.accuracy is None and r.cycles > 0 for r in rows)


def test_model_folders_and_globs(tmp_path):
    zoo = tmp_path / "zoo"
    (zoo / "b").mkdir(parents=True)
    shutil.copy(SHARED_MODELS / "ad01_int8.tflite", zoo / "ad01.tflite")
    shutil.copy(SHARED_MODELS / "kws_ref_model.tflite", zoo / "b" / "kws.tflite")
    (zoo / "notes.txt").write_text("not a model")
    assert expand_model_paths([str(zoo)]) == [zoo / "ad01.tflite", zoo / "b" / "kws.tflite"]
    assert expand_model_paths([f"{zoo}/**/*.tflite"]) == [zoo / "ad01.tflite", zoo / "b" / "kws.tflite"]
    assert expand_model_paths([f"{zoo}/b/*.tflite"]) == [zoo / "b" / "kws.tflite"]
    with pytest.raises(SuiteError, match="no .tflite files match"):
        expand_model_paths([f"{zoo}/*.onnx"])


def test_heartbeat_lines_off_a_terminal():
    now = [0.0]
    stream = io.StringIO()
    bar = _ProgressBar(stream, terminal=False, every_s=10.0, clock=lambda: now[0])
    for step in range(1, 41):
        now[0] = step * 1.0  # one unit per second
        bar(step, 40, "kws on esp32-c3")
    lines = stream.getvalue().splitlines()
    # The first call, then at most one line per 10 s, and the last one.
    assert lines[0].startswith("bench: 1/40 0:01 elapsed")
    assert lines[-1].startswith("bench: 40/40 0:40 elapsed, ETA 0:00, 1.00/s")
    assert 4 <= len(lines) <= 6
    assert lines[2].startswith("bench: 21/40 0:21 elapsed, ETA 0:19")  # 21 done in 21 s, 19 to go


def test_bad_jobs_and_samples_are_usage_errors(capsys):
    assert main(["bench", "--jobs", "0"]) != 0
    assert "--jobs" in capsys.readouterr().err
    assert main(["bench", "--samples", "-1"]) != 0
    assert "--samples" in capsys.readouterr().err


# ---- a Dask cluster and resuming ------------------------------------------------------------------------

SWEEP_MODELS = [str(SHARED_MODELS / "ad01_int8.tflite"), str(SHARED_MODELS / "kws_ref_model.tflite")]


def _sweep(tmp_path, name, *extra):
    out = tmp_path / f"{name}.json"
    code = main(["bench", "--models", *SWEEP_MODELS, "--devices", "cortex-m4-80mhz,esp32-c3", "--samples", "0",
                 "--json", str(out), "--no-progress", *extra])
    return code, out


def test_local_dask_cluster_gives_the_serial_record_even_when_a_worker_dies(tmp_path, capsys):
    distributed = pytest.importorskip("distributed")  # declared in the test extra: present in CI
    code, serial = _sweep(tmp_path, "serial", "--jobs", "1")
    assert code == 0, capsys.readouterr().err
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            # Kill one worker process as soon as it has taken work; its tasks are rescheduled elsewhere.
            import os
            import signal
            import threading

            pids = client.run(os.getpid)  # worker address -> process id

            def kill_a_busy_worker():
                import time

                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    busy = [w for w, tasks in client.processing().items() if tasks and w in pids]
                    if busy:
                        os.kill(pids[busy[0]], signal.SIGKILL)
                        killed.append(busy[0])
                        return
                    time.sleep(0.05)

            killed = []
            killer = threading.Thread(target=kill_a_busy_worker, daemon=True)
            killer.start()
            code, clustered = _sweep(tmp_path, "cluster", "--scheduler", cluster.scheduler_address)
            killer.join(timeout=5)
    assert killed, "no worker was busy to be killed"
    assert code == 0, capsys.readouterr().err
    assert _comparable(clustered) == _comparable(serial)


def test_unreachable_scheduler_is_one_line(tmp_path, capsys):
    pytest.importorskip("distributed")
    code, out = _sweep(tmp_path, "none", "--scheduler", "tcp://127.0.0.1:9")
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--scheduler" in err
    assert not out.exists()


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_resume_reuses_measured_pairs(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MCUBENCH_CACHE", str(tmp_path / "cache"))
    code, first = _sweep(tmp_path, "first", "--jobs", "1", "--resume")
    assert code == 0, capsys.readouterr().err
    entries = sorted((tmp_path / "cache" / "pairs").glob("*.json"))
    assert len(entries) == 4
    # Drop one entry, as if the run had been interrupted before that pair: only it is measured again.
    entries[0].unlink()
    import mcubench.benchmarks.runner as runner

    measured = []
    real = runner.benchmark_one
    monkeypatch.setattr(runner, "benchmark_one", lambda model, device, *a, **k: measured.append(
        (model.name, device.name)) or real(model, device, *a, **k))
    code, second = _sweep(tmp_path, "second", "--jobs", "1", "--resume")
    assert code == 0, capsys.readouterr().err
    assert len(measured) == 1
    assert _comparable(second)["rows"] == _comparable(first)["rows"]
