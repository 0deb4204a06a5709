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
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from briefing import order
from briefing.places import numbered_sections
from briefing.edition import Edition, edition
from briefing.reference import NO_URL, Section, bibtex_escape, book_key, page_url, reference

__all__ = ["Section", "bibtex_escape", "book_key", "page_url", "edition_of"]

logger = logging.getLogger(__name__)


def edition_of(app_or_env) -> Edition:
    """The edition of the book being built (read from its own pyproject.toml)."""
    app = getattr(app_or_env, "app", app_or_env)
    return edition(Path(app.confdir))


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


class cite_this(nodes.General, nodes.Element):
    """A section's "Cite this" block, made once its number is known; the writers draw it.

    Attributes: ``kind`` ("chapter"/"section"), ``number``, ``label``, ``reference`` (the
    ready reference), ``bibtex``, ``url`` ("" without an address), and the edition's
    ``publisher``, ``title``, ``edition_label`` and ``date`` for the printed line.
    """


def cite_this_node(ed: Edition, sec: Section) -> cite_this:
    ref = reference(ed, sec)
    return cite_this(kind=sec.kind, number=sec.number, label=sec.label, reference=ref.text(),
                     bibtex=ref.bibtex(), url=ref.url, publisher=ed.publisher, title=ed.title,
                     edition_label=ed.edition_label, date=ed.date_human)


def visit_cite_this_html(self, node: cite_this) -> None:
    """A quiet <details>: the reference and the BibTeX entry, each with a copy button."""
    esc = html.escape
    what = "chapter" if node["kind"] == "chapter" else "section"
    self.body.append(
        f'<details class="cite-this" data-section="{esc(node["number"])}" '
        f'data-label="{esc(node["label"])}">'
        f'<summary>Cite this {what}</summary>'
        f'<div class="cite-this-item"><p class="cite-this-ref briefing-copy">{esc(node["reference"])}</p></div>'
        f'<div class="cite-this-item"><pre class="cite-this-bibtex briefing-copy">{esc(node["bibtex"])}</pre></div>'
        "</details>"
    )
    raise nodes.SkipNode


def visit_cite_this_latex(self, node: cite_this) -> None:
    """One line in small type: the full reference under a chapter, number and address under
    a section (the book and edition are in the chapter's line and the running head)."""
    tex = self.encode
    url = node["url"]
    where = f"\\url{{{url}}}" if url else tex(NO_URL.lower())
    if node["kind"] == "chapter":
        what = (f"{tex(node['publisher'])}, \\emph{{{tex(node['title'])}}}, "
                f"{tex(node['edition_label'])} ({tex(node['date'])}), chapter~{node['number']}")
    elif url:
        # The section's line gives what the PDF cannot show otherwise: its address (which names the edition).
        what = f"\\S{node['number']}"
    else:
        what = f"\\S{node['number']}, {tex(node['edition_label'])}"
    # On lines of its own, as a raw block would be; \\nopagebreak keeps it with the text below.
    self.body.append(
        "\n\n\\par{\\footnotesize\\sffamily\\color{black!55}"
        f"Cite as: {what}, {where}\\par}}\\nopagebreak\n\n"
    )
    raise nodes.SkipNode


def _skip(self, node) -> None:
    raise nodes.SkipNode


def add_cite_blocks(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format not in ("html", "latex"):
        return
    ed = edition_of(app)
    for section, sec in numbered_sections(app.env, doctree, docname):
        section.insert(1, cite_this_node(ed, sec))


def note_edition(app: Sphinx, config) -> None:
    """The edition (number, date, address) as an 'env' config value: a build for another
    edition or address re-reads every page, so no page keeps an old citation."""
    config.briefing_edition = repr(edition_of(app))


def setup(app: Sphinx) -> dict:
    app.add_config_value("briefing_edition", "", "env", types=[str])
    app.connect("config-inited", note_edition)
    app.add_directive("book-citation", BookCitation)
    app.add_node(book_contents)
    app.add_node(cite_this, html=(visit_cite_this_html, None), latex=(visit_cite_this_latex, None),
                 text=(_skip, None), man=(_skip, None), texinfo=(_skip, None))
    app.add_directive("book-contents", BookContents)
    app.connect("doctree-resolved", fill_book_contents, priority=order.LISTS_GENERATED)
    app.connect("doctree-resolved", add_cite_blocks, priority=order.LISTS_GENERATED)
    app.add_js_file("briefing-cite.js", loading_method="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
