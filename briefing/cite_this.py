"""How to cite the book and each of its sections: the blocks the reader copies from.

* Every chapter and numbered section gets a "Cite this" block under its heading, made when the
  section numbers are known (doctree-resolved): in HTML a quiet ``<details>`` holding a ready
  reference and a BibTeX entry, each with a copy button (``static/briefing-cite.js``, local);
  in the PDF one short line in small type: the full reference under a chapter heading, and
  under a section heading its number and address (the label is not visible in print).
* ``{book-citation}`` renders the whole book's citation as ``text``, ``bibtex``, ``ris``,
  ``csl-json`` or ``intersphinx`` for the "How to cite" page.

Every form is rendered from :func:`briefing.reference.reference` (edition, section), the same
function the page metadata (briefing/metadata.py) and CITATION.cff use. The edition is the one
of the book being built (its conf.py directory), with the address the build was given.
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from briefing.data import get_data
from briefing.edition import Edition, edition
from briefing.reference import NO_URL, Section, bibtex_escape, book_key, page_url, reference

__all__ = ["Section", "bibtex_escape", "book_key", "page_url", "edition_of", "numbered_sections"]

logger = logging.getLogger(__name__)


def edition_of(app_or_env) -> Edition:
    """The edition of the book being built (read from its own pyproject.toml)."""
    app = getattr(app_or_env, "app", app_or_env)
    return edition(Path(app.confdir))


def section_reference(ed: Edition, sec: Section) -> str:
    return reference(ed, sec).text()


def section_bibtex(ed: Edition, sec: Section) -> str:
    return reference(ed, sec).bibtex()


FORMATS = {
    "text": (lambda ed: reference(ed).text(), "text"),
    "bibtex": (lambda ed: reference(ed).bibtex(), "bibtex"),
    "ris": (lambda ed: reference(ed).ris(), "text"),
    "csl-json": (lambda ed: reference(ed).csl_json(), "json"),
    "intersphinx": (lambda ed: reference(ed).intersphinx(), "python"),
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
        ed = edition_of(self.env)
        text = make(ed)
        block = nodes.literal_block(text, text, language=language,
                                    classes=["briefing-copy", f"book-citation-{fmt}"])
        self.set_source_info(block)
        out: list[nodes.Node] = [block]
        if fmt == "text" and not ed.url:
            note = nodes.paragraph(classes=["book-citation-no-url"])
            note += nodes.emphasis(text=(
                f"{NO_URL}: no publication address is configured for this build, so no "
                "citation in it gives one. Cite the edition, its date and the section number."))
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
            yield section, Section(owner, section["ids"][0], number, section[0].astext(),
                                   chapter_name(env, owner))


def chapter_name(env: BuildEnvironment, docname: str) -> str:
    """A chapter's short name: its actors' names for an actor chapter ("EU and France" from
    actors.yaml), else its title up to a colon ("Context: Russian forces ..." -> "Context")."""
    names = [a["name"] for a in get_data(env).actors if a.get("chapter") == docname]
    if names:
        return " and ".join(names)
    title = env.titles.get(docname)
    return title.astext().split(":", 1)[0].strip() if title is not None else ""


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
    url = reference(ed, sec).url
    where = f"\\url{{{url}}}" if url else f"{latex_escape(NO_URL.lower())}"
    if sec.kind == "chapter":
        what = (f"{latex_escape(ed.publisher)}, \\emph{{{latex_escape(ed.title)}}}, "
                f"{latex_escape(ed.edition_label)} ({latex_escape(ed.date_human)}), chapter~{sec.number}")
    elif url:
        # The book and edition are in the chapter's line and the running head; the section's
        # line gives what the PDF cannot show otherwise: its address (which names the edition).
        what = f"\\S{sec.number}"
    else:
        what = f"\\S{sec.number}, {latex_escape(ed.edition_label)}"
    return (
        "\n\\par{\\footnotesize\\sffamily\\color{black!55}"
        f"Cite as: {what}, {where}\\par}}\\nopagebreak\n"  # stays with the text below
    )


def add_cite_blocks(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    ed = edition_of(app)
    fmt = app.builder.format
    if fmt not in ("html", "latex"):
        return
    for section, sec in numbered_sections(app.env, doctree, docname):
        if fmt == "html":
            raw = nodes.raw("", html_block(ed, sec), format="html")
        else:
            raw = nodes.raw("", latex_line(ed, sec), format="latex")
        section.insert(1, raw)


def note_edition(app: Sphinx, config) -> None:
    """The edition (number, date, address) as an 'env' config value: a build for another
    edition or address re-reads every page, so no page keeps an old citation."""
    config.briefing_edition = repr(edition_of(app))


def setup(app: Sphinx) -> dict:
    app.add_config_value("briefing_edition", "", "env", types=[str])
    app.connect("config-inited", note_edition)
    app.add_directive("book-citation", BookCitation)
    app.add_node(book_contents)
    app.add_directive("book-contents", BookContents)
    app.connect("doctree-resolved", fill_book_contents)
    app.connect("doctree-resolved", add_cite_blocks)
    app.add_js_file("briefing-cite.js", loading_method="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
