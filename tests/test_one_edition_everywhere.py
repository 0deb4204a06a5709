"""One edition everywhere: CITATION.cff, the How to cite and Editions pages, footer, PDF metadata."""

from __future__ import annotations

import json
import subprocess

import yaml
from pybtex.database import parse_string

from briefing.edition import edition
from book_pages import norm, soup
from conftest import ROOT


def test_citation_cff_agrees_with_the_edition():
    ed = edition(ROOT, {})  # the repository's own edition, not a build's address
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"].startswith("1.2")
    assert cff["title"] == ed.title
    assert cff["version"] == ed.version
    assert [a["name"] for a in cff["authors"]] == [ed.publisher]
    pref = cff["preferred-citation"]
    assert pref["title"] == ed.title and pref["edition"] == ed.version
    # An address only when one is configured; never a placeholder.
    assert cff.get("url", "") == ed.url and pref.get("url", "") == ed.url
    # The edition date comes from SOURCE_DATE_EPOCH (the building commit), so CITATION.cff
    # carries no date-released that would be false for the next commit of the same version.
    assert "date-released" not in cff and "date-released" not in pref


def test_no_base_url_is_configured_and_none_is_made_up():
    # The lead's decision: no public address is known, so none is configured (see
    # tests/test_publishing.py for where a build takes one from).
    assert edition(ROOT, {}).url == ""


def test_how_to_cite_page_is_generated_from_the_edition(html_dir):
    ed = edition()
    page = soup(html_dir / "how-to-cite.html")
    block = lambda fmt: page.select_one(f"div.book-citation-{fmt} pre").get_text()  # noqa: E731
    text = norm(block("text"))
    for part in (ed.publisher, ed.title, ed.subtitle, ed.edition_label, ed.date_human, ed.url or "Online address not set"):
        assert part in text, f"{part!r} missing from {text!r}"
    bib = parse_string(block("bibtex"), "bibtex")
    (entry,) = bib.entries.values()
    assert entry.type == "book"
    assert entry.fields["edition"] == ed.version and entry.fields["year"] == str(ed.year)
    assert entry.fields["date"] == ed.date_iso and entry.fields.get("url", "") == ed.url
    ris = dict(line.split("  - ", 1) for line in block("ris").splitlines() if "  - " in line)
    assert ris["TY"] == "BOOK" and ris["ET"] == ed.version and ris.get("UR", "") == ed.url
    assert ris["PY"] == str(ed.year) and block("ris").rstrip().endswith("ER  -")
    (csl,) = json.loads(block("csl-json"))
    assert csl["edition"] == ed.version and csl.get("URL", "") == ed.url
    assert csl["issued"]["date-parts"] == [[ed.year, ed.date.month, ed.date.day]]
    # Without an address the page says so.
    assert ed.url or "Online address not set" in page.get_text()


def test_intersphinx_snippet_is_in_the_maintainers_appendix(html_dir):
    ed = edition()
    page = soup(html_dir / "appendix-linking.html")
    snippet = page.select_one("div.book-citation-intersphinx pre").get_text()
    if ed.url:
        assert snippet.strip() == f'intersphinx_mapping = {{"briefing": ("{ed.url}", None)}}'
    else:
        # Without an address the snippet names no host, and says which edition it is for.
        assert "http" not in snippet and ed.edition_label in snippet


def test_how_to_cite_holds_no_developer_material(html_dir):
    """How to cite is for readers citing the book; linking from other Sphinx sites
    (intersphinx, conf.py, objects.inv) is the maintainers' appendix."""
    article = soup(html_dir / "how-to-cite.html").select_one("article[role=main]")
    text = article.get_text(" ")
    for word in ("intersphinx", "conf.py", "objects.inv", "reStructuredText", "{ref}", "CITATION.cff"):
        assert word not in text, f"How to cite still speaks to developers: {word!r}"
    assert article.select("div.book-citation-intersphinx") == []
    assert article.select("div.book-citation-bibtex"), "How to cite lost its reader material"


def test_editions_page_describes_this_edition(html_dir):
    ed = edition()
    page = soup(html_dir / "editions.html")
    titles = [norm(h.get_text()) for h in page.select("article h2")]
    assert any(t.endswith(f"Edition {ed.version}#") or t.endswith(f"Edition {ed.version}") for t in titles), titles
    assert ed.date_human in page.get_text()


def test_title_page_footer_and_pdf_metadata_name_the_edition(html_dir, pdf_path):
    ed = edition()
    title_page = soup(html_dir / "index.html").select_one("article")
    assert norm(title_page.h1.get_text()).rstrip("#") == ed.title
    text = norm(title_page.get_text())
    assert ed.subtitle in text and f"{ed.edition_label}, {ed.date_human}" in text, text[:500]
    footer = norm(soup(html_dir / "about.html").select_one("footer").get_text())
    assert ed.edition_label in footer and ed.date_human in footer, footer
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert norm(fields["Title"]) == f"{ed.title} ({ed.edition_label})"
    assert norm(fields["Author"]) == ed.publisher
    assert norm(fields["Subject"]) == ed.subtitle
