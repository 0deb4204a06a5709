"""The build pipeline: strict build, offline pages, diagrams in HTML and PDF, atomic and
reproducible builds, and errors that name the file and line."""

from __future__ import annotations

import hashlib
import pickle
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from sphinxcontrib.mermaid import mermaid

from conftest import BUILD, CACHE, RENDERED, ROOT, BuildResult, copy_book, plain_env, run_build

EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
RESOURCE_ATTRS = {
    "script": ["src"],
    "link": ["href"],
    "img": ["src", "srcset"],
    "iframe": ["src"],
    "source": ["src", "srcset"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "image": ["href", "xlink:href"],
    "use": ["href", "xlink:href"],
}


def html_pages(html_dir: Path) -> list[Path]:
    pages = sorted(html_dir.rglob("*.html"))
    assert pages, f"no HTML pages in {html_dir}"
    return pages


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def ids_of(page: BeautifulSoup) -> set[str]:
    return {el["id"] for el in page.find_all(id=True)} | {el["name"] for el in page.find_all("a", attrs={"name": True})}


def snapshot(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*")) if p.is_file()
    }


def doctree_diagram_counts(doctrees: Path) -> dict[str, int]:
    counts = {}
    for path in doctrees.rglob("*.doctree"):
        docname = str(path.relative_to(doctrees).with_suffix(""))
        tree = pickle.loads(path.read_bytes())
        counts[docname] = sum(1 for _ in tree.findall(mermaid))
    return counts


# --- the built book -----------------------------------------------------------------


def test_book_builds_strictly(built_book):
    log = built_book.output
    assert "-W" in log and "-n" in log, "the build must run with -W -n"
    assert "build succeeded" in log
    assert "WARNING" not in log and "ERROR" not in log


def test_internal_links_and_fragments_resolve(html_dir):
    pages = html_pages(html_dir)
    ids = {page: ids_of(soup(page)) for page in pages}
    broken = []
    checked = 0
    for page in pages:
        for a in soup(page).find_all("a", href=True):
            href = a["href"]
            if EXTERNAL.match(href) or href.startswith(("mailto:", "javascript:", "data:")):
                continue
            parts = urlsplit(href)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(html_dir)}: {href} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html":
                if parts.fragment not in ids.get(target, set()):
                    broken.append(f"{page.relative_to(html_dir)}: {href} (no #{parts.fragment} there)")
    assert checked > 20, f"only {checked} internal links found: is the book built?"
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_pages_load_nothing_from_the_network(html_dir):
    offenders = []
    for page in html_pages(html_dir):
        doc = soup(page)
        for tag, attrs in RESOURCE_ATTRS.items():
            for el in doc.find_all(tag):
                for attr in attrs:
                    value = el.get(attr)
                    if not value:
                        continue
                    if tag == "link" and not set(el.get("rel", [])) & {
                        "stylesheet", "preload", "icon", "modulepreload", "prefetch", "manifest"
                    }:
                        continue
                    for url in re.split(r",\s*", value):
                        if EXTERNAL.match(url.strip()):
                            offenders.append(f"{page.relative_to(html_dir)}: <{tag} {attr}={url}>")
        for style in doc.find_all("style"):
            if re.search(r"(@import|url\()\s*['\"]?(https?:)?//", style.get_text()):
                offenders.append(f"{page.relative_to(html_dir)}: <style> loads a remote resource")
    for css in html_dir.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        for match in re.finditer(r"(?:@import\s+|url\()\s*['\"]?((?:https?:)?//[^'\")\s]+)", text):
            offenders.append(f"{css.relative_to(html_dir)}: {match.group(1)}")
    assert not offenders, "resources from the network:\n" + "\n".join(offenders)


def test_pages_load_only_the_assets_they_use(html_dir):
    """sphinx-design's and Pygments' files are linked exactly from the pages that use them."""
    loads_code_style = loads_preview_data = 0
    for page in html_pages(html_dir):
        doc = soup(page)
        linked = {Path(urlsplit(el["href"]).path).name for el in doc.select("link[rel~=stylesheet]")}
        linked |= {Path(urlsplit(el["src"]).path).name for el in doc.select("script[src]")}
        body = doc.select_one("article") or doc.body
        uses_design = bool(body.select('[class^="sd-"], [class*=" sd-"]'))
        uses_tabs = bool(body.select('[class^="sd-tab"], [class*=" sd-tab"]'))
        uses_code = bool(body.select(".highlight"))
        name = page.relative_to(html_dir)
        assert ("sphinx-design.min.css" in linked) == uses_design, name
        assert ("design-tabs.js" in linked) == uses_tabs, name
        assert ("pygments.css" in linked) == uses_code, name
        loads_code_style += uses_code
        data = html_dir / "_static" / "previews" / name.with_suffix(".js")
        if data.is_file():  # files added per page by other extensions survive the filter
            loads_preview_data += 1
            assert any(Path(urlsplit(el["src"]).path).as_posix().endswith(f"previews/{name.with_suffix('.js').as_posix()}")
                       for el in doc.select("script[src]")), f"{name} does not load its preview data"
    assert loads_code_style >= 1, "no page shows code (How to cite has BibTeX): the check saw nothing"
    assert loads_preview_data > 20, loads_preview_data


def test_asset_rule_keeps_sphinx_design_where_a_page_uses_it():
    from briefing.theme import asset_used

    assert asset_used("sphinx-design.min.css?v=1", '<div class="sd-card sd-shadow-sm">')
    assert asset_used("sphinx-design.min.css", '<div class="docutils sd-container-fluid">')
    assert asset_used("design-tabs.js", '<div class="sd-tab-set docutils">')
    assert not asset_used("design-tabs.js", '<div class="sd-card">')
    assert not asset_used("sphinx-design.min.css", '<p class="wsd-x">text about sd-cards</p>')
    assert asset_used("styles/furo.css", "")  # anything not named stays on every page


def test_every_mermaid_block_is_a_diagram_in_the_html(built_book, html_dir):
    counts = doctree_diagram_counts(built_book.out / "doctrees" / "html")
    assert sum(counts.values()) >= 1, "the book has no diagram to check"
    for docname, expected in counts.items():
        page = html_dir / f"{docname}.html"
        svgs = soup(page).select(".briefing-diagram svg")
        assert len(svgs) == expected, f"{docname}: {expected} Mermaid blocks, {len(svgs)} diagrams"
        for svg in svgs:
            assert svg.get("aria-label") or svg.get("aria-labelledby"), f"{docname}: diagram without a name"
    all_ids = [el["id"] for page in html_pages(html_dir) for el in soup(page).select("svg[id]")]
    per_page = {}
    for page in html_pages(html_dir):
        page_ids = [el["id"] for el in soup(page).find_all(id=True)]
        dupes = {i for i in page_ids if page_ids.count(i) > 1}
        if dupes:
            per_page[page.name] = sorted(dupes)[:5]
    assert all_ids
    assert not per_page, f"duplicate ids within a page: {per_page}"


def test_diagram_paths_carry_no_more_precision_than_a_screen_shows(html_dir):
    long_numbers = re.compile(r"\d+\.\d{3,}")
    paths = 0
    for page in html_pages(html_dir):
        for path in soup(page).select(".briefing-diagram svg path[d]"):
            paths += 1
            found = long_numbers.search(path["d"])
            assert found is None, f"{page.relative_to(html_dir)}: {found.group(0)} in a diagram path"
    assert paths > 100, f"only {paths} diagram paths found"


def test_every_mermaid_block_is_a_vector_image_in_the_pdf(built_book, pdf_path):
    counts = doctree_diagram_counts(built_book.out / "doctrees" / "latex")
    tex = (built_book.out / "latex" / "briefing.tex").read_text(encoding="utf-8")
    includes = re.findall(r"\\sphinxincludegraphics\[[^\]]*\]\{\{?(mermaid-[0-9a-f]+)\}?\.pdf\}?", tex)
    includes += re.findall(r"\\sphinxincludegraphics\[[^\]]*\]\{(mermaid-[0-9a-f]+)\.pdf\}", tex)
    assert len(set(includes)) >= 1
    assert len(re.findall(r"mermaid-[0-9a-f]+\.pdf", tex)) == sum(counts.values())
    for name in set(includes):
        assert (built_book.out / "latex" / f"{name}.pdf").is_file(), f"{name}.pdf missing"
    forms = 0
    for page in PdfReader(pdf_path).pages:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources else None
        if xobjects:
            forms += sum(1 for x in xobjects.get_object().values() if x.get_object().get("/Subtype") == "/Form")
    assert forms >= len(set(includes)), f"{forms} vector figures in the PDF for {len(set(includes))} diagrams"


def test_pdf_has_bookmarks_and_every_chapter_title(html_dir, pdf_path):
    reader = PdfReader(pdf_path)
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline, "the PDF has no bookmarks"
    index = soup(html_dir / "index.html")
    chapters = [a.get_text(" ", strip=True) for a in index.select(".toctree-wrapper > ul > li > a")]
    assert chapters, "no chapters in the table of contents"
    # poppler's pdftotext: pypdf's extract_text takes seconds of CPU for a 140-page book
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", "-raw", str(pdf_path), "-"], capture_output=True,
                                              text=True, check=True).stdout)
    for title in chapters:
        bare = re.sub(r"^[\d.]+\s*", "", title)
        assert any(bare in mark for mark in outline), f"no bookmark for chapter {title!r}"
        assert bare.split()[0] in text, f"chapter title {bare!r} not in the PDF text"


# --- bad input fails with file and line, and keeps the last good output --------------


# The small fixture book (tests/fixtures/evidence_book) goes through the same driver and the
# same extensions as the book, in seconds: what is checked here is the pipeline's answer to a
# bad input (file:line, failed build, last good output kept), not the book's content.
BAD_INPUTS = {
    "mermaid-syntax": (
        "alpha.md",
        "\n\n```{mermaid}\nflowchart LR\n  accTitle: Broken\n  A --> B -->\n  B[[[ )\n```\n",
        r"alpha\.md:\d+.*(?:[Pp]arse error|[Ss]yntax error)",
    ),
    "dangling-reference": (
        "alpha.md",
        "\n\nSee {ref}`no-such-label-anywhere`.\n",
        r"alpha\.md:\d+.*no-such-label-anywhere",
    ),
    "missing-toctree-document": (
        "index.md",
        None,
        r"index\.md:\d+.*(nonexisting|non-existing|unknown) document.*chapter-that-does-not-exist",
    ),
}


def build_fixture(root: Path, out: Path):
    from conftest import SOURCES

    return run_build("html", out, root=root, env_extra={"BRIEFING_SOURCES": str(SOURCES)})


@pytest.fixture(scope="module")
def last_good_fixture_html(tmp_path_factory) -> Path:
    """The fixture book's HTML from a good build: the last good output a bad build must keep."""
    from fixture_book import fixture_copy

    base = tmp_path_factory.mktemp("last-good")
    good = build_fixture(fixture_copy(base / "book"), base / "out")
    assert good.returncode == 0, good.output[-3000:]
    return base / "out" / "html"


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_fails_with_file_line_and_keeps_last_output(case, last_good_fixture_html, tmp_path):
    from fixture_book import fixture_copy

    filename, addition, pattern = BAD_INPUTS[case]
    book = fixture_copy(tmp_path / "book")
    out = tmp_path / "out"
    shutil.copytree(last_good_fixture_html, out / "html")
    before = snapshot(out / "html")
    path = book / "docs" / filename
    text = path.read_text(encoding="utf-8")
    if addition is None:
        text = re.sub(r"(\{toctree\}\n(?::.*\n)*\n)", r"\1chapter-that-does-not-exist\n", text, count=1)
        assert "chapter-that-does-not-exist" in text
    else:
        text += addition
    path.write_text(text, encoding="utf-8")
    result = build_fixture(book, out)
    assert result.returncode != 0, f"{case}: the build should fail"
    assert re.search(pattern, result.output), f"{case}: message lacks file:line:\n{result.output[-3000:]}"
    assert snapshot(out / "html") == before, f"{case}: the last good output changed"
    if case == "dangling-reference":
        # The error is still there: the next (incremental) build must fail again, not pass
        # because nothing needs re-reading.
        again = build_fixture(book, out)
        assert again.returncode != 0, "a rebuild after a failed build passed with the error still in place"
        assert re.search(pattern, again.output)


# --- cache and reproducibility ---------------------------------------------------------


@dataclass
class Rebuilds:
    """One copy of the book built the ways an author's day builds it, each result with the
    pages as they were right after that build (later builds write over the same output)."""
    cold: BuildResult        # clean, every diagram rendered (empty cache), hash seed 1 -> a/
    cold_pages: dict
    no_op: BuildResult       # again over a/, nothing changed
    parallel: BuildResult    # clean, -j 2, diagrams from a copy of the book's cache, seed 2 -> b/
    parallel_pages: dict
    rewritten: BuildResult   # -E over a/: every page written again over the last output, seed 4
    rewritten_pages: dict
    edited: BuildResult      # over a/, after one chapter was edited (a table added first)
    numbers_before_edit: list  # the chapter's table and figure numbers, before and after
    numbers_after_edit: list


@pytest.fixture(scope="module")
def rebuilds(tmp_path_factory) -> Rebuilds:
    from conftest import SOURCES

    base = tmp_path_factory.mktemp("rebuilds")
    book = copy_book(base / "book")
    texts = {"BRIEFING_SOURCES": str(SOURCES)}

    def build(out: str, cache: str, *extra: str, **env: str) -> BuildResult:
        result = run_build("html", base / out, root=book, cache=base / cache, extra=list(extra),
                           env_extra={**texts, **env})
        assert result.returncode == 0, result.output[-4000:]
        return result

    # Different hash seeds: output must not depend on set or dict ordering.
    cold = build("a", "cache-a", PYTHONHASHSEED="1")
    cold_pages = snapshot(base / "a" / "html")
    no_op = build("a", "cache-a")
    # The parallel build takes its diagrams from the book's cache, rendered by other runs
    # (one cold build is all the cache test needs): its pages must still equal those of a
    # build that has just rendered every diagram.
    # (On a fresh clone the book's cache may not exist yet: the build then renders them.)
    if CACHE.is_dir():
        shutil.copytree(CACHE, base / "cache-b", ignore=shutil.ignore_patterns("last-run.json", "*.tmp*"))
    parallel = build("b", "cache-b", "-j", "2", PYTHONHASHSEED="2")
    parallel_pages = snapshot(base / "b" / "html")
    rewritten = build("a", "cache-a", "-E", PYTHONHASHSEED="4")
    rewritten_pages = snapshot(base / "a" / "html")
    chapter = book / "docs" / "actors" / "georgia.md"
    page = base / "a" / "html" / "actors" / "georgia.html"
    numbers_before = caption_numbers(page)
    text = chapter.read_text(encoding="utf-8")
    first_section = text.index("\n(georgia-at-a-glance)=")
    chapter.write_text(text[:first_section] + ADDED_TABLE + text[first_section:], encoding="utf-8")
    edited = build("a", "cache-a")
    return Rebuilds(cold, cold_pages, no_op, parallel, parallel_pages, rewritten, rewritten_pages, edited,
                    numbers_before, caption_numbers(page))


ADDED_TABLE = """
:::{list-table} A table added before the chapter's others
:header-rows: 1

* - Column
* - Cell
:::
"""


def caption_numbers(page: Path) -> list[str]:
    """"Table 13.1", "Figure 13.1", ... in the order the page shows them."""
    return re.findall(r'class="caption-number">\s*((?:Table|Figure) [\d.]+?)[\s:]',
                      page.read_text(encoding="utf-8"))


def differences(a: dict, b: dict) -> str:
    if a.keys() != b.keys():
        return f"file sets differ: {sorted(a.keys() ^ b.keys())[:10]}"
    return f"files differ: {[name for name in a if a[name] != b[name]][:10]}"


def test_diagrams_render_once_then_come_from_the_cache(rebuilds):
    rendered, total = rebuilds.cold.rendered
    assert total >= 1 and rendered == total, f"cold build rendered {rendered} of {total}"
    assert rebuilds.no_op.rendered == (0, total), f"second build rendered {rebuilds.no_op.rendered[0]} diagrams"


def test_two_builds_sharing_a_cold_cache_render_each_diagram_once(tmp_path):
    """Builds that share a diagram cache take turns to render into it (mermaid_render's
    cache lock): started together on an empty cache, one renders and the other reads."""
    from conftest import SOURCES
    from fixture_book import fixture_copy

    env = plain_env(BRIEFING_MERMAID_CACHE=str(tmp_path / "cache"), BRIEFING_SOURCES=str(SOURCES))
    books = [fixture_copy(tmp_path / f"book-{n}") for n in (1, 2)]
    builds = [subprocess.Popen([sys.executable, str(BUILD), "html", "--out", str(book.parent / f"out-{book.name}"),
                                "--root", str(book)], cwd=book, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True) for book in books]
    outputs = [build.communicate()[0] for build in builds]
    assert all(build.returncode == 0 for build in builds), "\n".join(o[-2000:] for o in outputs)
    counts = [tuple(map(int, RENDERED.findall(output)[-1])) for output in outputs]
    total = counts[0][1]
    assert total >= 1 and sum(rendered for rendered, _ in counts) == total, counts


def test_clean_builds_are_byte_identical_whatever_the_seed_cache_or_jobs(rebuilds):
    """parallel_read_safe is declared, so `-j 2` must give exactly what `-j 1` gives; and
    neither the hash seed nor where the diagrams came from may show in the output."""
    assert "waiting for workers" in rebuilds.parallel.output or "-j 2" in rebuilds.parallel.output.splitlines()[0]
    assert rebuilds.cold_pages == rebuilds.parallel_pages, differences(rebuilds.cold_pages, rebuilds.parallel_pages)


def test_rewriting_every_page_over_the_last_output_gives_a_clean_builds_pages(rebuilds):
    """An edit re-writes pages over the last good output: they must be what a clean build
    writes (per-page data left from the last build once gave them a stale ?v= checksum)."""
    assert rebuilds.rewritten_pages == rebuilds.parallel_pages, \
        differences(rebuilds.rewritten_pages, rebuilds.parallel_pages)


def test_a_no_op_rebuild_reads_nothing_and_an_edit_reads_only_its_chapter(rebuilds):
    """A rebuild with nothing changed costs about the same whatever the book's size: no
    document re-read, no page re-written, and no written page parsed again for previews."""
    first, again = rebuilds.cold, rebuilds.no_op
    pages = int(re.search(r"previews: \d+ link previews on (\d+) pages", first.output).group(1))
    assert pages >= 20 and f"({pages} pages parsed, the rest unchanged)" in first.output
    assert "updating environment: 0 added, 0 changed, 0 removed" in again.output, again.output[-3000:]
    assert not [l for l in again.output.splitlines() if l.startswith("writing output... [")]
    assert f"on {pages} pages (0 pages parsed, the rest unchanged)" in again.output, again.output[-2000:]

    # Editing one chapter re-reads that chapter and only the pages that list what it holds
    # (the passages register, the people-quoted table, the landing page's key judgments),
    # never the other chapters.
    read = {l.split("] ", 1)[1].strip() for l in rebuilds.edited.output.splitlines()
            if l.startswith("reading sources... [")}
    listing = {"sources", "people", "index"}
    assert "actors/georgia" in read and read <= {"actors/georgia"} | listing, read


def test_a_table_added_to_a_chapter_renumbers_its_tables_in_an_incremental_build(rebuilds):
    """Section and figure numbers are carried over from the last build when no document was
    read (briefing/toc_numbers.py); an edit must still number them again."""
    before, after = rebuilds.numbers_before_edit, rebuilds.numbers_after_edit
    tables = [n for n in before if n.startswith("Table ")]
    assert tables, f"the chapter has no numbered table to compare: {before}"
    chapter = tables[0].split()[1].split(".")[0]
    renumbered = [f"Table {chapter}.{int(n.rsplit('.', 1)[1]) + 1}" for n in tables]
    assert [n for n in after if n.startswith("Table ")] == [f"Table {chapter}.1", *renumbered], after
    assert [n for n in after if n.startswith("Figure ")] == [n for n in before if n.startswith("Figure ")]


def test_failed_latex_run_keeps_the_last_good_pdf(built_book, book_copy, tmp_path):
    out = tmp_path / "out"
    (out / "pdf").mkdir(parents=True)
    shutil.copy2(built_book.out / "pdf" / "briefing.pdf", out / "pdf" / "briefing.pdf")
    before = snapshot(out / "pdf")
    about = book_copy / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8")
                     + "\n\n```{raw} latex\n\\UndefinedMacroOfThisBook\n```\n", encoding="utf-8")
    result = run_build("pdf", out, root=book_copy, cache=ROOT / ".cache" / "mermaid")
    assert result.returncode != 0, "a LaTeX error must fail the PDF build"
    assert "UndefinedMacroOfThisBook" in result.output, result.output[-3000:]
    assert "keeps the last good PDF" in result.output
    assert snapshot(out / "pdf") == before


def test_editing_extension_code_invalidates_saved_environments(tmp_path):
    """Sphinx re-reads every document when the package's env_version changes: it must follow
    the code and schemas, and nothing else."""
    from briefing import code_version

    package = tmp_path / "briefing"
    shutil.copytree(ROOT / "briefing", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_version(package)
    assert before == code_version(ROOT / "briefing")
    (package / "static" / "unrelated.txt").write_text("not code", encoding="utf-8")
    assert code_version(package) == before
    schema = package / "schemas" / "people.json"
    schema.write_text(schema.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after_schema = code_version(package)
    assert after_schema != before
    module = package / "citations.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert code_version(package) not in (before, after_schema)


def test_without_chromium_the_build_says_in_one_line_what_is_missing(tmp_path):
    from conftest import SOURCES
    from fixture_book import fixture_copy

    root = fixture_copy(tmp_path / "book")
    result = run_build("html", tmp_path / "out", root=root, cache=tmp_path / "empty-cache",
                       env_extra={"PUPPETEER_EXECUTABLE_PATH": str(tmp_path / "no-chromium"),
                                  "BRIEFING_SOURCES": str(SOURCES)})
    assert result.returncode != 0
    said = re.findall(r"Chromium is needed to render \d+ Mermaid diagram\(s\) and is not at (\S+): "
                      r"run `make`", result.output)
    assert said == [str(tmp_path / "no-chromium")], result.output[-3000:]
    assert "ERROR" not in result.output.replace("ERROR: Chromium is needed", ""), result.output[-3000:]
    for noise in ("Traceback", "Extension error", "at async", "node:internal"):
        assert noise not in result.output, result.output[-3000:]


def test_a_build_sweeps_staging_directories_left_by_a_killed_build(tmp_path):
    from conftest import SOURCES
    from fixture_book import fixture_copy

    root = fixture_copy(tmp_path / "book")
    out = tmp_path / "out"
    for leftover in (".html-k1ll3d", ".html-old"):
        (out / leftover / "_static").mkdir(parents=True)
        (out / leftover / "index.html").write_text("half-written", encoding="utf-8")
    (out / ".latex-k1ll3d").mkdir()
    result = run_build("html", out, root=root, env_extra={"BRIEFING_SOURCES": str(SOURCES)})
    assert result.returncode == 0, result.output[-3000:]
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".html")) == []
    assert (out / ".latex-k1ll3d").is_dir(), "only this builder's leftovers are swept"
    assert (out / "html" / "index.html").is_file()


def test_a_page_the_book_no_longer_has_leaves_the_output(tmp_path):
    """A rebuild starts from the last output: a removed chapter's page must not stay there (and
    be published again at its old address), while a no-op keeps every page it did not write."""
    from conftest import SOURCES
    from fixture_book import fixture_copy

    root = fixture_copy(tmp_path / "book")
    out = tmp_path / "out"
    texts = {"BRIEFING_SOURCES": str(SOURCES)}
    removed = root / "docs" / "removed-later.md"
    removed.write_text("---\norphan: true\n---\n\n(removed-later)=\n# A chapter removed later\n\nText.\n",
                       encoding="utf-8")
    first = run_build("html", out, root=root, env_extra=texts)
    assert first.returncode == 0, first.output[-3000:]
    assert (out / "html" / "removed-later.html").is_file()
    pages_before = sorted(p.name for p in (out / "html").glob("*.html"))

    removed.unlink()
    second = run_build("html", out, root=root, env_extra=texts)
    assert second.returncode == 0, second.output[-3000:]
    assert not (out / "html" / "removed-later.html").exists(), "the removed chapter's page was kept"
    assert "stale pages: removed removed-later.html" in second.output
    kept = sorted(p.name for p in (out / "html").glob("*.html"))
    assert kept == [name for name in pages_before if name != "removed-later.html"]

    again = run_build("html", out, root=root, env_extra=texts)  # a no-op: writes no page
    assert again.returncode == 0, again.output[-3000:]
    assert sorted(p.name for p in (out / "html").glob("*.html")) == kept
