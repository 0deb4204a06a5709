"""Accessibility in a real browser: axe-core (pinned npm package, injected from disk, no CDN)
finds no serious or critical violation on any page, in light or dark mode; every diagram has
an accessible name, and a generated diagram is followed by its table twin."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from .conftest import AXE, DESKTOP, new_context
from .pagecheck import DIAGRAM_NAMES_JS

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
# Diagrams the evidence layer generates carry one of these classes on their card; each is
# followed by its table twin.
GENERATED = ("briefing-timeline", "briefing-handover", "briefing-relations")


def axe_version() -> str:
    package = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))
    return package["version"]


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
    }""")


def axe_tour(browser, server, pages, theme: str, names: bool = False) -> dict:
    """Every page opened once (desktop, the given theme): axe's violations, and with names=True
    the diagrams' accessible names read first (before axe is injected)."""
    context, traffic = new_context(browser, (urlsplit(server).netloc,), viewport=DESKTOP, theme=theme,
                                   color_scheme="dark" if theme == "dark" else "light")
    try:
        page = context.new_page()
        found = {"violations": {}, "names": {}, "traffic": traffic}
        for name in pages:
            page.goto(server + name, wait_until="load")
            if names:
                found["names"][name] = page.evaluate(DIAGRAM_NAMES_JS)
            found["violations"][name] = run_axe(page)
        return found
    finally:
        context.close()


@pytest.fixture(scope="module")
def light_tour(browser, server, book_pages) -> dict:
    return axe_tour(browser, server, book_pages, "light", names=True)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_no_serious_violation(request, browser, server, book_pages, theme):
    assert axe_version() == "4.14.1", "axe-core is pinned in package.json"
    if theme == "light":
        found = request.getfixturevalue("light_tour")
    else:
        found = axe_tour(browser, server, book_pages, theme)
    traffic = found["traffic"]
    blocking, checked = {}, 0
    for name in book_pages:
        violations = found["violations"][name]
        checked += 1
        bad = [v for v in violations if v["impact"] in BLOCKING]
        if bad:
            blocking[name] = [f"{v['impact']} {v['id']}: {v['help']} — {v['nodes'][:4]}" for v in bad]
    assert checked == len(book_pages)
    assert traffic.problems() == []
    report = "\n".join(f"{name}:\n  " + "\n  ".join(items) for name, items in blocking.items())
    assert not blocking, f"axe-core {axe_version()}: serious/critical violations ({theme}):\n{report}"


def test_diagrams_have_an_accessible_name_and_table_twin(light_tour, book_pages):
    seen, problems = 0, []
    for name in book_pages:
        for d in light_tour["names"][name]:
            seen += 1
            where = f"{name} {d['id']}"
            if d["role"] != "img":
                problems.append(f"{where}: role={d['role']!r}, not 'img'")
            if not (d["label"] or d["labelledby"]):
                problems.append(f"{where}: no accessible name (aria-label {d['label']!r}, "
                                f"aria-labelledby {d['labelledbyIds']} -> {d['labelledby']!r})")
            if any(c in d["cardClasses"].split() for c in GENERATED) and not d["nextHasTable"]:
                problems.append(f"{where}: generated diagram not followed by its table twin (next: {d['next']})")
    assert seen > 0, "the book has no diagrams to check"
    assert not problems, "\n".join(problems)
