"""The book's content against the house style (../shared/BRIEFING-STYLE.md).

These read the Markdown sources and data where the rule is about what authors wrote, and the
built HTML where it is about what readers get.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT

DOCS = ROOT / "docs"
DATA = DOCS / "_data"
LIKELIHOOD = {"remote", "highly unlikely", "unlikely", "realistic possibility", "likely",
              "highly likely", "almost certain"}
CONFIDENCE = {"low", "moderate", "high"}
ACTOR_SECTIONS = ["at-a-glance", "interests", "posture", "levers", "relations", "timeline",
                  "people", "watch"]
# Chapters in which every paragraph and list item must carry a citation (issue 5).
CITED_CHAPTERS = ["context", "handover"]

FENCE = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[\w-]+)\}[^\n]*\n(?P<body>.*?)^(?P=fence)\s*$",
                   re.M | re.S)


def load(name: str):
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def chapters() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def blocks(path: Path, name: str) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 1, m.group("body")) for m in FENCE.finditer(text)
            if m.group("name") == name]


def options(body: str) -> dict[str, str]:
    return dict(re.findall(r"^:([\w-]+):[ \t]*(.*?)\s*$", body, re.M))


def actor_chapters() -> dict[str, list[str]]:
    by_chapter: dict[str, list[str]] = {}
    for actor in load("actors.yaml"):
        if actor.get("chapter"):
            by_chapter.setdefault(actor["chapter"], []).append(actor["id"])
    return by_chapter


# --- structure ----------------------------------------------------------------------


@pytest.mark.parametrize("chapter", sorted(actor_chapters()))
def test_actor_chapter_has_the_style_guide_sections_and_a_generated_timeline(chapter):
    path = DOCS / f"{chapter}.md"
    assert path.exists(), f"{chapter}: the actor has a chapter in actors.yaml but no file"
    text = path.read_text(encoding="utf-8")
    stem = Path(chapter).name
    labels = re.findall(r"^\(([\w-]+)\)=\s*$", text, re.M)
    assert labels and labels[0] == stem, f"{path.name}: the chapter label must be ({stem})="
    for section in ACTOR_SECTIONS:
        assert f"{stem}-{section}" in labels, f"{path.name}: no section labelled {stem}-{section}"
    timelines = {options(body).get("actor") for _, body in blocks(path, "timeline")}
    for actor in actor_chapters()[chapter]:
        assert actor in timelines, f"{path.name}: no generated timeline for actor {actor}"


def test_key_judgments_count_and_terms():
    found = blocks(DOCS / "key-judgments.md", "judgment")
    assert 5 <= len(found) <= 8, f"key judgments: {len(found)} (the book promises 5 to 8)"


def test_scenarios_each_carry_a_judgment():
    path = DOCS / "scenarios.md"
    text = path.read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)[1:]
    scenario_sections = [s for s in sections if "{judgment}" in s]
    assert 3 <= len(scenario_sections) <= 4, f"{len(scenario_sections)} scenarios with a judgment"


def test_every_judgment_uses_the_yardstick():
    checked = 0
    for path in chapters():
        for line, body in blocks(path, "judgment"):
            opts = options(body)
            where = f"{path.relative_to(ROOT)}:{line}"
            assert opts.get("likelihood") in LIKELIHOOD, f"{where}: likelihood {opts.get('likelihood')!r}"
            assert opts.get("confidence") in CONFIDENCE, f"{where}: confidence {opts.get('confidence')!r}"
            checked += 1
    assert checked >= 8, f"only {checked} judgments in the book"


# --- names --------------------------------------------------------------------------


def strip_quotations(text: str) -> str:
    """Blank out direct quotations, where a source's own spelling is kept."""
    text = re.sub(r"\{q\}`[^`]*`", lambda m: " " * len(m.group()), text)
    return FENCE.sub(lambda m: m.group() if m.group("name") != "quotation"
                     else re.sub(r"[^\n]", " ", m.group()), text)


def variant_spellings() -> list[tuple[str, str]]:
    pairs = []
    for entry in load("names.yaml"):
        for variant in entry.get("variants") or []:
            spelling = variant["spelling"] if isinstance(variant, dict) else variant
            if spelling != entry["name"]:
                pairs.append((spelling, entry["name"]))
    return pairs


def test_names_are_spelled_one_way():
    pairs = variant_spellings()
    assert pairs, "names.yaml lists no variant spellings"
    files = chapters() + [p for p in DATA.glob("*.yaml") if p.name != "names.yaml"]
    problems = []
    for path in files:
        text = strip_quotations(path.read_text(encoding="utf-8"))
        for variant, canonical in pairs:
            # "Türkiye (Turkey)" is the house style's first mention.
            pattern = re.compile(rf"(?<!{re.escape(canonical)} \()\b{re.escape(variant)}\b")
            for m in pattern.finditer(text):
                line = text[: m.start()].count("\n") + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {variant!r} (write {canonical!r})")
    assert not problems, "names spelled another way outside quotations:\n" + "\n".join(problems)


# --- evidence -----------------------------------------------------------------------


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[‘’‛′]", "'", text)
    text = re.sub(r"[“”„″]", '"', text)
    text = re.sub(r"[‐‑‒–—―-]", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def source_paragraphs(sources_dir: Path) -> dict[str, dict[int, str]]:
    keys = {"cw": "caucasus-watch-cracks-to-fractions", "emp": "euromaidan-press-russian-withdrawal"}
    out = {}
    for key, slug in keys.items():
        record = json.loads((sources_dir / f"{slug}.json").read_text(encoding="utf-8"))
        out[key] = {b["paragraph"]: b["text"] for b in record["blocks"] if "paragraph" in b}
    return out


def quotations_in_docs() -> list[tuple[str, str, int, str]]:
    found = []
    for path in chapters():
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for m in re.finditer(r"\{q\}`(?P<quote>[^`<]*?)\s*<(?:[\w-]+@)?(?P<key>\w+):(?P<para>\d+)>`", text):
            found.append((where, m.group("key"), int(m.group("para")), m.group("quote")))
        for line, body in blocks(path, "quotation"):
            opts = options(body)
            key, para = opts["cite"].split(":")
            quote = "\n".join(l for l in body.splitlines() if not l.startswith(":"))
            found.append((f"{where}:{line}", key, int(para), quote))
    return found


def test_every_quotation_is_in_its_paragraph(sources_dir):
    paragraphs = source_paragraphs(sources_dir)
    quotes = quotations_in_docs()
    assert len(quotes) >= 10, f"only {len(quotes)} quotations found in the book"
    wrong = [f"{where}: {key}:{para} {quote!r}" for where, key, para, quote in quotes
             if normalise(quote) not in normalise(paragraphs[key].get(para, ""))]
    assert not wrong, "quotations not found in the cited paragraph:\n" + "\n".join(wrong)


def test_every_chronology_entry_is_cited():
    entries = load("chronology.yaml")
    assert len(entries) >= 15
    uncited = [e["id"] for e in entries if not e.get("sources")]
    assert not uncited, f"chronology entries without a source: {uncited}"


def test_no_source_text_is_copied_into_the_repository(sources_dir):
    """Sentences of the articles (beyond short quotations) must not be in the repository."""
    paragraphs = source_paragraphs(sources_dir)
    sentences = {normalise(s) for para in paragraphs.values() for text in para.values()
                 for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 120}
    tracked = [p for p in chapters()] + list(DATA.glob("*")) + [ROOT / "AUTHORING.md", ROOT / "README.md"]
    texts = {p: normalise(p.read_text(encoding="utf-8", errors="replace")) for p in tracked if p.is_file()}
    leaks = [f"{p.relative_to(ROOT)}: {s[:60]}…" for p, text in texts.items() for s in sentences if s in text]
    assert not leaks, "long source sentences copied into the repository:\n" + "\n".join(leaks)


# --- what readers get -----------------------------------------------------------------


CITATION_SELECTOR = ".briefing-citation"
EXEMPT = (".briefing-judgment, .cite-this, .briefing-quotation .attribution, .briefing-timeline-table, "
          ".toctree-wrapper, nav, caption")


@pytest.mark.parametrize("docname", CITED_CHAPTERS + [f"actors/{p.stem}" for p in sorted((DOCS / "actors").glob("*.md"))])
def test_every_paragraph_and_list_item_carries_a_citation(html_dir, docname):
    page = BeautifulSoup((html_dir / f"{docname}.html").read_text(encoding="utf-8"), "lxml")
    article = page.select_one("article") or page
    exempt = set()
    for el in article.select(EXEMPT):
        exempt.add(id(el))
        exempt.update(id(x) for x in el.find_all(True))
    uncited = []
    checked = 0
    for el in article.find_all(["p", "li"]):
        if id(el) in exempt or el.find(["p", "li", "ul", "ol"]) is not None and el.name == "li":
            continue
        if el.find_parent(["table", "figure"]) is not None:
            continue
        text = el.get_text(" ", strip=True)
        if len(text) < 30:
            continue
        checked += 1
        if not el.select(CITATION_SELECTOR) and not el.find_parent(class_="briefing-judgment"):
            uncited.append(text[:100])
    assert checked >= 5, f"{docname}: only {checked} paragraphs found"
    assert not uncited, f"{docname}: paragraphs without a citation:\n" + "\n".join(uncited)
