"""Shared fixtures: the book built once per test session, and throwaway copies of it.

Building is the expensive part of this suite, so each edition of the book (HTML, PDF, EPUB,
one file, the fact-check sheet) is built once per run, with the real build driver
(tools/build.py), into a temporary directory that every pytest-xdist worker shares, and every
test that only reads output uses that build. All of them build one snapshot of the sources,
copied when the run first needs it, so that tests may compare them; each has its own lock, so
a worker waits only for the edition it needs, and two workers can build two editions at once.
Tests that break the book work on a copy; copies share the book's diagram cache (a copy's
diagrams are the book's), unless a test gives its own cache because it is about the cache.

Tests run so that the worker that is not building the book has work meanwhile: files that
need no build of the book go first in the queue, and within a file the tests that need no
build run first (``pytest_collection_modifyitems``, with ``--no-loadscope-reorder``).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

import launcher
from briefing.edition import source_date_epoch

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "tools" / "build.py"
SOURCES = Path(os.environ.get("BRIEFING_SOURCES", ROOT.parent / "shared" / "sources"))
CACHE = ROOT / ".cache" / "mermaid"  # the book's diagram cache (briefing_mermaid_cache)
RENDERED = re.compile(r"mermaid: rendered (\d+) of (\d+) diagrams")


@dataclass
class BuildResult:
    returncode: int
    output: str
    out: Path

    @property
    def rendered(self) -> tuple[int, int]:
        """(diagrams rendered by this build, diagrams in the book), from the build log."""
        found = RENDERED.findall(self.output)
        assert found, f"the build did not report its diagram stage:\n{self.output[-2000:]}"
        rendered, total = found[-1]
        return int(rendered), int(total)


def plain_env(**extra: str) -> dict[str, str]:
    """The environment for a build whose log a test reads: uncoloured whatever the terminal.

    CI may set FORCE_COLOR; Sphinx then wraps "reading sources..." in escape codes.
    """
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    env.update(extra, NO_COLOR="1")
    return env


def run_build(target: str, out: Path, root: Path = ROOT, cache: Path | None = None,
              extra: list[str] | None = None, env_extra: dict[str, str] | None = None) -> BuildResult:
    env = plain_env(**(env_extra or {}))
    # The book's own cache (warm after the shared build) unless a test brings its own:
    # rendering every diagram again in each copy costs a Chromium run and tests nothing.
    if cache is not None:
        env["BRIEFING_MERMAID_CACHE"] = str(cache)
    else:
        env.setdefault("BRIEFING_MERMAID_CACHE", str(CACHE))
    cmd = [sys.executable, str(BUILD), target, "--out", str(out), "--root", str(root)]
    if extra:
        cmd += ["--", *extra]
    proc = launcher.run(cmd, cwd=root, env=env)
    return BuildResult(proc.returncode, proc.stdout + proc.stderr, out)


def copy_book(dest: Path) -> Path:
    """A buildable copy of the book: its sources and configuration, with the same tools."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "docs", dest / "docs")
    for name in ("conf.py", "pyproject.toml"):
        shutil.copy2(ROOT / name, dest / name)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    return dest


def shared_dir(tmp_path_factory, name: str) -> Path:
    """A directory that every pytest-xdist worker of this run shares (the run's base
    temporary directory is one per worker; its parent is the run's)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    path = base / name
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def exclusive(directory: Path, name: str = ".lock"):
    """Hold a lock on a shared directory: one worker builds, the others wait, then reuse."""
    with open(directory / name, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def book_snapshot(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The book's sources copied once per run, when the run first needs a build of the book,
    and the environment that builds the copy as the book itself is built (its edition date
    and its source texts). Every shared build reads this copy: the HTML, the PDF, the EPUB,
    the one-file edition and the fact-check sheet agree although they are built at different
    moments by different workers, while an author may be editing the tree."""
    out = shared_dir(tmp_path_factory, "snapshot")
    with exclusive(out):
        if not (out / "complete").is_file():
            shutil.rmtree(out / "book", ignore_errors=True)
            copy_book(out / "book")
            (out / "complete").touch()
    env = {"SOURCE_DATE_EPOCH": str(source_date_epoch(ROOT, os.environ)), "BRIEFING_SOURCES": str(SOURCES)}
    return out / "book", env


def shared_build(tmp_path_factory, target: str, name: str = "book",
                 env_extra: dict[str, str] | None = None) -> tuple[int, str]:
    """Build `target` of the book (its snapshot) once per run into the shared directory `name`;
    every worker gets the same (exit status, log). The first worker to ask builds; the others
    wait, then reuse. Each target has its own lock: the HTML never waits for the PDF."""
    out = shared_dir(tmp_path_factory, name)
    result_file = out / f"build-{target}.json"
    root, env = book_snapshot(tmp_path_factory)
    with exclusive(out, f".lock-{target}"):
        if not result_file.is_file():
            result = run_build(target, out, root=root, env_extra={**env, **(env_extra or {})})
            result_file.write_text(json.dumps([result.returncode, result.output]), encoding="utf-8")
        rc, log = json.loads(result_file.read_text(encoding="utf-8"))
    return rc, log


@pytest.fixture(scope="session")
def built_html(tmp_path_factory) -> BuildResult:
    """The book's HTML built once per test run, shared by every worker; fails loudly (a failed
    build fails every test that needs it with the same log)."""
    rc, log = shared_build(tmp_path_factory, "html")
    assert rc == 0, f"HTML build failed:\n{log[-6000:]}"
    return BuildResult(0, log, shared_dir(tmp_path_factory, "book"))


@pytest.fixture(scope="session")
def built_book(tmp_path_factory, built_html) -> BuildResult:
    """The book built once per test run (HTML and PDF, from the same snapshot), shared by every worker."""
    rc, log = shared_build(tmp_path_factory, "pdf")
    assert rc == 0, f"PDF build failed:\n{log[-6000:]}"
    return BuildResult(0, built_html.output + log, built_html.out)


@pytest.fixture(scope="session")
def html_dir(built_html) -> Path:
    return built_html.out / "html"


@pytest.fixture(scope="session")
def pdf_path(built_book) -> Path:
    return built_book.out / "pdf" / "briefing.pdf"


# A test address (RFC 2606), never the book's: the book built with it is shared by the
# metadata tests (HTML and PDF) and the publishing tests (the first edition's HTML).
TEST_ADDRESS = "https://books.example.org/briefing/"
WITH_ADDRESS = {"BRIEFING_BASE_URL": TEST_ADDRESS}


@pytest.fixture(scope="session")
def html_with_address(tmp_path_factory) -> Path:
    """The book's HTML built once per run with BRIEFING_BASE_URL=TEST_ADDRESS: the output root."""
    rc, log = shared_build(tmp_path_factory, "html", "book-with-address", WITH_ADDRESS)
    assert rc == 0, f"HTML build with an address failed:\n{log[-6000:]}"
    return shared_dir(tmp_path_factory, "book-with-address")


@pytest.fixture(scope="session")
def book_with_address(tmp_path_factory, html_with_address) -> Path:
    """The same, HTML and PDF: the output root (html/, pdf/briefing.pdf)."""
    rc, log = shared_build(tmp_path_factory, "pdf", "book-with-address", WITH_ADDRESS)
    assert rc == 0, f"PDF build with an address failed:\n{log[-6000:]}"
    return html_with_address


@dataclass
class ToolRun:
    returncode: int
    stdout: str
    stderr: str


def shared_tool_run(tmp_path_factory, script: str) -> tuple[ToolRun, Path]:
    """Run tools/<script> on the book's snapshot once per test run into a directory every
    worker shares (the EPUB and the one-file edition are each read by tests in several files).
    No address is set, as in the shared build: the default edition."""
    from briefing.edition import ENV_BASE_URL, ENV_RTD_URL

    out = shared_dir(tmp_path_factory, f"tool-{Path(script).stem}")
    result_file = out / "run.json"
    root, snapshot_env = book_snapshot(tmp_path_factory)
    with exclusive(out):
        if not result_file.is_file():
            env = {k: v for k, v in os.environ.items() if k not in (ENV_BASE_URL, ENV_RTD_URL)}
            env.update(snapshot_env, BRIEFING_MERMAID_CACHE=str(CACHE))
            proc = subprocess.run([sys.executable, str(ROOT / "tools" / script), "--out", str(out),
                                   "--root", str(root)],
                                  cwd=ROOT, env=env, capture_output=True, text=True)
            result_file.write_text(json.dumps([proc.returncode, proc.stdout, proc.stderr]), encoding="utf-8")
        run = ToolRun(*json.loads(result_file.read_text(encoding="utf-8")))
    return run, out


@pytest.fixture(scope="session")
def epub_build(tmp_path_factory) -> tuple[ToolRun, Path]:
    """`make epub` once per run (epubcheck included): (the run, the EPUB's path)."""
    run, out = shared_tool_run(tmp_path_factory, "epub.py")
    return run, out / "epub" / "briefing.epub"


@pytest.fixture(scope="session")
def onefile_build(tmp_path_factory) -> tuple[ToolRun, Path]:
    """`make onefile` once per run: (the run, the one file's path)."""
    run, out = shared_tool_run(tmp_path_factory, "onefile.py")
    return run, out / "onefile" / "briefing.html"


@pytest.fixture
def book_copy(tmp_path) -> Path:
    return copy_book(tmp_path / "book")


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    if not SOURCES.is_dir():
        pytest.fail(f"the source texts are needed for this test and are not at {SOURCES}")
    return SOURCES


# --- the order of the run -----------------------------------------------------------------

BOOK_FIXTURES = {"built_html", "built_book", "book_html"}  # book_html: browser tests

# The long files, with the seconds each kept one worker busy in `make test` (two workers on
# the project's 2-core machine, 2026-11-26). xdist gives each worker one file, then another
# whenever it finishes one. The longest go first, one to each worker (the browser's, which
# waits on the shared HTML build, while the pipeline's starts with the small fixture book);
# the next ones follow, longest first. The run then ends with short files on both workers,
# not with one long file on one worker while the other waits. Files not listed follow, the
# ones that need no build of the book first.
LONG_FILES = {
    "tests/browser/test_reader.py": 200,
    "tests/test_pipeline.py": 175,
    "tests/test_publishing.py": 180,
    "tests/test_citation_metadata.py": 95,
    "tests/test_factcheck.py": 65,
    "tests/test_formats.py": 50,
    "tests/test_timelines.py": 25,
    "tests/test_author_errors.py": 20,
}


def needs_the_book(item) -> bool:
    return bool(BOOK_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Queue order for `--dist loadfile --no-loadscope-reorder`: the long files in the order
    of LONG_FILES, then the files that need no build of the book, then files where only some
    tests need it, then the rest; within a file, the tests that need no build first."""
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    long_files = list(LONG_FILES)

    def rank(name: str) -> tuple[int, int]:
        if name in LONG_FILES:
            return (0, long_files.index(name))
        group = files[name]
        needing = sum(map(needs_the_book, group))
        return (1 if needing == 0 else 2 if needing < len(group) else 3, -len(group))

    ordered = []
    for name in sorted(files, key=rank):  # sorted() is stable: same rank keeps collection order
        group = files[name]
        ordered += [i for i in group if not needs_the_book(i)] + [i for i in group if needs_the_book(i)]
    items[:] = ordered
