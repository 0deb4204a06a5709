"""The registers (passages, people, names, relations) and every chapter against the brief.

Source-only checks: they read docs/ and ../shared/sources, and build nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

DOCS = ROOT / "docs"
DATA = DOCS / "_data"
KEYS = {"cw": "caucasus-watch-cracks-to-fractions", "emp": "euromaidan-press-russian-withdrawal"}
RANGES = {  # PHIA yardstick, per cent
    "remote": (0, 5), "highly unlikely": (10, 20), "unlikely": (25, 35),
    "realistic possibility": (40, 50), "likely": (55, 75), "highly likely": (80, 90),
    "almost certain": (95, 100),
}


def load(name: str):
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def paragraphs(sources_dir: Path) -> dict[str, dict[int, str]]:
    out = {}
    for key, slug in KEYS.items():
        record = json.loads((sources_dir / f"{slug}.json").read_text(encoding="utf-8"))
        out[key] = {b["paragraph"]: b["text"] for b in record["blocks"] if "paragraph" in b}
    return out


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


# Official names are names, not prose: they may be copied exactly.
OFFICIAL_NAMES = ["Office of the Prime Minister of Armenia", "Monitoring and Political Research Service",
                  "Deputy Head of the", "Regional Studies Center", "Collective Security Treaty Organization",
                  "treaty of friendship, cooperation and mutual assistance"]


def _outside_quotations(text: str) -> str:
    text = re.sub(r"\{q\}`[^`]*`", " | ", text)
    for name in OFFICIAL_NAMES:
        text = re.sub(r"\s+".join(map(re.escape, name.split())), " | ", text, flags=re.I)
    return text


def copied_runs(text: str, source_words: str, n: int = 8) -> list[str]:
    """Runs of n words that appear verbatim in a source (quotations and official names removed)."""
    w = words(_outside_quotations(text))
    return sorted({" ".join(w[i:i + n]) for i in range(len(w) - n + 1)
                   if " ".join(w[i:i + n]) in source_words})


def near_copy_index(sources_dir: Path, n: int = 8) -> dict[tuple[str, ...], str]:
    """Every n-word window of the sources, once per position with that word left open."""
    index: dict[tuple[str, ...], str] = {}
    for key, paras in paragraphs(sources_dir).items():
        for num, para in paras.items():
            w = words(para)
            for i in range(len(w) - n + 1):
                gram = tuple(w[i:i + n])
                for j in range(n):
                    index.setdefault(gram[:j] + ("*",) + gram[j + 1:], f"{key}:{num}: {' '.join(gram)}")
    return index


def near_copies(text: str, index: dict[tuple[str, ...], str], n: int = 8) -> list[str]:
    """Windows of n words that are a source's words with at most one word changed
    ("returned to live in his village after the 2020 war"), outside quotations."""
    w = words(_outside_quotations(text))
    found = []
    for i in range(len(w) - n + 1):
        gram = tuple(w[i:i + n])
        hit = next((index[k] for j in range(n) for k in [gram[:j] + ("*",) + gram[j + 1:]] if k in index), None)
        if hit:
            found.append(f"{' '.join(gram)!r} ~ {hit}")
    return found


def test_every_paragraph_has_a_short_description(sources_dir):
    described = load("passages.yaml")
    wanted = {f"{k}:{n}" for k, paras in paragraphs(sources_dir).items() for n in paras}
    assert set(described) == wanted, (
        f"missing: {sorted(wanted - set(described))}; unknown: {sorted(set(described) - wanted)}")
    long = {k: len(v) for k, v in described.items() if len(v) > 120}
    assert not long, f"descriptions over 120 characters: {long}"


def test_registers_paraphrase_rather_than_copy(sources_dir):
    source_words = " ".join(" ".join(words(t)) for paras in paragraphs(sources_dir).values()
                            for t in paras.values())
    texts = list(load("passages.yaml").values())
    texts += [r.get("note", "") for r in load("relations.yaml")]
    texts += [n.get("note", "") for n in load("names.yaml")]
    copied = [run for t in texts for run in copied_runs(t, source_words)]
    assert not copied, f"register text copied from a source: {copied}"


CHAPTERS = sorted(p.relative_to(DOCS).as_posix() for p in [*DOCS.glob("*.md"), *DOCS.glob("actors/*.md")])
REGISTERS = ["chronology.yaml", "relations.yaml", "people.yaml", "names.yaml", "passages.yaml", "actors.yaml"]


@pytest.fixture(scope="module")
def source_index(sources_dir):
    return near_copy_index(sources_dir)


@pytest.mark.parametrize("name", CHAPTERS + [f"_data/{r}" for r in REGISTERS])
def test_the_book_paraphrases_rather_than_copies(source_index, name):
    """No 8 words of a source in a row, even with one word changed, outside quotations: the
    outlets' and speakers' wording is quoted as theirs or put in the book's own words."""
    copied = near_copies((DOCS / name).read_text(encoding="utf-8"), source_index)
    assert not copied, f"{name}: source wording outside quotations:\n" + "\n".join(copied)


def test_name_variants_occur_where_the_register_says(sources_dir):
    paras = paragraphs(sources_dir)
    wrong = []
    for entry in load("names.yaml"):
        for variant in entry.get("variants") or []:
            key, para = variant["source"].split(":")
            if variant["spelling"] not in paras[key][int(para)]:
                wrong.append(f"{entry['name']}: {variant['spelling']!r} not in {variant['source']}")
    assert not wrong, "\n".join(wrong)


def test_people_and_relations_point_at_known_ids():
    actors = {a["id"] for a in load("actors.yaml")}
    bad = [f"{r['from']}->{r['to']}" for r in load("relations.yaml")
           if r["from"] not in actors or r["to"] not in actors or r["from"] == r["to"]]
    assert not bad, f"relations with unknown or self-referencing actors: {bad}"
    people = {p["id"] for p in load("people.yaml")}
    speakers = set()
    for path in DOCS.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        speakers |= set(re.findall(r"\{q\}`[^`<]*<([\w-]+)@", text))
        speakers |= set(re.findall(r"^:speaker:\s*([\w-]+)", text, re.M))
    assert speakers, "no attributed quotation found in the book"
    assert speakers <= people, f"speakers missing from people.yaml: {sorted(speakers - people)}"


def scenario_likelihoods() -> list[str]:
    text = (DOCS / "scenarios.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)[1:]
    found = []
    for section in sections:
        m = re.search(r"^:::\{judgment\}\n(?:.*\n)*?:likelihood:\s*(.+?)\s*$", section, re.M)
        if m:
            found.append(m.group(1))
    return found


def test_mutually_exclusive_scenarios_can_add_up_to_one_hundred_per_cent():
    terms = scenario_likelihoods()
    assert 3 <= len(terms) <= 4, f"{len(terms)} scenarios with a likelihood"
    low = sum(RANGES[t][0] for t in terms)
    high = sum(RANGES[t][1] for t in terms)
    assert low <= 100 <= high, (f"scenario likelihoods {terms} span {low}-{high}%: no choice of "
                                f"probabilities inside them adds up to 100%")


def test_disagreements_cite_both_sources_in_every_point():
    text = (DOCS / "disagreements.md").read_text(encoding="utf-8")
    sections = re.split(r"^\((disagreements-[\w-]+)\)=\n", text, flags=re.M)
    points = dict(zip(sections[1::2], sections[2::2]))
    assert len(points) >= 10, f"only {len(points)} sections in disagreements.md"
    one_sided = [label for label, body in points.items()
                 if label != "disagreements-armash"
                 and not (re.search(r"(?:`|<|; ?|[\w-]+@)cw:\d", body)
                          and re.search(r"(?:`|<|; ?|[\w-]+@)emp:\d", body))]
    assert not one_sided, f"disagreement sections citing only one source: {one_sided}"


def test_method_chapter_defines_the_whole_yardstick():
    text = (DOCS / "method.md").read_text(encoding="utf-8")
    assert "(method-yardstick)=" in text
    section = text.split("(method-yardstick)=", 1)[1].split("\n(method-", 1)[0]
    rows = dict(re.findall(r"^\| ([a-z ]+) \| ([^|]+) \|$", section, re.M))
    assert set(RANGES) <= set(rows), f"yardstick rows missing: {sorted(set(RANGES) - set(rows))}"
    for term, (lo, hi) in RANGES.items():
        numbers = [int(n) for n in re.findall(r"\d+", rows[term])]
        assert (lo in numbers or hi in numbers), f"{term}: {rows[term]!r} does not state {lo}-{hi}%"


JUDGMENT = re.compile(r"^:::\{judgment\}\n(?P<box>.*?)^:::\n(?P<after>.*?)(?=^:::\{judgment\}|^#|\Z)", re.M | re.S)


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_judgment_cites_the_evidence_it_rests_on(name):
    """A judgment is the book's, but a reader must be able to check what it rests on: its box,
    or the blocks after it in its section, cite the paragraphs of its premises."""
    text = (DOCS / name).read_text(encoding="utf-8")
    bare = [text[:m.start()].count("\n") + 1 for m in JUDGMENT.finditer(text)
            if "{src}" not in m.group("box") + m.group("after")
            and "{q}" not in m.group("box") + m.group("after")]
    assert not bare, f"{name}: judgments at lines {bare} cite no evidence"
