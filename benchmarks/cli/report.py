"""`mcubench report`: render a results record as Markdown, HTML, CSV and plots, or compare several records."""

import sys

from mcubench.benchmarks.cli import positive_number

NAME = "report"
HELP = ("render a results record (from `mcubench bench` or `mcubench run` --json) as Markdown, HTML, CSV and PNG "
        "plots; with several records, compare them side by side")


def configure(parser):
    parser.add_argument("results", nargs="+", metavar="RESULTS.json",
                        help="results record written by `mcubench bench --json` or `mcubench run --json`; give two "
                             "or more (base first) "
                             "for a comparison (comparison.md, .html, .csv) with changes against the first")
    parser.add_argument("-o", "--output", metavar="DIR", default="reports/out",
                        help="folder to write summary.md, report.html, results.csv, layers.csv, plots/ "
                             "(default: reports/out)")
    parser.add_argument("--labels", metavar="A,B,...", help="names of the compared records (default: file names)")
    parser.add_argument("--reference-device", metavar="NAME",
                        help="device the speed-up and energy ratios are taken against (default: the record's first)")
    parser.add_argument("--battery-mah", type=positive_number, default=1000.0, metavar="MAH",
                        help="battery capacity for the battery-life chart (default: 1000 mAh)")
    parser.add_argument("--battery-v", type=positive_number, default=3.0, metavar="V",
                        help="battery voltage for the battery-life chart (default: 3.0 V)")


def _labels(args):
    from pathlib import Path

    from mcubench.core.errors import UsageError

    if args.labels is not None:
        labels = [label.strip() for label in args.labels.split(",")]
        if len(labels) != len(args.results) or not all(labels):
            raise UsageError(f"--labels: give {len(args.results)} non-empty names, one per record")
    else:
        labels = [Path(p).stem for p in args.results]
        if len(set(labels)) != len(labels):
            labels = list(args.results)
    if len(set(labels)) != len(labels):
        raise UsageError("--labels: the names must differ")
    return labels


def execute(args):
    from mcubench.core.errors import UsageError
    from mcubench.core.results import load_results
    from mcubench.reports import render_all, render_comparison
    from mcubench.benchmarks.battery import with_battery_life
    from mcubench.core.results import Battery

    from mcubench.core import paths

    for path in args.results:
        paths.input_file(path)
    paths.output_folder(args.output, "--output")
    if len(args.results) == 1:
        if args.labels is not None:
            raise UsageError("--labels names compared records: give two or more")
        # The battery figures are computed for this battery here; the renderers only read them.
        results = with_battery_life(load_results(args.results[0]), Battery(args.battery_mah, args.battery_v))
        written = render_all(results, args.output, reference=args.reference_device)
        print(f"{len(results.rows)} rows rendered: {len(written)} files in {args.output}", file=sys.stderr)
        return 0
    if args.reference_device is not None:
        raise UsageError("--reference-device applies to the report of one record, not to a comparison")
    records = list(zip(_labels(args), (load_results(path) for path in args.results)))
    written = render_comparison(records, args.output)
    print(f"{len(records)} records compared: {', '.join(p.name for p in written)} in {args.output}", file=sys.stderr)
    return 0
