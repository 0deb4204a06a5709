"""Accessibility fixes to the HTML that Sphinx and the theme write, which the book's own
markup cannot reach. Each fix answers an axe-core *critical* finding:

* a toctree caption is ``<p class="caption" role="heading">`` without ``aria-level``
  (aria-required-attr). The caption heads a navigation tree (furo's sidebar, the index
  page's contents), so it gets level 2;
* a bibliography (docutils citations, sphinxcontrib-bibtex) is ``<div role="list">`` whose
  entries have ``role="doc-biblioentry"``, a role deprecated in DPUB-ARIA 1.1 and not a list
  item (aria-required-children). The entries become list items.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from briefing import order

REPLACEMENTS = [
    ('<p class="caption" role="heading">', '<p class="caption" role="heading" aria-level="2">'),
    ('role="doc-biblioentry"', 'role="listitem"'),
]
# Context entries that hold rendered HTML (Sphinx's and furo's).
HTML_KEYS = ("body", "toc", "furo_navigation_tree")


def fix_roles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for key in HTML_KEYS:
        value = context.get(key)
        if not isinstance(value, str):
            continue
        for old, new in REPLACEMENTS:
            value = value.replace(old, new)
        context[key] = value


def setup(app: Sphinx) -> dict:
    # After furo's own html-page-context handler, which builds the navigation tree.
    app.connect("html-page-context", fix_roles, priority=order.PAGE_FINISHED)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
