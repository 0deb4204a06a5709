"""Reading a built book as its readers meet it: headings, cite blocks
and the inventory."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup
from sphinx.util.inventory import InventoryFile

from conftest import ROOT

PUBLISHED = ROOT / "docs" / "_data" / "published-labels.txt"
NUMBER = re.compile(r"^\d+(?:\.\d+)*$")


@functools.lru_cache(maxsize=None)
def _parse(path: Path, mtime: float) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def soup(path: Path) -> BeautifulSoup:
    """A parsed page, parsed once per file version (tests only read the trees)."""
    return _parse(path, path.stat().st_mtime)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def published_labels(root: Path = ROOT) -> list[str]:
    lines = (root / PUBLISHED.relative_to(ROOT)).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def inventory(html_dir: Path) -> dict:
    with open(html_dir / "objects.inv", "rb") as stream:
        return InventoryFile.load(stream, "", lambda base, uri: uri)


def page_order(html_dir: Path) -> list[str]:
    """The pages of the numbered toctree, in order, from the root page's table of contents."""
    index = soup(html_dir / "index.html")
    wrapper = index.select_one("div.toctree-wrapper")
    assert wrapper is not None, "index.html has no toctree"
    pages = []
    for link in wrapper.select("li.toctree-l1 > a.reference.internal"):
        page = link["href"].split("#", 1)[0]
        if page not in pages:
            pages.append(page)
    assert pages, "the toctree lists no pages"
    return pages


def appendix_pages(html_dir: Path) -> list[str]:
    """The pages of the root page's other, unnumbered toctrees (the maintainers' appendix),
    in order: they come after the numbered chapters in the HTML and in the PDF."""
    index = soup(html_dir / "index.html")
    pages = []
    for wrapper in index.select("div.toctree-wrapper")[1:]:
        for link in wrapper.select("li.toctree-l1 > a.reference.internal"):
            page = link["href"].split("#", 1)[0]
            if page not in pages:
                pages.append(page)
    return pages


@dataclass
class Heading:
    page: str
    level: int
    number: str | None
    title: str
    section_id: str
    permalink: str | None


def heading_title(h) -> str:
    parts = []
    for child in h.children:
        if getattr(child, "name", None) == "span" and "section-number" in child.get("class", []):
            continue
        if getattr(child, "name", None) == "a" and "headerlink" in child.get("class", []):
            continue
        parts.append(child.get_text() if hasattr(child, "get_text") else str(child))
    return norm("".join(parts))


def headings(html_dir: Path, page: str) -> list[Heading]:
    doc = soup(html_dir / page)
    article = doc.select_one("article") or doc
    out = []
    for h in article.find_all(re.compile(r"^h[1-6]$")):
        section = h.parent
        if section.name != "section":
            continue
        number = h.select_one("span.section-number")
        link = h.select_one("a.headerlink")
        out.append(Heading(page, int(h.name[1]), norm(number.get_text()) if number else None,
                           heading_title(h), section.get("id", ""), link["href"] if link else None))
    return out


def numbered_html_headings(html_dir: Path) -> list[tuple[str, str]]:
    found = []
    for page in page_order(html_dir):
        for h in headings(html_dir, page):
            if h.number:
                found.append((h.number, h.title))
    return found
