"""The source texts: where they are, how their paragraphs are normalised and digested.

No Sphinx here: ``tools/derive_sources.py`` and the extensions share it. The texts are
copyrighted and never enter the repository; the build reads them only when they are
available (``../shared/sources`` beside the repository, or ``$BRIEFING_SOURCES``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from pathlib import Path

# Source key -> (record slug, outlet, BibTeX key). The keys are the book's citation keys.
SOURCES = {
    "cw": ("caucasus-watch-cracks-to-fractions", "Caucasus Watch", "cw"),
    "emp": ("euromaidan-press-russian-withdrawal", "Euromaidan Press", "emp"),
}

_SINGLE = re.compile(r"[‘’‚‛′']")
_DOUBLE = re.compile(r"[“”„‟″\"]")
_DASH = re.compile(r"[‐‑‒–—―-]")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace, quote marks and dashes made uniform; nothing else changes."""
    text = unicodedata.normalize("NFC", text)
    text = _SINGLE.sub("'", text)
    text = _DOUBLE.sub('"', text)
    text = _DASH.sub("-", text)
    return _SPACE.sub(" ", text).strip()


def digest(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def sources_dir(root: Path) -> Path | None:
    """The directory holding the source records, or None when the texts are not available."""
    configured = os.environ.get("BRIEFING_SOURCES")
    path = Path(configured) if configured else Path(root).resolve().parent / "shared" / "sources"
    if all((path / f"{slug}.json").is_file() for slug, _, _ in SOURCES.values()):
        return path
    return None


def read_paragraphs(directory: Path, key: str) -> dict[int, str]:
    slug = SOURCES[key][0]
    record = json.loads((directory / f"{slug}.json").read_text(encoding="utf-8"))
    return {b["paragraph"]: b["text"] for b in record["blocks"] if "paragraph" in b}
