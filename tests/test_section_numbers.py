"""Section numbers are the same in the HTML and the PDF: headings compared one by one."""

from __future__ import annotations

import re
import subprocess

from pypdf import PdfReader

from book_pages import appendix_pages, headings, norm, numbered_html_headings, page_order

LATEX_BACK_MATTER = {"Bibliography", "Index"}
OUTLINE_ENTRY = re.compile(r"^(\d+(?:\.\d+)*)\s+(.*)$")


def pdf_outline(pdf_path) -> list[tuple[str | None, str, int]]:
    """(number or None, title, depth) of every bookmark, in order."""
    out = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                title = norm(item.title)
                m = OUTLINE_ENTRY.match(title)
                out.append((m.group(1), norm(m.group(2)), depth) if m else (None, title, depth))

    walk(PdfReader(str(pdf_path)).outline, 0)
    return out


def html_outline(html_dir, max_level: int) -> list[tuple[str | None, str, int]]:
    """The numbered chapters, then the unnumbered appendix, as the PDF orders them."""
    return [(h.number, h.title, h.level - 1)
            for page in page_order(html_dir) + appendix_pages(html_dir)
            for h in headings(html_dir, page) if h.level <= max_level]


def test_html_numbers_chapters_and_sections_only(html_dir):
    numbered = unnumbered = 0
    for page in page_order(html_dir):
        for h in headings(html_dir, page):
            if h.level <= 2:
                assert h.number, f"{page}: {h.title!r} (h{h.level}) has no section number"
                assert h.number.count(".") == h.level - 1, f"{page}: {h.number} on an h{h.level}"
                numbered += 1
            else:
                assert not h.number, f"{page}: {h.title!r} (h{h.level}) is numbered {h.number}"
                unnumbered += 1
    assert numbered > 20


def test_the_maintainers_appendix_is_unnumbered_and_last(html_dir):
    """The appendix for maintainers sits in its own toctree after the chapters and carries no
    number, so no reader's section number depends on it."""
    appendix = appendix_pages(html_dir)
    assert appendix == ["appendix-linking.html"], appendix
    assert not set(appendix) & set(page_order(html_dir))
    found = headings(html_dir, appendix[0])
    assert found and all(h.number is None for h in found), [(h.number, h.title) for h in found]
    numbers = [n for n, _ in numbered_html_headings(html_dir) if "." not in n]
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)], numbers


def test_pdf_bookmarks_match_html_numbers_and_titles(html_dir, pdf_path):
    """Bookmark by bookmark: the same number (or none), title and depth as the HTML heading."""
    # LaTeX's own unnumbered back matter (sphinxcontrib-bibtex moves the bibliography there).
    pdf = [p for p in pdf_outline(pdf_path) if not (p[0] is None and p[2] == 0 and p[1] in LATEX_BACK_MATTER)]
    html = html_outline(html_dir, max_level=max(depth for _, _, depth in pdf) + 1)
    for position, (h, p) in enumerate(zip(html, pdf)):
        assert h == p, f"heading {position}: HTML {h} vs PDF bookmark {p}"
    assert len(pdf) == len(html), f"HTML has {len(html)} headings, the PDF outline {len(pdf)}"
    numbered = [p for p in pdf if p[0]]
    assert len(numbered) == len(numbered_html_headings(html_dir)) > 20
    assert all(depth == number.count(".") for number, _, depth in numbered)


def test_pdf_text_numbers_headings_like_the_html(html_dir, pdf_path):
    """The printed headings carry the numbers too, and subsections carry none (secnumdepth)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = [norm(line) for line in text.splitlines()]
    for number, title in numbered_html_headings(html_dir):
        if "." not in number:
            continue  # chapter openings print "Chapter N" above the title
        start = f"{number} {title}"[:40]
        assert any(line.startswith(start[: len(line)]) and len(line) >= min(len(start), 12)
                   for line in lines if line.startswith(number + " ")), f"no printed heading {start!r}"
    deeper = [l for l in lines if re.match(r"^\d+\.\d+\.\d+ [A-Z]", l)]
    assert not deeper, f"the PDF numbers subsections, the HTML does not: {deeper[:5]}"
