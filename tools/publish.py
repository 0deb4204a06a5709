"""Assemble the published site: every edition under its own path, and the newest as latest/.

    python tools/publish.py [--out _build] [--site _build/site] [--root .] [--replace]

(``make publish`` builds the HTML, PDF and EPUB first, then runs this.)

The site directory holds what earlier publishes put there (in CI: the deploy branch, checked
out into it). This adds the edition just built, if it is not there yet:

    SITE/<version>/               the HTML of that edition, with briefing.pdf and briefing.epub
    SITE/latest/                  a copy of the newest edition (highest version number)
    SITE/index.html               sends a visitor on to latest/
    SITE/editions.json            the editions, newest first, with their addresses
    SITE/sitemap.xml              a sitemap index of the editions' sitemaps (with an address)
    SITE/.nojekyll                GitHub Pages serves _static/ as it is

An edition already in the site is never rebuilt or overwritten from today's sources: its
pages stay byte for byte what was published, so every citation of it keeps working. To publish
changed text, raise the version in pyproject.toml. ``--replace`` overwrites an edition anyway
(for correcting a publish that went wrong; never for one that readers may have cited).

The HTML must have been built for this edition and address: the tool reads the edition
number and canonical address from the built index.html and stops if they differ from the
configuration (a stale build, or one made with another BRIEFING_BASE_URL).
"""

from __future__ import annotations

import argparse
import html as _html
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import lxml.html

from briefing.edition import EPUB_NAME, PDF_NAME, Edition, edition
from build import publish as swap_into_place  # tools/build.py: the atomic swap every build uses

ROOT = Path(__file__).resolve().parent.parent
VERSION = re.compile(r"^\d+(?:\.\d+)*$")


class PublishError(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"publish: {message}")


def version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split("."))


def editions_in(site: Path) -> list[str]:
    """The editions the site holds, newest first."""
    if not site.is_dir():
        return []
    found = [p.name for p in site.iterdir() if p.is_dir() and VERSION.match(p.name)]
    return sorted(found, key=version_key, reverse=True)


def built_edition(html: Path) -> tuple[str, str]:
    """(edition number, canonical address of index.html) as the built book states them."""
    index = html / "index.html"
    if not index.is_file():
        raise PublishError(f"{index} does not exist: build the HTML first (make html)")
    tree = lxml.html.parse(str(index))
    version = tree.xpath('string(//meta[@name="citation_edition"]/@content)')
    canonical = tree.xpath('string(//link[@rel="canonical"]/@href)')
    return version, canonical


def check_build(ed: Edition, html: Path) -> None:
    version, canonical = built_edition(html)
    if version != ed.version:
        raise PublishError(f"{html} holds edition {version or '(unknown)'}, the configuration "
                           f"says {ed.version}: rebuild the HTML")
    expected = ed.url + "index.html" if ed.url else ""
    if canonical != expected:
        raise PublishError(f"{html} was built for the address {canonical or '(none)'}, this "
                           f"publish is for {expected or '(none)'}: rebuild with the same "
                           "BRIEFING_BASE_URL")


def copy_tree(source: Path, dest: Path) -> None:
    """Copy to a temporary sibling, then rename: a failed copy leaves no half edition."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    shutil.rmtree(tmp)
    shutil.copytree(source, tmp, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
    swap_into_place(tmp, dest)


def add_edition(ed: Edition, site: Path, html: Path, pdf: Path, epub: Path, replace: bool) -> bool:
    """Put the built edition into the site; False if it was there and is kept as it is."""
    target = site / ed.version
    if target.exists() and not replace:
        print(f"publish: edition {ed.version} is already published in {target}; kept unchanged "
              "(raise the version in pyproject.toml to publish a new edition)")
        return False
    for path in (pdf, epub):
        if not path.is_file():
            raise PublishError(f"{path} does not exist: build it first (make pdf epub)")
    staging = Path(tempfile.mkdtemp(prefix=".edition-", dir=site))
    try:
        book = staging / "book"
        shutil.copytree(html, book, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
        shutil.copy2(pdf, book / PDF_NAME)
        shutil.copy2(epub, book / EPUB_NAME)
        copy_tree(book, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"publish: edition {ed.version} -> {target}")
    return True


def write_index(site: Path, ed: Edition, editions: list[str]) -> None:
    newest = editions[0]
    (site / "index.html").write_text(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        f"<title>{_html.escape(ed.title)}</title>\n"
        '<meta http-equiv="refresh" content="0; url=latest/">\n'
        "</head><body>\n"
        f'<p>The newest edition is <a href="latest/">{newest}</a>. Every edition:</p>\n<ul>\n'
        + "".join(f'<li><a href="{v}/">Edition {v}</a></li>\n' for v in editions)
        + "</ul>\n</body></html>\n", encoding="utf-8")
    listing = {
        "title": ed.title,
        "latest": newest,
        "editions": [{"version": v, "path": f"{v}/",
                      **({"url": f"{ed.site_url}{v}/"} if ed.site_url else {})} for v in editions],
    }
    (site / "editions.json").write_text(json.dumps(listing, indent=2) + "\n", encoding="utf-8")
    sitemap = site / "sitemap.xml"
    if ed.site_url:
        root = ElementTree.Element("sitemapindex", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
        for v in editions:
            if (site / v / "sitemap.xml").is_file():
                ElementTree.SubElement(ElementTree.SubElement(root, "sitemap"), "loc").text = \
                    f"{ed.site_url}{v}/sitemap.xml"
        ElementTree.ElementTree(root).write(sitemap, xml_declaration=True, encoding="utf-8")
    elif sitemap.exists():
        sitemap.unlink()
    (site / ".nojekyll").write_text("", encoding="utf-8")


def publish(root: Path, out: Path, site: Path, replace: bool = False,
            html: Path | None = None, pdf: Path | None = None, epub: Path | None = None) -> list[str]:
    ed = edition(root)
    html = html or out / "html"
    pdf = pdf or out / "pdf" / PDF_NAME
    epub = epub or out / "epub" / EPUB_NAME
    if not ed.url:
        print("publish: warning: no address is set (BRIEFING_BASE_URL or pyproject.toml "
              "[tool.briefing] base_url): the pages say 'Online address not set'",
              file=sys.stderr)
    site.mkdir(parents=True, exist_ok=True)
    if replace or not (site / ed.version).exists():
        check_build(ed, html)
    add_edition(ed, site, html, pdf, epub, replace)
    editions = editions_in(site)
    newest = editions[0]
    copy_tree(site / newest, site / "latest")
    write_index(site, ed, editions)
    print(f"publish: {len(editions)} edition(s) in {site}: {', '.join(editions)}; latest = {newest}")
    return editions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's project root")
    parser.add_argument("--out", type=Path, default=ROOT / "_build", help="build output root (default _build)")
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "site",
                        help="the site directory (default _build/site)")
    parser.add_argument("--html", type=Path, help="built HTML (default OUT/html)")
    parser.add_argument("--pdf", type=Path, help=f"built PDF (default OUT/pdf/{PDF_NAME})")
    parser.add_argument("--epub", type=Path, help=f"built EPUB (default OUT/epub/{EPUB_NAME})")
    parser.add_argument("--replace", action="store_true",
                        help="overwrite this edition if it is already published")
    args = parser.parse_args(argv)
    publish(args.root.resolve(), args.out.resolve(), args.site.resolve(), args.replace,
            args.html, args.pdf, args.epub)
    return 0


if __name__ == "__main__":
    sys.exit(main())
