"""What reference managers read agrees with what the reader copies, on every page.

One function of (edition, section) makes the visible "Cite this" blocks, the How to cite
forms, the PDF's "Cite as" lines, the page metadata (Highwire citation_*, Dublin Core,
OpenGraph, JSON-LD, canonical link, sitemap) and CITATION.cff. These tests read the metadata
with real parsers (extruct for JSON-LD, OpenGraph and Dublin Core; lxml for the rest) and
compare it with the visible blocks, page by page, in a book built with an address; and check
that a book built without one names no address anywhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
import sys

import extruct
import lxml.etree
import lxml.html
import pytest
import yaml
from docutils import nodes
from pybtex.database import parse_string
from sphinx.util import texescape

from briefing import cite_this, metadata
from briefing.edition import Edition, edition
from briefing.reference import NO_URL, Section, cff_text, reference
from book_pages import norm, page_order, soup
from conftest import ROOT, TEST_ADDRESS

BASE = TEST_ADDRESS  # a test address (RFC 2606), never the book's


@pytest.fixture(scope="module")
def url_book(book_with_address):
    """The book built, HTML and PDF, with BRIEFING_BASE_URL set (tests/conftest.py: once per
    run, shared with the publishing tests)."""
    return book_with_address


def edition_url() -> str:
    return f"{BASE}{edition(ROOT, {}).version}/"


# -- reading a page ------------------------------------------------------------------------------


def head_tags(path) -> dict[str, list[str]]:
    tree = lxml.html.parse(str(path))
    tags: dict[str, list[str]] = {}
    for el in tree.xpath("//head/meta[@name]"):
        tags.setdefault(el.get("name"), []).append(el.get("content"))
    tags["canonical"] = tree.xpath("//head/link[@rel='canonical']/@href")
    return tags


def one(tags: dict, name: str) -> str:
    values = tags.get(name, [])
    assert len(values) == 1, f"{name}: {values}"
    return values[0]


def structured(path) -> dict:
    return extruct.extract(path.read_text(encoding="utf-8"), syntaxes=["json-ld", "opengraph", "dublincore"])


def og(data: dict) -> dict[str, str]:
    (item,) = data["opengraph"]
    return dict(item["properties"])


def dublin_core(data: dict) -> dict[str, str]:
    (dc,) = data["dublincore"]
    return {e["name"]: e["content"] for e in dc["elements"] + dc["terms"]}


def cite_blocks(path) -> list[dict]:
    """The visible cite blocks of a page, as the reader sees them."""
    out = []
    for block in soup(path).select("details.cite-this"):
        text = norm(block.select_one(".cite-this-ref").get_text())
        (key, entry), = parse_string(block.select_one("pre.cite-this-bibtex").get_text(), "bibtex").entries.items()
        title = re.search(r"\u201c(.+)\u201d", text).group(1)
        out.append({"number": block["data-section"], "label": block["data-label"], "text": text,
                    "title": title, "fields": dict(entry.fields)})
    return out


def pages(html_dir):
    return ["index.html", *page_order(html_dir)]


# -- with an address --------------------------------------------------------------------------


@pytest.mark.slow
def test_every_page_metadata_equals_its_cite_block(url_book):
    html_dir = url_book / "html"
    root_url = edition_url()
    book_page = soup(html_dir / "how-to-cite.html")
    (_, book), = parse_string(book_page.select_one("div.book-citation-bibtex pre").get_text(),
                              "bibtex").entries.items()
    checked = 0
    for page in pages(html_dir):
        path = html_dir / page
        tags, data = head_tags(path), structured(path)
        blocks = cite_blocks(path)
        chapter = [b for b in blocks if "." not in b["number"]]
        sections = [b for b in blocks if "." in b["number"]]
        (ld,) = data["json-ld"]
        graph, dc = og(data), dublin_core(data)
        if chapter:
            (ch,) = chapter
            f = ch["fields"]
            url = f["url"]
            assert ch["text"].endswith(url) and url == root_url + page, (page, url)
            title = ch["title"]
            assert one(tags, "citation_title") == title == graph["og:title"] == dc["DC.title"] == ld["name"]
            assert one(tags, "citation_inbook_title") == f["booktitle"].strip("{}")
            assert ld["@type"] == "Chapter" and ld["position"] == ch["number"]
            assert ld["isPartOf"]["@type"] == "Report" and ld["isPartOf"]["name"] == f["booktitle"].strip("{}")
            assert ld["isPartOf"]["url"] == root_url
            assert dc["DCTERMS.isPartOf"] == f["booktitle"].strip("{}")
            # Every section of the chapter, through its anchor, in the JSON-LD.
            assert [(p["position"], p["name"], p["url"]) for p in ld.get("hasPart", [])] == \
                [(s["number"], s["title"], s["fields"]["url"]) for s in sections], page
            assert all(s["fields"]["url"] == f"{url}#{s['label']}" for s in sections)
        else:
            f = dict(book.fields)
            url = f["url"]
            assert url == root_url
            assert one(tags, "citation_title") == f["title"].strip("{}") == ld["name"] == dc["DC.title"]
            assert one(tags, "citation_technical_report_institution") == f["publisher"].strip("{}")
            assert ld["@type"] == "Report"
            url = url + "index.html" if page == "index.html" else url
        publisher = f["publisher"].strip("{}")
        assert one(tags, "citation_author") == one(tags, "citation_publisher") == publisher
        assert dc["DC.creator"] == dc["DC.publisher"] == ld["publisher"]["name"] == publisher
        assert one(tags, "citation_publication_date") == f["date"].replace("-", "/")
        assert f["date"].startswith(f["year"] + "-")
        assert dc["DC.date"] == ld["datePublished"] == f["date"]
        assert one(tags, "citation_edition") == f["edition"] == ld["version"]
        assert dc["DCTERMS.hasVersion"] == f"Edition {f['edition']}"
        assert one(tags, "citation_language") == f["language"] == ld["inLanguage"] == dc["DC.language"]
        public = f["url"] if chapter else root_url
        assert one(tags, "citation_public_url") == public
        assert tags["canonical"] == [url] and graph["og:url"] == url
        assert dc["DC.identifier"] == public and ld["url"] == public
        pdf_url = root_url + "briefing.pdf"
        assert one(tags, "citation_pdf_url") == pdf_url
        report = ld if ld["@type"] == "Report" else ld["isPartOf"]
        assert report["encoding"]["contentUrl"] == pdf_url
        checked += 1
    assert checked == len(pages(html_dir)) and checked > 20


@pytest.mark.slow
def test_sitemap_lists_every_page_by_its_canonical_address(url_book):
    html_dir = url_book / "html"
    tree = lxml.etree.parse(str(html_dir / "sitemap.xml"))
    locs = tree.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    canonicals = []
    for path in sorted(html_dir.rglob("*.html")):
        found = head_tags(path)["canonical"]
        if found and path.name not in ("search.html", "genindex.html"):
            canonicals.append(found[0])
    assert sorted(locs) == sorted(canonicals) and len(locs) > 20
    assert all(loc.startswith(edition_url()) for loc in locs)


@pytest.mark.slow
def test_pdf_cite_lines_give_the_html_cite_block_addresses(url_book):
    html_dir = url_book / "html"
    text = subprocess.run(["pdftotext", "-raw", str(url_book / "pdf" / "briefing.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    position = 0
    count = 0
    for page in page_order(html_dir):
        for block in cite_blocks(html_dir / page):
            url = block["fields"]["url"]
            if "." in block["number"]:
                expected = f"Citeas:§{block['number']},{url}"
            else:
                expected = f"chapter{block['number']},{url}"
            found = flat.find(expected, position)
            assert found >= 0, f"the PDF has no cite line {expected!r} after position {position}"
            position = found + len(expected)
            count += 1
    assert count > 100


# -- without an address ---------------------------------------------------------------------


def test_without_an_address_no_page_names_one(html_dir):
    """The default build (no BRIEFING_BASE_URL, empty base_url) prints no URL in any citation."""
    assert not edition(ROOT, {}).url, "pyproject.toml configures no address"
    assert not edition().url, "the shared build is the default one: run the suite without BRIEFING_BASE_URL"
    assert not (html_dir / "sitemap.xml").exists()
    blocks = 0
    for page in pages(html_dir):
        path = html_dir / page
        tags, data = head_tags(path), structured(path)
        for name in ("citation_public_url", "citation_pdf_url", "DC.identifier"):
            assert name not in tags, f"{page}: {name} {tags.get(name)}"
        assert not tags["canonical"], page
        assert "og:url" not in og(data), page
        assert one(tags, "citation_edition") == edition().version
        (ld,) = data["json-ld"]
        assert "url" not in ld and "@id" not in ld and "url" not in ld.get("isPartOf", {})
        for block in cite_blocks(path):
            assert block["text"].endswith(f"{NO_URL}."), block["text"]
            assert "url" not in block["fields"] and NO_URL in block["fields"]["note"]
            assert "http" not in block["text"]
            blocks += 1
    assert blocks > 100
    book_text = norm(soup(html_dir / "how-to-cite.html").select_one("div.book-citation-text pre").get_text())
    assert book_text.endswith(f"{NO_URL}.") and "http" not in book_text


# -- one function of (edition, section) -------------------------------------------------------


class _Writer:
    """The part of a Sphinx translator the cite-this visitors use."""

    def __init__(self, encode):
        self.body: list[str] = []
        self.encode = encode


def drawn(visit, node, encode=str) -> str:
    writer = _Writer(encode)
    with pytest.raises(nodes.SkipNode):
        visit(writer, node)
    return "".join(writer.body)


def latex_text(text: str) -> str:
    texescape.init()
    return texescape.escape(text, "xelatex")


def all_forms(ed: Edition) -> dict[str, str]:
    chapter = Section("actors/russia", "russia", "7", "Russia")
    section = Section("actors/russia", "russia-levers", "7.4", "Levers")
    forms = {
        "cite block (HTML)": drawn(cite_this.visit_cite_this_html, cite_this.cite_this_node(ed, section)),
        "cite line (PDF, chapter)": drawn(cite_this.visit_cite_this_latex,
                                          cite_this.cite_this_node(ed, chapter), latex_text),
        "cite line (PDF, section)": drawn(cite_this.visit_cite_this_latex,
                                          cite_this.cite_this_node(ed, section), latex_text),
        "page metadata": metadata.head_html(reference(ed, chapter), [reference(ed, section)]),
        "CITATION.cff": yaml.safe_dump(reference(ed).cff()),
    }
    for name, (make, _language) in cite_this.FORMATS.items():
        forms[f"How to cite: {name}"] = make(ed)
    return forms


@pytest.mark.parametrize("with_address", [True, False])
def test_every_form_changes_together_with_the_edition(with_address):
    first = Edition(title="Armenia and Russia Drift Apart", subtitle="A subtitle", publisher="The project",
                    version="1.0.0", date=dt.date(2025, 2, 3),
                    url=f"{BASE}1.0.0/" if with_address else "")
    later = dataclasses.replace(first, version="2.1.0", date=dt.date(2026, 7, 8),
                                url=f"{BASE}2.1.0/" if with_address else "")
    before, after = all_forms(first), all_forms(later)
    assert before.keys() == after.keys() and len(before) >= 10
    for name in before:
        assert "1.0.0" in before[name] and "1.0.0" not in after[name], name
        assert "2.1.0" in after[name] and "2.1.0" not in before[name], name
        # Dated: all but CITATION.cff, the intersphinx line and a section's PDF line (its
        # chapter's line, just above, carries the date).
        if name not in ("CITATION.cff", "How to cite: intersphinx", "cite line (PDF, section)"):
            assert "2026" in after[name] and "2026" not in before[name], name
        if with_address and not name.endswith("cff"):
            assert f"{BASE}2.1.0/" in after[name] and f"{BASE}1.0.0/" not in after[name], name
        if not with_address:
            assert "http" not in after[name].replace("https://schema.org", "").replace("http://purl.org/dc/", ""), name


def test_citation_cff_is_generated_from_the_edition():
    committed = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert committed == cff_text(edition(ROOT, {})), \
        "CITATION.cff is stale: regenerate it with `python -m briefing.reference > CITATION.cff`"
    data = yaml.safe_load(committed)
    assert "url" not in data and "url" not in data["preferred-citation"], "no address is configured"
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.citation-file-format", str(ROOT / "CITATION.cff")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
