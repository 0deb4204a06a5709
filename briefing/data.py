"""The book's data: docs/_data/*.yaml, loaded once, validated, cached on the application.

Each file is checked against its JSON schema (briefing/schemas/NAME.json) and then against
the others (actor ids, passages, dates, duplicate ids). Every problem is reported as
``docs/_data/FILE.yaml:LINE: what is wrong; what would be right`` and fails the build.

The same module parses passage specifications (``cw:6,8; emp:34-37``) for the roles and
directives, and keeps a per-document list of evidence errors on the environment so that an
incremental build that does not re-read a broken page still fails.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import SphinxError
from sphinx.util import logging

logger = logging.getLogger(__name__)

SCHEMAS = Path(__file__).parent / "schemas"
FILES = ["sources", "actors", "chronology", "relations", "people", "names", "passages", "reviews"]
REQUIRED = {"sources"}


class DataError(SphinxError):
    category = "Briefing data error"


# --- a YAML loader that remembers lines -------------------------------------------------


class Mapping(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return getattr(self, "key_lines", {}).get(key, self.line)


class Sequence(list):
    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        lines = getattr(self, "item_lines", [])
        return lines[index] if 0 <= index < len(lines) else self.line


class LineLoader(yaml.SafeLoader):
    """SafeLoader that records line numbers (1-based) and keeps dates as strings."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[int, Any]] = []


LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_map(loader: LineLoader, node):
    data = Mapping()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in data:
            loader.duplicates.append((key_node.start_mark.line + 1, key))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = value_node.start_mark.line + 1


def _construct_seq(loader: LineLoader, node):
    data = Sequence()
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield data
    data.extend(loader.construct_object(child, deep=True) for child in node.value)


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


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
    cache: dict = field(default_factory=dict)  # per-run caches of other modules (source texts)

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


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


def _line_for(data, path) -> int:
    line = getattr(data, "line", 1)
    node = data
    for step in path:
        if isinstance(node, Mapping) and step in node:
            line = node.line_of(step)
        elif isinstance(node, Sequence) and isinstance(step, int) and step < len(node):
            line = node.line_of(step)
        else:
            break
        node = node[step]
    return line


def _describe(path) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p))
                   for i, p in enumerate(path)) or "the file"


def _schema_errors(name: str, data, where) -> list[str]:
    validator = jsonschema.Draft202012Validator(_schema(name))
    out = []
    for err in sorted(validator.iter_errors(data), key=lambda e: _line_for(data, e.absolute_path)):
        line = _line_for(data, err.absolute_path)
        hint = err.schema.get("description") if isinstance(err.schema, dict) else None
        if not hint and isinstance(err.parent, jsonschema.ValidationError):
            hint = err.parent.schema.get("description")
        message = err.message
        if err.validator == "oneOf" or err.validator == "anyOf":
            message = f"{err.instance!r} is not valid here"
        text = f"{where(line)}: {_describe(list(err.absolute_path))}: {message}"
        if hint:
            text += f" ({hint})"
        out.append(text)
    return out


def load(root: Path, directory: Path) -> tuple[BookData, list[str]]:
    """Read and validate every data file; return the data and the list of problems."""
    data = BookData(root=root, directory=directory)
    errors: list[str] = []
    loaded: dict[str, Any] = {}
    for name in FILES:
        path = data.path(name)
        where = lambda line, name=name: data.where(name, line)  # noqa: E731
        if not path.is_file():
            if name in REQUIRED:
                errors.append(f"{display(path, root)}:1: missing; run tools/derive_sources.py")
            continue
        loader = LineLoader(path.read_text(encoding="utf-8"))
        try:
            content = loader.get_single_data()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            errors.append(f"{where(line)}: not valid YAML: {getattr(exc, 'problem', exc)}")
            continue
        finally:
            loader.dispose()
        for line, key in loader.duplicates:
            errors.append(f"{where(line)}: duplicate key {key!r}: each key may appear once")
        if content is None:
            content = Mapping() if name in ("sources", "passages", "reviews") else Sequence()
        problems = _schema_errors(name, content, where)
        errors.extend(problems)
        if not problems:
            loaded[name] = content
    for name, content in loaded.items():
        setattr(data, name, content)
    errors.extend(cross_check(data, loaded))
    return data, errors


def cross_check(data: BookData, loaded: dict) -> list[str]:
    errors: list[str] = []
    sources = data.sources
    actors = {a["id"] for a in data.actors}

    def passage(name, line, spec, what):
        if not sources:
            return
        _, problems = parse_passages(spec, sources)
        errors.extend(f"{data.where(name, line)}: {what}: {p}" for p in problems)

    def unique(name, items, field_name):
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            value = item[field_name]
            line = item.line_of(field_name)
            if value in seen:
                errors.append(f"{data.where(name, line)}: duplicate {field_name} {value!r} "
                              f"(first at line {seen[value]}): {field_name}s must be unique")
            else:
                seen[value] = line

    def actor_ref(name, container, key, what):
        value = container[key]
        if actors and value not in actors:
            errors.append(f"{data.where(name, container.line_of(key))}: {what}: unknown actor "
                          f"{value!r}: use an id from actors.yaml ({', '.join(sorted(actors))})")

    unique("actors", data.actors, "id")
    unique("chronology", data.chronology, "id")
    unique("people", data.people, "id")
    unique("names", data.names, "name")

    for entry in data.chronology:
        what = f"entry {entry['id']!r}"
        try:
            parse_date(entry["date"])
        except ValueError as exc:
            errors.append(f"{data.where('chronology', entry.line_of('date'))}: {what}: date {exc}")
        for i, _ in enumerate(entry["actors"]):
            actor_ref("chronology", _Indexed(entry["actors"]), i, what)
        for i, spec in enumerate(entry["sources"]):
            passage("chronology", entry["sources"].line_of(i), spec, what)
        if "handover" in entry:
            for key in ("from", "to"):
                actor_ref("chronology", entry["handover"], key, f"{what}, handover")

    for relation in data.relations:
        what = f"relation {relation['from']} {relation['kind']} {relation['to']}"
        for key in ("from", "to"):
            actor_ref("relations", relation, key, what)
        for i, spec in enumerate(relation["sources"]):
            passage("relations", relation["sources"].line_of(i), spec, what)

    for person in data.people:
        passage("people", person.line_of("source"), person["source"], f"person {person['id']!r}")

    for entry in data.names:
        for variant in entry.get("variants", []):
            passage("names", variant.line_of("source"), variant["source"],
                    f"name {entry['name']!r}, variant {variant['spelling']!r}")

    for spec in data.passages:
        passage("passages", data.passages.line_of(spec), spec, "passage")
    return errors


class _Indexed:
    """A sequence seen as a mapping from index to item, for actor_ref."""

    def __init__(self, seq: Sequence):
        self.seq = seq

    def __getitem__(self, i):
        return self.seq[i]

    def line_of(self, i):
        return self.seq.line_of(i)


# --- Sphinx -----------------------------------------------------------------------------


def data_dir(app: Sphinx) -> Path:
    return Path(app.srcdir) / "_data"


_LOADED: dict[str, BookData] = {}  # srcdir -> data, for code that has only the environment


def load_data(app: Sphinx) -> None:
    data, errors = load(Path(app.confdir), data_dir(app))
    if errors:
        for error in errors:
            logger.error(error, type="briefing", subtype="data")
        raise DataError(f"{len(errors)} problem(s) in the book's data:\n" + "\n".join(errors))
    app.briefing_data = data
    _LOADED[str(app.srcdir)] = data


def get_data(env_or_app) -> BookData:
    if isinstance(env_or_app, BuildEnvironment):
        data = _LOADED.get(str(env_or_app.srcdir))
        if data is None:
            raise DataError("the book's data was not loaded (briefing.data is not set up)")
        return data
    if getattr(env_or_app, "briefing_data", None) is None:
        load_data(env_or_app)
    return env_or_app.briefing_data


def depend(env: BuildEnvironment, *names: str) -> None:
    """Record that the current document is built from these data files."""
    data = get_data(env)
    for name in names:
        env.note_dependency(str(data.path(name)))


def check_chapters(app: Sphinx, env: BuildEnvironment) -> None:
    data = get_data(app)
    for actor in data.actors:
        chapter = actor.get("chapter")
        if chapter and chapter not in env.found_docs:
            record_error(env, None, f"{data.where('actors', actor.line_of('chapter'))}: actor "
                         f"{actor['id']!r}: chapter {chapter!r} is not a document of the book "
                         f"(use its docname, e.g. actors/iran, or null)")


# --- evidence errors: reported when found, and again until they are fixed -------------


def _errors(env: BuildEnvironment) -> dict[str, list[str]]:
    if not hasattr(env, "briefing_errors"):
        env.briefing_errors = {}
    return env.briefing_errors


def record_error(env: BuildEnvironment, location, message: str) -> None:
    """Log an author error at its location and remember it for this document."""
    if location is None:
        text = message
        logger.error(message, type="briefing", subtype="evidence")
        docname = "__data__"
    else:
        docname, line = location
        text = f"{display(Path(env.doc2path(docname)), get_data(env).root)}:{line}: {message}"
        logger.error(message, location=location, type="briefing", subtype="evidence")
    _errors(env).setdefault(docname, []).append(text)


def purge_errors(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _errors(env).pop(docname, None)


def merge_errors(app: Sphinx, env: BuildEnvironment, docnames, other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in _errors(other):
            _errors(env)[docname] = _errors(other)[docname]


def env_before_read(app: Sphinx, env: BuildEnvironment, docnames) -> None:
    _errors(env).pop("__data__", None)
    app.briefing_read_now = set(docnames)


def fail_on_errors(app: Sphinx, exception) -> None:
    """Errors found in earlier runs, in pages not re-read, are reported again; any error fails.

    Errors are logged where they are found (so ``-W`` fails the build with the file and
    line); this also sets a failing exit status without ``-W``, and stops an incremental
    build that re-reads nothing from passing while an error stands.
    """
    env = getattr(app, "env", None)
    if exception is not None or env is None:
        return
    errors = _errors(env)
    read_now = getattr(app, "briefing_read_now", set())
    for docname in sorted(errors):
        if docname != "__data__" and docname not in read_now:
            for text in errors[docname]:
                logger.error("%s (reported again: the page has not changed since)", text,
                             type="briefing", subtype="evidence")
    count = sum(len(v) for v in errors.values())
    if count:
        app.statuscode = 1
        logger.error("%d evidence error(s) above, each with its file and line: the build fails "
                     "until they are fixed", count, type="briefing", subtype="evidence")


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", load_data, priority=400)
    app.connect("env-before-read-docs", env_before_read)
    app.connect("env-purge-doc", purge_errors)
    app.connect("env-merge-info", merge_errors)
    app.connect("env-updated", check_chapters)
    app.connect("build-finished", fail_on_errors)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
