"""A small fixture book built with the real extensions, for exact comparisons.

The fixture (tests/fixtures/evidence_book) has known citations, quotations and chronology,
so backlinks and timelines can be compared exactly. ``sources.yaml`` is copied from the real
book (it is derived data). Builds run sphinx-build as the project does (-W --keep-going -n).
"""

from __future__ import annotations

import pickle
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

import launcher
from conftest import ROOT, SOURCES, plain_env

FIXTURE = ROOT / "tests" / "fixtures" / "evidence_book"
CACHE = ROOT / ".cache" / "mermaid"


@dataclass
class Built:
    returncode: int
    output: str
    out: Path
    doctrees: Path

    def page(self, docname: str) -> BeautifulSoup:
        return BeautifulSoup((self.out / f"{docname}.html").read_text(encoding="utf-8"), "lxml")

    def doctree(self, docname: str):
        with open(self.doctrees / f"{docname}.doctree", "rb") as fh:
            return pickle.load(fh)


def fixture_copy(dest: Path) -> Path:
    shutil.copytree(FIXTURE, dest)
    shutil.copy2(ROOT / "docs" / "_data" / "sources.yaml", dest / "docs" / "_data" / "sources.yaml")
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    return dest


def build(root: Path, out: Path | None = None, *, texts: bool = True, jobs: int | None = None,
          doctrees: Path | None = None, update_record: bool = False) -> Built:
    out = out or root / "_build" / "html"
    doctrees = doctrees or out.parent / (out.name + "-doctrees")
    env = plain_env()
    env["BRIEFING_SOURCES"] = str(SOURCES) if texts else str(root / "no-sources-here")
    env.setdefault("BRIEFING_MERMAID_CACHE", str(CACHE))
    env.setdefault("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium")
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n",
           "-c", str(root), "-d", str(doctrees)]
    if jobs:
        cmd += ["-j", str(jobs)]
    if update_record:  # what `make quotations` does
        cmd += ["-D", "briefing_update_quotation_record=1"]
    cmd += [str(root / "docs"), str(out)]
    proc = launcher.run(cmd, cwd=root, env=env)
    return Built(proc.returncode, proc.stdout + proc.stderr, out, doctrees)


def backlinks(built: Built) -> dict[str, list[tuple[str, str]]]:
    """passage anchor -> [(link text, href)] from the Sources page's passages list."""
    page = built.page("sources")
    found = {}
    for item in page.select(".briefing-passage"):
        anchor = item.select_one("[id]")["id"]
        cited_in = item.select_one(".briefing-cited-in")
        found[anchor] = [(" ".join(a.get_text(" ", strip=True).split()), a["href"])
                         for a in cited_in.select("a")]
    return found


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def built_fixture(tmp_path_factory, name: str):
    """A fresh copy of the fixture book, built; (its root, the build) for a module's tests."""
    root = fixture_copy(tmp_path_factory.mktemp(name) / "book")
    result = build(root)
    assert result.returncode == 0, result.output[-4000:]
    return root, result
