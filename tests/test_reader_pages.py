"""Every page the HTML edition offers a reader has something on it."""

from __future__ import annotations

import re

from book_pages import inventory, soup


def test_no_page_or_page_link_leads_to_an_empty_index(html_dir):
    index = html_dir / "genindex.html"
    if index.exists():
        entries = soup(index).select("table.indextable a")
        assert entries, "genindex.html is an empty index page"
    linked = [p.relative_to(html_dir).as_posix() for p in sorted(html_dir.rglob("*.html"))
              if soup(p).find("link", rel="index") is not None]
    assert index.exists() or not linked, f"pages link to a missing index page: {linked[:5]}"


def test_the_landing_page_shows_titles_not_label_ids(html_dir):
    """A cross-reference copied into a card reads as its section's title, never as the
    label a writer typed ("key-judgments-security-gap")."""
    labels = {name for name in inventory(html_dir)["std:label"] if "-" in name}
    text = " ".join(card.get_text(" ") for card in soup(html_dir / "index.html").select(".briefing-glance-card"))
    assert text.strip(), "the landing page has no cards"
    shown = sorted(label for label in labels if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", text))
    assert not shown, f"label ids shown as text on the landing page: {shown}"
