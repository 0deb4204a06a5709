"""Every chapter and numbered section offers a cite block with its own number, title and anchor."""

from __future__ import annotations

import re
import subprocess

import yaml
from pybtex.database import parse_string

from briefing.edition import edition
from book_pages import headings, norm, numbered_html_headings, page_order, soup
from conftest import ROOT


def citation_title(page: str, heading, chapter_heading) -> str:
    """What a cited section is called: its chapter's short name, then its own title, so a
    copied citation says where it is ("Armenia: At a glance"). An actor chapter is named by
    its actors (actors.yaml); another by its title up to a colon."""
    if "." not in heading.number:
        return heading.title
    docname = page[:-len(".html")]
    actors = yaml.safe_load((ROOT / "docs" / "_data" / "actors.yaml").read_text(encoding="utf-8"))
    names = [a["name"] for a in actors if a.get("chapter") == docname]
    chapter = " and ".join(names) if names else chapter_heading.title.split(":", 1)[0].strip()
    return f"{chapter}: {heading.title}"


def cite_blocks(html_dir):
    """(page, heading, details element) for every section heading of the numbered pages."""
    for page in page_order(html_dir):
        doc = soup(html_dir / page)
        by_id = {h.section_id: h for h in headings(html_dir, page)}
        for section in doc.select("article section"):
            blocks = section.find_all("details", class_="cite-this", recursive=False)
            yield page, by_id.get(section.get("id")), blocks


def test_every_numbered_heading_has_exactly_one_cite_block(html_dir):
    count = 0
    for page, heading, blocks in cite_blocks(html_dir):
        assert heading is not None
        if heading.number:
            assert len(blocks) == 1, f"{page}: {heading.number} {heading.title!r} has {len(blocks)} cite blocks"
            count += 1
        else:
            assert not blocks, f"{page}: unnumbered {heading.title!r} has a cite block"
    assert count == len(numbered_html_headings(html_dir))


def test_cite_blocks_hold_the_number_title_and_anchor_of_their_heading(html_dir):
    ed = edition()
    checked = 0
    for page, heading, blocks in cite_blocks(html_dir):
        if not blocks:
            continue
        block = blocks[0]
        kind = "chapter" if "." not in heading.number else "section"
        assert norm(block.summary.get_text()) == f"Cite this {kind}"
        ref = norm(block.select_one(".cite-this-ref").get_text())
        # A chapter is cited by its page's address, a section by the page and its label; a
        # build without an address says so instead of giving one.
        if not ed.url:
            url = "Online address not set."
        elif kind == "chapter":
            url = f"{ed.url}{page}"
        else:
            url = f"{ed.url}{page}#{heading.section_id}"
        title = citation_title(page, heading, headings(html_dir, page)[0])
        assert f"{kind} {heading.number}, \u201c{title}\u201d" in ref, f"{page}: {ref}"
        assert ref.endswith(url), f"{page}: {ref} does not end with {url}"
        for part in (ed.publisher, ed.title, ed.edition_label, ed.date_human):
            assert part in ref, f"{page}: {part!r} missing from {ref}"
        assert block["data-section"] == heading.number and block["data-label"] == heading.section_id
        checked += 1
    assert checked > 20


def test_cite_block_bibtex_parses_and_agrees(html_dir):
    ed = edition()
    keys = set()
    for page, heading, blocks in cite_blocks(html_dir):
        if not blocks:
            continue
        bib = parse_string(blocks[0].select_one("pre.cite-this-bibtex").get_text(), "bibtex")
        assert len(bib.entries) == 1
        key, entry = next(iter(bib.entries.items()))
        assert key not in keys, f"duplicate BibTeX key {key}"
        keys.add(key)
        f = entry.fields
        assert entry.type == "incollection"
        assert f["chapter"] == heading.number
        title = citation_title(page, heading, headings(html_dir, page)[0])
        assert f["title"].strip("{}") == title.replace("&", r"\&")
        if not ed.url:
            assert "url" not in f and "Online address not set" in f["note"]
        elif "." in heading.number:
            assert f["url"] == f"{ed.url}{page}#{heading.section_id}"
        else:
            assert f["url"] == f"{ed.url}{page}"
        assert f["edition"] == ed.version and f["year"] == str(ed.year) and f["date"] == ed.date_iso
    assert len(keys) > 20


def test_pdf_has_a_cite_line_under_every_numbered_heading(html_dir, pdf_path):
    ed = edition()
    text = subprocess.run(["pdftotext", "-raw", str(pdf_path), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = [norm(l) for l in text.splitlines() if l.strip().startswith("Cite as:")]
    numbered = numbered_html_headings(html_dir)
    assert len(lines) == len(numbered), f"{len(lines)} cite lines for {len(numbered)} numbered headings"
    for line, (number, _title) in zip(lines, numbered):
        if "." in number and ed.url:
            assert line.startswith(f"Cite as: §{number}, {ed.url}"), line
        elif "." in number:
            assert line.startswith(f"Cite as: §{number}, {ed.edition_label}, online address not set"), line
        else:
            assert f"chapter {number}," in line and ed.edition_label in line, line
