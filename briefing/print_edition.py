"""The print edition: what the PDF's doctree gets that the HTML's does not.

Paper cannot scroll or reflow, so the LaTeX builder's doctree is adjusted once it is resolved:

* every table breaks across pages (``longtable``) and its column widths are measured from its
  content, so that no column is narrower than its longest word and none runs past the margin;
  this holds for generated and hand-written tables alike, with nothing to set per table.

* each chapter names itself in the running header by a short title (the part before a colon,
  or the first words of a long title), as ``\briefingchaptermark`` (briefing/latex_style.py).

The HTML, EPUB and other builders are left untouched.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.texescape import escape

SHORT_TITLE = 48  # characters of a chapter title that fit the running header beside "§12.10"

# Characters of the table font (\small) across the text block (kept low: capitals are wide),
# and the padding either side of a column's text, in the same characters.
LINE_CHARS = 80
PAD_CHARS = 2.2
MAX_CELL_CHARS = 400  # one very long cell does not claim the whole table


def is_print(app: Sphinx) -> bool:
    return app.builder.format == "latex"


def _cell_measures(entry: nodes.Element) -> tuple[int, int]:
    """(longest word, whole text) of a cell, in characters."""
    text = " ".join(entry.astext().split())
    longest = max((len(w) for w in text.split()), default=1)
    return longest, max(len(text), 1)


def share(minimum: list[float], weight: list[float], avail: float) -> list[float]:
    """Split ``avail`` in proportion to ``weight``, no column below its ``minimum``."""
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(weight)) if i not in fixed]
        room = avail - sum(fixed.values())
        total = sum(weight[i] for i in free) or 1.0
        below = [i for i in free if room * weight[i] / total < minimum[i]]
        if not below or room <= 0:
            break
        for i in below:
            fixed[i] = minimum[i]
    if room <= 0 or not free:  # the longest words alone fill the line: give them their share
        scale = avail / sum(minimum)
        return [m * scale for m in minimum]
    return [fixed[i] if i in fixed else room * weight[i] / total for i in range(len(weight))]


def column_widths(table: nodes.table) -> list[int] | None:
    """Widths in per mille of the text block, from the cells' words and lengths.

    Each column gets at least its longest word, so no word is split across lines; the rest of
    the line is shared in proportion to the text each column holds, which keeps rows short.
    """
    group = next(iter(table.findall(nodes.tgroup)), None)
    if group is None:
        return None
    cols = int(group["cols"])
    longest = [1.0] * cols
    text = [1.0] * cols
    for row in group.findall(nodes.row):
        col = 0
        for entry in row.children:
            if not isinstance(entry, nodes.entry):
                continue
            if entry.get("morecols"):
                col += 1 + int(entry["morecols"])
                continue
            if col >= cols:
                break
            w, t = _cell_measures(entry)
            longest[col] = max(longest[col], w + 0.5)
            text[col] += min(t, MAX_CELL_CHARS)
            col += 1
    widths = share(longest, text, LINE_CHARS - PAD_CHARS * cols)
    # The writer's widths include the padding either side of each column's text.
    widths = [w + PAD_CHARS for w in widths]
    scale = 1000 / sum(widths)
    return [max(1, round(w * scale)) for w in widths]


def tables_for_print(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not is_print(app):
        return
    for table in list(doctree.findall(nodes.table)):
        parent = table.parent
        nested = False
        while parent is not None:
            if isinstance(parent, nodes.table):
                nested = True
                break
            parent = parent.parent
        if nested:
            continue
        if "longtable" not in table["classes"]:
            table["classes"].append("longtable")
        widths = column_widths(table)
        if widths is None:
            continue
        for colspec, width in zip(table.findall(nodes.colspec), widths):
            colspec["colwidth"] = width
        if "colwidths-given" not in table["classes"]:
            table["classes"].append("colwidths-given")


def short_title(title: str, limit: int = SHORT_TITLE) -> str:
    """'Chronology: three decades ...' -> 'Chronology'; a long title is cut at a word, with '…'."""
    title = " ".join(title.split())
    if ":" in title:
        title = title.split(":", 1)[0]
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0].rstrip(",;:–— ")
    return cut + "…"


def chapter_marks(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Chapters are the outermost sections of the assembled book."""
    if not is_print(app):
        return
    for section in list(doctree.findall(nodes.section)):
        parent = section.parent
        while parent is not None and not isinstance(parent, nodes.section):
            parent = parent.parent
        if parent is not None or not section.children or not isinstance(section[0], nodes.title):
            continue
        mark = escape(short_title(section[0].astext()), "xelatex")
        section.insert(1, nodes.raw("", f"\\briefingchaptermark{{{mark}}}\n", format="latex"))


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", chapter_marks, priority=900)
    # Late: after the people table, the source register and the relations' print form exist.
    app.connect("doctree-resolved", tables_for_print, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
