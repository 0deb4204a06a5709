"""Derive docs/_data/sources.yaml from the source records (maintainers only).

    python tools/derive_sources.py [SOURCES_DIR]

Reads ../shared/sources/*.json (or SOURCES_DIR, or $BRIEFING_SOURCES) and writes, per source
key, its slug, BibTeX key, outlet, paragraph count and a sha256 digest of each paragraph's
normalised text. No article text is written. The build validates paragraph numbers against
this file, so it needs no access to the texts.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from briefing.sourcetext import SOURCES, digest, read_paragraphs, sources_dir

OUT = ROOT / "docs" / "_data" / "sources.yaml"


def render(directory: Path) -> str:
    lines = [
        "# Derived by tools/derive_sources.py from the source records; do not edit by hand.",
        "# Per source: slug, BibTeX key, outlet, paragraph count, and the sha256 of each",
        "# paragraph's normalised text (whitespace, quote marks and dashes made uniform).",
    ]
    for key, (slug, outlet, bibkey) in SOURCES.items():
        paragraphs = read_paragraphs(directory, key)
        numbers = sorted(paragraphs)
        if numbers != list(range(1, len(numbers) + 1)):
            raise SystemExit(f"{slug}.json: paragraph numbers are not 1..{len(numbers)}")
        lines += [
            f"{key}:",
            f"  slug: {slug}",
            f"  bibtex: {bibkey}",
            f"  outlet: {outlet}",
            f"  paragraphs: {len(numbers)}",
            "  digests:",
            *(f"    {n}: {digest(paragraphs[n])}" for n in numbers),
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    directory = Path(argv[1]) if len(argv) > 1 else sources_dir(ROOT)
    if directory is None:
        print("source records not found: pass SOURCES_DIR or set BRIEFING_SOURCES", file=sys.stderr)
        return 1
    OUT.write_text(render(directory), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
