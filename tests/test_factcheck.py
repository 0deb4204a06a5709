"""The fact-check sheet (make factcheck) and the review ledger (make review).

The sheet must list every claim the book makes, each beside the full text of the paragraphs
it cites and linked to its place in the HTML edition; the ledger must notice by itself when a
checked claim changes (its sentence, or a cited paragraph) and report it as changed since
review. Small cases use a copy of the evidence fixture book; counts and links use the book.
"""

from __future__ import annotations

import json
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import launcher
from conftest import ROOT, SOURCES, plain_env, shared_build
from fixture_book import CACHE, fixture_copy, replace_in

from briefing import sourcetext

# --- helpers ------------------------------------------------------------------------------


def factcheck(root: Path, sources: Path = SOURCES):
    """Build the fixture copy's sheet with sphinx-build -b factcheck, as tools/build.py does."""
    out = root / "_build" / "factcheck"
    env = plain_env(BRIEFING_SOURCES=str(sources), BRIEFING_MERMAID_CACHE=str(CACHE),
                    SOURCE_DATE_EPOCH="0")
    env.setdefault("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium")
    cmd = [sys.executable, "-m", "sphinx", "-b", "factcheck", "-W", "--keep-going", "-n",
           "-c", str(root), "-d", str(root / "_build" / "doctrees"), str(root / "docs"), str(out)]
    proc = launcher.run(cmd, cwd=root, env=env)
    return proc.returncode, proc.stdout + proc.stderr, out


def claims_of(out: Path) -> dict[tuple[str, str], dict]:
    sheet = json.loads((out / "claims.json").read_text(encoding="utf-8"))
    return {(c["file"], c["id"]): c for c in sheet["claims"]}


def review(root: Path, *args: str) -> subprocess.CompletedProcess:
    return launcher.run([sys.executable, "-m", "briefing.reviews", "--root", str(root),
                         "--claims", str(root / "_build" / "factcheck" / "claims.json"), *args],
                        cwd=ROOT, env=plain_env())


def built(root: Path, sources: Path = SOURCES) -> dict[tuple[str, str], dict]:
    rc, output, out = factcheck(root, sources)
    assert rc == 0, output[-4000:]
    return claims_of(out)


def statuses(claims: dict) -> dict[tuple[str, str], str]:
    return {k: c["status"] for k, c in claims.items()}


@pytest.fixture
def fixture_book(tmp_path) -> Path:
    return fixture_copy(tmp_path / "book")


@pytest.fixture
def reviewed_book(fixture_book) -> Path:
    """The fixture book with every claim recorded as reviewed."""
    built(fixture_book)
    proc = review(fixture_book, "--all")
    assert proc.returncode == 0, proc.stderr
    assert set(statuses(built(fixture_book)).values()) == {"reviewed"}
    return fixture_book


# --- what a claim is ------------------------------------------------------------------------


def test_two_citations_in_one_paragraph_are_two_claims_each_with_its_own_sentence(fixture_book):
    alpha = fixture_book / "docs" / "alpha.md"
    replace_in(alpha, "Opening paragraph {src}`cw:1`.",
               "The U.S. agreed {src}`cw:1`. Then Iran said no. Russia left {src}`cw:8`, and "
               "Iran stayed {src}`cw:11`. Nothing follows.")
    claims = built(fixture_book)
    texts = {c["id"]: c["text"] for (f, _), c in claims.items() if f == "docs/alpha.md"}
    # an abbreviation does not end a sentence; an uncited sentence goes with the next cited one;
    # two citations in one sentence share it; a trailing uncited sentence is no claim's
    assert texts["alpha--c1"] == "The U.S. agreed [cw:1]."
    assert texts["alpha--c2"] == "Then Iran said no. Russia left [cw:8], and Iran stayed [cw:11]."
    assert texts["alpha--c3"] == texts["alpha--c2"]
    # the two claims of the fixture's second paragraph: one per line, each its own sentence
    assert texts["alpha-one--c1"] == "Several passages [cw:6; cw:8; emp:2]."
    assert texts["alpha-one--c2"] == ("Richard Giragosian calls the withdrawal “a victory in its "
                                      "strategy to assert sovereignty” [emp:16].")
    lines = {c["id"]: c["line"] for (f, _), c in claims.items() if f == "docs/alpha.md"}
    assert lines["alpha-one--c1"] == 9 and lines["alpha-one--c2"] == 10


def test_a_citation_alone_in_a_table_cell_claims_its_row(fixture_book):
    with open(fixture_book / "docs" / "alpha.md", "a", encoding="utf-8") as fh:
        fh.write("\n| Post | Change | Source |\n|---|---|---|\n"
                 "| Zvartnots | Presence ended {src}`cw:8` | {src}`cw:1` |\n")
    claims = built(fixture_book)
    texts = {c["id"]: c["text"] for (f, _), c in claims.items() if f == "docs/alpha.md"}
    assert texts["alpha-two--c2"] == "Presence ended [cw:8]"
    assert texts["alpha-two--c3"] == "Post: Zvartnots | Change: Presence ended (Caucasus Watch, para. 8) [cw:1]"


def test_claim_ids_and_digests_are_the_same_in_every_build(fixture_book):
    first = built(fixture_book)
    shutil.rmtree(fixture_book / "_build")
    second = built(fixture_book)
    assert {k: c["digest"] for k, c in first.items()} == {k: c["digest"] for k, c in second.items()}
    assert [c["anchor"] for c in first.values()] == [c["anchor"] for c in second.values()]


def test_sheet_marks_each_claims_own_citation_and_highlights_quotations(fixture_book):
    rc, output, out = factcheck(fixture_book)
    assert rc == 0, output[-4000:]
    page = BeautifulSoup((out / "chapter-alpha.html").read_text(encoding="utf-8"), "lxml")
    claim = page.find(id="alpha-one--c2")
    assert claim.select_one(".cite.own").get_text() == "[emp:16]"
    assert claim.select_one("q.quote").get_text() == "“a victory in its strategy to assert sovereignty”"
    marked = claim.select_one("mark.q")
    assert marked is not None, "the quoted words are not marked in the cited paragraph"
    assert sourcetext.normalise(marked.get_text()) == "a victory in its strategy to assert sovereignty"


def test_judgments_and_data_entries_are_on_the_sheet_with_their_evidence(fixture_book):
    claims = built(fixture_book)
    judgment = claims[("docs/beta.md", "beta-one--j1")]
    assert judgment["kind"] == "judgment" and judgment["passages"] == ["cw:6"]
    assert judgment["evidence"] == ["beta-one--c3"]
    chronology = yaml_ids(fixture_book / "docs" / "_data" / "chronology.yaml")
    assert {i for f, i in claims if f == "docs/_data/chronology.yaml"} == chronology
    assert claims[("docs/_data/chronology.yaml", "iran-checkpoint")]["passages"] == ["cw:1", "cw:11"]
    assert sum(f == "docs/_data/relations.yaml" for f, _ in claims) == 2


def yaml_ids(path: Path) -> set[str]:
    return set(re.findall(r"^- id: (\S+)$", path.read_text(encoding="utf-8"), re.M))


# --- the ledger goes stale by itself -------------------------------------------------------------


def test_a_claim_never_recorded_is_never_reviewed(fixture_book):
    built(fixture_book)
    proc = review(fixture_book, "docs/alpha.md")
    assert proc.returncode == 0, proc.stderr
    after = statuses(built(fixture_book))
    assert {s for (f, _), s in after.items() if f == "docs/alpha.md"} == {"reviewed"}
    assert {s for (f, _), s in after.items() if f != "docs/alpha.md"} == {"never reviewed"}


def test_a_citation_inserted_before_reviewed_ones_is_never_reviewed_and_they_stay_reviewed(reviewed_book):
    replace_in(reviewed_book / "docs" / "alpha.md", "Several passages",
               "A new claim {src}`emp:18`. Several passages")
    after = statuses(built(reviewed_book))
    assert after[("docs/alpha.md", "alpha-one--c1")] == "never reviewed"   # the new one
    assert after[("docs/alpha.md", "alpha-one--c2")] == "reviewed"         # was alpha-one--c1
    assert after[("docs/alpha.md", "alpha-one--c3")] == "reviewed"


def test_editing_a_sentence_sends_its_claim_back_to_changed(reviewed_book):
    replace_in(reviewed_book / "docs" / "alpha.md", "Opening paragraph", "Opening passage")
    after = statuses(built(reviewed_book))
    assert after.pop(("docs/alpha.md", "alpha--c1")) == "changed since review"
    assert set(after.values()) == {"reviewed"}


def test_rewording_a_judgments_evidence_sends_the_judgment_back_to_changed(fixture_book):
    replace_in(fixture_book / "docs" / "beta.md", "Russia keeps its base {src}`cw:6`.\n:::",
               "Russia keeps its base {src}`cw:6`.\n:::\n\nEvidence: the base stays {src}`cw:8`.")
    built(fixture_book)
    assert review(fixture_book, "--all").returncode == 0
    replace_in(fixture_book / "docs" / "beta.md", "the base stays", "the base remains")
    claims = built(fixture_book)
    assert claims[("docs/beta.md", "beta-one--j1")]["evidence"] == ["beta-one--c3", "beta-one--c4"]
    after = statuses(claims)
    assert after.pop(("docs/beta.md", "beta-one--c4")) == "changed since review"
    assert after.pop(("docs/beta.md", "beta-one--j1")) == "changed since review"
    assert set(after.values()) == {"reviewed"}


def test_editing_a_chronology_entry_sends_it_back_to_changed(reviewed_book):
    replace_in(reviewed_book / "docs" / "_data" / "chronology.yaml", "event: EU monitors arrive",
               "event: EU monitors arrive in force")
    after = statuses(built(reviewed_book))
    assert after.pop(("docs/_data/chronology.yaml", "eu-monitors")) == "changed since review"
    assert set(after.values()) == {"reviewed"}


def test_editing_a_timeline_headline_sends_its_entry_back_to_changed(reviewed_book):
    replace_in(reviewed_book / "docs" / "_data" / "chronology.yaml", "headline: EU monitors arrive",
               "headline: EU monitors arrive in force")
    after = statuses(built(reviewed_book))
    assert after.pop(("docs/_data/chronology.yaml", "eu-monitors")) == "changed since review"
    assert set(after.values()) == {"reviewed"}


def test_a_changed_source_paragraph_sends_the_claims_citing_it_back_to_changed(reviewed_book, tmp_path):
    """A corrected or re-numbered source: its paragraph digest in sources.yaml changes."""
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    slug = sourcetext.SOURCES["cw"][0]
    record = json.loads((sources / f"{slug}.json").read_text(encoding="utf-8"))
    block = next(b for b in record["blocks"] if b.get("paragraph") == 1)
    old = sourcetext.digest(block["text"])
    block["text"] += " A sentence added by a correction."
    (sources / f"{slug}.json").write_text(json.dumps(record), encoding="utf-8")
    replace_in(reviewed_book / "docs" / "_data" / "sources.yaml", old, sourcetext.digest(block["text"]))
    claims = built(reviewed_book, sources)
    changed = {k for k, c in claims.items() if c["status"] == "changed since review"}
    citing = {k for k, c in claims.items() if "cw:1" in c["passages"]}
    assert changed == citing
    assert ("docs/alpha.md", "alpha--c1") in changed and ("docs/beta.md", "beta-one--c1") in changed
    assert {c["status"] for k, c in claims.items() if k not in citing} == {"reviewed"}
    page = (reviewed_book / "_build" / "factcheck" / "chapter-alpha.html").read_text(encoding="utf-8")
    assert "A sentence added by a correction." in page


def test_a_source_text_that_differs_from_sources_yaml_fails_the_sheet(fixture_book, tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    slug = sourcetext.SOURCES["cw"][0]
    record = json.loads((sources / f"{slug}.json").read_text(encoding="utf-8"))
    next(b for b in record["blocks"] if b.get("paragraph") == 1)["text"] += " Changed."
    (sources / f"{slug}.json").write_text(json.dumps(record), encoding="utf-8")
    rc, output, _ = factcheck(fixture_book, sources)
    assert rc != 0
    assert "cw:1 in the source texts differs from docs/_data/sources.yaml" in output


# --- bad input --------------------------------------------------------------------------------


def test_a_bad_ledger_entry_fails_the_build_and_the_review_command_at_its_line(fixture_book):
    built(fixture_book)
    ledger = fixture_book / "docs" / "_data" / "reviews.yaml"
    ledger.write_text('docs/alpha.md:\n  "alpha--c1": "' + "a" * 64 + '"\n  "alpha-one--c1": "not-a-digest"\n',
                      encoding="utf-8")
    rc, output, _ = factcheck(fixture_book)
    assert rc != 0
    assert re.search(r"docs/_data/reviews\.yaml:3: docs/alpha\.md\.alpha-one--c1: 'not-a-digest' does not "
                     r"match", output), output[-3000:]
    proc = review(fixture_book, "--all")
    assert proc.returncode != 0
    assert "docs/_data/reviews.yaml:3:" in proc.stderr


def test_a_ledger_entry_for_a_missing_file_fails_at_its_line(fixture_book):
    ledger = fixture_book / "docs" / "_data" / "reviews.yaml"
    ledger.write_text('docs/alpha.md:\n  "alpha--c1": "' + "a" * 64 + '"\ndocs/gone.md:\n  "gone--c1": "'
                      + "b" * 64 + '"\n', encoding="utf-8")
    rc, output, _ = factcheck(fixture_book)
    assert rc != 0
    assert "docs/_data/reviews.yaml:3: docs/gone.md: no such file" in output, output[-3000:]


def test_review_refuses_a_file_edited_after_the_sheet_was_built(fixture_book):
    built(fixture_book)
    replace_in(fixture_book / "docs" / "alpha.md", "Opening paragraph", "Opening passage")
    proc = review(fixture_book, "docs/alpha.md")
    assert proc.returncode != 0
    assert "docs/alpha.md: changed since the sheet was built" in proc.stderr
    assert not (fixture_book / "docs" / "_data" / "reviews.yaml").exists()


def test_review_names_a_file_that_holds_no_claims(fixture_book):
    built(fixture_book)
    proc = review(fixture_book, "docs/method.md")
    assert proc.returncode != 0 and "docs/method.md: holds no claims" in proc.stderr


# --- the whole book ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book_sheet(tmp_path_factory, built_html):
    """The book's HTML edition and its fact-check sheet, built side by side as make does, from
    the same snapshot of the sources (tests/conftest.py)."""
    rc, output = shared_build(tmp_path_factory, "factcheck")
    assert rc == 0, output[-4000:]
    return built_html.out, output


def resolved_citations(doctrees: Path) -> dict[str, int]:
    """Per page, the {src} roles and quotations the HTML build resolved into citations."""
    counts = {}
    for path in sorted(doctrees.rglob("*.doctree")):
        with open(path, "rb") as fh:
            doctree = pickle.load(fh)
        docname = path.relative_to(doctrees).with_suffix("").as_posix()
        n = 0
        for node in doctree.findall():
            attributes = getattr(node, "attributes", {})
            if "briefing_passages" in attributes and node.rawsource.startswith(":src:"):
                n += 1
            if "briefing_quote" in attributes:
                n += 1  # a {q} role or {quotation} block: its quotation carries one citation
        if n:
            counts[docname] = n
    return counts


def test_sheet_counts_one_claim_per_citation_the_build_resolved(book_sheet):
    out, output = book_sheet
    expected = resolved_citations(out / "doctrees" / "html")
    sheet = json.loads((out / "factcheck" / "claims.json").read_text(encoding="utf-8"))
    found: dict[str, int] = {}
    for c in sheet["claims"]:
        if c["kind"] == "prose":
            found[c["page"]] = found.get(c["page"], 0) + 1
    assert found == expected
    shown = 0
    for page in (out / "factcheck").glob("chapter-*.html"):
        shown += len(BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select("section.claim"))
    assert shown == sum(expected.values())
    m = re.search(r"factcheck: (\d+) claims \((\d+) in prose", output)
    assert m and int(m.group(2)) == sum(expected.values())


def test_sheet_links_every_claim_to_an_existing_anchor_of_the_html_edition(book_sheet):
    out, _ = book_sheet
    missing, checked, pages = [], 0, {}
    for page in sorted((out / "factcheck").glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for claim in soup.select("section.claim"):
            link = claim.select_one("a.book")
            assert link is not None, f"{page.name}: claim {claim['id']} has no link to the book"
            target, _, fragment = link["href"].partition("#")
            path = (page.parent / target).resolve()
            if path not in pages:
                pages[path] = ({el["id"] for el in BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
                               .find_all(id=True)} if path.is_file() else None)
            checked += 1
            if pages[path] is None or (fragment and fragment not in pages[path]):
                missing.append(f"{page.name}: {claim['id']} -> {link['href']}")
    assert checked > 0
    assert not missing, "links to no anchor:\n" + "\n".join(missing[:20])


def test_sheet_shows_the_full_text_of_every_cited_paragraph(book_sheet, sources_dir):
    out, _ = book_sheet
    paragraphs = {key: sourcetext.read_paragraphs(sources_dir, key) for key in sourcetext.SOURCES}
    sheet = json.loads((out / "factcheck" / "claims.json").read_text(encoding="utf-8"))
    pages = {}
    for page in (out / "factcheck").glob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        pages.update({s["id"]: s for s in soup.select("section.claim")})
    absent = []
    for c in sheet["claims"]:
        shown = " ".join(p.get_text() for p in pages[c["id"]].select(".para p"))
        for passage in c["passages"]:
            key, _, n = passage.partition(":")
            if " ".join(paragraphs[key][int(n)].split()) not in " ".join(shown.split()):
                absent.append(f"{c['file']}:{c['line']} {passage}")
    assert not absent, "cited paragraphs not shown in full:\n" + "\n".join(absent[:20])


def test_committed_ledger_covers_every_claim_of_the_book_with_none_stale(book_sheet):
    """Fails until an editor has checked every claim and recorded it (make review DOCS=--all)."""
    out, _ = book_sheet
    sheet = json.loads((out / "factcheck" / "claims.json").read_text(encoding="utf-8"))
    open_claims = [f"{c['file']}:{c['line']} {c['id']}: {c['status']}" for c in sheet["claims"]
                   if c["status"] != "reviewed"]
    assert not open_claims, (f"{len(open_claims)} of {len(sheet['claims'])} claims not reviewed "
                             "(check them on the sheet, then make review):\n" + "\n".join(open_claims[:30]))


def test_a_sheet_built_on_an_html_builds_environment_still_has_every_claim(tmp_path):
    """The HTML edition saves no claim texts; a sheet built on its environment (one doctree
    directory for both builders) must read them again rather than show an empty sheet."""
    from fixture_book import build

    alone = fixture_copy(tmp_path / "alone")
    rc, output, out = factcheck(alone)
    assert rc == 0, output[-3000:]
    expected = claims_of(out)
    assert expected, "the fixture book has claims"

    shared = fixture_copy(tmp_path / "shared")
    html = build(shared, doctrees=shared / "_build" / "doctrees")
    assert html.returncode == 0, html.output[-3000:]
    rc, output, out = factcheck(shared)
    assert rc == 0, output[-3000:]
    assert claims_of(out).keys() == expected.keys()
