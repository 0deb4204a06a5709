"""Hover previews: hovering or focusing a cross-reference or citation shows its target.

A small local equivalent of sphinx-tippy. sphinx-tippy was tried and not used because it
names each page's data file with a random UUID (no two builds of one commit are alike),
copies the target's raw HTML into the tip (duplicate ids, whole diagrams in a tooltip),
also runs for the EPUB builder (scripts in the EPUB), and fetches Wikipedia/DOI tips
over the network unless told not to.

What this module does instead, for the HTML builders only (``html``, ``dirhtml``,
``singlehtml``):

* copies tippy.js and Popper from the pinned npm packages into ``_static/vendor/``
  (source-map comments stripped, so the browser never asks for a missing file);
* after the pages are written, reads them back, makes a plain-text preview of every
  element with an id (a section: its title and the start of its first paragraph; any
  other element: its own text), and writes for each page a small data file
  ``_static/previews/<page>.js`` holding the previews of the links in that page's
  article, keyed by the link's exact ``href``;
* ``_static/briefing-previews.js`` attaches a tooltip to each such link (hover and
  keyboard focus; not on touch, where a tap follows the link). The tooltip is built
  with ``textContent``: no HTML from the target is copied into the page.

Everything is local and deterministic: the build is a function of the commit.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import posixpath
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag


def _bs4():
    """bs4, imported when a written page is first read back: a no-op build reads none, and
    the import alone was about a tenth of a no-op build's time."""
    import bs4
    return bs4


logger = logging.getLogger(__name__)

BUILDERS = {"html", "dirhtml", "singlehtml"}
VENDOR = {
    # npm package file -> name under _static/vendor/
    "@popperjs/core/dist/umd/popper.min.js": "popper.min.js",
    "tippy.js/dist/tippy.umd.min.js": "tippy.umd.min.js",
    "tippy.js/dist/tippy.css": "tippy.css",
}
PREVIEW_CHARS = 280
SKIP_PAGES = {"genindex", "search", "py-modindex"}
SOURCE_MAP = re.compile(r"\n?/[/*]# sourceMappingURL=[^\n]*")
HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
BLOCKS = {"p", "li", "dd", "td", "th", "div"}
# Not part of a preview: permalinks, diagrams, and the Sources page's "Cited in" lists.
DROP = "a.headerlink, svg, script, style, .briefing-diagram, .briefing-cited-in, details.cite-this"


def enabled(app: Sphinx) -> bool:
    return app.builder.name in BUILDERS


def node_modules(app: Sphinx) -> Path:
    return Path(app.confdir) / "node_modules"


def add_assets(app: Sphinx) -> None:
    if not enabled(app):
        return
    for source in VENDOR:
        if not (node_modules(app) / source).is_file():
            raise ExtensionError(
                f"hover previews need {node_modules(app) / source}: run `make` to install the npm packages."
            )
    # Written before any page, so every page gets the same asset checksum (?v=...).
    vendor = Path(app.outdir) / "_static" / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    for source, name in VENDOR.items():
        text = (node_modules(app) / source).read_text(encoding="utf-8")
        (vendor / name).write_text(SOURCE_MAP.sub("", text) + "\n", encoding="utf-8")
    # The per-page data files are written after the pages (they are read back from them).
    # Left from the last build, they would give the pages written now a checksum (?v=) of
    # the old data, and a rebuild pages that differ from a clean build's: start without them.
    shutil.rmtree(Path(app.outdir) / "_static" / "previews", ignore_errors=True)
    app.add_css_file("vendor/tippy.css")
    # Popper and tippy.js are not loaded with the page: briefing-previews.js fetches them from
    # _static/vendor/ when the reader first points at or focuses a link with a preview. The
    # one-file book (singlehtml, every script inlined, nothing fetched) loads them up front.
    if app.builder.name == "singlehtml":
        app.add_js_file("vendor/popper.min.js", loading_method="defer")
        app.add_js_file("vendor/tippy.umd.min.js", loading_method="defer")
    app.add_js_file("briefing-previews.js", loading_method="defer")


def page_data_path(pagename: str) -> str:
    return f"previews/{pagename}.js"


def add_page_data(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Each page loads its own small data file, written once every page exists."""
    if not enabled(app) or doctree is None or pagename in SKIP_PAGES:
        return
    app.add_js_file(page_data_path(pagename), loading_method="defer")


# --- previews from the written pages ----------------------------------------------------


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def shorten(text: str, limit: int = PREVIEW_CHARS) -> str:
    text = squash(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:–—-")
    return cut + " …"


def heading_text(heading: Tag) -> str:
    copy = _bs4().BeautifulSoup(str(heading), "html.parser")
    for link in copy.select("a.headerlink"):
        link.decompose()
    return squash(copy.get_text(""))


def plain_text(tag: Tag) -> str:
    copy = _bs4().BeautifulSoup(str(tag), "html.parser")
    for drop in copy.select(DROP):
        drop.decompose()
    return squash(copy.get_text(""))


def first_paragraph(section: Tag) -> str:
    """The first paragraph of running text: not a table cell, caption or diagram label."""
    for para in section.find_all("p"):
        if para.find_parent(["table", "figure", "nav", "aside"]) is not None:
            continue
        text = plain_text(para)
        if text:
            return text
    heading = section.find(HEADINGS)
    nxt = heading.find_next_sibling() if heading else None
    if nxt is None:
        return ""
    table = nxt if nxt.name == "table" else nxt.find("table")
    if table is not None:
        caption = table.find("caption")
        if caption is not None and plain_text(caption):
            return "Table: " + plain_text(caption)
        columns = [plain_text(th) for th in table.find_all("th")]
        return "Table: " + " · ".join(c for c in columns if c)
    return plain_text(nxt)


def preview_of(element: Tag) -> tuple[str, str] | None:
    """(title, text) of the element an anchor points at."""
    if element.name == "span" and not element.get_text(strip=True):
        # An empty span is a target: docutils writes secondary ids, and inline targets
        # (a passage on the Sources page), as empty spans. Preview what it marks: the
        # block it opens, or else the element after it.
        parent = element.parent
        first_in_block = (
            isinstance(parent, _bs4().Tag) and parent.name in BLOCKS
            and next((c for c in parent.children if not (isinstance(c, _bs4().NavigableString) and not c.strip())), None) is element
        )
        if first_in_block:
            element = parent.parent if parent.name == "p" and parent.parent.name in ("li", "dd") else parent
        else:
            nxt = element.find_next_sibling()
            if nxt is None:
                return preview_of(parent) if isinstance(parent, _bs4().Tag) and parent.name != "article" else None
            element = nxt
    if element.name == "section":
        heading = element.find(HEADINGS)
        title = heading_text(heading) if heading else ""
        return title, shorten(first_paragraph(element))
    if element.name in HEADINGS and isinstance(element.parent, _bs4().Tag) and element.parent.name == "section":
        return preview_of(element.parent)
    if element.name == "dt":
        dd = element.find_next_sibling("dd")
        return plain_text(element), shorten(plain_text(dd) if dd else "")
    text = plain_text(element)
    if not text:
        return None
    return "", shorten(text)


def page_index(soup: BeautifulSoup) -> dict[str | None, tuple[str, str]]:
    """Previews of every id in a page's article; key None is the page itself."""
    article = soup.find("article", attrs={"role": "main"}) or soup.body
    index: dict[str | None, tuple[str, str]] = {}
    if article is None:
        return index
    first = article.find("section")
    if first is not None:
        found = preview_of(first)
        if found:
            index[None] = found
    for element in article.find_all(id=True):
        found = preview_of(element)
        if found and (found[0] or found[1]):
            index[element["id"]] = found
    return index


def html_pages(app: Sphinx) -> dict[str, Path]:
    """pagename -> written file, for the pages that came from documents."""
    pages = {}
    for docname in sorted(app.env.found_docs):
        if app.builder.name == "singlehtml":
            break
        path = Path(app.outdir, app.builder.get_target_uri(docname).split("#")[0] or "index.html")
        if path.is_dir() or not path.suffix:
            path = path / "index.html"
        if path.is_file():
            pages[docname] = path
    if app.builder.name == "singlehtml":
        root = Path(app.outdir, f"{app.config.root_doc}.html")
        if root.is_file():
            pages[app.config.root_doc] = root
    return pages


def resolve(href: str, page_file: Path, outdir: Path, by_file: dict[Path, str]) -> tuple[str, str | None] | None:
    if re.match(r"^[a-z][a-z0-9+.-]*:|^//", href, re.I):
        return None
    path, _, fragment = href.partition("#")
    target_file = page_file if not path else Path(posixpath.normpath(page_file.parent / path))
    if target_file.is_dir():
        target_file = target_file / "index.html"
    if target_file not in by_file:
        return None
    return by_file[target_file], (fragment or None)


CACHE_NAME = "briefing-previews-2.pickle"  # renamed when read_page changes what it keeps
NO_PREVIEW_IN = ["briefing-cited-in", "toctree-wrapper"]


def read_page(html: bytes) -> tuple[dict[str | None, tuple[str, str]], list[str]]:
    """What the previews need from one written page: the previews of its ids, and the hrefs
    of the links in its article (in order, once each, permalinks left out)."""
    soup = _bs4().BeautifulSoup(html, "lxml")
    hrefs: list[str] = []
    article = soup.find("article", attrs={"role": "main"})
    if article is not None:
        for link in article.find_all("a", href=True):
            # No previews for lists of links that name their targets already (the Sources
            # page's "Cited in" lists, the contents list): on those pages they were most of
            # the weight (about 55 KB each) and told the reader nothing new.
            if link.find_parent(class_=NO_PREVIEW_IN) is not None:
                continue
            if link["href"] not in hrefs and "headerlink" not in (link.get("class") or []):
                hrefs.append(link["href"])
    return page_index(soup), hrefs


def read_pages(app: Sphinx, pages: dict[str, Path]) -> dict[str, tuple[dict, list[str]]]:
    """read_page for every page, from a cache keyed by the page's bytes.

    Parsing every page costs far more than the rest of a no-op build; a page whose bytes did
    not change gives the same result, so it is parsed again only when Sphinx rewrote it.
    """
    cache_file = Path(app.doctreedir) / CACHE_NAME
    try:
        cache = pickle.loads(cache_file.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        cache = {}
    found, fresh = {}, {}
    for doc, path in pages.items():
        html = path.read_bytes()
        key = hashlib.sha256(html).hexdigest()
        fresh[key] = found[doc] = cache[key] if key in cache else read_page(html)
    app.briefing_previews_parsed = len(fresh.keys() - cache.keys())
    if fresh.keys() != cache.keys():
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_bytes(pickle.dumps(fresh, protocol=pickle.HIGHEST_PROTOCOL))
    return found


def write_page_data(app: Sphinx, exception) -> None:
    if exception is not None or not enabled(app):
        return
    outdir = Path(app.outdir)
    pages = html_pages(app)
    read = read_pages(app, pages)
    indexes = {doc: index for doc, (index, _) in read.items()}
    by_file = {path.resolve(): doc for doc, path in pages.items()}
    total = 0
    for doc, (_, hrefs) in read.items():
        previews: dict[str, list[str]] = {}
        for href in hrefs:
            target = resolve(href, pages[doc].resolve(), outdir, by_file)
            if target is None:
                continue
            target_doc, fragment = target
            if target_doc == doc and fragment is None:
                continue
            found = indexes[target_doc].get(fragment)
            if found is None and fragment is not None and app.builder.name == "singlehtml":
                found = next((ix[fragment] for ix in indexes.values() if fragment in ix), None)
            if found:
                previews[href] = list(found)
        data = json.dumps(previews, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
        target = outdir / "_static" / page_data_path(doc)
        text = f"window.briefingPreviews = {data};\n"
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        total += len(previews)
    logger.info("previews: %d link previews on %d pages (%d pages parsed, the rest unchanged)",
                total, len(read), app.briefing_previews_parsed)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", add_assets)
    app.connect("html-page-context", add_page_data)
    app.connect("build-finished", write_page_data)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
