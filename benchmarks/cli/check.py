"""`mcubench check`: the CI gate. Compare a results record with a baseline; exit 1 on a regression."""

NAME = "check"
HELP = "compare a results record with a performance baseline; exit 1 on a regression, 2 on bad input"


def configure(parser):
    parser.add_argument("results", metavar="RESULTS.json",
                        help="results record written by `mcubench bench --json` or `mcubench run --json`")
    parser.add_argument("--baseline", required=True, metavar="BASELINE.json", help="the committed baseline")
    parser.add_argument("--tolerance", type=float, metavar="PCT",
                        help="override every tolerance in the baseline: allowed increase in percent for cycles, "
                             "energy, RAM and flash; allowed accuracy drop in percentage points")
    parser.add_argument("--junit", metavar="OUT.xml", help="also write the checks as JUnit XML")
    parser.add_argument("--markdown", metavar="SUMMARY.md", help="also write a Markdown summary (CI job page)")
    parser.add_argument("--require-all", action="store_true",
                        help="also fail when a baseline model x device or figure is missing from the results")
    parser.add_argument("--update-baseline", action="store_true",
                        help="rewrite the baseline from these results (keeping its tolerances) and exit 0")


def execute(args):
    from pathlib import Path

    from mcubench.core.errors import UsageError
    from mcubench.benchmarks.gate import (compare, format_junit, format_markdown, format_text, load_baseline,
                                 make_baseline, save_baseline)
    from mcubench.core.atomic import write_text_atomic
    from mcubench.core.results import load_results

    import math

    from mcubench.core import paths

    if args.tolerance is not None and not (math.isfinite(args.tolerance) and args.tolerance >= 0):
        raise UsageError(f"--tolerance must be a finite number >= 0, not {args.tolerance}")
    paths.input_file(args.results)
    if args.update_baseline:
        paths.output_file(args.baseline, "--baseline", stdout_ok=False)
    paths.output_file(args.junit, "--junit", stdout_ok=False)
    paths.output_file(args.markdown, "--markdown", stdout_ok=False)
    results = load_results(args.results)
    if args.update_baseline and not Path(args.baseline).exists():
        baseline = make_baseline(results)
        save_baseline(baseline, args.baseline)
        print(f"baseline written: {args.baseline} ({len(baseline.entries)} model x device pairs)")
        return 0

    previous = load_baseline(args.baseline)
    comparison = compare(results, previous, tolerance_pct=args.tolerance, require_all=args.require_all)
    print(format_text(comparison), end="")
    if args.junit:
        write_text_atomic(args.junit, format_junit(comparison))
    if args.markdown:
        write_text_atomic(args.markdown, format_markdown(comparison))
    if args.update_baseline:
        baseline = make_baseline(results, previous=previous)
        save_baseline(baseline, args.baseline)
        print(f"baseline updated: {args.baseline} ({len(baseline.entries)} model x device pairs)")
        if comparison.missing:
            gone = ", ".join(f"{m} on {d}" for m, d in comparison.missing)
            print(f"removed from the baseline (not in these results): {gone}")
        return 0
    from mcubench.benchmarks.cli import EXIT_OK, EXIT_REGRESSION

    return EXIT_REGRESSION if comparison.failed else EXIT_OK
