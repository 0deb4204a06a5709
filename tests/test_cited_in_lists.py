"""Citations, "cited in" backlinks and the Sources page, on a fixture book with known citations.

Backlinks must list exactly the sections that cite each passage, with section numbers, and
stay exact after an incremental rebuild and in a parallel (-j 2) build.
"""

from __future__ import annotations

import shutil

import pytest

from fixture_book import built_fixture, backlinks, build, fixture_copy, replace_in, squash

# What the fixture cites, section by section (hand-written prose, and the generated tables:
# the Russia timeline in alpha "Two"; the master timeline, handover, relations and names
# tables in beta "Two").
EXPECTED = {
    "cw-1": [("1 Alpha", "alpha.html"), ("1.2 Two", "alpha.html#alpha-two"),
             ("2.1 One", "beta.html#beta-one"), ("2.2 Two", "beta.html#beta-two")],
    "cw-6": [("1.1 One", "alpha.html#alpha-one"), ("1.2 Two", "alpha.html#alpha-two"),
             ("2.1 One", "beta.html#beta-one"), ("2.2 Two", "beta.html#beta-two")],
    "cw-8": [("1.1 One", "alpha.html#alpha-one")],
    "cw-11": [("1.2 Two", "alpha.html#alpha-two"), ("2.2 Two", "beta.html#beta-two")],
    "emp-2": [("1.1 One", "alpha.html#alpha-one"), ("2.1 › Deep", "beta.html#beta-deep")],
    "emp-14": [("1.2 Two", "alpha.html#alpha-two"), ("2.2 Two", "beta.html#beta-two")],
    "emp-15": [("1.2 Two", "alpha.html#alpha-two")],
    "emp-16": [("1.1 One", "alpha.html#alpha-one")],
    "emp-18": [("1.2 Two", "alpha.html#alpha-two"), ("2.2 Two", "beta.html#beta-two")],
    "emp-29": [("2.2 Two", "beta.html#beta-two")],
    "emp-42": [("2.1 One", "beta.html#beta-one"), ("2.2 Two", "beta.html#beta-two")],
}


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory):
    return built_fixture(tmp_path_factory, "evidence")


def test_backlinks_list_exactly_the_citing_sections(fixture_build):
    _, result = fixture_build
    assert backlinks(result) == EXPECTED
    links = result.page("sources").select(".briefing-cited-in a")
    assert links and not [a for a in links if a.get("title")], "a backlink's text is its whole title"


def test_citation_renders_outlet_and_links_each_paragraph(fixture_build):
    _, result = fixture_build
    page = result.page("alpha")
    citations = page.select(".briefing-citation")
    texts = [squash(c.get_text()) for c in citations]
    assert "(Caucasus Watch, para. 1)" in texts
    assert "(Caucasus Watch, paras. 6, 8; Euromaidan Press, para. 2)" in texts
    assert "(Euromaidan Press, paras. 14–15)" in texts
    several = citations[texts.index("(Caucasus Watch, paras. 6, 8; Euromaidan Press, para. 2)")]
    assert [a["href"] for a in several.select("a")] == ["sources.html#cw-6", "sources.html#cw-8",
                                                       "sources.html#emp-2"]
    # every link target exists on the Sources page
    sources = result.page("sources")
    for a in page.select(".briefing-citation a"):
        anchor = a["href"].split("#")[1]
        assert sources.find(id=anchor) is not None, anchor


def test_passages_list_shows_the_descriptions(fixture_build):
    _, result = fixture_build
    item = result.page("sources").find(id="cw-8").find_parent("li")
    assert "The border with Türkiye." in item.get_text()


def test_bibliography_marks_unknowns_and_guesses_nothing(fixture_build):
    _, result = fixture_build
    page = result.page("sources")
    entries = [squash(e.get_text(" ")) for e in page.select(".citation")]
    assert len(entries) == 2, entries
    cw, emp = sorted(entries, key=lambda e: "Prouvost" in e)
    assert "From Cracks to Fractions in the Alliance: Armenia and Russia Drift Further Apart" in cw
    assert "[Title unknown]" in emp
    for entry in entries:
        assert "publication date unknown" in entry
        assert "URL unknown" in entry
        assert "http" not in entry and "doi" not in entry.lower()
        assert not any(str(year) in entry for year in range(1990, 2040)), entry


def test_people_quoted_lists_what_each_said_and_where(fixture_build):
    _, result = fixture_build
    table = result.page("sources").select_one(".briefing-people-quoted")
    rows = {squash(r.select("td")[0].get_text()): r for r in table.select("tbody tr")}
    assert set(rows) == {"Richard Giragosian", "Ingrid Mühling"}
    said = rows["Richard Giragosian"].select("td")[2]
    assert "“a victory in its strategy to assert sovereignty”" in squash(said.get_text())
    links = [a["href"] for a in said.select("a")]
    assert [h for h in links if not h.startswith("#")] == ["alpha.html#alpha-one"]
    assert "#emp-16" in links  # the citation, on the same page


def test_judgment_box(fixture_build):
    _, result = fixture_build
    box = result.page("beta").select_one(".briefing-judgment")
    head = squash(box.select_one(".briefing-judgment-head").get_text())
    assert head == "Assessment: likely (55–75%) · moderate confidence"
    assert box.select_one(".briefing-judgment-head a")["href"] == "method.html#method-yardstick"
    assert box.select(".briefing-citation"), "a judgment may cite its evidence"


def test_incremental_rebuild_gives_the_backlinks_of_a_clean_build(tmp_path):
    root = fixture_copy(tmp_path / "book")
    first = build(root)
    assert first.returncode == 0, first.output[-3000:]
    assert ("2.1 One", "beta.html#beta-one") in backlinks(first)["cw-1"]
    replace_in(root / "docs" / "beta.md", "Again the first passage {src}`cw:1`.",
               "Again the sixth passage {src}`cw:6`.")
    again = build(root)  # same output and doctree directories: incremental
    assert again.returncode == 0, again.output[-3000:]
    read = [l for l in again.output.splitlines() if l.startswith("reading sources...")]
    assert any(l.endswith(" beta") for l in read) and not any(l.endswith(" alpha") for l in read), read
    clean_root = tmp_path / "clean"
    shutil.copytree(root, clean_root, symlinks=True, ignore=shutil.ignore_patterns("_build"))
    clean = build(clean_root)
    assert clean.returncode == 0, clean.output[-3000:]
    assert backlinks(again) == backlinks(clean)
    assert ("2.1 One", "beta.html#beta-one") not in backlinks(again)["cw-1"]


def test_parallel_read_gives_the_same_backlinks(fixture_build, tmp_path):
    root = fixture_copy(tmp_path / "book")
    parallel = build(root, jobs=2)
    assert parallel.returncode == 0, parallel.output[-3000:]
    _, serial = fixture_build
    assert backlinks(parallel) == backlinks(serial) == EXPECTED
