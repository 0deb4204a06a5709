"""Hover previews: hovering or focusing a cross-reference shows a short preview of its target
(tippy.js and Popper vendored from pinned npm packages; nothing from the network)."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import DESKTOP, ROOT

pytestmark = pytest.mark.browser

PAGE = "key-judgments.html"


def target_heading(page, server, href: str, base: str) -> str:
    """The heading text of the section a link points to, read from the target page."""
    other = page.context.new_page()
    other.goto(server + re.sub(r"[^/]*$", "", base) + href, wait_until="load")
    fragment = href.split("#", 1)[1] if "#" in href else None
    selector = f"[id='{fragment}']" if fragment else "article[role=main] section"
    text = other.evaluate("""sel => { let el = document.querySelector(sel);
        if (el && el.tagName === 'SPAN' && !el.textContent.trim()) el = el.nextElementSibling;
        const h = el && (el.matches('h1,h2,h3,h4,h5,h6') ? el : el.querySelector('h1,h2,h3,h4,h5,h6'));
        return h ? h.textContent.replace(/#$/, '').trim() : ''; }""", selector)
    other.close()
    return text


def cross_references(page) -> list[str]:
    return page.evaluate("""() => Array.from(document.querySelectorAll(
        'article[role=main] a.reference.internal[href*=".html#"]')).map(a => a.getAttribute('href'))""")


def test_hovering_a_cross_reference_previews_its_target(open_context, server, book_pages):
    assert PAGE in book_pages
    context, traffic = open_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(server + PAGE, wait_until="load")
    hrefs = cross_references(page)
    assert hrefs, f"{PAGE} has no cross-references to other pages"
    href = hrefs[0]
    link = page.locator(f"article[role=main] a[href='{href}']").first
    link.scroll_into_view_if_needed()
    link.hover()
    tip = page.locator("[data-tippy-root] .briefing-preview")
    tip.wait_for(state="visible", timeout=5000)
    expected = target_heading(page, server, href, PAGE)
    assert expected, f"no heading found at {href}"
    shown = tip.inner_text()
    assert expected in shown, f"preview of {href}: {shown!r} does not show {expected!r}"
    assert len(shown) < 600, "a preview is short"
    # Screen readers get the preview as the link's description.
    assert link.get_attribute("aria-describedby"), "the preview is not tied to the link"
    page.mouse.move(0, 0)
    tip.wait_for(state="detached", timeout=5000)
    assert traffic.problems() == []
    assert not [u for u in traffic.requests if "unpkg" in u or "cdn" in u]


def test_focusing_a_cross_reference_previews_its_target(open_context, server):
    context, _ = open_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(server + PAGE, wait_until="load")
    href = cross_references(page)[-1]
    page.locator(f"article[role=main] a[href='{href}']").first.focus()
    tip = page.locator("[data-tippy-root] .briefing-preview")
    tip.wait_for(state="visible", timeout=5000)
    assert target_heading(page, server, href, PAGE) in tip.inner_text()


def test_citations_preview_their_passage(open_context, server, book_pages):
    """A citation links to its passage in the source register; hovering it says what the
    passage is, in the book's words."""
    context, _ = open_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(server + PAGE, wait_until="load")
    citations = page.locator("article[role=main] a.briefing-cite, article[role=main] .briefing-citation a")
    assert citations.count() > 0, f"{PAGE} has no citation links"
    first = citations.first
    first.scroll_into_view_if_needed()
    first.hover()
    tip = page.locator("[data-tippy-root] .briefing-preview")
    tip.wait_for(state="visible", timeout=5000)
    shown = tip.inner_text()
    href = first.get_attribute("href")
    assert "#" in href and "sources" in href, f"a citation links to its passage on the Sources page, not {href}"
    other = context.new_page()
    other.goto(server + href, wait_until="load")
    passage = other.evaluate("""id => { const el = document.getElementById(id);
        const block = el && el.closest('li, p, dd, tr');
        const copy = block && block.cloneNode(true);
        if (copy) copy.querySelectorAll('.briefing-cited-in').forEach(n => n.remove());
        return copy ? copy.textContent.replace(/\\s+/g, ' ').trim() : ''; }""", href.split("#", 1)[1])
    assert passage, f"{href} does not exist"
    body = shown.split("\n")[-1].strip()
    assert len(body) > 20 and body.rstrip(" …")[:60] in passage, (
        f"preview {shown!r} is not the passage {passage!r}")


def test_preview_assets_are_local_and_pinned(book_html):
    """The vendored files are the pinned npm packages' files, minus their source-map comment."""
    modules = ROOT / "node_modules"
    pins = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert pins["tippy.js"] == "6.3.7" and pins["@popperjs/core"] == "2.11.8"
    for package, source, name in [("@popperjs/core", "dist/umd/popper.min.js", "popper.min.js"),
                                  ("tippy.js", "dist/tippy.umd.min.js", "tippy.umd.min.js"),
                                  ("tippy.js", "dist/tippy.css", "tippy.css")]:
        installed = json.loads((modules / package / "package.json").read_text(encoding="utf-8"))["version"]
        assert installed == pins[package]
        vendored = (book_html / "_static" / "vendor" / name).read_text(encoding="utf-8")
        assert "sourceMappingURL" not in vendored, f"{name} would ask for a missing source map"
        original = (modules / package / source).read_text(encoding="utf-8")
        assert vendored.strip() == re.sub(r"\n?/[/*]# sourceMappingURL=[^\n]*", "", original).strip()
