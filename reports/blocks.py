"""The building blocks of a report: headings, paragraphs, notes, tables, lists, figures, collapsible parts.

Markdown and HTML walk the same blocks, so both always show the same tables; they differ only in markup.
"""

from dataclasses import dataclass, field

# How a table cell is marked: the best figure of a row, or a figure that got worse or better in a comparison.
BEST, WORSE, BETTER = "best", "worse", "better"


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Note:
    """A statement the reader must not miss (what the figures are): a boxed paragraph, a Markdown quote."""

    text: str


@dataclass
class Table:
    headers: list
    rows: list  # [[str]]
    numeric: list = field(default_factory=list)  # column indices aligned right
    marks: dict = field(default_factory=dict)  # (row index, column index) -> BEST, WORSE or BETTER
    caption: str = ""  # what the table shows, said above it


@dataclass
class BulletList:
    items: list


@dataclass
class Preformatted:
    text: str  # shown verbatim, in a fixed-width font (a firmware's console)


@dataclass
class Figure:
    name: str  # plot name, as reports.plots names it
    caption: str


@dataclass
class Details:
    """Blocks a reader opens on demand (HTML <details>); Markdown shows them in full under the summary."""

    summary: str
    blocks: list
