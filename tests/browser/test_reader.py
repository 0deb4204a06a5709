"""The book as a reader meets it: every page in a real browser (Debian's Chromium through
Playwright), served from 127.0.0.1 by the test; nothing may come from anywhere else.
Accessibility too: axe-core finds no serious or critical violation on any page, in light or
dark mode, and every diagram has an accessible name (a generated one is followed by its table
twin). Each tour opens every page once and runs all the checks that read it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader

from .conftest import AXE, DESKTOP, PHONE, Traffic, new_context
from .pagecheck import (CUT_TEXT_JS, DIAGRAM_NAMES_JS, DIAGRAMS_JS, OVERFLOW_JS, PHONE_DIAGRAMS_JS, contrast,
                        luminance)

pytestmark = pytest.mark.browser

MIN_FONT_PX = 9.0
MIN_CONTRAST = 4.5


def visit(page, url: str, settle: bool = False) -> None:
    """Open a page and wait for its load event; with settle=True, also until the network has
    been quiet for half a second (a request made after load must be seen by the tour that
    checks every page's traffic; the other visits need not wait for it)."""
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response.status if response else '?'}"
    if settle:
        page.wait_for_load_state("networkidle")


# --- accessibility: axe-core (pinned npm package, injected from disk, no CDN) ---------------

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


# --- every page, once per width: the checks that read the same page share one visit --------


@dataclass
class Tour:
    """Every page visited once in one browser context: what each check measured on each page
    (page name -> {check: result}) and all the context's traffic."""
    measured: dict[str, dict]
    traffic: Traffic


def tour(browser, server, pages, checks: dict[str, str], weigh: bool = False, settle: bool = False,
         axe: bool = False, **context_args) -> Tour:
    """Visit every page (loaded; with settle=True, also network idle), then run each check's
    script on it, in order. weigh: also record the size of every response of each page (under
    "sizes"); axe: then inject axe-core and record its violations (under "axe")."""
    context, traffic = new_context(browser, (urlsplit(server).netloc,), **context_args)
    try:
        page = context.new_page()
        sizes: dict[str, int] = {}
        if weigh:
            page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if r.ok else None)
        measured = {}
        for name in pages:
            sizes.clear()
            visit(page, server + name, settle)
            measured[name] = {check: page.evaluate(script) for check, script in checks.items()}
            if axe:
                measured[name]["axe"] = run_axe(page)
            if weigh:
                measured[name]["sizes"] = dict(sizes)
        return Tour(measured, traffic)
    finally:
        context.close()


DIAGRAM_TEXTS_JS = "() => document.querySelectorAll('.briefing-diagram svg text').length"


@pytest.fixture(scope="module")
def desktop_tour(browser, server, book_pages) -> Tour:
    """Every page at 1280 px, light: loading, diagrams' accessible names, diagram text and
    colours, table widths, weight, then axe-core. The names are read before axe is injected;
    DIAGRAMS_JS scrolls each text into view, so it runs after the other checks."""
    return tour(browser, server, book_pages, {
        "names": DIAGRAM_NAMES_JS, "texts": DIAGRAM_TEXTS_JS, "cut": CUT_TEXT_JS, "tables": TABLE_WIDTHS_JS,
        "diagrams": DIAGRAMS_JS,
    }, weigh=True, settle=True, axe=True, viewport=DESKTOP, theme="light", color_scheme="light")


@pytest.fixture(scope="module")
def dark_tour(browser, server, book_pages) -> Tour:
    """Every page at 1280 px, dark: diagrams, then axe-core."""
    return tour(browser, server, book_pages, {"diagrams": DIAGRAMS_JS}, axe=True,
                viewport=DESKTOP, theme="dark", color_scheme="dark")


@pytest.fixture(scope="module")
def phone_tour(browser, server, book_pages) -> Tour:
    """Every page at 375 px: diagrams, overflow, heading lines, boxes that stick out."""
    return tour(browser, server, book_pages, {
        "diagrams": PHONE_DIAGRAMS_JS, "overflow": OVERFLOW_JS, "headings": HEADING_LINES_JS,
        "boxes": BOXES_JS,
    }, viewport=PHONE)


def test_every_page_loads_offline_without_errors(desktop_tour, server, book_pages):
    traffic = desktop_tour.traffic
    assert list(desktop_tour.measured) == book_pages
    hosts = {urlsplit(u).netloc for u in traffic.requests if urlsplit(u).scheme in ("http", "https")}
    assert traffic.problems() == []
    assert hosts == {urlsplit(server).netloc}, hosts
    # Every page, and its stylesheets and scripts, came from the local server.
    assert len(traffic.requests) >= len(book_pages) * 2


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_diagrams_visible_and_readable(request, book_pages, theme):
    seen_pages = request.getfixturevalue("desktop_tour" if theme == "light" else "dark_tour")
    traffic = seen_pages.traffic
    seen, problems = 0, []
    for name in book_pages:
        for d in seen_pages.measured[name]["diagrams"]:
            seen += 1
            where = f"{name} {d['id']} ({theme})"
            if d["theme"] != theme:
                problems.append(f"{where}: page theme is {d['theme']!r}")
            if not d["visible"] or d["width"] < 50 or d["height"] < 20:
                problems.append(f"{where}: not visible ({d['width']:.0f}x{d['height']:.0f})")
            if not d["texts"]:
                problems.append(f"{where}: no visible text")
            elif d["minFont"] < MIN_FONT_PX:
                problems.append(f"{where}: text rendered at {d['minFont']:.1f}px (< {MIN_FONT_PX}px)")
            for pair in d["pairs"]:
                fill, behind = pair.split("|")
                ratio = contrast(fill, behind)
                if ratio < MIN_CONTRAST:
                    problems.append(f"{where}: text {fill} on {behind}: contrast {ratio:.1f}")
            if contrast("rgb(26, 26, 26)", d["cardBackground"]) < MIN_CONTRAST:
                problems.append(f"{where}: the card {d['cardBackground']} is not light")
            if theme == "dark":
                assert luminance(d["pageBackground"]) < 0.1, f"{where}: dark mode page is not dark"
    assert traffic.problems() == []
    assert seen > 0, "the book has no diagrams to check"
    assert not problems, "\n".join(problems)


def test_no_diagram_text_is_cut_short(desktop_tour, book_pages):
    """Every label of every diagram is shown whole: no ellipsis, nothing outside its box."""
    cut, texts = [], 0
    for name in book_pages:
        texts += desktop_tour.measured[name]["texts"]
        cut += [f"{name} {problem}" for problem in desktop_tour.measured[name]["cut"]]
    assert desktop_tour.traffic.problems() == []
    assert texts > 100, f"only {texts} diagram texts found"
    assert cut == [], "\n".join(cut)


def test_timeline_event_shows_its_whole_text(open_context, server):
    """Pointing at a timeline event puts the event's whole text in the panel under it."""
    context, traffic = open_context(viewport=DESKTOP)
    page = context.new_page()
    visit(page, server + "chronology.html")
    card = page.locator(".briefing-timeline .briefing-diagram").first
    event = card.locator("svg g.eventWrapper").nth(2)
    whole = event.locator("title").text_content()
    assert len(whole) > 150, whole
    event.hover()
    assert card.locator(".briefing-diagram-detail").inner_text().strip() == whole.strip()
    assert traffic.problems() == []


@pytest.mark.parametrize("start", ["summary.html", "chronology.html"])
def test_from_a_passage_one_click_leads_back_to_the_sentence(open_context, server, start):
    """A reader who follows a citation to its passage on the Sources page gets back to the
    exact sentence in one click, and the passage's 'Cited in' list marks where they came from."""
    context, traffic = open_context(viewport=DESKTOP)
    page = context.new_page()
    visit(page, server + start)
    # a citation deep in the page (not the first), so that "back" is not just "top of page"
    citations = page.locator("article[role=main] .briefing-citation[id]:has(a[href*='#'])")
    assert citations.count() >= 4
    citation = citations.nth(citations.count() // 2)
    cite_id = citation.get_attribute("id")
    link = citation.locator("a[href*='#']").first
    passage = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_url(f"**#{passage}")
    entry = page.locator(f"li:has(#{passage})")
    back = entry.locator("a.briefing-return")
    assert back.count() == 1, "the passage offers no way back to the sentence"
    # the theme scrolls smoothly: wait for the scroll to the passage to end
    on_screen = "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    page.wait_for_function(f"() => ({on_screen})(document.querySelector('a.briefing-return'))", timeout=5000)
    assert back.is_visible()
    came_from = entry.locator(".briefing-cited-in a.briefing-came-from")
    assert came_from.count() == 1, "the 'Cited in' list does not show where the reader came from"
    assert came_from.get_attribute("href").split("#")[0] == start
    back.click()
    page.wait_for_url(f"**/{start}#{cite_id}")
    here = page.locator(f"[id='{cite_id}']")
    page.wait_for_function(f"() => ({on_screen})(document.getElementById('{cite_id}'))", timeout=5000)
    assert here.evaluate("e => !!e.closest('.briefing-returned')"), "the sentence is not highlighted"
    # Pointing at a citation starts loading the tooltip library (on demand); a click that
    # leaves the page first ends that load aborted. That is the only failure allowed: nothing
    # else may go wrong, and nothing may come from another host.
    aborted_on_leaving = re.compile(r"/_static/vendor/[\w.-]+\.js \(net::ERR_ABORTED\)$")
    assert [p for p in traffic.problems() if not aborted_on_leaving.search(p)] == []


PHONE_MIN_FONT_PX = 11.0


def test_on_a_phone_every_diagram_is_legible_or_says_it_scrolls(phone_tour, book_pages):
    """At 375 px a diagram either shows its text at 11 px or more, or scrolls in its card and
    says so (a visible hint and Enlarge button); every diagram has a numbered caption."""
    traffic = phone_tour.traffic
    problems, seen = [], 0
    for name in book_pages:
        numbers = []
        for d in phone_tour.measured[name]["diagrams"]:
            seen += 1
            where = f"{name} {d['id']}"
            if d["minFont"] < PHONE_MIN_FONT_PX and not (d["scrolls"] and d["hint"] and d["enlarge"]):
                problems.append(f"{where}: text at {d['minFont']:.1f}px, scrolls={d['scrolls']}, "
                                f"hint={d['hint']}, enlarge={d['enlarge']}")
            caption = d["caption"] or ""
            match = re.match(r"Figure (\d+\.\d+): \S", caption)
            if not match:
                problems.append(f"{where}: no numbered caption ({caption!r})")
            else:
                numbers.append(match.group(1))
        if len(numbers) != len(set(numbers)):
            problems.append(f"{name}: figure numbers repeat: {numbers}")
    assert traffic.problems() == []
    assert seen > 10
    assert problems == [], "\n".join(problems)


def test_zoom_view_opens_and_closes_with_the_keyboard(open_context, server):
    context, traffic = open_context(viewport=DESKTOP)
    page = context.new_page()
    visit(page, server + "relations.html")
    opener = page.locator(".briefing-diagram .briefing-zoom-open").nth(1)
    assert opener.count() == 1, "no Enlarge button on the diagram"
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.briefing-zoom")
    dialog.wait_for(state="visible", timeout=3000)
    box = dialog.locator("svg").first.bounding_box()
    assert box["width"] >= DESKTOP["width"] * 0.9 and box["height"] >= DESKTOP["height"] * 0.7, box
    assert dialog.locator("h2").inner_text().startswith("Figure 16.2")
    ids = page.evaluate("() => { const all = Array.from(document.querySelectorAll('[id]')).map(e => e.id);"
                        " return all.filter((id, i) => all.indexOf(id) !== i); }")
    assert ids == [], f"ids repeated while the zoom view is open: {ids[:5]}"
    scale = "() => document.querySelector('dialog.briefing-zoom svg .svg-pan-zoom_viewport').transform.baseVal.consolidate().matrix.a"
    before = page.evaluate(scale)
    page.keyboard.press("+")
    page.keyboard.press("+")
    # the library redraws on the next animation frame
    page.wait_for_function(f"() => ({scale})() > {before} * 1.2", timeout=3000)
    shift = scale.replace("matrix.a", "matrix.e")
    origin = page.evaluate(shift)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => Math.abs(({shift})() - {origin}) > 10", timeout=3000)
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden", timeout=3000)
    assert page.evaluate("() => document.activeElement.classList.contains('briefing-zoom-open')"), (
        "focus does not return to the Enlarge button")
    assert traffic.problems() == []


# Every table the reader sees in the text column: its width, and the column's inner width.
TABLE_WIDTHS_JS = """() => { const column = document.querySelector('article[role=main]');
    const cs = getComputedStyle(column);
    const inner = column.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    return Array.from(column.querySelectorAll('table')).filter(t => t.checkVisibility())
      .map(t => ({caption: (t.querySelector('caption') || {}).textContent || t.className,
                  width: Math.max(t.scrollWidth, t.getBoundingClientRect().width),
                  column: inner})); }"""


def test_no_content_table_is_wider_than_its_column_on_a_desktop(desktop_tour, book_pages):
    """At 1280 px every table a reader sees fits the text column (a folded one is not seen)."""
    traffic = desktop_tour.traffic
    wide, seen = [], 0
    for name in book_pages:
        for t in desktop_tour.measured[name]["tables"]:
            seen += 1
            if t["width"] > t["column"] + 1:
                wide.append(f"{name}: {t['caption'].strip()[:60]!r} is {t['width']:.0f}px in a {t['column']}px column")
    assert traffic.problems() == []
    assert seen > 20
    assert wide == [], "\n".join(wide)


def open_every_details(page) -> int:
    return page.evaluate("""() => { const all = document.querySelectorAll('article[role=main] details');
        all.forEach(d => { d.open = true; }); return all.length; }""")


def relations_with_matrix_open(open_context, server, viewport):
    """The relations page at this width with every folded block, the matrix among them, open."""
    context, traffic = open_context(viewport=viewport)
    page = context.new_page()
    visit(page, server + "relations.html")
    assert open_every_details(page) >= 2
    page.wait_for_timeout(100)
    return page, traffic


def test_relations_matrix_opened_fits_its_column_on_a_desktop(open_context, server):
    """The folded relations matrix, once a reader opens it, fits the text column at 1280 px:
    one symbol per relation (legend above it), headers that take no room across."""
    page, traffic = relations_with_matrix_open(open_context, server, DESKTOP)
    tables = page.evaluate(TABLE_WIDTHS_JS)
    assert any("briefing-relations-matrix" in t["caption"] or "Relations between" in t["caption"]
               for t in tables), f"the opened matrix is not visible: {tables}"
    wide = [f"{t['caption'].strip()[:60]!r} is {t['width']:.0f}px in a {t['column']}px column"
            for t in tables if t["width"] > t["column"] + 1]
    assert wide == [], "\n".join(wide)
    # The legend gives every symbol the matrix uses, in the cards' own words.
    symbols = page.evaluate("""() => {
        const d = document.querySelector('details.briefing-relations-matrix-details');
        const used = new Set([...d.querySelectorAll('table .briefing-relation-mark > span')].map(s => s.textContent.trim()));
        const legend = new Map([...d.querySelectorAll('.briefing-relations-legend li')].map(li =>
            [li.querySelector('.briefing-relation-symbol').textContent.trim(), li.textContent.trim()]));
        return {used: [...used], legend: Object.fromEntries(legend)}; }""")
    assert len(symbols["used"]) >= 4, symbols
    assert sorted(symbols["used"]) == sorted(symbols["legend"]), symbols
    # Each symbol's accessible name and title is the whole relation, as a card says it.
    cards = page.evaluate("""() => [...document.querySelectorAll('.briefing-relations-card')].flatMap(card => {
        const actor = card.querySelector('.briefing-relations-card-actor').textContent.trim();
        return [...card.querySelectorAll('li')].map(li => actor + ' ' + li.textContent.trim()); })""")
    sentences = {line.split(":", 1)[0].split(" (", 1)[0] for line in cards}
    marks = page.evaluate("""() => [...document.querySelectorAll(
        'details.briefing-relations-matrix-details table .briefing-relation-mark')].map(m =>
        ({label: m.getAttribute('aria-label'), title: m.title, role: m.getAttribute('role')}))""")
    assert len(marks) >= 20, marks
    for mark in marks:
        assert mark["role"] == "img" and mark["label"] and mark["label"] == mark["title"], mark
        assert mark["label"] in sentences, f"{mark['label']!r} is not a relation the cards state"
    assert len({m["label"] for m in marks}) == len(sentences), "the matrix and the cards hold different relations"
    assert traffic.problems() == []


def test_relations_matrix_scrolls_in_its_own_box_on_a_phone(open_context, server):
    """At 375 px the opened matrix scrolls inside its box, says so, and does not widen the page."""
    page, traffic = relations_with_matrix_open(open_context, server, PHONE)
    overflow = page.evaluate(OVERFLOW_JS)
    assert overflow["scrollWidth"] <= overflow["innerWidth"], overflow
    box = page.evaluate("""() => {
        const d = document.querySelector('details.briefing-relations-matrix-details');
        const t = d.querySelector('table');
        let s = t; while (s && s !== d && !['auto', 'scroll'].includes(getComputedStyle(s).overflowX)) s = s.parentElement;
        const hint = d.querySelector('.briefing-relations-hint');
        return {scrolls: s !== d && s.scrollWidth > s.clientWidth + 1, right: s.getBoundingClientRect().right,
                hint: !!hint && hint.checkVisibility() && hint.getBoundingClientRect().height > 0}; }""")
    assert box["right"] <= PHONE["width"] + 1, box
    assert not box["scrolls"] or box["hint"], f"the matrix scrolls with no visible hint: {box}"
    assert traffic.problems() == []


def test_the_old_address_of_the_linking_section_leads_to_the_appendix(open_context, server):
    """how-to-cite.html#how-to-cite-links (published) opens How to cite at the line that points
    to the maintainers' appendix, and that line leads there in one click."""
    context, traffic = open_context(viewport=DESKTOP)
    page = context.new_page()
    visit(page, server + "how-to-cite.html#how-to-cite-links")
    pointer = page.locator("p:has(#how-to-cite-links)")
    assert pointer.count() == 1, "the old anchor is not on How to cite"
    box = pointer.bounding_box()
    assert box is not None and 0 <= box["y"] < DESKTOP["height"], f"the pointer is not on screen: {box}"
    pointer.locator("a[href^='appendix-linking.html']").click()
    page.wait_for_url("**/appendix-linking.html*")
    snippet = page.locator("div.book-citation-intersphinx pre")
    assert snippet.is_visible() and "intersphinx_mapping" in snippet.inner_text()
    assert page.locator("article[role=main] h1").inner_text().startswith("Appendix")
    assert traffic.problems() == []


def test_relations_read_as_sentences_in_plain_words(open_context, server):
    context, traffic = open_context(viewport=DESKTOP)
    page = context.new_page()
    visit(page, server + "relations.html")
    cards = page.locator(".briefing-relations-card")
    assert cards.count() >= 5, "no per-actor cards on the relations page"
    text = page.locator("article[role=main]").inner_text()
    for code in ("cooperates-with", "competes-with"):
        assert code not in text, f"the relation kind {code!r} reaches the reader"
    assert "cooperates with" in text
    assert traffic.problems() == []


def test_first_screen_shows_the_bottom_line_and_the_date_of_information(open_context, server):
    """At 1280x800, without scrolling: the bottom line (with its likelihood), the date of
    information, and no long table of contents in the way."""
    context, traffic = open_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    visit(page, server + "index.html")
    on_first_screen = """el => { const r = el.getBoundingClientRect();
        return r.height > 0 && r.top >= 0 && r.bottom <= 800; }"""
    bottom = page.locator(".briefing-glance-bottom-line")
    assert bottom.count() == 1, "the landing page has no bottom line"
    assert bottom.evaluate(on_first_screen), "the bottom line is below the first screen"
    assert "likely" in bottom.inner_text()
    date = page.locator("article[role=main] p", has_text="Information current to").first
    assert date.evaluate(on_first_screen), "the date of information is below the first screen"
    assert page.locator(".briefing-glance-card").count() >= 8, "key judgments and actors are not at a glance"
    tocs = page.locator("article[role=main] .toctree-wrapper")  # the chapters, the appendix
    assert tocs.count() >= 1
    assert not any(tocs.nth(i).is_visible() for i in range(tocs.count())), \
        "the full contents list is open on the landing page"
    assert traffic.problems() == []


MAX_PAGE_BYTES = 300 * 1024


def test_every_page_with_everything_it_loads_stays_under_300_kb(desktop_tour, book_pages):
    """Readers on phones and metered links: a page and every file it loads (uncompressed, as a
    plain server sends them; the test's routing disables the browser cache) under 300 KB."""
    traffic = desktop_tour.traffic
    heavy, weights = [], {}
    for name in book_pages:
        sizes = desktop_tour.measured[name]["sizes"]
        weights[name] = sum(sizes.values())
        if weights[name] > MAX_PAGE_BYTES:
            top = sorted(sizes.items(), key=lambda kv: -kv[1])[:4]
            files = ", ".join(f"{u.rsplit('/', 1)[-1]} {n // 1024} KB" for u, n in top)
            heavy.append(f"{name}: {weights[name] / 1024:.0f} KB ({files})")
    assert traffic.problems() == []
    assert max(weights.values()) > 50 * 1024, "the measurement saw nothing"
    assert heavy == [], "\n".join(heavy)


def test_no_horizontal_overflow_on_a_phone(phone_tour, book_pages):
    traffic = phone_tour.traffic
    overflowing = {}
    for name in book_pages:
        result = phone_tour.measured[name]["overflow"]
        if result["scrollWidth"] > result["innerWidth"]:
            overflowing[name] = result
    assert traffic.problems() == []
    assert overflowing == {}


HEADING_LINES_JS = """() => [...document.querySelectorAll('article h1, article h2, article h3')].map(h => {
    const style = getComputedStyle(h);
    const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
    const text = h.cloneNode(true);
    text.querySelectorAll('a.headerlink').forEach(a => a.remove());
    return [text.textContent.trim(), Math.round(h.getBoundingClientRect().height / lineHeight)];
})"""


def test_on_a_phone_no_heading_runs_past_three_lines(phone_tour, book_pages):
    """A chapter title that fills half the first screen of a phone pushes the text away."""
    traffic = phone_tour.traffic
    long_headings, counted = [], 0
    for name in book_pages:
        for title, lines in phone_tour.measured[name]["headings"]:
            counted += 1
            if lines > 3:
                long_headings.append(f"{name}: {title} ({lines} lines)")
    assert traffic.problems() == []
    assert counted > 100
    assert long_headings == []


BOXES_JS = """() => Array.from(document.querySelectorAll(
    'article table, article .briefing-diagram')).map(el => {
      const r = el.getBoundingClientRect();
      return {tag: el.tagName, right: r.right, width: r.width};})"""


def test_wide_tables_and_diagrams_scroll_inside_their_container(phone_tour, book_pages):
    """At phone width, a wide table or diagram scrolls in its own box, not the page."""
    checked = 0
    for name in book_pages:
        for box in phone_tour.measured[name]["boxes"]:
            checked += 1
            assert box["right"] <= PHONE["width"] + 1, f"{name}: {box} sticks out of a {PHONE['width']}px screen"
    assert checked > 0


@pytest.mark.parametrize("term", ["Gyumri", "Giragosian"])
def test_offline_search_finds_a_name_and_follows_it(open_context, server, term):
    context, traffic = open_context()
    page = context.new_page()
    visit(page, server + "index.html")
    box = page.locator("input.sidebar-search").first
    box.fill(term)
    box.press("Enter")
    page.wait_for_url("**/search.html?*")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15000)
    # Each result's summary is fetched from its page; clicking before they arrive would
    # abort those fetches, which is the reader's doing and not a fault of the book.
    page.locator("#search-results").get_by_text("Search finished").wait_for(timeout=15000)
    page.wait_for_load_state("networkidle")
    assert results.count() >= 1
    assert page.locator("#search-results ul.search li p.context").count() == results.count(), (
        "every result shows a summary read from its page")
    first_href = results.first.get_attribute("href")
    results.first.click()
    page.wait_for_load_state("load")
    assert "search.html" not in page.url, page.url
    assert term.lower() in page.locator("article[role=main]").inner_text().lower(), (
        f"following the first result ({first_href}) lands on {page.url}, which does not contain {term}")
    assert traffic.problems() == []


def test_print_hides_navigation_and_keeps_the_article(open_context, server, book_pages, screenshots):
    chapter = next(p for p in ("handover.html", "context.html", "chronology.html") if p in book_pages)
    context, traffic = open_context()
    page = context.new_page()
    visit(page, server + chapter)
    page.emulate_media(media="print")
    shown = page.evaluate("""() => {
      const vis = sel => Array.from(document.querySelectorAll(sel)).some(el => {
        const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; });
      return {
        sidebar: vis('.sidebar-drawer'), toc: vis('.toc-drawer'), header: vis('.mobile-header'),
        related: vis('.related-pages'), back: vis('.back-to-top'), themeToggle: vis('.theme-toggle'),
        article: vis('article[role=main]'), heading: vis('article[role=main] h1'),
      };
    }""")
    assert shown["article"] and shown["heading"], shown
    navigation = {k: v for k, v in shown.items() if k not in ("article", "heading") and v}
    assert navigation == {}, f"navigation still printed: {navigation}"
    pdf = screenshots / "print-chapter.pdf"
    pdf.write_bytes(page.pdf(format="A4", print_background=True))
    reader = PdfReader(str(pdf))
    first = reader.pages[0].extract_text()
    title = page.locator("article[role=main] h1").inner_text().replace("#", "").strip()
    assert title.split()[1] in first, f"the printed first page does not start with the chapter title {title!r}"
    assert "Contents" not in first.split(title.split()[1])[0]
    assert traffic.problems() == []


# --- accessibility on every page, light and dark (read from the tours above) ----------------


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_no_serious_violation(request, book_pages, theme):
    assert axe_version() == "4.14.1", "axe-core is pinned in package.json"
    found = request.getfixturevalue("desktop_tour" if theme == "light" else "dark_tour")
    blocking, checked = {}, 0
    for name in book_pages:
        violations = found.measured[name]["axe"]
        checked += 1
        bad = [v for v in violations if v["impact"] in BLOCKING]
        if bad:
            blocking[name] = [f"{v['impact']} {v['id']}: {v['help']} — {v['nodes'][:4]}" for v in bad]
    assert checked == len(book_pages)
    assert found.traffic.problems() == []
    report = "\n".join(f"{name}:\n  " + "\n  ".join(items) for name, items in blocking.items())
    assert not blocking, f"axe-core {axe_version()}: serious/critical violations ({theme}):\n{report}"


def test_diagrams_have_an_accessible_name_and_table_twin(desktop_tour, book_pages):
    seen, problems = 0, []
    for name in book_pages:
        for d in desktop_tour.measured[name]["names"]:
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
