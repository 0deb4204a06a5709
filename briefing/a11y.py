"""Accessibility fixes to the theme's HTML that the book's own markup cannot reach.

* Sphinx writes a toctree caption as ``<p class="caption" role="heading">`` without an
  ``aria-level``; axe-core rates that *critical* (aria-required-attr). The caption heads
  the navigation tree (furo's sidebar and the index page's contents), so it gets level 2.
"""

from __future__ import annotations

from sphinx.application import Sphinx

CAPTION = '<p class="caption" role="heading">'
FIXED = '<p class="caption" role="heading" aria-level="2">'
# Context entries that hold rendered HTML with toctrees (Sphinx's and furo's).
HTML_KEYS = ("body", "toc", "furo_navigation_tree")


def add_heading_levels(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for key in HTML_KEYS:
        value = context.get(key)
        if isinstance(value, str) and CAPTION in value:
            context[key] = value.replace(CAPTION, FIXED)


def setup(app: Sphinx) -> dict:
    # After furo's own html-page-context handler, which builds the navigation tree.
    app.connect("html-page-context", add_heading_levels, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
