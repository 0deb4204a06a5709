"""How to cite the book and each of its sections, built from the edition.

* Every chapter and numbered section gets a "Cite this" block under its heading, made when the
  section numbers are known (doctree-resolved): in HTML a quiet ``<details>`` holding a ready
  reference and a BibTeX entry, each with a copy button (``static/briefing-cite.js``, local);
  in the PDF one short line in small type: the full reference under a chapter heading, and
  under a section heading only its number and address (the label is not visible in print).
* ``{book-citation}`` renders the whole book's citation as ``text``, ``bibtex``, ``ris`` or
  ``csl-json`` for the "How to cite" page.

Everything reads :func:`briefing.edition.edition`: title, publisher, version, date, base URL.
The URL of a section is ``base_url + page + "#" + label``: the label is the section's first id
(briefing.labels), so the URL survives a rewritten heading.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from briefing.edition import Edition, edition

logger = logging.getLogger(__name__)


# -- the citations themselves (pure functions of the edition) ----------------------------------


def book_key(ed: Edition) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", ed.title.lower())) + "-" + ed.version


def page_url(ed: Edition, docname: str, anchor: str = "") -> str:
    """The canonical (HTML edition) URL of a page, with an optional anchor."""
    url = ed.base_url + docname + ".html"
    return f"{url}#{anchor}" if anchor else url


def bibtex_escape(text: str) -> str:
    table = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
             "$": r"\$", "#": r"\#", "_": r"\_"}
    return "".join(table.get(ch, ch) for ch in text)


def _bibtex(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name.ljust(width)} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body},\n}}"


@dataclass(frozen=True)
class Section:
    docname: str
    label: str
    number: str  # "5" for a chapter, "5.2" for a section
    title: str

    @property
    def kind(self) -> str:
        return "chapter" if "." not in self.number else "section"


def section_reference(ed: Edition, sec: Section) -> str:
    return (f"{ed.publisher}, {ed.title}, {ed.edition_label} ({ed.date_human}), "
            f"{sec.kind} {sec.number}, \u201c{sec.title}\u201d. "
            f"{page_url(ed, sec.docname, sec.label)}")


def section_bibtex(ed: Edition, sec: Section) -> str:
    org = f"{{{bibtex_escape(ed.publisher)}}}"
    return _bibtex("incollection", f"{book_key(ed)}-{sec.label}", [
        ("author", org),
        ("title", f"{{{bibtex_escape(sec.title)}}}"),
        ("booktitle", f"{{{bibtex_escape(ed.title)}}}"),
        ("chapter", sec.number),
        ("publisher", org),
        ("edition", ed.version),
        ("year", str(ed.year)),
        ("date", ed.date_iso),
        ("url", page_url(ed, sec.docname, sec.label)),
        ("note", f"{sec.kind.capitalize()} {sec.number}, {ed.edition_label}"),
    ])


def book_text(ed: Edition) -> str:
    return (f"{ed.publisher}. {ed.title}: {ed.subtitle}. {ed.edition_label}, {ed.date_human}. "
            f"{ed.base_url}")


def book_bibtex(ed: Edition) -> str:
    org = f"{{{bibtex_escape(ed.publisher)}}}"
    return _bibtex("book", book_key(ed), [
        ("author", org),
        ("title", f"{{{bibtex_escape(ed.title)}}}"),
        ("subtitle", bibtex_escape(ed.subtitle)),
        ("publisher", org),
        ("edition", ed.version),
        ("version", ed.version),
        ("year", str(ed.year)),
        ("date", ed.date_iso),
        ("url", ed.base_url),
    ])


def book_ris(ed: Edition) -> str:
    lines = [
        ("TY", "BOOK"),
        ("TI", f"{ed.title}: {ed.subtitle}"),
        ("AU", ed.publisher),
        ("PB", ed.publisher),
        ("ET", ed.version),
        ("PY", str(ed.year)),
        ("DA", ed.date.strftime("%Y/%m/%d/")),
        ("UR", ed.base_url),
        ("ER", ""),
    ]
    return "\n".join(f"{tag}  - {value}".rstrip() if tag != "ER" else "ER  - " for tag, value in lines)


def book_csl(ed: Edition) -> str:
    item = {
        "id": book_key(ed),
        "type": "book",
        "title": f"{ed.title}: {ed.subtitle}",
        "author": [{"literal": ed.publisher}],
        "publisher": ed.publisher,
        "edition": ed.version,
        "version": ed.version,
        "issued": {"date-parts": [[ed.year, ed.date.month, ed.date.day]]},
        "URL": ed.base_url,
    }
    return json.dumps([item], ensure_ascii=False, indent=2)


def book_intersphinx(ed: Edition) -> str:
    return f'intersphinx_mapping = {{"briefing": ("{ed.base_url}", None)}}'


FORMATS = {
    "text": (book_text, "text"),
    "bibtex": (book_bibtex, "bibtex"),
    "ris": (book_ris, "text"),
    "csl-json": (book_csl, "json"),
    "intersphinx": (book_intersphinx, "python"),
}


class BookCitation(SphinxDirective):
    """```{book-citation} bibtex``` -- the whole book's citation in one format."""

    required_arguments = 1
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        fmt = self.arguments[0].strip().lower()
        if fmt not in FORMATS:
            raise self.error(f"book-citation: unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        make, language = FORMATS[fmt]
        ed = edition()
        text = make(ed)
        block = nodes.literal_block(text, text, language=language,
                                    classes=["briefing-copy", f"book-citation-{fmt}"])
        self.set_source_info(block)
        out: list[nodes.Node] = [block]
        if fmt == "text" and ".invalid/" in ed.base_url:
            note = nodes.paragraph(classes=["book-citation-placeholder"])
            note += nodes.emphasis(text=(
                f"The address {ed.base_url} is a placeholder (the domain .invalid cannot exist): "
                "the book's publication address is not yet fixed. Every URL in the citations on "
                "this page and in the sections is built on it and will change with it."))
            self.set_source_info(note)
            out.append(note)
        return out


class book_contents(nodes.General, nodes.Element):
    """Placeholder for the list of chapters; filled in once the numbers are known."""


class BookContents(SphinxDirective):
    """```{book-contents}``` -- the numbered chapters of this edition, number and title."""

    def run(self) -> list[nodes.Node]:
        node = book_contents()
        self.set_source_info(node)
        return [node]


def fill_book_contents(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    env = app.env
    for node in list(doctree.findall(book_contents)):
        items = nodes.bullet_list(classes=["book-contents"])
        for chapter in env.toctree_includes.get(env.config.root_doc, []):
            number = env.toc_secnumbers.get(chapter, {}).get("")
            if not number or chapter not in env.titles:
                continue
            title = env.titles[chapter].astext()
            para = nodes.paragraph()
            para += nodes.Text(f"{'.'.join(map(str, number))} ")
            if app.builder.format == "html":
                ref = nodes.reference("", "", internal=True,
                                      refuri=app.builder.get_relative_uri(docname, chapter))
                ref += nodes.Text(title)
                para += ref
            else:
                para += nodes.Text(title)
            items += nodes.list_item("", para)
        node.replace_self(items)


# -- the per-section blocks --------------------------------------------------------------------


def _docname_of(node: nodes.Node, default: str) -> str:
    """The source document of a section in an assembled (LaTeX, singlehtml) tree."""
    if node.get("docname"):  # set by sphinx.util.nodes.inline_all_toctrees
        return node["docname"]
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.start_of_file):
            return parent["docname"]
        parent = parent.parent
    return default


def section_number(env: BuildEnvironment, docname: str, section: nodes.section) -> str | None:
    numbers = env.toc_secnumbers.get(docname, {})
    if not section["ids"]:
        return None
    found = numbers.get("#" + section["ids"][0])
    if found is None and not isinstance(section.parent, nodes.section):
        found = numbers.get("")  # the document's first heading has no anchor
    return ".".join(map(str, found)) if found else None


def numbered_sections(env: BuildEnvironment, doctree: nodes.Node, docname: str):
    for section in list(doctree.findall(nodes.section)):
        if not section.children or not isinstance(section[0], nodes.title):
            continue
        owner = _docname_of(section, docname)
        number = section_number(env, owner, section)
        if number:
            yield section, Section(owner, section["ids"][0], number, section[0].astext())


def html_block(ed: Edition, sec: Section) -> str:
    ref = html.escape(section_reference(ed, sec))
    bib = html.escape(section_bibtex(ed, sec))
    what = "chapter" if sec.kind == "chapter" else "section"
    return (
        f'<details class="cite-this" data-section="{html.escape(sec.number)}" '
        f'data-label="{html.escape(sec.label)}">'
        f'<summary>Cite this {what}</summary>'
        f'<div class="cite-this-item"><p class="cite-this-ref briefing-copy">{ref}</p></div>'
        f'<div class="cite-this-item"><pre class="cite-this-bibtex briefing-copy">{bib}</pre></div>'
        "</details>"
    )


def latex_escape(text: str) -> str:
    table = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
             "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}"}
    return "".join(table.get(ch, ch) for ch in text)


def latex_line(ed: Edition, sec: Section) -> str:
    url = page_url(ed, sec.docname, sec.label)
    if sec.kind == "chapter":
        what = (f"{latex_escape(ed.publisher)}, \\emph{{{latex_escape(ed.title)}}}, "
                f"{latex_escape(ed.edition_label)} ({latex_escape(ed.date_human)}), chapter~{sec.number}")
    else:
        # The book and edition are in the chapter's line and the running head; the section's
        # line gives what the PDF cannot show otherwise: its address.
        what = f"\\S{sec.number}"
    return (
        "\n\\par{\\footnotesize\\sffamily\\color{black!55}"
        f"Cite as: {what}, \\url{{{url}}}\\par}}\\nopagebreak\n"  # stays with the text below
    )


def add_cite_blocks(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    ed = edition()
    fmt = app.builder.format
    if fmt not in ("html", "latex"):
        return
    for section, sec in numbered_sections(app.env, doctree, docname):
        if fmt == "html":
            raw = nodes.raw("", html_block(ed, sec), format="html")
        else:
            raw = nodes.raw("", latex_line(ed, sec), format="latex")
        section.insert(1, raw)


def setup(app: Sphinx) -> dict:
    app.add_directive("book-citation", BookCitation)
    app.add_node(book_contents)
    app.add_directive("book-contents", BookContents)
    app.connect("doctree-resolved", fill_book_contents)
    app.connect("doctree-resolved", add_cite_blocks)
    app.add_js_file("briefing-cite.js", loading_method="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
