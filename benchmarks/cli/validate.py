"""`mcubench validate`: each device model against published silicon figures; the CI gate of the cost models."""

import sys

NAME = "validate"
HELP = ("compare the device timing models with published silicon figures (microbenchmark references), and "
        "modelled run power with MLPerf Tiny measured power")


def configure(parser):
    parser.add_argument("--devices", metavar="A,B", help="only these devices (default: every device with references)")
    parser.add_argument("--json", metavar="OUT.json", help="also write the validation record")
    parser.add_argument("--markdown", metavar="OUT.md", help="also write the table as Markdown")
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed baseline (benchmarks/validation/baseline.json); exit 1 "
                             "when a device's mean absolute error grew on its independent or on its informed "
                             "references, or the baseline is out of date")
    parser.add_argument("--update-baseline", action="store_true", help="rewrite the committed baseline")
    parser.add_argument("--sources", action="store_true", help="also print each reference's source")


def _table(record, markdown):
    from mcubench.reports.document import Table
    from mcubench.reports.format import number

    rows = [[r.reference, r.device, r.mechanism, r.relation, number(r.predicted), number(r.published), r.unit,
             f"{r.error_pct:+.1f}%"] for r in record.rows]
    table = Table(["Reference", "Device", "Mechanism", "Relation", "Predicted", "Published", "Unit", "Error"], rows,
                  numeric=[4, 5, 7])

    def group(g):
        return [str(g.references)] + ([f"{g.mean_abs_error_pct:.1f}%", f"{g.worst_abs_error_pct:.1f}%"]
                                      if g.references else ["–", "–"])

    summary = Table(["Device", "Independent", "Mean absolute error", "Worst", "Informed", "Mean absolute error",
                     "Worst"],
                    [[name] + group(s.independent) + group(s.informed) for name, s in record.devices.items()],
                    numeric=[1, 2, 3, 4, 5, 6],
                    caption="Independent: the model's rule was not taken from the reference's source (validation). "
                            "Informed: it was, or the figure is an exact count of the manual the rule implements "
                            "(consistency, not validation).")
    if markdown:
        from mcubench.reports.markdown import markdown_table

        return markdown_table(table) + "\n" + markdown_table(summary)
    return _text(table) + "\n" + _text(summary) + f"\n{summary.caption}\n"


def _text(table):
    widths = [max(len(str(x)) for x in col) for col in zip(table.headers, *table.rows)]
    lines = []
    for i, row in enumerate([table.headers] + table.rows):
        lines.append("  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _power_rows(devices):
    """Second table: modelled run power against MLPerf Tiny's measured power (informational, not gated)."""
    from mcubench.benchmarks.validation.power import MEASUREMENTS, compare

    return compare([m for m in MEASUREMENTS if devices is None or m.board.device in devices])


def execute(args):
    from mcubench.core.atomic import write_text_atomic
    from mcubench.benchmarks.validation.record import BASELINE_PATH, compare, load_record, save_record
    from mcubench.benchmarks.validation.power import markdown as power_markdown
    from mcubench.benchmarks.validation.run import validate

    devices = [d.strip() for d in args.devices.split(",") if d.strip()] if args.devices else None
    record = validate(devices)
    print(_table(record, markdown=False), end="")
    power_rows = _power_rows(devices)
    if power_rows:
        print("\n" + power_markdown(power_rows), end="")
    if args.sources:
        for r in record.rows:
            print(f"  {r.reference} on {r.device}: {r.source}\n    {r.relation}: {r.basis}")
    if args.json:
        save_record(record, args.json)
    if args.markdown:
        power = "\n" + power_markdown(power_rows) if power_rows else ""
        write_text_atomic(args.markdown, _table(record, markdown=True) + power)
    if args.update_baseline:
        if devices is not None:
            from mcubench.core.errors import UsageError

            raise UsageError("--update-baseline validates every device: drop --devices")
        save_record(record, BASELINE_PATH)
        print(f"validation baseline updated: {BASELINE_PATH}")
        return 0
    if args.check:
        baseline = load_record(BASELINE_PATH)
        if devices is not None:  # a partial run is checked against its own devices only
            baseline.rows = [r for r in baseline.rows if r.device in devices]
            baseline.devices = {k: v for k, v in baseline.devices.items() if k in devices}
        problems = compare(record, baseline)
        for p in problems:
            print(f"validate: {p}", file=sys.stderr)
        print("validation check " + ("FAILED" if problems else "passed"))
        return 1 if problems else 0
    return 0
