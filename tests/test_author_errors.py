"""Bad input fails the build, naming the file and line and saying what would be right."""

from __future__ import annotations

import pytest

from fixture_book import build, fixture_copy, line_of, replace_in


def append_paragraph(root, docname: str, text: str) -> tuple[str, int]:
    path = root / "docs" / f"{docname}.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")
    return f"docs/{docname}.md", line_of(path, text)


def assert_fails_at(result, where: str, *fragments: str) -> None:
    assert result.returncode != 0, f"the build passed:\n{result.output[-3000:]}"
    lines = [l for l in result.output.splitlines() if where in l]
    assert lines, f"no message names {where}:\n{result.output[-3000:]}"
    for fragment in fragments:
        assert any(fragment in l for l in lines), \
            f"no message at {where} says {fragment!r}:\n" + "\n".join(lines)


@pytest.fixture
def book(tmp_path):
    return fixture_copy(tmp_path / "book")


def test_fixture_book_builds(book):
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]


def test_unknown_source_key(book):
    where, line = append_paragraph(book, "alpha", "A claim {src}`xyz:1`.")
    assert_fails_at(build(book), f"{where}:{line}", "unknown source key 'xyz'", "the sources are cw, emp")


def test_paragraph_out_of_range(book):
    where, line = append_paragraph(book, "beta", "A claim {src}`emp:61`.")
    assert_fails_at(build(book), f"{where}:{line}", "paragraph 61 does not exist: emp has 57 paragraphs")


def test_misquote_shows_nearest_text(book):
    where, line = append_paragraph(
        book, "alpha", "He calls it {q}`a triumph in its strategy to assert sovereignty <giragosian@emp:16>`.")
    assert_fails_at(build(book), f"{where}:{line}", "misquote", "nearest text",
                    "a victory in its strategy to assert sovereignty")


def test_misquoted_block_quotation(book):
    path = book / "docs" / "beta.md"
    replace_in(path, "We have 40-50 patrols in a week", "We have 60 patrols in a week")
    line = line_of(path, ":::{quotation}")
    assert_fails_at(build(book), f"docs/beta.md:{line}", "misquote", "40-50 patrols")


def test_unknown_speaker(book):
    where, line = append_paragraph(book, "alpha", "X {q}`a victory <nobody@emp:16>`.")
    assert_fails_at(build(book), f"{where}:{line}", "unknown speaker 'nobody'")


@pytest.mark.parametrize("bad, fragment", [
    ('"2024-13"', "month 13 does not exist"),
    ('"2024-02-30"', "is not a calendar date"),
    ('"July 2024"', "date is YYYY, YYYY-MM or YYYY-MM-DD"),
    ("{approx: by the 2040s}", "date is YYYY, YYYY-MM or YYYY-MM-DD"),
])
def test_malformed_date(book, bad, fragment):
    path = book / "docs" / "_data" / "chronology.yaml"
    replace_in(path, 'date: "2024-07"', f"date: {bad}")
    line = line_of(path, f"date: {bad}")
    assert_fails_at(build(book), f"docs/_data/chronology.yaml:{line}", fragment)


def test_chronology_entry_without_a_source(book):
    path = book / "docs" / "_data" / "chronology.yaml"
    replace_in(path, "  sources: [emp:42]\n", "")
    line = line_of(path, "id: eu-monitors")
    assert_fails_at(build(book), f"docs/_data/chronology.yaml:{line}", "'sources' is a required property")


@pytest.mark.parametrize("bad, fragment", [
    ("EU monitors arrive " + "and stay " * 8, "is too long"),
    ("EU monitors arrive…", "does not match"),
])
def test_chronology_headline_must_fit_a_diagram(book, bad, fragment):
    path = book / "docs" / "_data" / "chronology.yaml"
    replace_in(path, "headline: EU monitors arrive\n", f"headline: {bad.strip()}\n")
    line = line_of(path, f"headline: {bad.strip()}")
    assert_fails_at(build(book), f"docs/_data/chronology.yaml:{line}", fragment, "at most 80 characters")


def test_chronology_entry_with_an_empty_source_list(book):
    path = book / "docs" / "_data" / "chronology.yaml"
    replace_in(path, "  sources: [emp:42]\n", "  sources: []\n")
    line = line_of(path, "sources: []")
    assert_fails_at(build(book), f"docs/_data/chronology.yaml:{line}", "at least one passage")


def test_unknown_actor(book):
    path = book / "docs" / "_data" / "chronology.yaml"
    replace_in(path, "actors: [eu, armenia]", "actors: [eu, mars]")
    line = line_of(path, "actors: [eu, mars]")
    assert_fails_at(build(book), f"docs/_data/chronology.yaml:{line}", "unknown actor 'mars'",
                    "use an id from actors.yaml")


def test_data_cites_a_paragraph_that_does_not_exist(book):
    path = book / "docs" / "_data" / "relations.yaml"
    replace_in(path, "sources: [emp:29]", "sources: [emp:99]")
    line = line_of(path, "sources: [emp:99]")
    assert_fails_at(build(book), f"docs/_data/relations.yaml:{line}",
                    "paragraph 99 does not exist: emp has 57 paragraphs")


def test_duplicate_chronology_id(book):
    path = book / "docs" / "_data" / "chronology.yaml"
    replace_in(path, "id: eu-monitors", "id: treaty-1997")
    lines = [n for n, l in enumerate(path.read_text().splitlines(), 1) if "id: treaty-1997" in l]
    assert_fails_at(build(book), f"docs/_data/chronology.yaml:{lines[1]}", "duplicate id 'treaty-1997'",
                    f"first at line {lines[0]}")


def test_cited_passage_without_description(book):
    path = book / "docs" / "_data" / "passages.yaml"
    replace_in(path, 'cw:8: "The border with Türkiye."\n', "")
    result = build(book)
    assert_fails_at(result, "docs/_data/passages.yaml:1", "cw:8 is cited", "alpha.md")


def test_unknown_judgment_term(book):
    path = book / "docs" / "beta.md"
    replace_in(path, ":likelihood: likely", ":likelihood: probable")
    line = line_of(path, ":::{judgment}")
    assert_fails_at(build(book), f"docs/beta.md:{line}", "'probable' is not a yardstick term")


def test_unknown_timeline_actor(book):
    path = book / "docs" / "alpha.md"
    replace_in(path, ":actor: russia", ":actor: atlantis")
    line = line_of(path, "```{timeline}")
    assert_fails_at(build(book), f"docs/alpha.md:{line}", "timeline: unknown actor 'atlantis'")


def test_an_error_still_fails_an_incremental_build_that_reads_nothing(book):
    where, line = append_paragraph(book, "alpha", "A claim {src}`emp:61`.")
    first = build(book)
    assert first.returncode != 0
    again = build(book)
    assert_fails_at(again, f"{where}:{line}", "paragraph 61 does not exist")


def test_a_data_file_broken_after_a_good_build_fails_the_next_build_at_its_line(book):
    """A build skips the schema checks only for data that passed them unchanged (briefing.data
    keeps the fingerprint of what passed); a file changed since must be checked again."""
    first, unchanged = build(book), build(book)
    assert first.returncode == 0 and unchanged.returncode == 0, unchanged.output[-3000:]
    assert "data: 8 files checked against their schemas" in first.output
    assert "data: 8 files unchanged since they last passed their schemas" in unchanged.output
    path = book / "docs" / "_data" / "chronology.yaml"
    replace_in(path, "  sources: [emp:42]\n", "")
    line = line_of(path, "id: eu-monitors")
    assert_fails_at(build(book), f"docs/_data/chronology.yaml:{line}", "'sources' is a required property")
