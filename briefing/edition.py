"""The edition: one source of truth for title, version and date.

Everything that names the edition (title page, footer, PDF metadata, citation blocks,
CITATION.cff check) reads it from here; here reads it from ``pyproject.toml``.
The date comes from ``SOURCE_DATE_EPOCH`` so that a build is a pure function of the
commit; without it, from the commit time of HEAD.
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Edition:
    title: str
    subtitle: str
    publisher: str
    version: str
    base_url: str
    date: _dt.date

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def date_iso(self) -> str:
        return self.date.isoformat()

    @property
    def date_human(self) -> str:
        return f"{self.date.day} {self.date:%B %Y}"

    @property
    def edition_label(self) -> str:
        return f"Edition {self.version}"


def _source_date_epoch(root: Path) -> int:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value:
        return int(value)
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout.strip()
        if out:
            return int(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        pass
    # Not a git checkout and no SOURCE_DATE_EPOCH: a fixed date keeps the output reproducible.
    return 0


@functools.cache
def edition(root: Path = ROOT) -> Edition:
    meta = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    book = meta["tool"]["briefing"]
    when = _dt.datetime.fromtimestamp(_source_date_epoch(root), tz=_dt.timezone.utc).date()
    return Edition(
        title=book["title"],
        subtitle=book["subtitle"],
        publisher=book["publisher"],
        version=meta["project"]["version"],
        base_url=book["base_url"].rstrip("/") + "/",
        date=when,
    )
