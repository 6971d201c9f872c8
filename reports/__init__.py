"""Renderers of results records: Markdown, self-contained HTML, CSV and PNG plots.

They read a benchmarks.results.Results and never run anything. render_all writes the whole set into a
folder; each renderer can also be called alone with a stream.
"""

import os
from pathlib import Path
import shutil
import tempfile

from mcubench.core.errors import ResultsError
from mcubench.reports.battery import Battery

OUTPUTS = ("summary.md", "report.html", "results.csv", "layers.csv")


def render_all(results, out_dir, *, battery: Battery = Battery()) -> list:
    """Write summary.md, report.html, results.csv, layers.csv and plots/*.png into out_dir.

    Everything is rendered into a temporary folder first (inside out_dir, or in its nearest existing parent
    when out_dir is yet to be made) and each file is then moved into place with an atomic rename, so a
    failure never leaves a half-written report, nor an empty out_dir. Per-layer plots left
    in out_dir/plots by an earlier record with other models are removed. Returns the written paths.
    """
    from mcubench.reports.csv_export import render_csv, render_layers_csv
    from mcubench.reports.html import render_html
    from mcubench.reports.markdown import render_markdown
    from mcubench.reports.plots import render_plots

    out_dir = Path(out_dir)
    anchor = out_dir
    while not anchor.exists():
        anchor = anchor.parent
    try:
        staging = Path(tempfile.mkdtemp(dir=anchor, prefix=".render-"))
    except OSError as exc:
        raise ResultsError(f"{out_dir}: cannot write reports: {exc.strerror or exc}") from None
    try:
        plots = render_plots(results, battery)
        (staging / "plots").mkdir()
        for name, png in plots.items():
            (staging / "plots" / f"{name}.png").write_bytes(png)
        with open(staging / "summary.md", "w", encoding="utf-8") as f:
            render_markdown(results, f, battery=battery, plot_names=plots.keys())
        with open(staging / "report.html", "w", encoding="utf-8") as f:
            render_html(results, f, plots, battery=battery)
        with open(staging / "results.csv", "w", encoding="utf-8", newline="") as f:
            render_csv(results, f)
        with open(staging / "layers.csv", "w", encoding="utf-8", newline="") as f:
            render_layers_csv(results, f)

        (out_dir / "plots").mkdir(parents=True, exist_ok=True)
        # Per-layer plots of models no longer in the record would otherwise linger from an earlier run.
        for old in (out_dir / "plots").glob("layers_*.png"):
            if old.stem not in plots:
                old.unlink()
        written = []
        for rel in [f"plots/{name}.png" for name in plots] + list(OUTPUTS):
            os.replace(staging / rel, out_dir / rel)
            written.append(out_dir / rel)
        return written
    except OSError as exc:
        raise ResultsError(f"{out_dir}: cannot write reports: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
