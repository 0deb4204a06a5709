"""More formats and link checks: the EPUB passes epubcheck with diagrams as image files, and
`make linkcheck` checks internal links strictly (a broken link or anchor fails it)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT

from briefing.epub import standalone_svg

LINKCHECK_TOOL = ROOT / "tools" / "linkcheck.py"


@pytest.mark.slow
def test_epub_passes_epubcheck_with_zero_errors(epub_build):
    proc, epub = epub_build
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-6000:]
    summary = re.search(r"Messages: (\d+) fatals? / (\d+) errors? / (\d+) warnings?", log)
    assert summary, f"epubcheck did not report:\n{log[-3000:]}"
    assert summary.group(1) == "0" and summary.group(2) == "0", summary.group(0)
    assert epub.is_file()


@pytest.mark.slow
def test_epub_shows_every_diagram_as_an_image_with_alt_text(epub_build, html_dir):
    _, epub = epub_build
    html_diagrams = sum(len(BeautifulSoup(p.read_text(encoding="utf-8"), "lxml").select(".briefing-diagram svg"))
                        for p in html_dir.rglob("*.html") if p.name not in ("search.html", "genindex.html"))
    assert html_diagrams > 0
    with zipfile.ZipFile(epub) as book:
        names = book.namelist()
        assert names[0] == "mimetype" and book.read("mimetype") == b"application/epub+zip"
        images, inline = [], 0
        for name in names:
            if not name.endswith(".xhtml") or name.endswith("nav.xhtml"):
                continue
            page = BeautifulSoup(book.read(name), "lxml-xml")
            for card in page.select("div.briefing-diagram"):
                inline += len(card.find_all("svg"))
                for img in card.find_all("img"):
                    images.append((name, img))
        assert inline == 0, "diagrams in the EPUB are image files, not inline SVG"
        assert len(images) == html_diagrams, f"{len(images)} diagram images in the EPUB, {html_diagrams} in the HTML"
        for page, img in images:
            assert img.get("alt", "").strip(), f"{page}: diagram image without alt text"
            target = str(Path(page).parent / img["src"]).replace("\\", "/")
            target = re.sub(r"[^/]+/\.\./", "", target)
            assert target in names, f"{page}: {img['src']} is not in the EPUB"
            assert b"<svg" in book.read(target)


def test_standalone_svg_is_valid_for_an_image_file():
    mermaid_svg = ('<svg id="m" width="100%" xmlns="http://www.w3.org/2000/svg" style="max-width: 300px;" '
                   'viewBox="0 0 300 120" role="graphics-document document"><g><rect></rect>'
                   '<rect class="background" style="stroke: none"/><rect width="4" height="5"></rect></g></svg>')
    svg = standalone_svg(mermaid_svg)
    root = re.search(r"<svg\b[^>]*>", svg).group(0)
    assert 'width="300"' in root and 'height="120"' in root and "100%" not in root and "max-width" not in root
    assert 'role="img"' in root
    rects = re.findall(r"<rect\b[^>]*>", svg)
    assert len(rects) == 3 and all("width=" in r and "height=" in r for r in rects), rects
    assert '<rect width="4" height="5">' in svg


def run_linkcheck(html: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(LINKCHECK_TOOL), "--html", str(html), "--out", str(out),
                           "--internal-only"], cwd=ROOT, capture_output=True, text=True)


def test_linkcheck_passes_the_built_book(html_dir, tmp_path):
    proc = run_linkcheck(html_dir, tmp_path)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    checked = re.search(r"(\d+) links in (\d+) URLs checked", proc.stdout)
    assert checked and int(checked.group(2)) > 50, proc.stdout[-2000:]


@pytest.mark.parametrize("breakage", ["page", "anchor"])
def test_linkcheck_fails_on_a_broken_internal_link(html_dir, tmp_path, breakage):
    html = tmp_path / "html"
    shutil.copytree(html_dir, html)
    page = html / "key-judgments.html"
    text = page.read_text(encoding="utf-8")
    link = re.search(r'href="(actors/[a-z-]+\.html)#([a-z-]+)"', text)
    assert link, "key-judgments.html links to an actor chapter section"
    broken = f'href="{link.group(1)}#no-such-section"' if breakage == "anchor" else 'href="no-such-page.html"'
    page.write_text(text.replace(link.group(0), broken, 1), encoding="utf-8")
    proc = run_linkcheck(html, tmp_path / "out")
    assert proc.returncode != 0, f"a broken {breakage} passed:\n{proc.stdout[-2000:]}"
    report = (tmp_path / "out" / "linkcheck-internal" / "anchors.txt").read_text(encoding="utf-8")
    assert "key-judgments.html:" in report
    assert ("no-such-section" if breakage == "anchor" else "no-such-page.html") in report


def test_a_broken_anchor_is_reported_with_its_page_and_line_among_valid_ones(tmp_path):
    """The anchor check reads the files themselves, so its verdict does not depend on a
    crawler's cache, thread timing or configuration (LinkChecker's anchor plugin is unreliable
    upstream); it names the page and line of the broken link and nothing else."""
    site = tmp_path / "html"
    (site / "actors").mkdir(parents=True)
    (site / "actors" / "target.html").write_text(
        '<html><body><h1 id="top">T</h1><section id="real"><a name="legacy"></a></section></body></html>',
        encoding="utf-8")
    links = "".join(f'<a href="actors/target.html#{a}">x</a>\n' for a in ["real", "top", "legacy"] * 20)
    (site / "index.html").write_text(
        f"<html><body>\n{links}<a href=\"actors/target.html#no-such-section\">bad</a>\n"
        f'<a href="#self">s</a><p id="self"></p></body></html>', encoding="utf-8")
    proc = run_linkcheck(site, tmp_path / "out")
    assert proc.returncode != 0, proc.stdout[-2000:]
    report = (tmp_path / "out" / "linkcheck-internal" / "anchors.txt").read_text(encoding="utf-8")
    assert report.strip() == ("index.html:62: actors/target.html#no-such-section "
                              "(no id 'no-such-section' in actors/target.html)")
