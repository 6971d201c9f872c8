"""`mcubench bench`: run a suite (every model on every device) and write the results record and reports."""

import sys

NAME = "bench"
HELP = "benchmark a suite of models on devices: latency, energy, RAM, flash and on-target accuracy"


def configure(parser):
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--suite", metavar="SUITE.toml", help="suite definition (default: the built-in suite)")
    source.add_argument("--models", nargs="+", metavar="MODEL.tflite", help="models to run without labels")
    parser.add_argument("--devices", metavar="A,B,...", help="comma-separated device names (default: the suite's)")
    parser.add_argument("--json", metavar="RESULTS.json", help="write the results record here")
    parser.add_argument("--report", metavar="DIR", help="also render Markdown, HTML, CSV and plots into DIR")
    parser.add_argument("--samples", type=int, metavar="N", help="score at most N test samples per model")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")


class _ProgressBar:
    """A one-line bar on stderr, redrawn in place; only used when stderr is a terminal."""

    def __init__(self, stream):
        self.stream = stream

    def __call__(self, done, total, label):
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:50]:<50}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def execute(args):
    from mcubench.core.errors import UsageError
    from mcubench.benchmarks.suite import default_suite_path, load_suite, suite_from_models
    from mcubench.core.results import save_results
    from mcubench.benchmarks.runner import run_suite
    from mcubench.core.device import load_devices

    if args.samples is not None and args.samples < 1:
        raise UsageError("--samples must be at least 1")
    suite = suite_from_models(args.models) if args.models else load_suite(args.suite or default_suite_path())
    devices = load_devices(args.devices if args.devices is not None else ",".join(suite.devices))
    progress = None
    if not args.no_progress and sys.stderr.isatty():
        progress = _ProgressBar(sys.stderr)
    results = run_suite(suite, devices, max_samples=args.samples, progress_callback=progress)
    if args.json:
        save_results(results, args.json)
    if args.report:
        from mcubench.reports import render_all

        render_all(results, args.report)
    from mcubench.reports.document import summary_table
    from mcubench.reports.markdown import markdown_table

    print(markdown_table(summary_table(results)))
    if args.json:
        print(f"results: {args.json}")
    if args.report:
        print(f"reports: {args.report}")
    return 0
