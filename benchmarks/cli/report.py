"""`mcubench report`: render a results record as Markdown, HTML, CSV and plots."""

from mcubench.benchmarks.cli import positive_number

NAME = "report"
HELP = "render a results record (from `mcubench bench` or `mcubench run` --json) as Markdown, HTML, CSV and PNG plots"


def configure(parser):
    parser.add_argument("results", metavar="RESULTS.json",
                        help="results record written by `mcubench bench --json` or `mcubench run --json`")
    parser.add_argument("-o", "--output", metavar="DIR", default="reports/out",
                        help="folder to write summary.md, report.html, results.csv, layers.csv, plots/ "
                             "(default: reports/out)")
    parser.add_argument("--battery-mah", type=positive_number, default=1000.0, metavar="MAH",
                        help="battery capacity for the battery-life chart (default: 1000 mAh)")
    parser.add_argument("--battery-v", type=positive_number, default=3.0, metavar="V",
                        help="battery voltage for the battery-life chart (default: 3.0 V)")


def execute(args):
    from mcubench.core.errors import UsageError
    from mcubench.core.results import load_results
    from mcubench.reports import render_all
    from mcubench.reports.battery import Battery

    from mcubench.core import paths

    paths.input_file(args.results)
    paths.output_folder(args.output, "--output")
    results = load_results(args.results)
    written = render_all(results, args.output, battery=Battery(args.battery_mah, args.battery_v))
    print(f"{len(results.rows)} rows rendered: {len(written)} files in {args.output}")
    return 0
