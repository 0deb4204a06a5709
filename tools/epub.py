"""Build the EPUB edition and check it with epubcheck: a book that fails keeps the last good one.

    python tools/epub.py               -> _build/epub/briefing.epub
    python tools/epub.py --out DIR     -> DIR/epub/briefing.epub

Unlike tools/build.py's other targets, the EPUB is built into a fresh directory: Sphinx's
EPUB builder packs every file it finds in its output directory, so a staging directory
seeded with the last output would carry old files (and the old .epub) into the new book.
The new EPUB is published only if epubcheck (the Debian package) reports no error.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from build import ROOT, publish, sphinx  # tools/build.py: the script's own folder is on sys.path

NAME = "briefing"
SUMMARY = re.compile(r"Messages: (\d+) fatals? / (\d+) errors? / (\d+) warnings? / (\d+) infos?")


def epubcheck_command() -> list[str]:
    """epubcheck, run through Java when /usr/bin/epubcheck is the bare jar (Debian)."""
    found = shutil.which("epubcheck")
    if found is None:
        raise SystemExit("epubcheck is not installed: run `make` (Debian package epubcheck).")
    real = os.path.realpath(found)
    if real.endswith(".jar"):
        java = shutil.which("java")
        if java is None:
            raise SystemExit("epubcheck needs Java (default-jre-headless).")
        # A check of one book is a short run: Java's optimising compiler would cost more CPU
        # than it saves (about 24 s of CPU against 10 s for this book, on two cores).
        return [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", real]
    return [found]


def epubcheck(epub: Path) -> tuple[int, str, tuple[int, int, int]]:
    """(return code, transcript, (fatals, errors, warnings))."""
    proc = subprocess.run([*epubcheck_command(), str(epub)], capture_output=True, text=True)
    transcript = proc.stdout + proc.stderr
    found = SUMMARY.search(transcript)
    counts = (int(found[1]), int(found[2]), int(found[3])) if found else (-1, -1, -1)
    return proc.returncode, transcript, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "_build", help="output root (default _build)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's project root")
    parser.add_argument("--no-check", action="store_true", help="skip epubcheck")
    parser.add_argument("extra", nargs="*", help="extra sphinx-build arguments")
    args = parser.parse_args(argv)
    root, out = args.root.resolve(), args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    published = out / "epub"
    staging = Path(tempfile.mkdtemp(prefix=".epub-", dir=out))
    rc = sphinx(root, "epub", staging, out / "doctrees" / "epub", args.extra)
    epub = staging / f"{NAME}.epub"
    if rc == 0 and not epub.is_file():
        print(f"the EPUB builder wrote no {epub.name}", file=sys.stderr)
        rc = 1
    if rc == 0 and not args.no_check:
        code, transcript, (fatals, errors, warnings) = epubcheck(epub)
        print(transcript.strip())
        if code != 0 or fatals or errors or fatals < 0:
            print(f"epubcheck: {fatals} fatal, {errors} errors: {published} keeps the last good EPUB",
                  file=sys.stderr)
            rc = code or 1
        else:
            print(f"epubcheck: 0 errors, {warnings} warnings")
    if rc != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"EPUB build failed: {published} keeps the last good output", file=sys.stderr)
        return rc
    publish(staging, published)
    print(f"EPUB: {published / epub.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
