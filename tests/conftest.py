"""Shared fixtures: the book built once per test session, and throwaway copies of it.

Building is the expensive part of this suite, so the whole book (HTML and PDF) is built
once per run, with the real build driver (tools/build.py), into a temporary directory that
every pytest-xdist worker shares, and every test that only reads output uses that build.
Tests that break the book work on a copy.
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

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "tools" / "build.py"
SOURCES = Path(os.environ.get("BRIEFING_SOURCES", ROOT.parent / "shared" / "sources"))
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
    if cache is not None:
        env["BRIEFING_MERMAID_CACHE"] = str(cache)
    cmd = [sys.executable, str(BUILD), target, "--out", str(out), "--root", str(root)]
    if extra:
        cmd += ["--", *extra]
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
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
def exclusive(directory: Path):
    """Hold a lock on a shared directory: one worker builds, the others wait, then reuse."""
    with open(directory / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> BuildResult:
    """The book built once per test run (HTML, then PDF), shared by every worker; fails loudly.

    The first worker to ask builds it; the result (exit status and log) is kept beside the
    build, so a failed build fails every test that needs it with the same log.
    """
    out = shared_dir(tmp_path_factory, "book")
    result_file = out / "build-result.json"
    with exclusive(out):
        if not result_file.is_file():
            html = run_build("html", out)
            pdf = run_build("pdf", out) if html.returncode == 0 else html
            result_file.write_text(json.dumps({
                "html": [html.returncode, html.output], "pdf": [pdf.returncode, pdf.output],
            }), encoding="utf-8")
        result = json.loads(result_file.read_text(encoding="utf-8"))
    (html_rc, html_log), (pdf_rc, pdf_log) = result["html"], result["pdf"]
    assert html_rc == 0, f"HTML build failed:\n{html_log[-6000:]}"
    assert pdf_rc == 0, f"PDF build failed:\n{pdf_log[-6000:]}"
    return BuildResult(0, html_log + pdf_log, out)


@pytest.fixture(scope="session")
def html_dir(built_book) -> Path:
    return built_book.out / "html"


@pytest.fixture(scope="session")
def pdf_path(built_book) -> Path:
    return built_book.out / "pdf" / "briefing.pdf"


@pytest.fixture
def book_copy(tmp_path) -> Path:
    return copy_book(tmp_path / "book")


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    if not SOURCES.is_dir():
        pytest.fail(f"the source texts are needed for this test and are not at {SOURCES}")
    return SOURCES
