"""How current the book is: the front page, the PDF title page and How to cite state the date
of the latest exactly dated event in the chronology, apart from the edition's own date, and say
that the sources' publication dates are unknown."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import yaml

from briefing.edition import edition, information_date
from book_pages import norm, soup
from conftest import ROOT


def latest_dated_event() -> dt.date:
    """Read independently of the book's code: the latest YYYY-MM-DD date in chronology.yaml."""
    entries = yaml.load((ROOT / "docs" / "_data" / "chronology.yaml").read_text(encoding="utf-8"),
                        Loader=yaml.BaseLoader)  # every scalar a string
    days = [dt.date.fromisoformat(e["date"]) for e in entries
            if isinstance(e.get("date"), str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["date"])]
    assert days, "the chronology has no exactly dated event"
    return max(days)


def human(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_information_date_is_the_latest_exactly_dated_entry(tmp_path):
    chronology = tmp_path / "chronology.yaml"
    chronology.write_text(
        "- {id: a, date: '2024-05-08'}\n"
        "- {id: b, date: '2025-01-01'}\n"
        "- {id: c, date: '2025-06'}\n"                         # later, but only to the month
        "- {id: d, date: {approx: 'as of 2026', sort: 2026}}\n"  # later, but approximate
        "- {id: e, date: '2025-01-01'}\n"
        "- {id: f, date: '2024-12-31'}\n", encoding="utf-8")
    found = information_date(chronology)
    assert found.date == dt.date(2025, 1, 1) and found.events == ("b", "e")
    assert found.human == "1 January 2025"


def test_the_edition_reads_it_from_the_chronology():
    assert edition(ROOT, {}).current_to.date == latest_dated_event()


def test_front_page_and_how_to_cite_state_it_apart_from_the_edition_date(html_dir):
    ed, when = edition(), human(latest_dated_event())
    front = norm(soup(html_dir / "index.html").select_one("article").get_text())
    assert f"Information current to {when}" in front, front[:600]
    assert "publication dates are unknown" in front
    assert f"{ed.edition_label}, {ed.date_human}" in front  # the edition's own date, shown apart
    section = soup(html_dir / "how-to-cite.html").select_one("section#how-to-cite-currency")
    assert section is not None, "How to cite has no 'Date of information' section"
    text = norm(section.get_text())
    assert f"current to {when}" in text and ed.date_human in text and "publication dates are not known" in text
    if ed.date_human != when:
        assert text.index(ed.date_human) != text.index(when)


def test_pdf_title_page_states_it(pdf_path):
    first_pages = subprocess.run(["pdftotext", "-l", "2", str(pdf_path), "-"], capture_output=True,
                                 text=True, check=True).stdout
    text = norm(first_pages)
    assert f"Information current to {human(latest_dated_event())}" in text, text[:800]
    assert "publication dates are unknown" in text
