"""`mcubench bench`: run a suite (every model on every device) and write the results record and reports."""

import os
import sys
import time

NAME = "bench"
HELP = "benchmark a suite of models on devices: latency, energy, RAM, flash and on-target accuracy"


def configure(parser):
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--suite", metavar="SUITE.toml", help="suite definition (default: the built-in suite)")
    source.add_argument("--models", nargs="+", metavar="MODEL.tflite", help="models to run without labels")
    parser.add_argument("--devices", metavar="A,B,...", help="comma-separated device names or board files (path/to/board.toml) (default: the suite's)")
    parser.add_argument("--json", metavar="RESULTS.json", help="write the results record here ('-': standard output)")
    parser.add_argument("--report", metavar="DIR", help="also render Markdown, HTML, CSV and plots into DIR")
    parser.add_argument("--reference-device", metavar="NAME",
                        help="with --report: device the report's ratios are taken against (default: the first)")
    parser.add_argument("--samples", type=int, metavar="N",
                        help="score at most N test samples per model; 0: figures for one input only, no accuracy "
                             "and no reference interpreter (fast mode for model search)")
    parser.add_argument("--jobs", "-j", type=int, metavar="N",
                        help=f"processes to run in parallel (default: every core, here {default_jobs()})")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run on an existing Dask cluster (e.g. tcp://host:8786; needs mcubench[cluster]) "
                             "instead of local processes")
    parser.add_argument("--resume", action="store_true",
                        help="keep each measured pair in the pair cache and reuse pairs already measured with the "
                             "same model, data, device, toolchain, mcubench sources and options (resumes an "
                             "interrupted sweep)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar or heartbeat lines")


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _ProgressBar:
    """Elapsed time, ETA and throughput on stderr: a bar redrawn in place on a terminal, otherwise a
    heartbeat line at most every `every_s` seconds (and at the end), so CI logs show a long run is alive."""

    def __init__(self, stream, terminal, every_s=10.0, clock=time.monotonic):
        self.stream, self.terminal, self.every_s, self.clock = stream, terminal, every_s, clock
        self.start = clock()
        self.last_line = None

    def __call__(self, done, total, label):
        now = self.clock()
        elapsed = now - self.start
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else float("nan")
        figures = f"{done}/{total} {_duration(elapsed)} elapsed, ETA {_duration(eta)}, {rate:.2f}/s"
        if self.terminal:
            width = 24
            filled = int(width * done / total) if total else width
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {figures} {label[:40]:<40}")
            if done >= total:
                self.stream.write("\n")
        elif done >= total or self.last_line is None or now - self.last_line >= self.every_s:
            self.last_line = now
            self.stream.write(f"bench: {figures} ({label})\n")
        self.stream.flush()


def _duration(seconds) -> str:
    if seconds != seconds:  # NaN: no rate yet
        return "?"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def execute(args):
    from mcubench.core.errors import UsageError
    from mcubench.benchmarks.suite import default_suite_path, load_suite, suite_from_models
    from mcubench.core.results import save_results
    from mcubench.benchmarks.runner import run_suite
    from mcubench.core.device import load_devices

    from mcubench.core import paths

    if args.samples is not None and args.samples < 0:
        raise UsageError("--samples must be 0 or more")
    jobs = default_jobs() if args.jobs is None else args.jobs
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    paths.output_file(args.json, "--json")
    paths.output_folder(args.report, "--report")
    text = sys.stderr if paths.one_stdout({"--json": args.json}) else sys.stdout
    suite = suite_from_models(expand_model_paths(args.models)) if args.models else load_suite(args.suite or default_suite_path())
    devices = load_devices(args.devices if args.devices is not None else ",".join(suite.devices))
    progress = None if args.no_progress else _ProgressBar(sys.stderr, sys.stderr.isatty())
    if args.reference_device is not None and args.reference_device not in [d.name for d in devices]:
        raise UsageError(f"--reference-device {args.reference_device}: not among the devices benchmarked")
    results = run_suite(suite, devices, max_samples=args.samples, progress_callback=progress, jobs=jobs,
                        scheduler=args.scheduler, resume=args.resume)
    if args.json:
        save_results(results, args.json)
    if args.report:
        from mcubench.reports import render_all

        render_all(results, args.report, reference=args.reference_device)
    from mcubench.reports.document import summary_table
    from mcubench.reports.markdown import markdown_table

    # The table alone goes to its stream (`> table.md` captures nothing else); notes go to stderr.
    print(markdown_table(summary_table(results)), file=text)
    if args.json and text is sys.stdout:
        print(f"results: {args.json}", file=sys.stderr)
    if args.report:
        print(f"reports: {args.report}", file=sys.stderr)
    for failure in results.failures:
        print(f"mcubench: {failure.model} on {failure.device}: {failure.kind}: {failure.message}", file=sys.stderr)
    # Exit 2 when some pair could not be measured (listed in the record's failures), as for other input errors.
    return 2 if results.failures else 0


def expand_model_paths(patterns) -> list:
    """Model files from the command line: files as given, folders searched for *.tflite, quoted globs
    ('zoo/**/*.tflite') expanded here; each pattern's matches in sorted order."""
    import glob
    from pathlib import Path

    from mcubench.core.errors import SuiteError

    paths = []
    for pattern in patterns:
        if Path(pattern).is_dir():
            matches = sorted(Path(pattern).rglob("*.tflite"))
        elif glob.has_magic(pattern):
            matches = sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
        else:
            matches = [Path(pattern)]
        if not matches:
            raise SuiteError(f"--models {pattern}: no .tflite files match")
        paths += matches
    return paths
