"""Generated timelines: each holds exactly its actor's events, in date order, and matches its
table twin; data text reaches the diagram escaped, and nothing in it runs."""

from __future__ import annotations

import re

import pytest
import yaml
from docutils import nodes

from briefing.sourcetext import normalise
from conftest import ROOT, copy_book
from fixture_book import built_fixture, build, fixture_copy, replace_in, squash

ENTITY = re.compile(r"#(\d+);")


def unescape(text: str) -> str:
    return ENTITY.sub(lambda m: chr(int(m.group(1))), text)


def sort_value(date) -> float:
    if isinstance(date, dict):
        return float(date["sort"])
    parts = [int(p) for p in str(date).split("-")]
    return parts[0] + ((parts[1] - 1) / 12 if len(parts) > 1 else 0) + ((parts[2] - 1) / 400 if len(parts) > 2 else 0)


def diagram_events(code: str) -> list[tuple[str, str]]:
    """(period, event) pairs from Mermaid timeline code, in order."""
    lines = code.splitlines()
    assert lines[0].strip() == "timeline TD", lines[0]
    assert any(l.strip().startswith("accTitle:") for l in lines), "no accessible name"
    events, period = [], None
    for line in lines[1:]:
        text = line.strip()
        if not text or text.startswith(("accTitle", "accDescr", "section", "title")):
            continue
        head, _, event = text.partition(" : ") if not text.startswith(":") else ("", "", text[1:])
        if head:
            period = unescape(head.strip())
        events.append((period, unescape(event.strip())))
    return events


def timelines(doctree) -> list[tuple[str, list, list]]:
    """(actor, diagram events, table rows) for each generated timeline of a page."""
    found = []
    for box in doctree.findall(nodes.container):
        if "briefing_timeline" not in box:
            continue
        code = [n for n in box.findall(nodes.Element) if n.tagname == "mermaid"]
        table = next(iter(box.findall(nodes.table)))
        rows = []
        for row in table.findall(nodes.row):
            if "briefing_entry" in row:
                cells = [squash(e.astext()) for e in row.findall(nodes.entry)]
                rows.append((row["briefing_entry"], cells))
        assert code, "no diagram"
        events = [e for node in code for e in diagram_events(node["code"])]
        for node in code:
            names = [l.strip() for l in node["code"].splitlines() if l.strip().startswith("section ")]
            assert len(names) == len(set(names)), f"Mermaid merges sections of the same name: {names}"
        found.append((box["briefing_timeline"], events, rows))
    return found


def check_timelines(built, chronology: list, docnames: list[str]) -> int:
    checked = 0
    for docname in docnames:
        for actor, events, rows in timelines(built.doctree(docname)):
            wanted = [e for e in chronology if not actor or actor in e["actors"]]
            ids = [entry_id for entry_id, _ in rows]
            assert sorted(ids) == sorted(e["id"] for e in wanted), f"{docname} {actor}: wrong events"
            by_id = {e["id"]: e for e in chronology}
            values = [sort_value(by_id[i]["date"]) for i in ids]
            assert values == sorted(values), f"{docname} {actor}: not in date order: {ids}"
            assert len(events) == len(rows), f"{docname} {actor}: diagram and table differ in length"
            for (period, label), (entry_id, cells) in zip(events, rows):
                date_cell, event_cell = cells[0], cells[1]
                entry = by_id[entry_id]
                # the table's text is typeset (curly quotes); the diagram's is as in the data
                assert normalise(event_cell) == normalise(entry["event"])
                # the diagram shows the entry's headline whole, never a cut-off event text
                assert label == squash(entry["headline"]), (label, entry["headline"])
                assert not label.endswith(("…", "...")), label
                if isinstance(entry["date"], dict):
                    assert period == f"{entry['date']['approx']} (approx.)"
                    assert normalise(date_cell) == normalise(f"{entry['date']['approx']} (approximate)")
                else:
                    assert period == date_cell
            checked += 1
    return checked


@pytest.fixture(scope="module")
def fixture_book(tmp_path_factory):
    return built_fixture(tmp_path_factory, "timelines")


def test_fixture_timelines_match_data_and_table(fixture_book):
    root, result = fixture_book
    chronology = yaml.safe_load((root / "docs" / "_data" / "chronology.yaml").read_text())
    assert check_timelines(result, chronology, ["alpha", "beta"]) == 2


def test_fixture_timeline_order_is_known(fixture_book):
    _, result = fixture_book
    (_, _, rows), = timelines(result.doctree("alpha"))
    assert [i for i, _ in rows] == ["treaty-1997", "outposts-after-2020", "fsb-leave-zvartnots",
                                    "iran-checkpoint", "base-2040s"]


@pytest.fixture(scope="module")
def real_book(tmp_path_factory):
    root = copy_book(tmp_path_factory.mktemp("real") / "book")
    result = build(root, update_record=True)
    assert result.returncode == 0, result.output[-6000:]
    return root, result


def test_every_timeline_of_the_book_matches_its_data_and_table(real_book):
    root, result = real_book
    chronology = yaml.safe_load((root / "docs" / "_data" / "chronology.yaml").read_text())
    docnames = sorted(str(p.relative_to(root / "docs"))[:-3] for p in (root / "docs").rglob("*.md")
                      if "{timeline}" in p.read_text(encoding="utf-8"))
    assert len(docnames) >= 5
    assert check_timelines(result, chronology, docnames) >= len(docnames)


HOSTILE = 'Go: a; #1 "d" \'e\' <script>alert(1)</script>\n& %%'  # short enough for a headline


def test_hostile_text_renders_literally_and_runs_nothing(tmp_path):
    root = fixture_copy(tmp_path / "book")
    chronology = root / "docs" / "_data" / "chronology.yaml"
    quoted = yaml.safe_dump(HOSTILE, default_style='"').strip()
    replace_in(chronology, "event: EU monitors arrive.", f"event: {quoted}")
    replace_in(chronology, "headline: EU monitors arrive", f"headline: {quoted}")  # the diagram's label
    result = build(root)
    assert result.returncode == 0, result.output[-4000:]
    page = result.page("beta")
    literal = squash(HOSTILE)
    # the table twin shows the text as text
    table_text = [normalise(td.get_text()) for td in page.select(".briefing-timeline-table td")]
    assert normalise(literal) in table_text
    # the diagram rendered, shows the text literally, and holds nothing executable
    svgs = [d.find("svg") for d in page.select(".briefing-timeline .briefing-diagram")]
    assert svgs and all(svgs), "the timeline diagram did not render"
    svg = svgs[0]
    shown = squash(svg.get_text(" "))
    assert len(squash(HOSTILE)) <= 56
    for fragment in ["Go: a; #1", '"d"', "'e'", "<script>alert(1)</script>", "& %%"]:
        assert fragment in shown, f"{fragment!r} not shown literally in the diagram: {shown[:400]}"
    assert not svg.find_all("script") and not page.find_all("script", string=re.compile("alert"))
    assert not [a for el in svg.find_all(True) for a in el.attrs if a.lower().startswith("on")]
    assert "<script>alert" not in page.decode().replace("&lt;script&gt;alert", "")


def test_committed_quotation_record_is_current(real_book):
    """A verifying build of the book rewrites nothing: the committed record holds every
    quotation the book makes (so a build without the texts passes)."""
    root, _ = real_book
    built = (root / "docs" / "_data" / "quotations.json").read_text(encoding="utf-8")
    committed = (ROOT / "docs" / "_data" / "quotations.json").read_text(encoding="utf-8")
    assert built == committed, ("docs/_data/quotations.json is out of date: run `make quotations` "
                                "and commit the file")
