"""The report as one self-contained HTML page: inline CSS, plots embedded as PNG data URIs."""

import base64
from html import escape
import re

from mcubench.reports.battery import Battery
from mcubench.reports.document import (BulletList, Figure, Heading, Paragraph, Preformatted, Table, build_document,
                                       record_title)

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 80em; padding: 0 1em; color: #222; }
.scroll { overflow-x: auto; margin: 0.5em 0 1.5em; }
table { border-collapse: collapse; font-size: 0.9em; }
tbody tr:nth-child(even) { background: #fafafa; }
nav { margin: 1em 0 2em; }
nav a { margin-right: 1.2em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
th { background: #f2f2f2; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; }
figure img { max-width: 100%; }
code { background: #f5f5f5; padding: 0 0.2em; }
pre { background: #f5f5f5; padding: 0.5em; overflow-x: auto; }
""".strip()


def _inline(text) -> str:
    """Escape text; `backticks` become <code>, as in the Markdown rendering."""
    parts = escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _table(table: Table) -> str:
    head = "".join(f"<th>{_inline(h)}</th>" for h in table.headers)
    body = []
    for row in table.rows:
        cells = "".join(f'<td class="num">{_inline(c)}</td>' if i in table.numeric else f"<td>{_inline(c)}</td>"
                        for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return (f'<div class="scroll"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(body)
            + "\n</tbody>\n</table></div>")


def _anchor(text) -> str:
    return "s-" + re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def render_html(results, stream, plots, *, battery: Battery = Battery()):
    """Write the page. plots: name -> PNG bytes (from reports.plots.render_plots); each is embedded."""
    title = f"mcubench report: {record_title(results)}"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{escape(title)}</title>", f"<style>\n{_STYLE}\n</style>", "</head>", "<body>"]
    doc = build_document(results, battery, plots.keys())
    # Links to the sections, placed after the opening paragraph (the record's provenance).
    nav = "<nav>" + "".join(f'<a href="#{_anchor(b.text)}">{_inline(b.text)}</a>' for b in doc
                            if isinstance(b, Heading) and b.level == 2) + "</nav>"
    for i, block in enumerate(doc):
        if isinstance(block, Heading) and block.level == 2:
            out.append(f'<h2 id="{_anchor(block.text)}">{_inline(block.text)}</h2>')
        elif isinstance(block, Heading):
            out.append(f"<h{block.level}>{_inline(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{_inline(block.text)}</p>")
            if i == 1:
                out.append(nav)
        elif isinstance(block, Table):
            out.append(_table(block))
        elif isinstance(block, BulletList):
            out.append("<ul>\n" + "\n".join(f"<li>{_inline(item)}</li>" for item in block.items) + "\n</ul>")
        elif isinstance(block, Preformatted):
            out.append(f"<pre>{escape(block.text)}</pre>")
        elif isinstance(block, Figure):
            data = base64.b64encode(plots[block.name]).decode("ascii")
            out.append(f'<figure><img alt="{escape(block.caption)}" src="data:image/png;base64,{data}">'
                       f"<figcaption>{escape(block.caption)}</figcaption></figure>")
    out += ["</body>", "</html>"]
    stream.write("\n".join(out) + "\n")
