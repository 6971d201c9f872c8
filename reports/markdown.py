"""The report as Markdown (GitHub flavoured), written to a stream."""

from mcubench.reports.battery import Battery
from mcubench.reports.document import BulletList, Figure, Heading, Paragraph, Preformatted, Table, build_document


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(table: Table) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in table.headers) + " |",
             "|" + "|".join("---:" if i in table.numeric else "---" for i in range(len(table.headers))) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


def render_markdown(results, stream, *, battery: Battery = Battery(), plot_names=(), plots_dir="plots"):
    """Write the report; figures (for the plots named in plot_names) link to plots_dir/<name>.png."""
    blocks = []
    for block in build_document(results, battery, plot_names):
        if isinstance(block, Heading):
            blocks.append("#" * block.level + " " + block.text)
        elif isinstance(block, Paragraph):
            blocks.append(block.text)
        elif isinstance(block, Table):
            blocks.append(markdown_table(block))
        elif isinstance(block, BulletList):
            blocks.append("\n".join(f"- {item}" for item in block.items))
        elif isinstance(block, Preformatted):
            # A fence longer than any line of backticks in the text, so the text cannot close it.
            longest = max((len(line) for line in block.text.split("\n") if line and set(line) == {"`"}), default=0)
            fence = "`" * max(3, longest + 1)
            blocks.append(f"{fence}text\n{block.text.rstrip(chr(10))}\n{fence}")
        elif isinstance(block, Figure):
            blocks.append(f"![{block.caption}]({plots_dir}/{block.name}.png)")
    stream.write("\n\n".join(blocks) + "\n")
