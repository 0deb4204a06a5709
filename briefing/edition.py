"""The edition: one source of truth for title, version, date, address and date of information.

Everything that names the edition (title page, footer, PDF metadata, citation blocks, page
metadata, CITATION.cff check) reads it from here; here reads it from ``pyproject.toml``,
the environment and the chronology.

* The date comes from ``SOURCE_DATE_EPOCH`` so that a build is a pure function of the
  commit; without it, from the commit time of HEAD.
* The address: ``[tool.briefing].base_url`` in pyproject.toml is the root of the site where
  the editions are published; ``BRIEFING_BASE_URL`` overrides it at build time. Each edition
  lives under its own path, ``<root>/<version>/``, and ``<root>/latest/`` holds the newest
  (``tools/publish.py``). On Read the Docs, which versions the site itself, the edition's
  address is the platform's ``READTHEDOCS_CANONICAL_URL``. With none of these set, the
  edition has no address (``url == ""``) and every citation says so: no host is ever made up.
* The date of information: the latest exactly dated event in ``docs/_data/chronology.yaml``.
  The sources' own publication dates are not known, so this is what the book can say about
  how current it is; it is shown apart from the edition date.
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import re
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
ENV_BASE_URL = "BRIEFING_BASE_URL"
ENV_RTD_URL = "READTHEDOCS_CANONICAL_URL"
PDF_NAME = "briefing.pdf"
EPUB_NAME = "briefing.epub"
EXACT_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def human_date(day: _dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class InformationDate:
    """How current the book's information is: its latest exactly dated event."""

    date: _dt.date
    events: tuple[str, ...]  # chronology ids dated that day

    @property
    def iso(self) -> str:
        return self.date.isoformat()

    @property
    def human(self) -> str:
        return human_date(self.date)


@dataclass(frozen=True)
class Edition:
    title: str
    subtitle: str
    publisher: str
    version: str
    date: _dt.date
    url: str = ""          # this edition's address ("" when not set): ends with "/"
    site_url: str = ""     # the root holding every edition ("" when not known)
    url_source: str = ""   # where the address came from (for messages)
    language: str = "en"
    current_to: InformationDate | None = None

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def date_iso(self) -> str:
        return self.date.isoformat()

    @property
    def date_human(self) -> str:
        return human_date(self.date)

    @property
    def edition_label(self) -> str:
        return f"Edition {self.version}"

    @property
    def base_url(self) -> str:
        """Older name of :attr:`url`."""
        return self.url

    @property
    def latest_url(self) -> str:
        return self.site_url + "latest/" if self.site_url else ""

    @property
    def pdf_url(self) -> str:
        return self.url + PDF_NAME if self.url else ""

    @property
    def epub_url(self) -> str:
        return self.url + EPUB_NAME if self.url else ""


def source_date_epoch(root: Path, environ: Mapping[str, str]) -> int:
    """The date every build of a commit carries: SOURCE_DATE_EPOCH, else the commit's time."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value:
        return int(value)
    return _commit_time(root)


@functools.cache
def _commit_time(root: Path) -> int:
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


def _absolute(url: str, where: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{where}: {url!r} is not an absolute http(s) address; "
                         "give e.g. https://host/path/ or leave it empty")
    return url.rstrip("/") + "/"


def addresses(version: str, configured: str, environ: Mapping[str, str]) -> tuple[str, str, str]:
    """(edition url, site root, source) from the environment or the configuration.

    BRIEFING_BASE_URL, then READTHEDOCS_CANONICAL_URL, then pyproject's base_url; none set
    gives ("", "", "").
    """
    if environ.get(ENV_BASE_URL, "").strip():
        site = _absolute(environ[ENV_BASE_URL], ENV_BASE_URL)
        return f"{site}{version}/", site, ENV_BASE_URL
    if environ.get(ENV_RTD_URL, "").strip():
        # Read the Docs builds each version (a tag per edition) at its own canonical address.
        return _absolute(environ[ENV_RTD_URL], ENV_RTD_URL), "", ENV_RTD_URL
    if (configured or "").strip():
        site = _absolute(configured, "pyproject.toml [tool.briefing] base_url")
        return f"{site}{version}/", site, "pyproject.toml"
    return "", "", ""


def information_date(chronology: Path) -> InformationDate | None:
    """The latest exactly dated (YYYY-MM-DD) entry of the chronology; None if it has none."""
    if not chronology.is_file():
        return None
    from briefing.data import LineLoader  # keeps dates as strings, as the book reads them

    loader = LineLoader(chronology.read_text(encoding="utf-8"))
    try:
        entries = loader.get_single_data() or []
    finally:
        loader.dispose()
    dated: dict[_dt.date, list[str]] = {}
    for entry in entries:
        value = entry.get("date") if isinstance(entry, dict) else None
        if isinstance(value, str) and EXACT_DATE.match(value):
            try:
                day = _dt.date.fromisoformat(value)
            except ValueError:
                continue  # the data check reports it
            dated.setdefault(day, []).append(str(entry.get("id", "")))
    if not dated:
        return None
    latest = max(dated)
    return InformationDate(latest, tuple(dated[latest]))


@functools.cache
def _edition(root: Path, pyproject: str, epoch: int, base_env: str, rtd_env: str,
             chronology_mtime: int) -> Edition:
    meta = tomllib.loads(pyproject)
    book = meta["tool"]["briefing"]
    version = meta["project"]["version"]
    when = _dt.datetime.fromtimestamp(epoch, tz=_dt.timezone.utc).date()
    url, site, source = addresses(version, book.get("base_url", ""),
                                  {ENV_BASE_URL: base_env, ENV_RTD_URL: rtd_env})
    return Edition(
        title=book["title"],
        subtitle=book["subtitle"],
        publisher=book["publisher"],
        version=version,
        date=when,
        url=url,
        site_url=site,
        url_source=source,
        language=book.get("language", "en"),
        current_to=information_date(root / "docs" / "_data" / "chronology.yaml"),
    )


def edition(root: Path = ROOT, environ: Mapping[str, str] | None = None) -> Edition:
    """The edition built from ``root`` (pyproject.toml, docs/_data) in this environment.

    ``environ={}`` gives the edition as the repository alone defines it (no build-time
    address), which is what the committed CITATION.cff records.
    """
    environ = os.environ if environ is None else environ
    root = Path(root).resolve()
    chronology = root / "docs" / "_data" / "chronology.yaml"
    mtime = chronology.stat().st_mtime_ns if chronology.is_file() else 0
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    return _edition(root, pyproject, source_date_epoch(root, environ), environ.get(ENV_BASE_URL, ""),
                    environ.get(ENV_RTD_URL, ""), mtime)
