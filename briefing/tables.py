"""Building docutils tables for the generated material (timelines, matrices, registers)."""

from __future__ import annotations

from docutils import nodes


def cell(content) -> nodes.entry:
    entry = nodes.entry()
    if content is None:
        content = ""
    if isinstance(content, str):
        entry += nodes.paragraph(content, content)
    elif isinstance(content, nodes.Node) and not isinstance(content, nodes.Inline | nodes.Text):
        entry += content
    else:
        para = nodes.paragraph()
        for part in content if isinstance(content, list) else [content]:
            para += part
        entry += para
    return entry


def table(headers: list[str], rows: list[list], classes: list[str], widths: list[int] | None = None,
          title: str | None = None) -> nodes.table:
    """A table with a header row; cells are strings, inline nodes, lists of them, or blocks."""
    # Writers (LaTeX above all) honour the widths only when told they were given.
    tbl = nodes.table(classes=[*classes, "colwidths-given"] if widths else classes)
    widths = widths or [1] * len(headers)
    if title:
        tbl += nodes.title(title, title)
    group = nodes.tgroup(cols=len(headers))
    tbl += group
    for w in widths:
        group += nodes.colspec(colwidth=w)
    head = nodes.thead()
    row = nodes.row()
    for h in headers:
        row += cell(h)
    head += row
    group += head
    body = nodes.tbody()
    for values in rows:
        row = nodes.row()
        for value in values:
            row += cell(value)
        body += row
    group += body
    return tbl


def joined(parts: list, sep: str = ", ") -> list:
    out: list = []
    for i, part in enumerate(parts):
        if i:
            out.append(nodes.Text(sep))
        out.append(part)
    return out
