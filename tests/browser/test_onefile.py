"""The one-file edition (make onefile): the whole book in one HTML file that asks for
nothing: it opens offline from disk or from a server, with no request but itself."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from .conftest import DESKTOP, ROOT, new_context, serve
from .pagecheck import DIAGRAMS_JS

pytestmark = pytest.mark.browser

sys.path.insert(0, str(ROOT / "tools"))
from onefile import external_references  # noqa: E402


@pytest.fixture(scope="session")
def onefile(onefile_build) -> Path:
    proc, path = onefile_build  # tests/conftest.py: built once per run, shared with other files
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    assert path.is_file()
    return path


def test_onefile_has_no_external_references(onefile):
    text = onefile.read_text(encoding="utf-8")
    assert external_references(text) == []
    assert not re.search(r"<link\b[^>]*rel=\"stylesheet\"", text)
    assert not re.search(r"<script\b[^>]*\bsrc=", text)
    assert not re.search(r"<img\b(?![^>]*src=\"data:)[^>]*>", text)
    assert "<style" in text and "furo" in text, "the theme's CSS is inlined"


def test_external_references_are_detected():
    """The detector the build relies on does find what it must forbid."""
    page = ('<link rel="stylesheet" href="_static/a.css"><script src="x.js"></script>'
            '<img src="i.png"><style>b{background:url(p.png)}</style>'
            '<img src="data:image/png;base64,AA=="><link rel="stylesheet" href="data:text/css,">')
    assert len(external_references(page)) == 4


@pytest.mark.parametrize("how", ["file", "server"])
def test_onefile_opens_offline_and_requests_nothing_else(browser, onefile, book_html, how):
    if how == "file":
        url, allowed, httpd = onefile.as_uri(), ("file",), None
    else:
        httpd, base = serve(onefile.parent)
        url = base + onefile.name
        allowed = (re.sub(r"^https?://|/$", "", base),)
    context, traffic = new_context(browser, allowed, viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        diagrams = page.evaluate(DIAGRAMS_JS)
        title = page.title()
    finally:
        context.close()
        if httpd:
            httpd.shutdown()
            httpd.server_close()
    assert traffic.problems() == []
    others = [u for u in traffic.requests if u != url and not u.startswith("data:")]
    assert others == [], f"the one-file book asked for {others[:5]}"
    html_diagrams = sum(len(re.findall(r'<(?:div|figure) class="briefing-diagram[" ]', p.read_text(encoding="utf-8")))
                        for p in book_html.rglob("*.html"))
    assert len(diagrams) == html_diagrams > 0
    assert all(d["visible"] and d["width"] > 50 for d in diagrams)
    assert "Armenia" in title
