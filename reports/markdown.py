"""A report as Markdown (GitHub flavoured), written to a stream."""

from mcubench.reports.blocks import (BETTER, BulletList, Details, Figure, Heading, Note, Paragraph, Preformatted,
                                     Table)


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(table: Table) -> str:
    """The table, its caption first; a cell marked best (or worse, in a comparison) is bold."""
    lines = ["| " + " | ".join(_cell(h) for h in table.headers) + " |",
             "|" + "|".join("---:" if i in table.numeric else "---" for i in range(len(table.headers))) + "|"]
    for r, row in enumerate(table.rows):
        cells = [f"**{_cell(c)}**" if table.marks.get((r, i), BETTER) != BETTER and c else _cell(c)
                 for i, c in enumerate(row)]
        lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    return f"**{table.caption}**\n\n{text}" if table.caption else text


def markdown_blocks(blocks, plots_dir="plots") -> str:
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append("#" * block.level + " " + block.text)
        elif isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Note):
            out.append("> " + block.text)
        elif isinstance(block, Table):
            out.append(markdown_table(block))
        elif isinstance(block, BulletList):
            out.append("\n".join(f"- {item}" for item in block.items))
        elif isinstance(block, Preformatted):
            # A fence longer than any line of backticks in the text, so the text cannot close it.
            longest = max((len(line) for line in block.text.split("\n") if line and set(line) == {"`"}), default=0)
            fence = "`" * max(3, longest + 1)
            out.append(f"{fence}text\n{block.text.rstrip(chr(10))}\n{fence}")
        elif isinstance(block, Figure):
            out.append(f"![{block.caption}]({plots_dir}/{block.name}.png)")
        elif isinstance(block, Details):
            # GitHub renders <details> in Markdown; other viewers show its content in full.
            out.append(f"<details><summary>{block.summary}</summary>\n\n{markdown_blocks(block.blocks, plots_dir)}"
                       "\n</details>")
    return "\n\n".join(out)


def render_markdown(results, stream, *, plot_names=(), plots_dir="plots",
                    reference=None):
    """Write the report; figures (for the plots named in plot_names) link to plots_dir/<name>.png."""
    from mcubench.reports.document import build_document

    stream.write(markdown_blocks(build_document(results, plot_names, reference), plots_dir) + "\n")
