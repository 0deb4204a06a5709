"""The print edition: what the PDF's doctree gets that the HTML's does not.

Paper cannot scroll or reflow, so the LaTeX builder's doctree is adjusted once it is resolved:

* every table breaks across pages (``longtable``) and its column widths are measured from its
  content, so that no column is narrower than its longest word and none runs past the margin;
  this holds for generated and hand-written tables alike, with nothing to set per table.

* every diagram becomes a figure with a numbered caption ("Figure 5.1 ...", from its
  accessible title) and is set by ``\briefingdiagram`` (briefingevidence.sty): at its natural
  size, so its text is never enlarged, scaled down only to fit the line or 0.75 of the page's
  height, and turned a quarter when fitting a very wide one to the line would print its text
  below 7 pt;
* a cross-reference says where to go on paper: "see The likelihood yardstick (§22.7, p. 128)";
  a link that already gives the section's number (the source register's "Cited in", the
  people table's "Quoted in") gets its page: "2.2 What happened (p. 3)";
* each chapter names itself in the running header by a short title (the part before a colon,
  or the first words of a long title), as ``\briefingchaptermark`` (briefing/latex_style.py).

The HTML, EPUB and other builders are left untouched.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.texescape import escape

from briefing import order

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


NUMBERED = re.compile(r"^\d+(?:\.\d+)*\s")
CITATION_CLASS = "briefing-citation"


def _label(node: nodes.reference) -> str | None:
    """The LaTeX label the writer links this reference to (see LaTeXTranslator.visit_reference)."""
    uri = node.get("refuri", "")
    if not uri and node.get("refid"):
        parent = node.parent
        while parent is not None and not (parent.tagname == "start_of_file" and parent.get("docname")):
            parent = parent.parent
        if parent is None:
            return None
        return f"{parent['docname']}:{node['refid']}"
    if not uri.startswith("%"):
        return None
    doc, _, target = uri[1:].partition("#")
    return f"{doc}:{target}" if target else f"{doc}::doc"


def _in_citation(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if CITATION_CLASS in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


def _in_table(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.entry):
            return True
        parent = parent.parent
    return False


def page_references(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not is_print(app):
        return
    for ref in list(doctree.findall(nodes.reference)):
        if not ref.get("internal") and not ref.get("refid") and not str(ref.get("refuri", "")).startswith("%"):
            continue
        if _in_citation(ref) or isinstance(ref.parent, (nodes.title, nodes.caption)):
            continue
        label = _label(ref)
        if label is None or any(ch in label for ch in "{}\\%#"):
            continue
        if NUMBERED.match(ref.astext()):
            macro = "briefingpageref"  # the link names the section's number already
        elif _in_table(ref):
            continue  # actor names in tables: a link on screen, plain on paper
        else:
            macro = "briefingseeref"
        ref.parent.insert(ref.parent.index(ref) + 1,
                          nodes.raw("", f"\\{macro}{{{label}}}", format="latex"))


ACC_TITLE = re.compile(r"^\s*accTitle:\s*(.+)$", re.M)
ALT_TAIL = re.compile(r":\s*(?:diagram|timeline)\s*;.*$")


def diagram_caption(node: nodes.Element) -> str:
    """The diagram's own title: its alt text less the pointer to its table, or its accTitle."""
    alt = (node.get("alt") or "").strip()
    if alt:
        return ALT_TAIL.sub("", alt).strip()
    found = ACC_TITLE.search(node.get("code", ""))
    return found.group(1).strip() if found else "Diagram"


def diagrams_as_figures(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not is_print(app):
        return
    from briefing.mermaid_render import mermaid

    for node in list(doctree.findall(mermaid)):
        if isinstance(node.parent, nodes.figure):
            continue
        text = diagram_caption(node)
        # A rubric naming the diagram ("who supports whom") would stay behind when the figure
        # floats to the next page: the caption names it instead.
        index = node.parent.index(node)
        before = node.parent[index - 1] if index else None
        if isinstance(before, nodes.rubric) and before.astext().strip() and before.astext() in text:
            before.parent.remove(before)
        figure = nodes.figure(classes=["briefing-diagram-figure"])
        figure += nodes.raw("", "\\let\\sphinxincludegraphics\\briefingdiagram\n", format="latex")
        node.replace_self(figure)
        figure += node
        figure += nodes.caption(text, text)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", page_references, priority=order.PAGE_REFERENCES)
    app.connect("doctree-resolved", diagrams_as_figures, priority=order.PRINT_LAID_OUT)
    app.connect("doctree-resolved", chapter_marks, priority=order.PRINT_LAID_OUT)
    # Late: after the people table, the source register and the relations' print form exist.
    app.connect("doctree-resolved", tables_for_print, priority=order.PRINT_LAID_OUT)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
