"""Refresh docs/_data/published-labels.txt for a new edition (maintainers only).

    python tools/publish_labels.py [--html _build/html] [--check]

Reads the labels of a finished HTML build from its objects.inv (the std:label entries that
name a section) and writes them, sorted, one a line. Labels that the list already holds and
that now redirect (docs/_data/redirects.yaml) stay listed, so their redirects keep being
checked. A published label that is neither defined nor redirected stops the tool: the build
would fail on it too; declare its redirect first. With --check, only report the difference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
import lxml.html
from sphinx.util.inventory import InventoryFile

from briefing.labels import BUILTIN_LABELS, PUBLISHED, read_published, read_redirects

HEADER = "# Section labels of the published editions; see AUTHORING.md and tools/publish_labels.py.\n"


def book_labels(html: Path, redirected: set[str]) -> set[str]:
    """The section labels of a built book: std:label entries whose anchor is a <section>."""
    with open(html / "objects.inv", "rb") as stream:
        inv = InventoryFile.load(stream, "", lambda base, uri: uri)
    pages: dict[str, set[str]] = {}
    found = set()
    for name, item in inv.get("std:label", {}).items():
        if name in BUILTIN_LABELS or name in redirected:
            continue
        page, _, anchor = item.uri.partition("#")
        if page not in pages:
            tree = lxml.html.parse(str(html / page))
            pages[page] = set(tree.xpath("//section/@id"))
        if anchor == name and anchor in pages[page]:
            found.add(name)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs")
    parser.add_argument("--check", action="store_true", help="report only; exit 1 if the list would change")
    args = parser.parse_args(argv)
    redirects = read_redirects(args.docs)["labels"]
    current = book_labels(args.html, set(redirects))
    old = {label for label, _ in read_published(args.docs)}
    lost = sorted(old - current - set(redirects))
    if lost:
        print("published labels missing from the book without a redirect:", *lost, sep="\n  ", file=sys.stderr)
        return 2
    new = sorted(current | (old & set(redirects)))
    added = sorted(set(new) - old)
    print(f"{len(new)} labels ({len(added)} new)" + (": " + ", ".join(added) if added else ""))
    if args.check:
        return 1 if added else 0
    (args.docs / PUBLISHED).write_text(HEADER + "".join(f"{label}\n" for label in new), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
