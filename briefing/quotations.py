"""Verified quotations: the ``{q}`` role, the ``{quotation}`` directive, ``{people-quoted}``.

With the source texts available (``../shared/sources`` beside the repository, or
``$BRIEFING_SOURCES``) every quotation is checked against its paragraph, normalising only
whitespace, quote marks and dashes; a mismatch fails at file:line and shows the nearest text
of that paragraph. Without the texts, each quotation is checked against the committed record
``docs/_data/quotations.json`` instead (and the record's paragraph digest against
``sources.yaml``); a quotation missing from it fails the build.

The build never writes into ``docs/`` on its own (a watcher such as sphinx-autobuild would
see a source change it did not make): ``make quotations`` runs a verifying build with
``briefing_update_quotation_record`` set, which refreshes the record. An ordinary verifying
build whose quotations differ from the record says so in one line.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from briefing import order
from briefing import sourcetext
from briefing.citations import cite, note_listing_page
from briefing.data import depend, display, get_data
from briefing.data.model import QUOTATION_RECORD
from briefing.domain import domain, store
from briefing.errors import record_error
from briefing.places import Place, links_to, place_of
from briefing.tables import table

logger = logging.getLogger(__name__)

QUOTE_ATTR = "briefing_quote"
TARGET = re.compile(r"^(?P<quote>.*?)\s*<(?:(?P<speaker>[\w-]+)@)?(?P<cite>[^<>@]+)>\s*$", re.S)
SINGLE = re.compile(r"^\s*([a-z]+)\s*:\s*(\d+)\s*$")


# --- the texts and the record ------------------------------------------------------------


def texts(data) -> dict[str, dict[int, str]] | None:
    """The source paragraphs, or None when the texts are not available."""
    return data.source_texts


def record_path(data) -> Path:
    return data.directory / QUOTATION_RECORD


def nearest(paragraph: str, quote: str) -> str:
    """The stretch of the paragraph most like the quote (same number of words)."""
    words = paragraph.split(" ")
    size = max(1, len(quote.split(" ")))
    best, best_ratio = "", -1.0
    for i in range(max(1, len(words) - size + 1)):
        window = " ".join(words[i:i + size])
        ratio = difflib.SequenceMatcher(None, window.lower(), quote.lower()).ratio()
        if ratio > best_ratio:
            best, best_ratio = window, ratio
    return best


def verify(env: BuildEnvironment, quote: str, key: str, para: int, location) -> bool:
    data = get_data(env)
    wanted = sourcetext.normalise(quote)
    if not wanted:
        record_error(env, location, "empty quotation")
        return False
    source_texts = texts(data)
    if source_texts is not None:
        paragraph = sourcetext.normalise(source_texts[key][para])
        if wanted in paragraph:
            return True
        record_error(env, location,
                     f"misquote: {quote.strip()!r} is not in {key}:{para} ({data.outlet(key)}, para. "
                     f"{para}); the nearest text of that paragraph is: {nearest(paragraph, wanted)!r}. "
                     f"Quote the source exactly (only whitespace, quote marks and dashes may differ)")
        return False
    env.note_dependency(str(record_path(data)))
    entry = data.quotation_record.get((key, para, wanted))
    where = display(record_path(data), data.root)
    if entry is None:
        record_error(env, location,
                     f"quotation {quote.strip()!r} ({key}:{para}) is not in the verification record "
                     f"{where}: with the source texts at hand (../shared/sources or "
                     f"BRIEFING_SOURCES), run `make quotations` to verify it and commit the record")
        return False
    if entry["digest"] != data.sources[key]["digests"].get(para):
        record_error(env, location,
                     f"the verification record {where} was made from a different text of {key}:{para} "
                     f"than sources.yaml describes: rebuild with the source texts to re-verify")
        return False
    return True


def parse_single(env, spec: str, location) -> tuple[str, int] | None:
    data = get_data(env)
    m = SINGLE.match(spec)
    if not m:
        record_error(env, location, f"quotation source {spec!r}: a quotation cites one paragraph, "
                     f"key:paragraph (e.g. emp:16)")
        return None
    key, para = m.group(1), int(m.group(2))
    if key not in data.sources:
        record_error(env, location, f"quotation source {spec!r}: unknown source key {key!r}: the "
                     f"sources are {', '.join(sorted(data.sources))}")
        return None
    count = data.sources[key]["paragraphs"]
    if not 1 <= para <= count:
        record_error(env, location, f"quotation source {spec!r}: paragraph {para} does not exist: "
                     f"{key} has {count} paragraphs")
        return None
    return key, para


def check_speaker(env, speaker: str | None, location) -> bool:
    if speaker is None:
        return True
    depend(env, "people")
    people = get_data(env).person
    if speaker not in people:
        record_error(env, location, f"unknown speaker {speaker!r}: use an id from "
                     f"docs/_data/people.yaml ({', '.join(sorted(people)) or 'none yet'})")
        return False
    return True


def curly(text: str) -> str:
    """Outer curly quotes; inner double quotes become single curly quotes."""
    inner = re.sub(r'"([^"]*)"', r"‘\1’", text.strip())
    inner = inner.replace("“", "‘").replace("”", "’")
    return f"“{inner}”"


def quote_nodes(env, quote: str, key: str, para: int, speaker: str | None, location,
                rawtext: str = "") -> list[nodes.Node] | None:
    ok = verify(env, quote, key, para, location)
    citation = cite(env, f"{key}:{para}", location)
    if not ok or citation is None:
        return None
    text = " ".join(quote.split())
    q = nodes.inline(rawtext, "", classes=["briefing-quote"])
    q[QUOTE_ATTR] = {"quote": text, "key": key, "paragraph": para, "speaker": speaker}
    q += nodes.Text(curly(text))
    return [q, nodes.Text(" "), citation]


class QuoteRole(SphinxRole):
    """``{q}`a victory in its strategy <giragosian@emp:16>```."""

    def run(self):
        location = (self.env.docname, self.lineno)
        m = TARGET.match(self.text)
        if not m or not m.group("quote").strip():
            record_error(self.env, location, f"quotation {self.text!r}: write "
                         f"{{q}}`quoted words <speaker@key:paragraph>` (speaker optional)")
            return [nodes.inline(self.rawtext, self.text)], []
        target = parse_single(self.env, m.group("cite"), location)
        speaker = m.group("speaker")
        if target is None or not check_speaker(self.env, speaker, location):
            return [nodes.inline(self.rawtext, self.text)], []
        made = quote_nodes(self.env, m.group("quote"), *target, speaker, location, self.rawtext)
        if made is None:
            return [nodes.inline(self.rawtext, self.text)], []
        wrapper = nodes.inline(self.rawtext, "", *made, classes=["briefing-q"])
        self.set_source_info(wrapper)
        return [wrapper], []


class QuotationDirective(SphinxDirective):
    """A block quotation with :speaker: (people.yaml id) and :cite: (key:paragraph)."""

    has_content = True
    option_spec = {"speaker": directives.unchanged_required, "cite": directives.unchanged_required}

    def run(self):
        location = (self.env.docname, self.lineno)
        if "cite" not in self.options:
            record_error(self.env, location, "quotation without :cite: (add ':cite: key:paragraph')")
            return []
        if not self.content:
            record_error(self.env, location, "quotation without text")
            return []
        speaker = self.options.get("speaker")
        target = parse_single(self.env, self.options["cite"], location)
        if target is None or not check_speaker(self.env, speaker, location):
            return []
        text = " ".join(line.strip() for line in self.content)
        made = quote_nodes(self.env, text, *target, speaker, location)
        if made is None:
            return []
        block = nodes.block_quote(classes=["briefing-quotation"])
        self.set_source_info(block)
        para = nodes.paragraph()
        for n in made:
            para += n
        block += para
        if speaker:
            person = get_data(self.env).person[speaker]
            attribution = nodes.attribution()
            attribution += nodes.Text(f"{person['name']}, {person['role']}")
            block += attribution
        return [block]


# --- who is quoted where (the domain's quotes store) ------------------------------------------------------


@dataclass(frozen=True)
class Quoted:
    quote: str
    key: str
    paragraph: int
    speaker: str | None
    place: Place


def collect(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    found = []
    for node in doctree.findall(nodes.inline):
        if QUOTE_ATTR not in node:
            continue
        q = node[QUOTE_ATTR]
        found.append(Quoted(q["quote"], q["key"], q["paragraph"], q["speaker"],
                            place_of(node, doctree, env.docname)))
    store(env, "quotes")[env.docname] = found


def all_quotes(env: BuildEnvironment) -> list[Quoted]:
    return list(domain(env).records("quotes"))


def write_record(app: Sphinx, env: BuildEnvironment) -> None:
    """After a verifying read, refresh the verification record (deterministic, sorted) when
    asked to by ``briefing_update_quotation_record``; otherwise only say if it is stale."""
    data = get_data(app)
    source_texts = texts(data)
    if source_texts is None or any(store(env, "errors").values()):
        return
    entries = {}
    for q in all_quotes(env):
        item = {
            "quote": q.quote,
            "key": q.key,
            "paragraph": q.paragraph,
            "speaker": q.speaker,
            "digest": sourcetext.digest(source_texts[q.key][q.paragraph]),
        }
        entries[(q.key, q.paragraph, q.quote, q.speaker or "")] = item
    ordered = [entries[k] for k in sorted(entries)]
    text = json.dumps(ordered, ensure_ascii=False, indent=1) + "\n"
    path = record_path(data)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    if app.config.briefing_update_quotation_record:
        path.write_text(text, encoding="utf-8")
        logger.info("quotations: wrote the verification record %s (%d quotations)",
                    display(path, data.root), len(ordered))
    else:
        logger.info("quotations: every quotation is verified against the source texts, but the "
                    "record %s is out of date (a build without the texts would fail): run "
                    "`make quotations` and commit it", display(path, data.root))


# --- people quoted --------------------------------------------------------------------


class people_quoted(nodes.General, nodes.Element):
    """Placeholder for the people-quoted table; replaced at doctree-resolved."""


class PeopleQuotedDirective(SphinxDirective):
    has_content = False

    def run(self):
        depend(self.env, "people")
        note_listing_page(self.env, "people-quoted")
        node = people_quoted()
        self.set_source_info(node)
        return [node]


def render_people(app: Sphinx, fromdoc: str) -> nodes.Node:
    env = app.env
    data = get_data(env)
    by_speaker: dict[str, dict[tuple, list[Quoted]]] = {}
    for q in all_quotes(env):
        if q.speaker:
            by_speaker.setdefault(q.speaker, {}).setdefault((q.key, q.paragraph, q.quote), []).append(q)
    rows = []
    for person in data.people:
        quotes = by_speaker.get(person["id"])
        if not quotes:
            continue
        role = [nodes.Text(person["role"] + " ")]
        role_cite = cite(env, person["source"], None)
        if role_cite is not None:
            role.append(role_cite)
        said = nodes.bullet_list()
        for (key, para, text), places in sorted(quotes.items()):
            item = nodes.list_item()
            p = nodes.paragraph()
            p += nodes.Text(curly(text) + " ")
            c = cite(env, f"{key}:{para}", None)
            if c is not None:
                p += c
            p += nodes.Text(". Quoted in ")
            p.extend(links_to(app, fromdoc, (q.place for q in places)))
            p += nodes.Text(".")
            item += p
            said += item
        rows.append([person["name"], role, said])
    return table(["Person", "Role, as the source describes them", "What they said, and where"], rows,
                 ["briefing-people-quoted"], [2, 3, 6])


def resolve(app: Sphinx, doctree: nodes.document, fromdoc: str) -> None:
    for node in list(doctree.findall(people_quoted)):
        node.replace_self(render_people(app, fromdoc))


def _skip(self, node):
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.citations")
    app.add_role("q", QuoteRole())
    app.add_directive("quotation", QuotationDirective)
    skip = (_skip, None)  # replaced at doctree-resolved; never reaches a writer
    app.add_node(people_quoted, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_directive("people-quoted", PeopleQuotedDirective)
    app.connect("doctree-read", collect)
    app.add_config_value("briefing_update_quotation_record", False, "", types=[bool])
    app.connect("env-updated", write_record, priority=order.RECORDS_REFRESHED)
    app.connect("doctree-resolved", resolve, priority=order.LISTS_GENERATED)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
