"""Check the book's links: internal links strictly, external links reported.

    python tools/linkcheck.py              # builds _build/html if needed, then checks
    python tools/linkcheck.py --out DIR    # DIR/html, reports in DIR/linkcheck/

1. Internal: every built page is parsed and every link inside the book is resolved against
   the files and the ids they define, so a link to a missing page or a missing #anchor fails
   the check, deterministically. Then LinkChecker crawls the HTML served from 127.0.0.1 (a
   thread of this process, a free port) and fetches every page and asset the book links.
   LinkChecker's own anchor plugin is not relied on: it skips anchors of URLs it has already
   cached, in an order that varies between runs (its maintainers disabled it for that, see
   linkchecker/linkchecker#542 and #575), so a broken #anchor could pass.
2. External: Sphinx's own ``linkcheck`` builder lists every external URL in the sources
   (the register's URLs, if any) and tries them. The machine may be offline, so an
   unreachable host is reported, not fatal. ``--strict-external`` makes broken
   external links fatal, for a machine with network access.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from build import ROOT, build_dir, build_env  # tools/build.py: the script's own folder is on sys.path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass

    def end_headers(self):
        # LinkChecker asks more than 10 requests a second only of a server that answers with
        # this header (its maxrequestspersecond); without it, checking the book's 86 pages and
        # files took 25 s, nearly all of it waiting.
        self.send_header("LinkChecker", "local test server")
        super().end_headers()


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


class _PageParser(HTMLParser):
    """The ids a page defines and the internal links it makes (with their line numbers)."""

    LINKING = {"a": "href", "area": "href", "link": "href", "script": "src", "img": "src",
               "iframe": "src", "source": "src"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        target = attrs.get(self.LINKING.get(tag, ""))
        if target is not None:
            self.links.append((self.getpos()[0], target))

    handle_startendtag = handle_starttag


def broken_internal_links(html: Path) -> tuple[list[str], int]:
    """Every internal link in the built book whose page or #anchor does not exist.

    Returns one line per broken link (``page.html:LINE: href (why)``) and the number of
    internal links checked.
    """
    pages: dict[Path, _PageParser] = {}
    for path in sorted(html.rglob("*.html")):
        parser = _PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path.resolve()] = parser
    broken = []
    checked = 0
    for path, parser in pages.items():
        for line, href in parser.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("javascript:", "mailto:", "data:")):
                continue
            checked += 1
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(html.resolve())}:{line}: {href}"
            if not target.exists():
                broken.append(f"{where} (no such file)")
            elif parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
                broken.append(f"{where} (no id {unquote(parts.fragment)!r} in "
                              f"{target.relative_to(html.resolve())})")
    return broken, checked


def check_anchors(html: Path, report: Path) -> int:
    """Links and anchors resolved from the files themselves; returns the number broken."""
    broken, checked = broken_internal_links(html)
    text = "\n".join(broken) or f"{checked} internal links checked: none broken"
    (report / "anchors.txt").write_text(text + "\n", encoding="utf-8")
    if broken:
        print(text, file=sys.stderr)
        print(f"internal links: {len(broken)} broken link(s) or anchor(s); see {report / 'anchors.txt'}",
              file=sys.stderr)
    else:
        print(f"internal anchors: {checked} internal links checked, every page and #anchor resolves")
    return len(broken)


def linkchecker() -> str:
    found = Path(sys.executable).parent / "linkchecker"
    if found.is_file():
        return str(found)
    found = shutil.which("linkchecker")
    if found is None:
        raise SystemExit("LinkChecker is not installed: run `make` (it is in the dev dependencies).")
    return found


def check_internal(html: Path, report: Path) -> int:
    """LinkChecker over the served book; returns the number of broken internal links."""
    httpd, url = serve(html)
    config = report / "linkcheckerrc"
    # No [AnchorCheck]: anchors are checked by check_anchors (see the module docstring).
    config.write_text("[checking]\nmaxrequestspersecond=1000\n", encoding="utf-8")
    cmd = [
        linkchecker(), "--no-status", f"--config={config}",
        "--recursion-level=-1", "--threads=4", "--timeout=20",
        # Links that leave the book (the theme's footer credits, javascript: helpers)
        # are not followed here; Sphinx's linkcheck reports the book's own external URLs.
        "--ignore-url=^javascript:", "--ignore-url=^mailto:",
        "--output=text",
        url + "index.html",
    ]
    env = dict(os.environ, HOME=str(report))  # LinkChecker keeps its config under $HOME
    print("+", " ".join(cmd), flush=True)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    finally:
        httpd.shutdown()
        httpd.server_close()
    out = proc.stdout + proc.stderr
    (report / "internal.txt").write_text(out, encoding="utf-8")
    checked = _stat(out, "links in", default="?")
    errors = proc.returncode != 0
    lines = [line for line in out.splitlines() if line.strip() and "dropping privileges" not in line]
    summary = [line for line in lines if "That's it" in line or "found" in line.lower()]
    print("\n".join(summary[-3:]) or out[-2000:])
    if errors:
        print(out[-6000:], file=sys.stderr)
        print(f"internal links: broken links found (LinkChecker exit {proc.returncode}); "
              f"see {report / 'internal.txt'}", file=sys.stderr)
        return max(1, _stat(out, "errors found", default=1))
    print(f"internal links: all pass ({checked} URLs checked) — {report / 'internal.txt'}")
    return 0


def _stat(text: str, marker: str, default):
    """A number just before `marker` in LinkChecker's summary ("3 errors found")."""
    import re

    found = re.findall(rf"(\d+)\s+{re.escape(marker)}", text)
    return int(found[-1]) if found else default


def check_external(root: Path, out: Path, strict: bool) -> int:
    """Sphinx's linkcheck builder; returns the number of broken external links (if strict)."""
    outdir = out / "linkcheck"
    cmd = [
        sys.executable, "-m", "sphinx", "-b", "linkcheck", "-q", "-c", str(root),
        "-d", str(out / "doctrees" / "linkcheck"),
        "-D", "linkcheck_timeout=10", "-D", "linkcheck_retries=1",
        str(root / "docs"), str(outdir),
    ]
    print("+", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=root, env=build_env(root), capture_output=True, text=True)
    results = []
    output = outdir / "output.json"
    if output.is_file():
        results = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines() if line.strip()]
    elif proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        print("external links: Sphinx's linkcheck builder failed to run", file=sys.stderr)
        return 1
    # "#fragment" references are the book's own (checked by step 1); the rest are external.
    results = [r for r in results if not r["uri"].startswith("#")]
    counts = Counter(r["status"] for r in results)
    print(f"external links: {len(results)} URLs in the sources — "
          + (", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "none"))
    for r in sorted(results, key=lambda r: (r["status"], r["uri"])):
        if r["status"] not in ("working", "ignored", "unchecked"):
            print(f"  {r['status']:<10} {r['uri']}  ({r['filename']}:{r['lineno']}) {r.get('info', '')[:120]}")
    broken = counts.get("broken", 0) + counts.get("timeout", 0)
    if broken and not strict:
        print("  (not fatal: external hosts may be unreachable from this machine; "
              "use --strict-external where the network is available)")
        return 0
    return broken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "_build", help="output root (default _build)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's project root")
    parser.add_argument("--html", type=Path, help="check this built HTML instead of building")
    parser.add_argument("--strict-external", action="store_true", help="broken external links fail")
    parser.add_argument("--internal-only", action="store_true", help="skip Sphinx's external check")
    args = parser.parse_args(argv)
    root, out = args.root.resolve(), args.out.resolve()
    if args.html:
        html = args.html.resolve()
    else:
        rc = build_dir(root, out, "html", [])
        if rc != 0:
            return rc
        html = out / "html"
    report = out / "linkcheck-internal"
    report.mkdir(parents=True, exist_ok=True)
    failures = check_anchors(html, report)
    if not failures:  # a broken link is already a failure: the crawl would add nothing
        failures = check_internal(html, report)
    if not args.internal_only:
        failures += check_external(root, out, args.strict_external)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
