"""Unit tests of the data layer: line numbers, passages, dates, escaping for Mermaid."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.data import load, parse_date, parse_passages
from briefing.mermaidtext import escape, short
from conftest import ROOT
from fixture_book import FIXTURE

SOURCES = {"cw": {"paragraphs": 20}, "emp": {"paragraphs": 57}}


def test_passages_parse():
    assert parse_passages("cw:6,8; emp:34-37", SOURCES) == ([("cw", [6, 8]), ("emp", [34, 35, 36, 37])], [])
    assert parse_passages("emp:61", SOURCES)[1] == ["paragraph 61 does not exist: emp has 57 paragraphs"]
    assert "unknown source key 'xx'" in parse_passages("xx:1", SOURCES)[1][0]
    assert parse_passages("cw:6, emp:2", SOURCES)[1], "a second source needs ';'"
    assert parse_passages("cw:9-3", SOURCES)[1] == ["range 9-3 runs backwards: write 3-9"]


def test_dates_keep_their_precision():
    assert parse_date("2025-01-01").label == "1 January 2025"
    assert parse_date("2024-07").label == "July 2024"
    assert parse_date("1992").label == "1992"
    d = parse_date({"approx": "by the 2040s", "sort": 2040})
    assert (d.label, d.approximate, d.sort) == ("by the 2040s", True, 2040.0)
    assert parse_date("2024-07").sort < parse_date("2024-07-02").sort < parse_date("2024-08").sort
    with pytest.raises(ValueError):
        parse_date("2024-00")


def test_errors_name_the_file_and_line(tmp_path):
    data = tmp_path / "docs" / "_data"
    data.mkdir(parents=True)
    for f in (FIXTURE / "docs" / "_data").iterdir():
        (data / f.name).write_bytes(f.read_bytes())
    (data / "sources.yaml").write_bytes((ROOT / "docs" / "_data" / "sources.yaml").read_bytes())
    text = (data / "actors.yaml").read_text()
    (data / "actors.yaml").write_text(text.replace("kind: organisation", "kind: planet"))
    line = next(n for n, l in enumerate((data / "actors.yaml").read_text().splitlines(), 1) if "planet" in l)
    _, errors = load(tmp_path, data)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"docs/_data/actors.yaml:{line}: [2].kind: 'planet'"), errors[0]
    assert "kind is one of" in errors[0]


def test_the_book_data_is_valid():
    _, errors = load(ROOT, ROOT / "docs" / "_data")
    assert errors == []


def test_escape_leaves_no_mermaid_syntax():
    escaped = escape('a: b; c # "d" <script>\n%% e')
    assert not set(':;#"<>%\n') & set(escaped.replace("#58;", "").replace("#59;", "").replace("#35;", "")
                                      .replace("#34;", "").replace("#60;", "").replace("#62;", "")
                                      .replace("#37;", ""))
    assert "\n" not in escaped
    assert short("First sentence. Second sentence.") == "First sentence"
    assert len(short("word " * 50)) <= 56
