"""What the book's data is once loaded: the data files, passages and dates.

``BookData`` holds the validated content of docs/_data/*.yaml; ``parse_passages`` reads a
citation (``cw:6,8; emp:34-37``) against the sources, ``parse_date`` a date of honest
precision. No Sphinx here: tools and tests use the same model.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from briefing import sourcetext

# The data files, in the order they are loaded and cross-checked (briefing/schemas/NAME.json).
FILES = ["sources", "actors", "chronology", "relations", "people", "names", "passages", "reviews"]
REQUIRED = {"sources"}
# The committed record of verified quotations (briefing/quotations.py, `make quotations`).
QUOTATION_RECORD = "quotations.json"



# --- passages ---------------------------------------------------------------------------


PASSAGE_GROUP = re.compile(r"^\s*(?P<key>[A-Za-z][\w-]*)\s*:\s*(?P<items>.+?)\s*$")
ITEM = re.compile(r"^(?P<a>\d+)(?:\s*[-–]\s*(?P<b>\d+))?$")


def parse_passages(spec: str, sources: dict) -> tuple[list[tuple[str, list[int]]], list[str]]:
    """``cw:6,8; emp:34-37`` -> ([("cw", [6, 8]), ("emp", [34, 35, 36, 37])], errors)."""
    groups: list[tuple[str, list[int]]] = []
    errors: list[str] = []
    if not spec.strip():
        return groups, ["empty citation: write key:paragraph, e.g. cw:12"]
    for part in spec.split(";"):
        m = PASSAGE_GROUP.match(part)
        if not m:
            errors.append(f"{part.strip()!r} is not a passage: write key:paragraph, e.g. cw:12, "
                          f"cw:6,8 or emp:34-37, and separate sources with ';'")
            continue
        key = m.group("key")
        if key not in sources:
            known = ", ".join(sorted(sources))
            errors.append(f"unknown source key {key!r}: the sources are {known}")
            continue
        count = sources[key]["paragraphs"]
        paras: list[int] = []
        for item in m.group("items").split(","):
            im = ITEM.match(item.strip())
            if not im:
                errors.append(f"{item.strip()!r} in {part.strip()!r} is not a paragraph number or range "
                              f"(e.g. 12 or 34-37); separate sources with ';'")
                continue
            a = int(im.group("a"))
            b = int(im.group("b") or a)
            if b < a:
                errors.append(f"range {a}-{b} runs backwards: write {b}-{a}")
                continue
            for n in sorted({a, b}):
                if not 1 <= n <= count:
                    errors.append(f"paragraph {n} does not exist: {key} has {count} paragraphs")
            paras.extend(n for n in range(a, b + 1) if 1 <= n <= count)
        if paras:
            groups.append((key, paras))
    return groups, errors


# --- dates --------------------------------------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


@dataclass(frozen=True)
class Date:
    """A date with honest precision."""

    label: str          # as shown: "1 January 2025", "July 2024", "1992", "by the 2040s"
    sort: float         # for ordering only
    approximate: bool
    year: int | None    # the calendar year, when the date has one


def parse_date(value) -> Date:
    """Parse a validated date value; raises ValueError with an author-facing message."""
    if isinstance(value, dict):
        return Date(str(value["approx"]).strip(), float(value["sort"]), True, None)
    text = str(value)
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return Date(str(year), float(year), False, year)
    month = parts[1]
    if not 1 <= month <= 12:
        raise ValueError(f"month {month:02d} does not exist in {text!r}: months run 01-12")
    if len(parts) == 2:
        return Date(f"{MONTHS[month - 1]} {year}", year + (month - 1) / 12, False, year)
    try:
        day = dt.date(year, month, parts[2])
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date: check the day of the month") from None
    return Date(f"{day.day} {MONTHS[month - 1]} {year}",
                year + (month - 1) / 12 + (day.day - 1) / 372, False, year)


# --- the data ---------------------------------------------------------------------------



@dataclass
class BookData:
    root: Path
    directory: Path
    sources: dict = field(default_factory=dict)
    actors: list = field(default_factory=list)
    chronology: list = field(default_factory=list)
    relations: list = field(default_factory=list)
    people: list = field(default_factory=list)
    names: list = field(default_factory=list)
    passages: dict = field(default_factory=dict)
    reviews: dict = field(default_factory=dict)  # the review ledger (briefing/reviews.py)

    @functools.cached_property
    def source_texts(self) -> dict[str, dict[int, str]] | None:
        """The sources' paragraphs, read once per build from the texts beside the project
        (never from the repository), or None where the texts are absent."""
        directory = sourcetext.sources_dir(self.root)
        if not directory:
            return None
        return {key: sourcetext.read_paragraphs(directory, key) for key in sourcetext.SOURCES}

    @functools.cached_property
    def quotation_record(self) -> dict[tuple[str, int, str], dict]:
        """The committed record of verified quotations, by (source, paragraph, normalised quote)."""
        path = self.directory / QUOTATION_RECORD
        entries = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
        return {(e["key"], e["paragraph"], sourcetext.normalise(e["quote"])): e for e in entries}

    @property
    def actor(self) -> dict[str, dict]:
        return {a["id"]: a for a in self.actors}

    @property
    def person(self) -> dict[str, dict]:
        return {p["id"]: p for p in self.people}

    def path(self, name: str) -> Path:
        return self.directory / f"{name}.yaml"

    def where(self, name: str, line: int) -> str:
        return f"{display(self.path(name), self.root)}:{line}"

    def date(self, entry) -> Date:
        return parse_date(entry["date"])

    def sorted_chronology(self, actor: str | None = None) -> list:
        entries = [(i, e) for i, e in enumerate(self.chronology)
                   if actor is None or actor in e["actors"]]
        entries.sort(key=lambda ie: (self.date(ie[1]).sort, ie[0]))
        return [e for _, e in entries]

    def outlet(self, key: str) -> str:
        return self.sources[key]["outlet"]


def display(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(root).resolve()))
    except ValueError:
        return str(path)
