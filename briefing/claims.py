"""Claims: every cited statement of the book, as the fact-check sheet and the review ledger see it.

A *claim* is one citation together with the text it supports:

* **Prose.** Every ``{src}`` citation, and the citation of every ``{q}`` quotation and
  ``{quotation}`` block, is one claim. Its text is taken from the *block* that holds the
  citation (a paragraph, a list item's paragraph, a table cell, a definition): the sentence
  that carries the citation, preceded by the sentences of the same block that carry no
  citation of their own since the previous cited sentence. A citation placed just after a
  full stop belongs to the sentence before it. Sentences end at ``.``, ``!`` or ``?``
  (with any closing quote or bracket) followed by a space and a capital, a digit or an
  opening quote, never after an abbreviation (e.g., i.e., para., U.S.) or an initial. Two
  citations in one sentence are two claims sharing that sentence; the sheet marks which
  citation each one is. Citations in generated tables (timelines, the relations matrix, the
  names table) are not prose claims: their data entries are.
* **Judgments.** Each ``{judgment}`` box, with the evidence it cites: the citations inside
  the box and in the blocks that follow it in its section, up to the next judgment.
* **Data entries.** Each entry of ``chronology.yaml`` and ``relations.yaml``, with its
  ``sources``.

At doctree-read every prose citation gets a stable id (``<section id>--c<n>``, the n-th
prose citation directly in that section) and every judgment box one (``<section id>--j<n>``),
so the HTML edition has an anchor for each; the rows of the full timeline get
``<entry id>--event``. The claims of each page are kept in the briefing domain's ``claims``
store, for the ``factcheck`` builder (briefing/factcheck.py).

A claim's *digest* is the sha256 of its normalised text, its passages and the sha256 of
each cited paragraph as ``sources.yaml`` gives it: editing the sentence or re-deriving a
changed source paragraph changes the digest, and the review ledger (briefing/reviews.py)
then shows the claim as changed since review.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from briefing import sourcetext
from briefing.citations import CITES_ATTR
from briefing.data import BookData, display, get_data
from briefing.domain import store
from briefing.places import nearest_section, section_title
from briefing.judgments import CLASS as JUDGMENT_CLASS
from briefing.quotations import QUOTE_ATTR

CITE_TOKEN = "\ue000"
QUOTE_TOKEN = "\ue001"
BLOCKS = (nodes.paragraph, nodes.term, nodes.title, nodes.rubric, nodes.line, nodes.caption,
          nodes.attribution)
ABBREVIATIONS = {"e.g", "i.e", "etc", "para", "paras", "cf", "vs", "mr", "mrs", "ms", "dr", "st",
                 "no", "nos", "approx", "gen", "col", "lt", "jr", "prof", "fig", "ch", "sec", "p",
                 "pp", "u.s", "u.k", "u.n", "e.u"}
OPENERS = "\"“‘'([" + CITE_TOKEN + QUOTE_TOKEN
CLOSERS = "\"”’')]"


@dataclass(frozen=True)
class Claim:
    kind: str                    # "prose", "judgment", "chronology", "relations"
    file: str                    # the file the claim is written in, e.g. docs/summary.md
    line: int
    docname: str                 # the HTML page that shows it
    anchor: str                  # its id on that page
    id: str                      # its id in the review ledger, unique within the file
    passages: tuple              # ("cw:1", "cw:3")
    text: str                    # the claim's text; other citations as [cw:1; cw:3]
    segments: tuple = ()         # (("text", s) | ("cite", spec, own) | ("quote", s, passage))
    section: str = ""            # the section's title
    context: str = ""            # a definition's term, a table row's first cell
    evidence: tuple = ()         # judgments: the ids of the prose claims they rest on


# --- sentences -------------------------------------------------------------------------


def _is_abbreviation(before: str) -> bool:
    word = re.search(r"(\S+)$", before)
    if not word:
        return False
    w = word.group(1).lstrip("(\"“‘'")
    return (w.lower() in ABBREVIATIONS or bool(re.fullmatch(r"[A-Z]", w))
            or bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", w)))


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a block's text, covering the whole text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"[.!?]+[" + re.escape(CLOSERS) + r"]*", text):
        end = m.end()
        rest = text[end:]
        if rest.strip() == "":
            continue
        if not rest[:1].isspace():
            continue
        following = rest.lstrip()[:1]
        if not (following.isupper() or following.isdigit() or following in OPENERS):
            continue
        if m.group(0)[0] == "." and _is_abbreviation(text[start:m.start()]):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


# --- the text of a block, with its citations and quotations as tokens -------------------


def is_prose_citation(node: nodes.Node) -> bool:
    """A citation an author wrote: a ``{src}`` role, or the citation of ``{q}``/``{quotation}``."""
    if not isinstance(node, nodes.inline) or CITES_ATTR not in node:
        return False
    raw = (node.rawsource or "").strip()
    if raw.startswith("{src}") or raw.startswith(":src:"):
        return True
    parent = node.parent
    if parent is None:
        return False
    i = parent.index(node)
    return i >= 2 and isinstance(parent[i - 2], nodes.Element) and QUOTE_ATTR in parent[i - 2]


def block_of(node: nodes.Node) -> nodes.Element | None:
    parent = node.parent
    while parent is not None and not isinstance(parent, BLOCKS):
        parent = parent.parent
    return parent


def tokenised(block: nodes.Element) -> tuple[str, list]:
    """The block's text with each citation and quotation replaced by one token character."""
    parts: list[str] = []
    tokens: list = []

    def walk(node):
        if isinstance(node, nodes.Text):
            parts.append(str(node))
        elif isinstance(node, nodes.inline) and CITES_ATTR in node:
            parts.append(CITE_TOKEN)
            tokens.append(node)
        elif isinstance(node, nodes.inline) and QUOTE_ATTR in node:
            parts.append(QUOTE_TOKEN)
            tokens.append(node)
        elif isinstance(node, (nodes.footnote_reference, nodes.citation_reference, nodes.target,
                               nodes.system_message, nodes.comment, nodes.raw)):
            return
        elif isinstance(node, nodes.Element):
            for child in node.children:
                walk(child)

    for child in block.children:
        walk(child)
    return "".join(parts), tokens


def spec(node: nodes.Element) -> str:
    """A citation's passages as one spec: "cw:1; cw:3"."""
    return "; ".join(node[CITES_ATTR])


def squash(text: str) -> str:
    return " ".join(text.split())


def segments_of(text: str, tokens: list, positions: dict[int, int], own: nodes.Element) -> tuple:
    out: list = []
    run: list[str] = []
    for i, ch in enumerate(text):
        if ch in (CITE_TOKEN, QUOTE_TOKEN):
            if run:
                out.append(("text", "".join(run)))
                run = []
            node = tokens[positions[i]]
            if ch == CITE_TOKEN:
                out.append(("cite", spec(node), node is own))
            else:
                q = node[QUOTE_ATTR]
                out.append(("quote", node.astext(), f"{q['key']}:{q['paragraph']}"))
        else:
            run.append(ch)
    if run:
        out.append(("text", "".join(run)))
    # whitespace made uniform, the ends trimmed
    cleaned = []
    for seg in out:
        if seg[0] == "text":
            seg = ("text", re.sub(r"\s+", " ", seg[1]))
        cleaned.append(seg)
    if cleaned and cleaned[0][0] == "text":
        cleaned[0] = ("text", cleaned[0][1].lstrip())
    if cleaned and cleaned[-1][0] == "text":
        cleaned[-1] = ("text", cleaned[-1][1].rstrip())
    return tuple(s for s in cleaned if not (s[0] == "text" and s[1] == ""))


def plain(segments: tuple) -> str:
    """The claim's text for its digest: citations as [cw:1; cw:3], quotations as shown."""
    out = []
    for seg in segments:
        if seg[0] == "text":
            out.append(seg[1])
        elif seg[0] == "cite":
            out.append(f"[{seg[1]}]")
        else:
            out.append(seg[1])
    return squash("".join(out))


def claim_spans(block: nodes.Element) -> dict[int, tuple[int, int, str, list, dict]]:
    """For each citation node (by id()) in the block: (start, end) of its claim text."""
    text, tokens = tokenised(block)
    positions: dict[int, int] = {}
    n = 0
    for i, ch in enumerate(text):
        if ch in (CITE_TOKEN, QUOTE_TOKEN):
            positions[i] = n
            n += 1
    spans = sentences(text)
    where: dict[int, int] = {}   # token position -> sentence index
    for pos, t in positions.items():
        if text[pos] != CITE_TOKEN:
            continue
        k = next(k for k, (a, b) in enumerate(spans) if a <= pos < b or k == len(spans) - 1)
        a, _ = spans[k]
        if text[a:pos].strip() == "" and k > 0:
            k -= 1
        where[pos] = k
    cited = sorted(set(where.values()))
    out = {}
    for pos, k in where.items():
        earlier = [c for c in cited if c < k]
        start = spans[earlier[-1] + 1][0] if earlier else 0
        end = spans[k][1]
        out[id(tokens[positions[pos]])] = (start, end, text, tokens, positions)
    return out


def context_of(block: nodes.Element) -> str:
    """A definition's term, or the first cell of a table row, when the block is elsewhere in it."""
    node = block.parent
    while node is not None:
        if isinstance(node, nodes.block_quote):
            attribution = next(iter(node.findall(nodes.attribution)), None)
            return f"Quotation: {squash(attribution.astext())}" if attribution is not None else ""
        if isinstance(node, nodes.definition_list_item):
            term = next(iter(node.findall(nodes.term)), None)
            return squash(term.astext()) if term is not None and term is not block else ""
        if isinstance(node, nodes.row):
            return row_context(node, block)
        if isinstance(node, nodes.section):
            return ""
        node = node.parent
    return ""


def row_context(row: nodes.row, block: nodes.Element) -> str:
    """A table cell's row (its first cell) and column (its header): "Question — Column"."""
    cells = [c for c in row.children if isinstance(c, nodes.entry)]
    index = next((i for i, c in enumerate(cells) if block in list(c.findall(type(block)))), None)
    parts = []
    if index and cells:
        parts.append(squash(cells[0].astext()))
    group = row.parent
    table = group.parent if group is not None else None
    head = next(iter(table.findall(nodes.thead)), None) if table is not None else None
    if head is not None and group is not head and index is not None:
        first = next(iter(head.findall(nodes.row)), None)
        heads = [c for c in first.children if isinstance(c, nodes.entry)] if first is not None else []
        if index < len(heads):
            parts.append(squash(heads[index].astext()))
    return " — ".join(p for p in parts if p)


def enclosing_row(block: nodes.Element) -> nodes.row | None:
    node = block.parent
    while node is not None and not isinstance(node, (nodes.row, nodes.section)):
        node = node.parent
    return node if isinstance(node, nodes.row) else None


def row_segments(row: nodes.row, block: nodes.Element) -> list:
    """The other cells of a row, each as "Header: text", for a claim that is a whole row."""
    cells = [c for c in row.children if isinstance(c, nodes.entry)]
    table = row.parent.parent if row.parent is not None else None
    head = next(iter(table.findall(nodes.thead)), None) if table is not None else None
    first = next(iter(head.findall(nodes.row)), None) if head is not None else None
    heads = [squash(c.astext()) for c in first.children if isinstance(c, nodes.entry)] if first else []
    parts = []
    for i, cell in enumerate(cells):
        if block in list(cell.findall(type(block))):
            continue
        text = squash(cell.astext())
        if text:
            parts.append(f"{heads[i]}: {text}" if i < len(heads) and heads[i] else text)
    return [("text", " | ".join(parts) + " ")] if parts else []


def line_of(node: nodes.Node) -> int:
    while node is not None:
        if getattr(node, "line", None):
            return node.line
        node = node.parent
    return 0


class LineFinder:
    """The line of a role in its source file.

    MyST gives every role of a paragraph the paragraph's first line; the role's own line is
    found by looking for its text from there on, past the roles already placed in the block.
    """

    def __init__(self, path):
        try:
            self.lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError:
            self.lines = []
        self.cursor: dict[int, int] = {}

    def line(self, node: nodes.Element) -> int:
        start = line_of(node)
        raw = (node.rawsource or "").strip()
        if not raw.startswith(("{src}", ":src:")) and node.parent is not None:
            raw = (node.parent.rawsource or "").strip()
        fragment = raw.splitlines()[0].strip() if raw else ""
        fragment = re.sub(r"^:(\w+):`", r"{\1}`", fragment)  # MyST hands roles on as :name:`…`
        if not fragment or not start:
            return start
        block = block_of(node)
        key = id(block) if block is not None else 0
        begin = max(start, self.cursor.get(key, start))
        for number in range(begin, len(self.lines) + 1):
            if fragment in self.lines[number - 1]:
                self.cursor[key] = number
                return number
        return start


# --- doctree-read: ids, and the claims of the page --------------------------------------


def _assign(node: nodes.Element, wanted: str, taken: set[str]) -> str:
    if node["ids"]:
        return node["ids"][0]
    ident = wanted
    n = 2
    while ident in taken:
        ident = f"{wanted}-{n}"
        n += 1
    node["ids"].append(ident)
    taken.add(ident)
    return ident


def collect(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    data = get_data(app)
    docname = env.docname
    file = display(env.doc2path(docname), data.root)
    taken = {i for node in doctree.findall(nodes.Element) for i in node["ids"]}
    counters: dict[str, int] = {}

    def section_key(node) -> tuple[str, str]:
        section = nearest_section(node)
        sid = section["ids"][0] if section is not None and section["ids"] else docname.replace("/", "-")
        return sid, squash(section_title(section))

    finder = LineFinder(env.doc2path(docname))
    prose: list[Claim] = []
    by_node: dict[int, Claim] = {}
    blocks: dict[int, dict] = {}
    for node in list(doctree.findall(nodes.inline)):
        if not is_prose_citation(node):
            continue
        sid, title = section_key(node)
        counters[sid] = counters.get(sid, 0) + 1
        anchor = _assign(node, f"{sid}--c{counters[sid]}", taken)
        block = block_of(node)
        if block is None:
            segments = (("cite", spec(node), True),)
            context = ""
        else:
            if id(block) not in blocks:
                blocks[id(block)] = claim_spans(block)
            start, end, text, tokens, positions = blocks[id(block)][id(node)]
            window = {p - start: n for p, n in positions.items() if start <= p < end}
            segments = segments_of(text[start:end], tokens, window, node)
            context = context_of(block)
            row = enclosing_row(block)
            if row is not None and not any(seg[0] != "cite" and re.search(r"\w", seg[1]) for seg in segments):
                # a cell holding only citations (a "Source" column): the claim is its row
                segments = tuple(row_segments(row, block)) + segments
                context = ""
        claim = Claim("prose", file, finder.line(node), docname, anchor, anchor, tuple(node[CITES_ATTR]),
                      plain(segments), segments, title, context)
        prose.append(claim)
        by_node[id(node)] = claim

    judgments: list[Claim] = []
    for box in list(doctree.findall(nodes.container)):
        if JUDGMENT_CLASS not in box["classes"] or "briefing_likelihood" not in box:
            continue
        sid, title = section_key(box)
        counters[sid + "--j"] = counters.get(sid + "--j", 0) + 1
        anchor = _assign(box, f"{sid}--j{counters[sid + '--j']}", taken)
        body = [c for c in box.children if "briefing-judgment-head" not in c.get("classes", [])]
        evidence_nodes = [n for c in body for n in c.findall(nodes.inline) if id(n) in by_node]
        parent = box.parent
        for sibling in parent.children[parent.index(box) + 1:]:
            if isinstance(sibling, nodes.section) or (
                    isinstance(sibling, nodes.container) and JUDGMENT_CLASS in sibling["classes"]):
                break
            evidence_nodes += [n for n in sibling.findall(nodes.inline) if id(n) in by_node]
        evidence = [by_node[id(n)] for n in evidence_nodes]
        passages = []
        for c in evidence:
            passages += [p for p in c.passages if p not in passages]
        segments: list = []
        for c in body:
            for para in c.findall(nodes.paragraph):
                text, tokens = tokenised(para)
                positions = {i: n for n, i in enumerate(i for i, ch in enumerate(text)
                                                        if ch in (CITE_TOKEN, QUOTE_TOKEN))}
                if segments:
                    segments.append(("text", " "))
                segments += segments_of(text, tokens, positions, None)
        head = f"{box['briefing_likelihood']} · {box['briefing_confidence']} confidence: "
        segments = [("text", head), *segments]
        judgments.append(Claim("judgment", file, line_of(box), docname, anchor, anchor,
                               tuple(passages), plain(tuple(segments)), tuple(segments), title,
                               "", tuple(c.id for c in evidence)))

    places = []
    for box in doctree.findall(nodes.container):
        if box.get("briefing_timeline") == "":
            for row in box.findall(nodes.row):
                if row.get("briefing_entry"):
                    _assign(row, f"{row['briefing_entry']}--event", taken)
            places.append(("chronology", 0, *section_key(box)))
        if "briefing-relations" in box["classes"]:
            size = sum(1 for _ in box.findall(nodes.inline) if CITES_ATTR in _)
            places.append(("relations", size, *section_key(box)))
    # Only the fact-check sheet reads the claims themselves. Every other edition needs the ids
    # assigned above and the places, and would otherwise load about 0.8 MB of claims (two
    # thirds of its saved environment) at the start of every build, a no-op included.
    sheet = app.builder.name == SHEET_BUILDER
    store(env, "claims")[docname] = {"claims": prose + judgments if sheet else [], "places": places,
                                     "complete": sheet}


SHEET_BUILDER = "factcheck"


def claims_missing(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """For the sheet, the documents whose claims an earlier build of another edition left out
    (one environment shared by several builders, as a plain `sphinx-build -d` can do)."""
    if app.builder.name != SHEET_BUILDER:
        return []
    return [docname for docname, entry in store(env, "claims").items() if not entry.get("complete")]


# --- the claims of the book ---------------------------------------------------------------


def doc_claims(env: BuildEnvironment, docname: str) -> list[Claim]:
    return list(store(env, "claims").get(docname, {}).get("claims", []))


def data_place(env: BuildEnvironment, kind: str) -> tuple[str, str]:
    """(docname, section id) of the page showing the whole chronology or relations matrix."""
    found = []
    claims = store(env, "claims")
    for docname in sorted(claims):
        for k, size, sid, _ in claims[docname].get("places", []):
            if k == kind:
                found.append((-size, docname, sid))
    if not found:
        return "", ""
    _, docname, sid = min(found)
    return docname, sid


def data_claims(env: BuildEnvironment, data: BookData) -> list[Claim]:
    out: list[Claim] = []
    chron_doc, _ = data_place(env, "chronology")
    actors = data.actor
    file = display(data.path("chronology"), data.root)
    for entry in data.chronology:
        date = data.date(entry)
        who = ", ".join(actors.get(a, {}).get("short", a) for a in entry["actors"])
        text = f"{date.label}{' (approximate)' if date.approximate else ''}: {squash(entry['event'])} " \
               f"Actors: {who}."
        if entry.get("headline"):  # what the timeline diagram shows
            text += f" Headline: {squash(entry['headline'])}"
        if "handover" in entry:
            h = entry["handover"]
            text += (f" Handover: {h['place']}, from {actors.get(h['from'], {}).get('short', h['from'])} "
                     f"to {actors.get(h['to'], {}).get('short', h['to'])}.")
        passages = expand(entry["sources"], data)
        out.append(Claim("chronology", file, entry.line, chron_doc,
                         f"{entry['id']}--event" if chron_doc else "", entry["id"], passages, text,
                         (("text", text),), "Chronology"))
    rel_doc, rel_sid = data_place(env, "relations")
    file = display(data.path("relations"), data.root)
    seen: dict[str, int] = {}
    for relation in data.relations:
        base = f"{relation['from']}--{relation['kind']}--{relation['to']}"
        seen[base] = seen.get(base, 0) + 1
        ident = base if seen[base] == 1 else f"{base}-{seen[base]}"
        name = lambda a: actors.get(a, {}).get("short", a)  # noqa: E731
        text = f"{name(relation['from'])} {relation['kind']} {name(relation['to'])}"
        if relation.get("note"):
            text += f": {squash(relation['note'])}"
        out.append(Claim("relations", file, relation.line, rel_doc, rel_sid, ident,
                         expand(relation["sources"], data), text, (("text", text),), "Relations"))
    return out


def expand(specs, data: BookData) -> tuple:
    from briefing.data import parse_passages
    passages: list[str] = []
    for s in specs:
        groups, _ = parse_passages(s, data.sources)
        for key, paras in groups:
            passages += [f"{key}:{n}" for n in paras if f"{key}:{n}" not in passages]
    return tuple(passages)


def paragraph_digest(data: BookData, passage: str) -> str:
    key, _, para = passage.partition(":")
    return data.sources.get(key, {}).get("digests", {}).get(int(para), "")


def digest(claim: Claim, data: BookData, evidence: list[str] | None = None) -> str:
    """sha256 of (the claim's normalised text, its passages, each cited paragraph's digest).

    A judgment's digest also covers the text of its evidence claims (``evidence``): when the
    evidence is reworded, the judgment resting on it is checked again.
    """
    material = {
        "text": sourcetext.normalise(claim.text),
        "passages": list(claim.passages),
        "paragraphs": [paragraph_digest(data, p) for p in claim.passages],
    }
    if evidence:
        material["evidence"] = [sourcetext.normalise(t) for t in evidence]
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.citations")
    app.setup_extension("briefing.quotations")
    app.setup_extension("briefing.judgments")
    app.connect("doctree-read", collect)
    app.connect("env-get-outdated", claims_missing)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
