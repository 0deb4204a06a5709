"""Every page the HTML edition offers a reader has something on it."""

from __future__ import annotations

from book_pages import soup


def test_no_page_or_page_link_leads_to_an_empty_index(html_dir):
    index = html_dir / "genindex.html"
    if index.exists():
        entries = soup(index).select("table.indextable a")
        assert entries, "genindex.html is an empty index page"
    linked = [p.relative_to(html_dir).as_posix() for p in sorted(html_dir.rglob("*.html"))
              if soup(p).find("link", rel="index") is not None]
    assert index.exists() or not linked, f"pages link to a missing index page: {linked[:5]}"
