"""Metadata that reference managers and search engines read, in every HTML page's head.

For each page, from :func:`briefing.reference.reference` (the same function as the visible
"Cite this" block): the page's chapter, or the book for a page outside the numbered chapters.

* Highwire Press ``citation_*`` tags (Google Scholar, Zotero): title, author, publisher,
  date, edition, language, the public URL and the PDF's URL when the edition has an address;
* Dublin Core (``DC.*``/``DCTERMS.*``) for what Highwire has no name for: type, edition
  (hasVersion), the book a chapter is part of;
* JSON-LD: schema.org ``Report`` for the book, ``Chapter`` (isPartOf the Report) for a chapter,
  with the chapter's numbered sections as ``hasPart``, each with its anchor address.

OpenGraph (sphinxext-opengraph), ``<link rel=canonical>`` (Sphinx's html_baseurl) and the
sitemap (sphinx-sitemap) take the same edition address in conf.py. Without an address, no
tag carries a URL: OpenGraph's page-relative ``og:url`` is removed here.
"""

from __future__ import annotations

import html
import json
import re

from sphinx.application import Sphinx

from briefing import order
from briefing.cite_this import edition_of
from briefing.places import numbered_sections
from briefing.reference import Reference, reference

DC_SCHEMAS = (
    '<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">\n'
    '<link rel="schema.DCTERMS" href="http://purl.org/dc/terms/">\n'
)


def page_references(app: Sphinx, pagename: str, doctree) -> tuple[Reference, list[Reference]]:
    """(what the page is, its numbered sections): the chapter, or the book."""
    ed = edition_of(app)
    if doctree is None or app.builder.name == "singlehtml":
        return reference(ed), []
    chapter = None
    parts = []
    for _section, sec in numbered_sections(app.env, doctree, pagename):
        if sec.docname != pagename:
            continue
        if sec.kind == "chapter" and chapter is None:
            chapter = reference(ed, sec)
        elif sec.kind == "section":
            parts.append(reference(ed, sec))
    if chapter is None:
        return reference(ed), []
    return chapter, parts


def meta(name: str, content: str) -> str:
    return f'<meta name="{html.escape(name)}" content="{html.escape(content)}">'


def head_html(ref: Reference, parts: list[Reference]) -> str:
    lines = [meta(name, value) for name, value in ref.highwire()]
    lines.append(DC_SCHEMAS.rstrip("\n"))
    lines += [meta(name, value) for name, value in ref.dublin_core()]
    data = json.dumps(ref.json_ld(parts), ensure_ascii=False, indent=None, separators=(",", ":"))
    data = data.replace("</", "<\\/")  # never closes the script element early
    lines.append(f'<script type="application/ld+json">{data}</script>')
    return "\n".join(lines) + "\n"


OG_TITLE = re.compile(r'^(<meta property="og:title" content=")[^"]*("\s*/?>)', re.M)
OG_URL = re.compile(r'^<meta property="og:url" content="[^"]*"\s*/?>\n?', re.M)


def add_metadata(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    ref, parts = page_references(app, pagename, doctree)
    tags = context.get("metatags", "") or ""
    # og:title as the citation has it: the title without the section number Sphinx prefixes.
    tags = OG_TITLE.sub(lambda m: f'{m.group(1)}{html.escape(ref.title)}{m.group(2)}', tags)
    if not ref.edition.url:
        tags = OG_URL.sub("", tags)  # page-relative: no address is better than half a one
    context["metatags"] = tags + head_html(ref, parts)


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxext.opengraph")
    if edition_of(app).url:
        # A sitemap lists absolute addresses: without one there is none to write (and
        # sphinx-sitemap would warn, which fails the build).
        app.setup_extension("sphinx_sitemap")
    # After sphinxext-opengraph (priority 500) has added its tags.
    app.connect("html-page-context", add_metadata, priority=order.METADATA_ADDED)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
