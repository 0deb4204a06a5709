"""`make bench`: the build's speed and the pages' weight, measured in one run.

Prints:
  * cold HTML build (empty output, empty diagram cache), clean rebuild (diagram cache warm),
    no-op rebuild and one-chapter-edit rebuild, with their ratios to the clean rebuild and
    the documents re-read and pages written; the same for a book grown with copied chapters.
    The last three are each the best of three builds, as timeit reports the best of its runs:
    a slower run measured the machine's other work as well;
  * the diagram stage for the book's N diagrams, batch renderer vs one `mmdc` process per
    diagram (sphinxcontrib-mermaid's way), as a ratio (target: at most 0.25);
  * the heaviest HTML page with every local asset it loads (target: at most 300 KB).

Works on a throwaway copy of the book, so it never touches _build/ or .cache/.
"""

from __future__ import annotations

import gzip
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
from briefing.mermaid_render import MERMAID_CONFIG, NODE_SCRIPT

RATIO_TARGET = 0.25
NOOP_TARGET = 0.20  # of a clean rebuild with the diagram cache warm
EDIT_TARGET = 0.35
REPEATS = 3  # clean, no-op and edit builds are each timed this many times; the best counts
PAGE_TARGET_KB = 300
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def timed(cmd: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - started, proc


def build(book: Path, out: Path, cache: Path) -> tuple[float, int, int]:
    """One HTML build: (seconds, documents read, pages written), from Sphinx's own log."""
    env = dict(os.environ, BRIEFING_MERMAID_CACHE=str(cache), NO_COLOR="1")
    env.pop("FORCE_COLOR", None)
    seconds, proc = timed([sys.executable, str(ROOT / "tools" / "build.py"), "html",
                           "--out", str(out), "--root", str(book)], env=env)
    if proc.returncode != 0:
        sys.exit(f"bench: the build failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    lines = proc.stdout.splitlines()
    read = sum(1 for line in lines if line.startswith("reading sources... ["))
    written = sum(1 for line in lines if line.startswith("writing output... ["))
    return seconds, read, written


def grow(book: Path, copies: int) -> int:
    """Add `copies` copies of every actor chapter (labels made unique), listed in a hidden
    toctree: a bigger book of the same kind. Returns the number of documents added."""
    added = []
    for n in range(1, copies + 1):
        for chapter in sorted((book / "docs" / "actors").glob("*.md")):
            text = chapter.read_text(encoding="utf-8")
            text = re.sub(r"^\((?P<label>[\w-]+)\)=$", rf"(copy{n}-\g<label>)=", text, flags=re.M)
            target = book / "docs" / "copies" / f"{chapter.stem}-{n}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            added.append(f"copies/{target.stem}")
    index = book / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n```{toctree}\n:hidden:\n\n"
                     + "\n".join(added) + "\n```\n", encoding="utf-8")
    return len(added)


def copy_book(dest: Path) -> Path:
    shutil.copytree(ROOT / "docs", dest / "docs")
    for name in ("conf.py", "pyproject.toml"):
        shutil.copy2(ROOT / name, dest / name)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    return dest


def diagram_codes(out: Path) -> list[str]:
    env = pickle.loads((out / "doctrees" / "html" / "environment.pickle").read_bytes())
    codes = {d.key: d.code for ds in env.domaindata["briefing"]["diagrams"].values() for d in ds}
    return [codes[k] for k in sorted(codes)]


def batch_stage(codes: list[str], work: Path) -> float:
    jobs = [{"key": str(i), "code": c, "svgId": f"bench-{i}", "svg": str(work / f"b{i}.svg"),
             "pdf": None, "label": f"diagram {i}"} for i, c in enumerate(codes)]
    request = work / "request.json"
    request.write_text(json.dumps({
        "mermaid": str(ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"),
        "config": MERMAID_CONFIG, "jobs": jobs}), encoding="utf-8")
    seconds, proc = timed(["node", str(NODE_SCRIPT), str(request)], cwd=ROOT)
    if proc.returncode != 0 or proc.stdout.count('"ok":true') != len(codes):
        sys.exit(f"bench: batch render failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return seconds


def mmdc_stage(codes: list[str], work: Path) -> float:
    config = work / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": "/usr/bin/chromium", "args": CHROMIUM_ARGS}))
    mermaid_config = work / "mermaid.json"
    mermaid_config.write_text(json.dumps(MERMAID_CONFIG))
    total = 0.0
    for i, code in enumerate(codes):
        src = work / f"m{i}.mmd"
        src.write_text(code, encoding="utf-8")
        seconds, proc = timed([str(ROOT / "node_modules" / ".bin" / "mmdc"), "-q", "-i", str(src),
                               "-o", str(work / f"m{i}.svg"), "-p", str(config), "-c", str(mermaid_config)])
        if proc.returncode != 0:
            sys.exit(f"bench: mmdc failed on diagram {i}:\n{proc.stderr[-2000:]}")
        total += seconds
    return total


def page_weights(html: Path) -> list[tuple[int, str, int]]:
    weights = []
    for page in sorted(html.rglob("*.html")):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        assets: set[Path] = set()
        for tag, attr in (("link", "href"), ("script", "src"), ("img", "src")):
            for el in doc.find_all(tag):
                url = el.get(attr)
                if not url or (tag == "link" and "stylesheet" not in el.get("rel", [])):
                    continue
                path = urlsplit(url).path
                if path and not re.match(r"^[a-z]+:", url):
                    asset = (page.parent / unquote(path)).resolve()
                    if asset.is_file():
                        assets.add(asset)
        # Fonts and images that the loaded stylesheets pull in.
        for css in [a for a in assets if a.suffix == ".css"]:
            for ref in re.findall(r"url\(['\"]?([^'\")]+)", css.read_text(errors="replace")):
                if not ref.startswith(("data:", "#", "http")):
                    asset = (css.parent / unquote(urlsplit(ref).path)).resolve()
                    if asset.is_file():
                        assets.add(asset)
        files = [page, *sorted(assets)]
        total = sum(f.stat().st_size for f in files)
        # What a reader downloads from a server that compresses (as web servers do).
        transfer = sum(len(gzip.compress(f.read_bytes(), 6, mtime=0)) for f in files)
        weights.append((total, str(page.relative_to(html)), len(assets), transfer))
    return sorted(weights, reverse=True)


def best_of(runs: int, measure) -> tuple[float, int, int]:
    """The fastest of ``runs`` measurements (as timeit reports): the others measured the
    machine's other work too. Each is (seconds, documents read, pages written)."""
    return min((measure() for _ in range(runs)), key=lambda result: result[0])


def speed(book: Path, out: Path, cache: Path, chapter: str) -> dict:
    """Cold build, clean rebuild (diagram cache warm), no-op, and a one-chapter edit; the
    last three are each the best of REPEATS builds."""
    cold = build(book, out, cache)

    def clean_build():
        shutil.rmtree(out)
        return build(book, out, cache)

    def edit_build():
        page = book / "docs" / chapter
        page.write_text(page.read_text(encoding="utf-8") + "\nA sentence added by the benchmark.\n",
                        encoding="utf-8")
        return build(book, out, cache)

    clean = best_of(REPEATS, clean_build)
    noop = best_of(REPEATS, lambda: build(book, out, cache))
    edit = best_of(REPEATS, edit_build)
    return {"cold": cold, "clean": clean, "noop": noop, "edit": edit}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        tmp = Path(tmp)
        book = copy_book(tmp / "book")
        out, cache = tmp / "out", tmp / "cache"
        runs = speed(book, out, cache, "actors/georgia.md")
        documents = len(list((book / "docs").rglob("*.md")))

        big = copy_book(tmp / "big")
        grown = grow(big, 3)
        big_runs = speed(big, tmp / "big-out", cache, "actors/georgia.md")

        codes = diagram_codes(out)
        work = tmp / "diagrams"
        work.mkdir()
        batch = batch_stage(codes, work)
        single = mmdc_stage(codes, work)
        ratio = batch / single

        weights = page_weights(out / "html")
        heaviest_kb, heaviest_page, assets, heaviest_gz = (
            weights[0][0] / 1024, weights[0][1], weights[0][2], weights[0][3] / 1024)
        over = sum(1 for w in weights if w[0] / 1024 > PAGE_TARGET_KB)
        pages = len(weights)

    def report(label: str, runs: dict, docs: int) -> None:
        clean = runs["clean"][0]
        print(f"  {label} ({docs} documents)")
        print(f"    cold HTML build (no output, no diagram cache): {runs['cold'][0]:7.2f} s")
        print(f"    clean rebuild (no output, diagram cache warm): {clean:7.2f} s")
        for key, name, target in (("noop", "no-op rebuild", NOOP_TARGET),
                                  ("edit", "rebuild after editing one chapter", EDIT_TARGET)):
            seconds, read, written = runs[key]
            ratio = seconds / clean
            print(f"    {name + ':':<47}{seconds:7.2f} s  ({ratio:.2f} of clean; target <= {target}: "
                  f"{'OK' if ratio <= target else 'OVER TARGET'}); {read} documents re-read, "
                  f"{written} pages written")

    print(f"briefing book benchmark (one run, this machine; clean, no-op and edit: best of {REPEATS})")
    report("the book", runs, documents)
    report(f"the book with {grown} copied actor chapters", big_runs, documents + grown)
    print(f"  no-op at {documents + grown} documents / no-op at {documents}: "
          f"{big_runs['noop'][0] / runs['noop'][0]:.2f} (a no-op should not grow with the book)")
    print(f"  diagram stage, {len(codes)} diagrams, one browser:      {batch:7.2f} s")
    print(f"  same diagrams, one mmdc process each:          {single:7.2f} s")
    print(f"  ratio batch / mmdc:                            {ratio:7.3f}   (target <= {RATIO_TARGET}) "
          f"{'OK' if ratio <= RATIO_TARGET else 'OVER TARGET'}")
    print(f"  heaviest page with its assets: {heaviest_page} = {heaviest_kb:.1f} KB on disk over {assets + 1} "
          f"files, {heaviest_gz:.1f} KB transferred gzipped (target <= {PAGE_TARGET_KB} KB): "
          f"on disk {'OK' if heaviest_kb <= PAGE_TARGET_KB else 'OVER TARGET'}, "
          f"gzipped {'OK' if heaviest_gz <= PAGE_TARGET_KB else 'OVER TARGET'}")
    print(f"  pages over {PAGE_TARGET_KB} KB on disk: {over} of {pages}")
    for total, name, n, gz in weights[1:5]:
        print(f"      next: {name} = {total / 1024:.1f} KB on disk, {gz / 1024:.1f} KB gzipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
