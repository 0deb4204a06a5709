"""Stable addresses: labels required, published labels kept (or redirected), permalinks use them."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from book_pages import headings, inventory, page_order, published_labels, soup
from conftest import ROOT, SOURCES, run_build
from fixture_book import fixture_copy


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line == needle:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def a_published_section_label(root: Path = ROOT) -> tuple[str, Path]:
    """A published label of a section (not a chapter) and the file that defines it."""
    for label in published_labels(root):
        for path in sorted((root / "docs").rglob("*.md")):
            lines = path.read_text(encoding="utf-8").splitlines()
            for i, line in enumerate(lines[:-1]):
                if line == f"({label})=" and lines[i + 1].startswith("## "):
                    return label, path.relative_to(root)
    raise AssertionError("no published section label found in docs/")


# The checks of labels and redirects (briefing.labels) are the book's, run on a copy of the
# small fixture book (tests/fixtures/evidence_book, which has its own published-labels.txt)
# with that extension added: a build of it takes seconds, one of the whole book half a minute.


@pytest.fixture
def label_book(tmp_path) -> Path:
    root = fixture_copy(tmp_path / "book")
    conf = root / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + '\nextensions.append("briefing.labels")\n',
                    encoding="utf-8")
    assert (root / "docs/_data/published-labels.txt").is_file()
    return root


def build_html(root: Path, out: Path):
    """tools/build.py html, as `make html` runs it, on the given book."""
    return run_build("html", out, root=root, env_extra={"BRIEFING_SOURCES": str(SOURCES)})


def test_the_label_book_builds_with_its_published_labels(label_book, tmp_path):
    """The copy the label tests break is sound to begin with: its published labels all exist."""
    result = build_html(label_book, tmp_path / "out")
    assert result.returncode == 0, result.output[-3000:]
    assert len(published_labels(label_book)) >= 5
    labels = inventory(tmp_path / "out" / "html")["std:label"]
    assert set(published_labels(label_book)) <= set(labels)


def test_published_list_is_sorted_and_unique():
    labels = published_labels()
    assert len(labels) >= 20, f"only {len(labels)} published labels"
    assert labels == sorted(set(labels)), "published-labels.txt must be sorted, one label a line"


def test_every_published_label_is_defined_in_the_sources():
    """The committed list agrees with the sources (the build checks it too)."""
    defined = set()
    for path in (ROOT / "docs").rglob("*.md"):
        defined |= set(re.findall(r"^\(([a-z0-9-]+)\)=$", path.read_text(encoding="utf-8"), re.M))
    import yaml
    redirects = yaml.safe_load((ROOT / "docs/_data/redirects.yaml").read_text()) or {}
    redirected = set((redirects.get("labels") or {}))
    missing = [l for l in published_labels() if l not in defined and l not in redirected]
    assert not missing, f"published labels neither defined nor redirected: {missing}"


def test_unlabelled_section_fails_the_build_at_file_and_line(label_book, tmp_path):
    page = label_book / "docs" / "alpha.md"
    text = page.read_text(encoding="utf-8").rstrip("\n") + "\n\n## A heading without a label\n\nText.\n"
    page.write_text(text, encoding="utf-8")
    line = line_of(page, "## A heading without a label")
    result = build_html(label_book, tmp_path / "out")
    assert result.returncode != 0, "a section without a label must fail the build"
    assert re.search(rf"docs/alpha\.md:{line}: ERROR: section 'A heading without a label' has no label: "
                     r"add a label line `\(alpha-a-heading-without\)=` above this heading",
                     result.output), result.output[-3000:]


def test_removing_a_published_label_fails_the_build(label_book, tmp_path):
    label, rel = a_published_section_label(label_book)
    replace_once(label_book / rel, f"({label})=", f"({label}-renamed)=")
    published = label_book / "docs/_data/published-labels.txt"
    line = line_of(published, label)
    result = build_html(label_book, tmp_path / "out")
    assert result.returncode != 0, "renaming a published label without a redirect must fail the build"
    assert f"published-labels.txt:{line}: ERROR: published label {label!r} no longer exists" in result.output, \
        result.output[-3000:]


def test_a_declared_redirect_keeps_the_old_label_working(label_book, tmp_path):
    label, rel = a_published_section_label(label_book)
    new = f"{label}-renamed"
    replace_once(label_book / rel, f"({label})=", f"({new})=")
    page = str(rel.with_suffix("")).removeprefix("docs/")
    moved_from = f"old/{page}-first-edition"  # as if the page had lived there before
    import yaml
    redirects_file = label_book / "docs/_data/redirects.yaml"
    assert not redirects_file.exists()  # the fixture has none: only the test's own
    redirects = {"labels": {label: new}, "pages": {moved_from: page}}
    redirects_file.write_text(yaml.safe_dump(redirects))
    result = build_html(label_book, tmp_path / "out")
    assert f"published label {label!r} no longer exists" not in result.output
    assert result.returncode == 0, result.output[-3000:]
    html = tmp_path / "out" / "html"
    page = f"{page}.html"
    item = inventory(html)["std:label"][label]
    assert item.uri == f"{page}#{new}", "the old label must resolve to the new place in objects.inv"
    assert soup(html / page).find(id=label) is not None, "the old anchor must stay on the page"
    # Another page reached with the old anchor sends the reader to the new place.
    assert f'"{label}": "{page}#{new}"' in (html / "index.html").read_text(encoding="utf-8")
    stub = (html / f"{moved_from}.html").read_text(encoding="utf-8")
    target = posixpath.relpath(page, posixpath.dirname(moved_from))
    assert f'var target = "{target}"' in stub and "location.hash" in stub, stub


def test_every_heading_has_a_permalink_to_its_label(html_dir):
    labels = inventory(html_dir)["std:label"]
    checked = 0
    for page in page_order(html_dir) + ["index.html"]:
        for h in headings(html_dir, page):
            assert h.permalink == f"#{h.section_id}", f"{page}: heading {h.title!r} links to {h.permalink}"
            assert h.section_id in labels, f"{page}: section id {h.section_id!r} is not an explicit label"
            assert labels[h.section_id].uri.endswith(f"{page}#{h.section_id}")
            checked += 1
    assert checked >= len(published_labels()), f"only {checked} headings checked"


def test_a_wrong_redirect_fails_the_build_at_its_line(label_book, tmp_path):
    label, _rel = a_published_section_label(label_book)
    (label_book / "docs/_data/redirects.yaml").write_text(
        f"labels:\n  {label}: sources\n  retired-label: no-such-label\npages: {{}}\n")
    result = build_html(label_book, tmp_path / "out")
    assert result.returncode != 0, "a redirect that cannot be right must fail the build"
    assert (f"redirects.yaml:2: ERROR: redirect {label} -> sources: label {label!r} still exists"
            in result.output), result.output[-3000:]
    assert ("redirects.yaml:3: ERROR: redirect retired-label -> no-such-label: "
            "the new label 'no-such-label' does not exist" in result.output), result.output[-3000:]


def test_the_moved_linking_section_keeps_its_published_address(html_dir):
    """'how-to-cite-links' (published) moved from How to cite to the maintainers' appendix with
    its label: it resolves there in objects.inv, and How to cite keeps an anchor of that name on
    the line that points to the appendix, so the old address still leads to it."""
    assert "how-to-cite-links" in published_labels()
    item = inventory(html_dir)["std:label"]["how-to-cite-links"]
    assert item.uri == "appendix-linking.html#how-to-cite-links", item.uri
    assert soup(html_dir / "appendix-linking.html").find(id="how-to-cite-links") is not None
    anchor = soup(html_dir / "how-to-cite.html").find(id="how-to-cite-links")
    assert anchor is not None, "how-to-cite.html#how-to-cite-links leads nowhere"
    links = [a["href"] for a in anchor.find_parent("p").select("a[href]")]
    assert any(href.startswith("appendix-linking.html") for href in links), links
