"""Sphinx configuration for the briefing book. Configuration only: logic lives in briefing/."""

import re as _re
from pathlib import Path as _Path

from briefing.edition import edition
from briefing.latex_style import latex_elements as _latex_elements

# The edition of the book in this directory, with the address this build was given
# (BRIEFING_BASE_URL, READTHEDOCS_CANONICAL_URL or pyproject's base_url; none: no address).
_ed = edition(_Path(__file__).resolve().parent)

project = _ed.title
author = _ed.publisher
copyright = f"{_ed.year}, {_ed.publisher} · {_ed.edition_label}, {_ed.date_human}"  # footer names the edition
version = _ed.version
release = _ed.version
today = _ed.date_human

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxcontrib.mermaid",
    "sphinxcontrib.bibtex",
    "briefing",
    "briefing.metadata",  # citation_*, Dublin Core, JSON-LD, OpenGraph; sitemap with an address
]

root_doc = "index"
exclude_patterns = ["_build", "_data", "Thumbs.db", ".DS_Store"]
templates_path = []
nitpicky = True
numfig = True
language = "en"

myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline", "attrs_block", "substitution"]
myst_substitutions = {
    "edition": _ed.edition_label,
    "edition_date": _ed.date_human,
    # Date of information: the latest exactly dated event in the chronology (briefing/edition.py).
    "information_date": _ed.current_to.human if _ed.current_to else "not known",
}
myst_fence_as_directive = ["mermaid"]
myst_heading_anchors = 0  # anchors come from explicit labels only; see AUTHORING.md

bibtex_bibfiles = ["docs/_data/sources.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# Diagrams are rendered at build time by briefing.mermaid_render; the page loads no Mermaid JS.
# "svg" also stops sphinxcontrib-mermaid from adding its CDN script to pages.
mermaid_output_format = "svg"

# The edition's address: <link rel=canonical>, OpenGraph's og:url and the sitemap. Empty when
# no address is set: then no page names one.
html_baseurl = _ed.url
ogp_site_url = _ed.url
ogp_social_cards = {"enable": False}  # no generated images, nothing fetched
ogp_image = None
sitemap_url_scheme = "{link}"  # html_baseurl already holds the edition's path
sitemap_excludes = ["search.html", "genindex.html"]

html_theme = "furo"
html_title = f"{_ed.title} — {_ed.edition_label}"
html_static_path = []
html_last_updated_fmt = None
html_copy_source = False
# The book defines no index entries: the generated index page would be an empty shell that
# every page links to (rel="index"), and writing it costs every build, no-op included.
html_use_index = False
html_show_sourcelink = False
html_permalinks = True
html_secnumber_suffix = " "  # "5.2 Title", as in the PDF
html_permalinks_icon = "#"
html_theme_options = {
    "navigation_with_keys": True,
    "footer_icons": [],
}

latex_engine = "xelatex"
latex_documents = [(root_doc, "briefing.tex", _ed.title, _ed.publisher, "manual", True)]
latex_show_urls = "no"
latex_elements = _latex_elements(_ed)
latex_domain_indices = False
latex_use_xindy = False

# EPUB (make epub): diagrams as SVG image files (briefing/epub.py); checked by epubcheck.
epub_basename = "briefing"
epub_title = _ed.title
epub_author = _ed.publisher
epub_publisher = _ed.publisher
epub_copyright = copyright
# Sphinx writes epub_uid into toc.ncx and epub_identifier into content.opf, and epubcheck
# wants them equal; epub_uid must be an XML name, so both are the book's slug.
epub_uid = epub_identifier = "armenia-russia-briefing-" + _ed.version.replace(".", "-")
epub_show_urls = "no"

# make linkcheck (tools/linkcheck.py): the edition's own address is not live until published.
linkcheck_ignore = [_re.escape(_ed.url)] if _ed.url else []

suppress_warnings = []
