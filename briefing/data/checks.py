"""Checks across the data files: ids unique, actors known, passages and dates valid."""

from __future__ import annotations

from briefing.data.model import BookData, parse_date, parse_passages


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

    def __init__(self, seq: list):
        self.seq = seq

    def __getitem__(self, i):
        return self.seq[i]

    def line_of(self, i):
        return self.seq.line_of(i)


