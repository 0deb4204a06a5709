"""The registers (passages, people, names, relations) and the analysis chapters against the brief.

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


def copied_runs(text: str, source_words: str, n: int = 8) -> list[str]:
    """Runs of n words that appear verbatim in a source (quotations and official names removed)."""
    text = re.sub(r"\{q\}`[^`]*`", " ", text)
    for name in OFFICIAL_NAMES:
        text = re.sub(r"\s+".join(map(re.escape, name.split())), " | ", text, flags=re.I)
    w = words(text)
    return sorted({" ".join(w[i:i + n]) for i in range(len(w) - n + 1)
                   if " ".join(w[i:i + n]) in source_words})


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


@pytest.mark.parametrize("chapter", ["relations", "scenarios", "disagreements", "people",
                                     "glossary", "sources", "method"])
def test_analysis_chapters_paraphrase_rather_than_copy(sources_dir, chapter):
    source_words = " ".join(" ".join(words(t)) for paras in paragraphs(sources_dir).values()
                            for t in paras.values())
    text = (DOCS / f"{chapter}.md").read_text(encoding="utf-8")
    copied = copied_runs(text, source_words, n=9)
    assert not copied, f"{chapter}.md: runs copied from a source outside quotations: {copied}"


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
