"""A report as one self-contained HTML page: inline CSS, plots embedded as PNG data URIs, no script
besides opening the collapsed parts for printing.

The page reads at any window width: tables scroll sideways inside their own box when they are wider
than the window, text wraps at spaces, numbers never break, plots shrink to the column. Printed (to
paper or PDF), tables and long values wrap to the page instead, and the navigation is left out.
"""

import base64
from html import escape
import re

from mcubench.reports.blocks import BulletList, Details, Figure, Heading, Note, Paragraph, Preformatted, Table

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 84em; padding: 0 1em; color: #222;
       line-height: 1.45; }
h1 { font-size: 1.6em; }
h1, h2, h3, h4, p, li, figcaption { overflow-wrap: break-word; }
nav { margin: 1em 0 2em; display: flex; flex-wrap: wrap; gap: 0.3em 1.4em; }
.note { border-left: 4px solid #b86e00; background: #fff5e0; padding: 0.6em 1em; margin: 1em 0; }
.caption { font-weight: 600; margin: 1.2em 0 0.3em; }
.scroll { overflow-x: auto; max-width: 100%; margin: 0 0 1.5em; }
table { border-collapse: collapse; font-size: 0.9em; }
tbody tr:nth-child(even) { background: #fafafa; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; vertical-align: top; overflow-wrap: break-word; }
th { background: #f2f2f2; text-align: left; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.best { font-weight: 700; background: #e2f3e2; }
td.better { background: #e2f3e2; }
td.worse { font-weight: 700; background: #fbe0de; color: #8c1111; }
figure { margin: 1em 0 2em; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.9em; color: #555; }
code { background: #f3f3f3; padding: 0 0.2em; }
pre { background: #f5f5f5; padding: 0.5em; overflow-x: auto; }
details { margin: 0 0 1.5em; }
summary { cursor: pointer; color: #1a4f8b; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; }
  nav, summary { display: none; }
  .scroll { overflow: visible; }
  table { font-size: 7pt; width: 100%; }
  th, td { padding: 1px 3px; overflow-wrap: anywhere; }
  td.num { white-space: normal; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; }
  tr, figure, .note { break-inside: avoid; }
  h2, h3, h4, .caption { break-after: avoid; }
}
""".strip()

# Printing shows what a reader would otherwise have to open by hand.
_SCRIPT = ("addEventListener('beforeprint', () => "
           "document.querySelectorAll('details').forEach(d => d.open = true));")


def _inline(text) -> str:
    """Escape text; `backticks` become <code>, as in the Markdown rendering."""
    parts = escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _table(table: Table) -> str:
    head = "".join(f"<th>{_inline(h)}</th>" for h in table.headers)
    body = []
    for r, row in enumerate(table.rows):
        cells = []
        for c, text in enumerate(row):
            classes = (["num"] if c in table.numeric else []) + ([table.marks[r, c]] if (r, c) in table.marks else [])
            attr = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attr}>{_inline(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    caption = f'<p class="caption">{_inline(table.caption)}</p>\n' if table.caption else ""
    return (f'{caption}<div class="scroll"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(body)
            + "\n</tbody>\n</table></div>")


def _anchor(text) -> str:
    return "s-" + re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _blocks(blocks, plots, out, nav=None):
    for i, block in enumerate(blocks):
        if isinstance(block, Heading) and block.level == 2:
            out.append(f'<h2 id="{_anchor(block.text)}">{_inline(block.text)}</h2>')
        elif isinstance(block, Heading):
            out.append(f"<h{block.level}>{_inline(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{_inline(block.text)}</p>")
            if i == 1 and nav:
                out.append(nav)
        elif isinstance(block, Note):
            out.append(f'<p class="note">{_inline(block.text)}</p>')
        elif isinstance(block, Table):
            out.append(_table(block))
        elif isinstance(block, BulletList):
            out.append("<ul>\n" + "\n".join(f"<li>{_inline(item)}</li>" for item in block.items) + "\n</ul>")
        elif isinstance(block, Preformatted):
            out.append(f"<pre>{escape(block.text)}</pre>")
        elif isinstance(block, Figure):
            data = base64.b64encode(plots[block.name]).decode("ascii")
            out.append(f'<figure><img alt="{escape(block.caption)}" src="data:image/png;base64,{data}">'
                       f"<figcaption>{_inline(block.caption)}</figcaption></figure>")
        elif isinstance(block, Details):
            out.append(f"<details><summary>{_inline(block.summary)}</summary>")
            _blocks(block.blocks, plots, out)
            out.append("</details>")


def html_page(blocks, plots) -> str:
    """The page of a report's blocks: the first heading is its title; a navigation bar to the sections
    follows the opening paragraph. plots: name -> PNG bytes, for the Figure blocks."""
    title = next((b.text for b in blocks if isinstance(b, Heading)), "mcubench report")
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title)}</title>", f"<style>\n{_STYLE}\n</style>", f"<script>{_SCRIPT}</script>",
           "</head>", "<body>"]
    nav = "<nav>" + "".join(f'<a href="#{_anchor(b.text)}">{_inline(b.text)}</a>' for b in blocks
                            if isinstance(b, Heading) and b.level == 2) + "</nav>"
    _blocks(blocks, plots, out, nav)
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_html(results, stream, plots, *, reference=None):
    """Write the page of one results record. plots: name -> PNG bytes (reports.plots.render_plots)."""
    from mcubench.reports.document import build_document

    stream.write(html_page(build_document(results, plots.keys(), reference), plots))
