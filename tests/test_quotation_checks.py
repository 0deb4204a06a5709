"""Quotation verification: against the texts when present, against the record without them;
and the derived source data is what the tool derives."""

from __future__ import annotations

import json

import pytest

from briefing.sourcetext import SOURCES, digest, read_paragraphs
from conftest import ROOT
from fixture_book import build, fixture_copy, line_of

RECORD = "docs/_data/quotations.json"


def test_an_ordinary_build_writes_nothing_into_the_books_sources(tmp_path, sources_dir):
    """A watcher (make live) must not see the build edit docs/: only `make quotations` does."""
    root = fixture_copy(tmp_path / "book")

    def snapshot():
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "docs").rglob("*"))
                if p.is_file()}

    before = snapshot()
    result = build(root, texts=True)
    assert result.returncode == 0, result.output[-3000:]
    assert snapshot() == before
    assert "record docs/_data/quotations.json is out of date" in result.output


def test_make_quotations_writes_a_sorted_record_with_paragraph_digests(tmp_path, sources_dir):
    root = fixture_copy(tmp_path / "book")
    result = build(root, texts=True, update_record=True)
    assert result.returncode == 0, result.output[-3000:]
    record = json.loads((root / RECORD).read_text(encoding="utf-8"))
    assert [(e["key"], e["paragraph"], e["quote"]) for e in record] == [
        ("emp", 16, "a victory in its strategy to assert sovereignty"),
        ("emp", 42, "We have 40-50 patrols in a week, covering around 1000 kilometers."),
    ]
    assert [e["speaker"] for e in record] == ["giragosian", "muehling"]
    for entry in record:
        assert entry["digest"] == digest(read_paragraphs(sources_dir, entry["key"])[entry["paragraph"]])
    first = (root / RECORD).read_bytes()
    again = build(root, texts=True, update_record=True)
    assert again.returncode == 0
    assert (root / RECORD).read_bytes() == first


def test_without_texts_quotes_are_checked_against_the_record(tmp_path):
    root = fixture_copy(tmp_path / "book")
    assert build(root, texts=True, update_record=True).returncode == 0
    offline = build(root, out=tmp_path / "offline", texts=False)
    assert offline.returncode == 0, offline.output[-3000:]
    # a new quotation, even a correct one, is not in the record: the build fails at its line
    path = root / "docs" / "alpha.md"
    text = "He says {q}`assert sovereignty <giragosian@emp:16>`."
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")
    failed = build(root, out=tmp_path / "offline2", texts=False)
    assert failed.returncode != 0
    where = f"docs/alpha.md:{line_of(path, text)}"
    assert any(where in l and "not in the verification record" in l for l in failed.output.splitlines()), \
        failed.output[-3000:]


def test_record_from_other_text_fails_without_texts(tmp_path):
    root = fixture_copy(tmp_path / "book")
    assert build(root, texts=True, update_record=True).returncode == 0
    record_path = root / RECORD
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record[0]["digest"] = "0" * 64
    record_path.write_text(json.dumps(record), encoding="utf-8")
    failed = build(root, out=tmp_path / "offline", texts=False)
    assert failed.returncode != 0
    assert "made from a different text" in failed.output


def test_the_committed_record_is_sorted_and_matches_the_texts(sources_dir):
    """The committed record is deterministic and made from the texts as they are."""
    record = json.loads((ROOT / RECORD).read_text(encoding="utf-8"))
    assert record == sorted(record, key=lambda e: (e["key"], e["paragraph"], e["quote"], e["speaker"] or ""))
    for entry in record:
        assert entry["digest"] == digest(read_paragraphs(sources_dir, entry["key"])[entry["paragraph"]])


def test_sources_yaml_is_what_the_tool_derives(sources_dir):
    import importlib.util

    spec = importlib.util.spec_from_file_location("derive_sources", ROOT / "tools" / "derive_sources.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert (ROOT / "docs" / "_data" / "sources.yaml").read_text(encoding="utf-8") == tool.render(sources_dir)
    text = tool.render(sources_dir)
    for key in SOURCES:
        for paragraph in read_paragraphs(sources_dir, key).values():
            assert paragraph[:60] not in text  # digests only, no text


def test_the_build_driver_passes_make_quotations_option_to_sphinx(tmp_path, sources_dir):
    """`make quotations` goes through tools/build.py: what follows `--` reaches sphinx-build."""
    from conftest import run_build

    root = fixture_copy(tmp_path / "book")
    result = run_build("html", tmp_path / "out", root=root,
                       extra=["-D", "briefing_update_quotation_record=1"],
                       env_extra={"BRIEFING_SOURCES": str(sources_dir)})
    assert result.returncode == 0, result.output[-3000:]
    assert "-D briefing_update_quotation_record=1" in result.output.splitlines()[0]
    assert [e["quote"] for e in json.loads((root / RECORD).read_text(encoding="utf-8"))] == [
        "a victory in its strategy to assert sovereignty",
        "We have 40-50 patrols in a week, covering around 1000 kilometers."]
