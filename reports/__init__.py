"""Renderers of results records: Markdown, self-contained HTML, CSV and PNG plots.

They read results records (mcubench.core.results) and never run anything. render_all writes the whole
set of one record into a folder, render_comparison the side-by-side view of several; each renderer can
also be called alone with a stream.
"""

import os
from pathlib import Path
import shutil
import tempfile

from mcubench.core.errors import ResultsError

OUTPUTS = ("summary.md", "report.html", "results.csv", "layers.csv")


def render_all(results, out_dir, *, reference=None) -> list:
    """Write summary.md, report.html, results.csv, layers.csv and plots/*.png into out_dir.

    Everything is rendered into a temporary folder first (inside out_dir, or in its nearest existing parent
    when out_dir is yet to be made) and each file is then moved into place with an atomic rename, so a
    failure never leaves a half-written report, nor an empty out_dir. Per-model plots left in out_dir/plots
    by an earlier record with other models are removed. reference: the device the comparison ratios are
    taken against (default: the record's first). Returns the written paths.
    """
    from mcubench.reports.csv_export import render_csv, render_layers_csv
    from mcubench.reports.html import render_html
    from mcubench.reports.markdown import render_markdown
    from mcubench.reports.plots import render_plots

    from mcubench.reports.document import reference_device

    out_dir = Path(out_dir)
    if results.rows:
        reference = reference_device(results, reference)  # refused before anything is written
    anchor = out_dir
    while not anchor.exists():
        anchor = anchor.parent
    try:
        staging = Path(tempfile.mkdtemp(dir=anchor, prefix=".render-"))
    except OSError as exc:
        raise ResultsError(f"{out_dir}: cannot write reports: {exc.strerror or exc}") from None
    try:
        plots = render_plots(results)
        (staging / "plots").mkdir()
        for name, png in plots.items():
            (staging / "plots" / f"{name}.png").write_bytes(png)
        with open(staging / "summary.md", "w", encoding="utf-8") as f:
            render_markdown(results, f, plot_names=plots.keys(), reference=reference)
        with open(staging / "report.html", "w", encoding="utf-8") as f:
            render_html(results, f, plots, reference=reference)
        with open(staging / "results.csv", "w", encoding="utf-8", newline="") as f:
            render_csv(results, f)
        with open(staging / "layers.csv", "w", encoding="utf-8", newline="") as f:
            render_layers_csv(results, f)

        (out_dir / "plots").mkdir(parents=True, exist_ok=True)
        # Per-model plots of models no longer in the record would otherwise linger from an earlier run.
        for pattern in ("layers_*.png", "arena_*.png"):
            for old in (out_dir / "plots").glob(pattern):
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


COMPARISON_OUTPUTS = ("comparison.md", "comparison.html", "comparison.csv")


def render_comparison(records, out_dir) -> list:
    """Write comparison.md, comparison.html and comparison.csv into out_dir for records [(label, Results)],
    the first being the base the others are compared with. Each file appears whole (atomic rename), and
    a report of one record in the same folder is left alone. Returns the written paths."""
    from mcubench.core.atomic import write_text_atomic
    from mcubench.reports.comparison import build_comparison, comparison_csv
    from mcubench.reports.html import html_page
    from mcubench.reports.markdown import markdown_blocks

    blocks = build_comparison(records)
    texts = {"comparison.md": markdown_blocks(blocks) + "\n", "comparison.html": html_page(blocks, {}),
             "comparison.csv": comparison_csv(records)}
    out_dir = Path(out_dir)
    for name in COMPARISON_OUTPUTS:
        write_text_atomic(out_dir / name, texts[name])
    return [out_dir / name for name in COMPARISON_OUTPUTS]
