"""Mermaid source text from data: escaping, and the diagram node the renderer picks up.

Data text is never trusted as Mermaid syntax: every character that Mermaid (or the HTML
around it) could read as syntax is written as a Mermaid entity code (``#58;`` for ``:``),
newlines become spaces. Mermaid decodes the codes into text; the SVG shows them literally.
"""

from __future__ import annotations

from sphinxcontrib.mermaid import mermaid

# Characters Mermaid's grammars treat as syntax somewhere, and HTML specials.
SPECIAL = set(':;#"\'<>&%`{}[]|\\=')


def escape(text: str) -> str:
    flat = " ".join(str(text).split())
    return "".join(f"#{ord(ch)};" if ch in SPECIAL else ch for ch in flat)


def short(text: str, limit: int = 56) -> str:
    """The first sentence of a text, cut at a word boundary to at most ``limit`` characters."""
    flat = " ".join(str(text).split())
    first = flat.split(". ")[0].rstrip(".")
    if len(first) <= limit:
        return first
    cut = first[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def diagram(code: str, directive, **attrs) -> mermaid:
    node = mermaid()
    node["code"] = code
    node["options"] = {}
    for key, value in attrs.items():
        node[key] = value
    directive.set_source_info(node)
    node["content_line"] = directive.lineno
    return node
