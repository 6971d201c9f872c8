"""How mcubench scales: the default suite serial vs in parallel, and sweeps of generated models.

    python3 -m mcubench.benchmarks.scale [--models 50,100,200] [--jobs N] [--skip-suite]

Measured in one run on this machine and printed as Markdown:
1. the default suite (every test sample) with --jobs 1, --jobs N and on a Dask LocalCluster of N workers:
   wall time and speed-up;
2. sweeps of generated DS-CNN models (benchmarks/model_family.py, widths 8-64, depths 1-4, KWS-sized) on
   four devices in fast mode (--samples 0), with cold firmware builds (a fresh build cache): estimates per
   second and per core, wall time against the number of models, the main process's peak memory;
3. for a sample of models, the split of one estimate's time between building and simulating.
Nothing here is a test: it reports figures.
"""

import argparse
import os
from pathlib import Path
import resource
import tempfile
import time

from mcubench.benchmarks.cli.bench import default_jobs
from mcubench.benchmarks.model_family import family
from mcubench.benchmarks.runner import run_suite
from mcubench.benchmarks.suite import default_suite_path, load_suite, suite_from_models
from mcubench.core.device import load_devices

SWEEP_DEVICES = "cortex-m4-80mhz,stm32h7,esp32-c3,stm32g0"


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def suite_speedup(jobs):
    """Wall time of the default suite: serial, on `jobs` local processes, and on a Dask LocalCluster of
    `jobs` worker processes (when dask.distributed is installed)."""
    suite = load_suite(default_suite_path())
    devices = load_devices(",".join(suite.devices))
    rows = []
    for n in (1, jobs):
        _, wall = _timed(run_suite, suite, devices, jobs=n)
        rows.append((f"--jobs {n}", wall))
    try:
        from distributed import LocalCluster
    except ImportError:
        return rows
    with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        _, wall = _timed(run_suite, suite, devices, scheduler=cluster.scheduler_address)
    rows.append((f"Dask LocalCluster, {jobs} workers", wall))
    return rows


def sweep(count, jobs, workdir):
    folder = Path(workdir) / f"models{count}"
    folder.mkdir()
    for name, model in family(count):
        (folder / f"{name}.tflite").write_bytes(model)
    suite = suite_from_models(sorted(folder.glob("*.tflite")))
    devices = load_devices(SWEEP_DEVICES)
    results, wall = _timed(run_suite, suite, devices, max_samples=0, jobs=jobs)
    return len(results.rows) + len(results.failures), len(results.failures), wall


def build_vs_simulate(sample, workdir):
    """Serial, cold: seconds spent compiling firmware vs simulating and costing it, per estimate."""
    from mcubench.cost_models import estimate, simulation_options
    from mcubench.firmware import compile_model
    from mcubench.simulator.engine import simulate

    folder = Path(workdir) / "split"
    folder.mkdir()
    build_s = simulate_s = 0.0
    pairs = 0
    for name, model in family(sample, seed=10_000):
        path = folder / f"{name}.tflite"
        path.write_bytes(model)
        for device in load_devices(SWEEP_DEVICES):
            try:
                fw, t_build = _timed(compile_model, path, device)
            except Exception:  # does not fit this device: not an estimate
                continue
            trace, t_sim = _timed(simulate, fw.elf_path, device, **simulation_options(device))
            _, t_cost = _timed(estimate, trace, device)
            t_sim += t_cost
            build_s, simulate_s, pairs = build_s + t_build, simulate_s + t_sim, pairs + 1
    return pairs, build_s / pairs, simulate_s / pairs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="50,100,200", help="sweep sizes (comma-separated)")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--skip-suite", action="store_true", help="skip the default-suite comparison")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mcubench-scale-") as work:
        os.environ["MCUBENCH_CACHE"] = str(Path(work) / "cache")  # cold builds; workers inherit it
        print(f"machine: {os.cpu_count()} cores, --jobs {args.jobs}\n")
        if not args.skip_suite:
            rows = suite_speedup(args.jobs)
            serial = rows[0][1]
            print("| default suite (4 models x 4 devices, every test sample) | wall time | speed-up |")
            print("|---|---:|---:|")
            for label, wall in rows:
                print(f"| {label} | {wall:.1f} s | {serial / wall:.2f}x |")
            print()
        print("| generated models | devices | estimates | does not fit | wall time | estimates/s | per core |")
        print("|---:|---|---:|---:|---:|---:|---:|")
        for count in (int(c) for c in args.models.split(",")):
            pairs, failed, wall = sweep(count, args.jobs, work)
            done = pairs - failed
            print(f"| {count} | {SWEEP_DEVICES} | {done} | {failed} | {wall:.1f} s | {done / wall:.2f} | "
                  f"{done / wall / args.jobs:.2f} |", flush=True)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\npeak memory of the main process: {peak_mb:.0f} MB")
        pairs, build, simulate = build_vs_simulate(6, work)
        print(f"one cold estimate, serial, {pairs} pairs: build {build:.2f} s + simulate and cost {simulate:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
