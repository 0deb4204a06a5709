"""The PDF is a print edition: nothing the HTML carries is lost on paper, and it reads as typeset.

A reader who prints the PDF cannot scroll a table sideways or follow a clipped row: every
chronology entry, relation, person quoted, glossary term and source-register entry of the HTML
must be printed, inside the page's text block, in columns wide enough to read. The checks read
the PDF's text layer (pdftotext) and the positions of its words (pdftotext -bbox-layout), and
compare with the HTML built from the same sources.
"""

from __future__ import annotations

import copy
import functools
import re
import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from briefing.edition import edition
from book_pages import norm, numbered_html_headings, page_order, soup
from conftest import ROOT

# The page: A4 with Sphinx's 1 inch margins, which the print edition keeps. Coordinates are
# PDF points from the top left corner, as pdftotext reports them.
PAGE_W, PAGE_H = 595.28, 841.89
MARGIN = 72.0
BLOCK = (MARGIN, MARGIN, PAGE_W - MARGIN, PAGE_H - MARGIN)  # left, top, right, bottom
SLACK = 1.0  # points: rounding in the PDF's glyph boxes
DESCENT = 0.25  # of a word box's height: below the baseline; a block's last baseline is its bottom


# --- reading the PDF ---------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Page:
    number: int
    lines: list[list[Word]]

    @property
    def words(self) -> list[Word]:
        return [w for line in self.lines for w in line]


def baseline(w: Word) -> float:
    return w.y1 - DESCENT * (w.y1 - w.y0)


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_LINE = re.compile(r"<line [^>]*>(.*?)</line>", re.S)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


@functools.lru_cache(maxsize=4)
def pdf_pages(pdf_path: Path) -> tuple[Page, ...]:
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf_path), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = []
    for n, chunk in enumerate(out.split("<page ")[1:], 1):
        lines = []
        for line in _LINE.findall(chunk):
            words = [Word(n, float(a), float(b), float(c), float(d), _unescape(t))
                     for a, b, c, d, t in _WORD.findall(line)]
            if words:
                lines.append(words)
        pages.append(Page(n, lines))
    return tuple(pages)


@functools.lru_cache(maxsize=4)
def block_text(pdf_path: Path) -> str:
    """The text printed inside the pages' text blocks, in content order, pages joined.

    Running headers and footers lie outside the block and are left out, so a paragraph or
    list item that continues on the next page reads on without them.
    """
    left, top, right, bottom = BLOCK
    cmd = ["pdftotext", "-raw", "-x", "0", "-y", str(int(top - 4)), "-W", str(int(PAGE_W)),
           "-H", str(int(bottom - top + 8)), str(pdf_path), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def key(text: str) -> str:
    """Letters and digits only, case-folded: immune to line breaks, hyphenation and quote styles."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


@functools.lru_cache(maxsize=4)
def pdf_key(pdf_path: Path) -> str:
    return key(block_text(pdf_path))


def missing(pdf_path: Path, wanted: Counter) -> list[str]:
    """The texts that the PDF prints fewer times than the HTML does."""
    text = pdf_key(pdf_path)
    return [f"{k[:90]!r} (HTML {n}, PDF {text.count(key(k))})"
            for k, n in wanted.items() if text.count(key(k)) < n]


# --- reading the HTML --------------------------------------------------------------------


def pages_html(html_dir: Path) -> list[Path]:
    return [html_dir / page for page in page_order(html_dir)]


def cell_text(cell) -> str:
    return norm(cell.get_text(" "))


SPLIT = "\x00"


def segments(element) -> list[str]:
    """The element's text in runs, split at its citations and cross-references.

    Each run must be printed as it stands; a citation or cross-reference may be set
    differently on paper (a page number added), so the runs are matched either side of it.
    """
    element = copy.copy(element)
    for ref in element.select("span.briefing-citation, a.reference.internal"):
        ref.replace_with(SPLIT)
    return [norm(run) for run in element.get_text(" ").split(SPLIT) if len(key(run)) >= 3]


# --- 1. nothing lost ----------------------------------------------------------------------


def test_every_chronology_entry_of_every_timeline_is_printed(html_dir, pdf_path):
    """Each timeline table (the master chronology and every actor's) and the handover table."""
    wanted: Counter = Counter()
    for page in pages_html(html_dir):
        for table in soup(page).select("table.briefing-timeline-table"):
            handover = "briefing-handover-table" in table["class"]
            for row in table.select("tbody > tr"):
                cells = row.find_all("td", recursive=False)
                wanted[cell_text(cells[0] if handover else cells[1])] += 1
    assert sum(wanted.values()) > 40, "the HTML has fewer chronology rows than the book holds"
    lost = missing(pdf_path, wanted)
    assert not lost, f"{len(lost)} chronology rows of the HTML are not printed in full:\n" + "\n".join(lost)


def html_relations(html_dir: Path) -> list[tuple[str, str, str]]:
    """(actor, kind, counterpart) of every relation in the HTML's relations matrices."""
    found = []
    for page in pages_html(html_dir):
        for table in soup(page).select("table.briefing-relations-matrix"):
            heads = [cell_text(th) for th in table.select("thead th")]
            for row in table.select("tbody > tr"):
                cells = row.find_all("td", recursive=False)
                actor = cell_text(cells[0])
                for head, cell in zip(heads[1:], cells[1:]):
                    for kind in cell.select("strong"):
                        found.append((actor, kind.get_text(), head))
    return found


def test_every_relation_is_printed_as_a_sentence(html_dir, pdf_path):
    """An A4 page cannot hold 14 columns: the PDF states each relation, 'Russia pressures Armenia'."""
    relations = html_relations(html_dir)
    assert len(relations) >= 20, "the HTML relations matrix holds fewer relations than the data"
    lost = missing(pdf_path, Counter(f"{a} {kind} {b}" for a, kind, b in relations))
    assert not lost, f"{len(lost)} relations of the HTML are not printed:\n" + "\n".join(lost)


def test_every_person_and_quotation_in_the_people_table_is_printed(html_dir, pdf_path):
    wanted: Counter = Counter()
    people = 0
    for page in pages_html(html_dir):
        for table in soup(page).select("table.briefing-people-quoted"):
            for row in table.select("tbody > tr"):
                cells = row.find_all("td", recursive=False)
                people += 1
                role = segments(cells[1])[0]
                wanted[f"{cell_text(cells[0])} {role}"] += 1
                for item in cells[2].select("li"):
                    wanted[segments(item)[0]] += 1
    assert people >= 5, "the HTML people table lists fewer people than the register"
    lost = missing(pdf_path, wanted)
    assert not lost, f"{len(lost)} people or quotations of the HTML are not printed:\n" + "\n".join(lost)


def test_every_glossary_term_and_definition_is_printed(html_dir, pdf_path):
    wanted: Counter = Counter()
    page = soup(html_dir / "glossary.html")
    for dl in page.select("dl"):
        for dt in dl.find_all("dt", recursive=False):
            runs = segments(dt.find_next_sibling("dd"))
            wanted[f"{cell_text(dt)} {runs[0]}"] += 1
            for run in runs[1:]:
                wanted[run] += 1
    for table in page.select("table.briefing-names-table"):
        for row in table.select("tbody > tr"):
            wanted[cell_text(row.find("td"))] += 1
    assert len(wanted) > 20
    lost = missing(pdf_path, wanted)
    assert not lost, f"{len(lost)} glossary entries of the HTML are not printed:\n" + "\n".join(lost)


def test_every_source_register_entry_is_printed(html_dir, pdf_path):
    wanted: Counter = Counter()
    for item in soup(html_dir / "sources.html").select("li.briefing-passage"):
        para = copy.copy(item.find("p"))
        para.select_one("span.briefing-cited-in").extract()
        wanted[cell_text(para)] += 1
    assert len(wanted) > 40
    lost = missing(pdf_path, wanted)
    assert not lost, f"{len(lost)} source-register entries of the HTML are not printed:\n" + "\n".join(lost)


def test_every_table_row_of_the_html_is_printed(html_dir, pdf_path):
    """Hand-written and generated tables alike: every cell's text is on paper."""
    wanted: Counter = Counter()
    for page in pages_html(html_dir):
        for table in soup(page).select("table"):
            if "briefing-relations-matrix" in table.get("class", []):
                continue  # printed actor by actor (test above)
            for row in table.select("tbody > tr"):
                for cell in row.find_all("td", recursive=False):
                    for run in segments(cell):
                        wanted[run] += 1
    assert len(wanted) > 50
    lost = missing(pdf_path, wanted)
    assert not lost, f"{len(lost)} table rows of the HTML are not printed in full:\n" + "\n".join(lost)


def margins(pdf_path: Path) -> tuple[float, float]:
    """The y of the running header's and footer's line: the commonest outside the text block."""
    left, top, right, bottom = BLOCK
    above, below = Counter(), Counter()
    for page in pdf_pages(pdf_path):
        for w in page.words:
            if w.y1 < top - SLACK:
                above[round(w.y0)] += 1
            elif baseline(w) > bottom + SLACK:
                below[round(w.y0)] += 1
    return (above.most_common(1)[0][0] if above else -1, below.most_common(1)[0][0] if below else -1)


def test_no_word_lies_outside_the_text_block(pdf_path):
    """Nothing runs past the right margin, into the footer or off the page."""
    left, top, right, bottom = BLOCK
    header_y, footer_y = margins(pdf_path)
    outside = []
    for page in pdf_pages(pdf_path):
        for w in page.words:
            if w.x0 < left - SLACK or w.x1 > right + SLACK:
                outside.append(w)
            elif baseline(w) > bottom + SLACK and abs(w.y0 - footer_y) > SLACK:
                outside.append(w)
            elif w.y0 < top - SLACK and abs(w.y0 - header_y) > SLACK:
                outside.append(w)
    pages = sorted({w.page for w in outside})
    assert not outside, (f"{len(outside)} words lie outside the text block, on pages {pages}: "
                         + "; ".join(f"p.{w.page} {w.text!r} at ({w.x0:.0f},{w.y0:.0f})" for w in outside[:25]))


def test_the_text_block_is_where_the_test_expects_it(pdf_path):
    """Guards the geometry above: body text starts at the left margin and fills the block."""
    pages = pdf_pages(pdf_path)
    left, top, right, bottom = BLOCK
    starts = Counter(round(line[0].x0) for p in pages for line in p.lines)
    assert starts.most_common(1)[0][0] == round(left)
    full = [p for p in pages if any(abs(line[-1].x1 - right) < 2 for line in p.lines)]
    assert len(full) > len(pages) / 2, "few pages have justified lines reaching the right margin"
    assert all(abs(float(b) - a) < 1 for a, b in zip((PAGE_W, PAGE_H), PdfReader(str(pdf_path)).pages[0].mediabox[2:]))


def syllable_lines(pdf_path: Path) -> list[Word]:
    """Lines that hold nothing but a hyphenated fragment of a word: a column too narrow to read."""
    found = []
    for page in pdf_pages(pdf_path):
        for line in page.lines:
            if len(line) == 1 and len(line[0].text) > 1 and line[0].text.endswith("-"):
                found.append(line[0])
    return found


def test_no_line_is_a_lone_word_fragment(pdf_path):
    """A table column narrower than a word wraps one syllable a line ('sup-', 'ports')."""
    found = syllable_lines(pdf_path)
    assert not found, (f"{len(found)} lines hold only a word fragment, on pages "
                       f"{sorted({w.page for w in found})}: " + ", ".join(f"p.{w.page} {w.text!r}" for w in found[:30]))


# --- 3. typesetting -----------------------------------------------------------------------

SPELLED = re.compile(r"^(ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE|TEN|ELEVEN|TWELVE|THIRTEEN|"
                     r"FOURTEEN|FIFTEEN|SIXTEEN|SEVENTEEN|EIGHTEEN|NINETEEN|TWENTY\w*|THIRTY\w*)$")


def test_contents_numbers_never_touch_their_titles(pdf_path):
    """'18.11At war' or '19People quoted': the number box of the contents is too narrow."""
    glued = [w for p in pdf_pages(pdf_path) for w in p.words
             if re.match(r"^\d{1,2}(\.\d{1,2})*[A-Z]", w.text)]
    assert not glued, "numbers run into titles: " + ", ".join(f"p.{w.page} {w.text!r}" for w in glued[:20])


def test_chapter_openers_read_chapter_and_a_number(html_dir, pdf_path):
    words = [w.text for p in pdf_pages(pdf_path) for w in p.words]
    spelled = [w for w in words if SPELLED.match(w)]
    assert not spelled, f"chapter numbers spelled out in capitals: {spelled[:10]}"
    text = " ".join(words)
    chapters = [n for n, _ in numbered_html_headings(html_dir) if "." not in n]
    absent = [n for n in chapters if f"Chapter {n} " not in text + " "]
    assert not absent, f"no 'Chapter N' opener for chapters {absent}"


def test_no_blank_pages(pdf_path):
    """One-sided: no page is left empty before a chapter."""
    left, top, right, bottom = BLOCK
    blank = [p.number for p in pdf_pages(pdf_path)
             if not any(top - SLACK <= w.y0 and baseline(w) <= bottom + SLACK for w in p.words)]
    assert not blank, f"pages with nothing in the text block: {blank}"


def test_running_headers_name_the_chapter(html_dir, pdf_path):
    """Each page's header begins with its chapter's number and (the start of) its title."""
    titles = {n: t for n, t in numbered_html_headings(html_dir) if "." not in n}
    header_y, _ = margins(pdf_path)
    named = wrong = 0
    for page in pdf_pages(pdf_path):
        head = [w.text for w in page.words if abs(w.y0 - header_y) <= SLACK]
        if not head or not head[0].isdigit() or head[0] not in titles:
            continue
        shown = " ".join(head[1:]).split("§")[0].strip().rstrip("…")
        if shown and key(titles[head[0]]).startswith(key(shown)):
            named += 1
        else:
            wrong += 1
    assert named > len(pdf_pages(pdf_path)) / 2 and not wrong, (named, wrong)


def test_headings_are_not_hyphenated(html_dir, pdf_path):
    """A heading that wraps breaks between words, never inside one ('at-' / 'tacked')."""
    # Line breaks kept as \x02, hyphenated ones as \x01: headings (and contents lines) start a
    # line, where a cross-reference to a section, which may hyphenate as text does, seldom does.
    text = block_text(pdf_path).replace("-\n", "\x01").replace("\n", " \x02 ")
    text = "\x02 " + " ".join(text.split())
    broken = []
    for number, title in numbered_html_headings(html_dir):
        words = f"{number} {title}".split()
        intact = "\x02 " + r"(?:\s|\x02)+".join(map(re.escape, words))
        loose = "\x02 " + r"(?:\s|\x02)+".join("\x01?".join(map(re.escape, w)) for w in words)
        # A link to the section in running text (the register's "2.2 What happened (p. 3)")
        # may hyphenate like any text: it is followed by its page reference.
        link = r"(?!(?:\s|\x02)*\(p\.)"
        if len(re.findall(loose + link, text)) > len(re.findall(intact + link, text)):
            broken.append(f"{number} {title}")
    assert not broken, f"{len(broken)} headings are broken by hyphenation: {broken[:10]}"


def test_no_text_is_printed_below_7_points(pdf_path):
    """Diagrams included: a wide diagram fitted to the line printed its labels at about 5 pt.

    pdftotext's word box is about as tall as the type size (9.2 pt body text: 9.17 pt boxes);
    a word set sideways (a diagram turned a quarter) has it as its width.
    """
    small = []
    for page in pdf_pages(pdf_path):
        for w in page.words:
            if len(w.text) < 3:
                continue  # a single glyph's box is no measure of its size
            width, height = w.x1 - w.x0, w.y1 - w.y0
            size = width if height > width else height
            if size < 6.9:
                small.append((round(size, 1), w.page, w.text))
    assert not small, f"{len(small)} words print below 7 pt: {sorted(small)[:15]}"


def test_every_diagram_has_the_numbered_caption_the_html_gives_it(html_dir, pdf_path):
    """'Figure 5.1: Chronology of events, part 1 of 3' on paper as on screen."""
    wanted: Counter = Counter()
    for page in pages_html(html_dir):
        for figure in soup(page).select(".briefing-diagram"):
            caption = figure.select_one("figcaption")
            wanted[cell_text(caption) if caption else "(no caption in the HTML)"] += 1
    assert sum(wanted.values()) > 10
    captions = Counter(norm(c) for c in re.findall(r"(?m)^Figure \d+\.\d+: .*$", block_text(pdf_path)))
    lost = [f"{c!r} (HTML {n}, PDF {captions[c]})" for c, n in wanted.items() if captions[c] < n]
    assert not lost, f"{len(lost)} diagram captions of the HTML are not printed:\n" + "\n".join(lost)


# --- 4. print-ready metadata --------------------------------------------------------------


def test_pdf_metadata_is_print_ready(pdf_path):
    reader = PdfReader(str(pdf_path))
    info = reader.metadata
    for field in ("/Title", "/Author", "/Subject", "/Keywords"):
        assert info.get(field), f"the PDF has no {field}"
    # The fields say what the edition says, letter for letter (LaTeX mark-up such as
    # Sphinx's \sphinxhyphen must not eat characters on the way into the PDF's strings).
    ed = edition(ROOT)
    assert (info["/Title"], info["/Author"], info["/Subject"]) == (
        f"{ed.title} ({ed.edition_label})", ed.publisher, ed.subtitle)
    assert str(reader.trailer["/Root"].get("/Lang", "")).startswith("en"), "the PDF declares no language"


# --- 2. page references on paper ----------------------------------------------------------

SEE_REF = re.compile(r"\(§\s?\d+(?:\.\d+)*,\s+p\.\s+\d+\)")
PAGE_REF = re.compile(r"\(p\.\s+\d+\)")


def html_links(html_dir: Path) -> tuple[int, int]:
    """Internal links in the pages' text (not navigation, not citations): (cross-references
    outside tables, links whose text gives a section's number)."""
    see = numbered = 0
    for page in pages_html(html_dir):
        body = soup(page).select_one("article") or soup(page)
        for link in body.select("a.reference.internal"):
            if link.find_parent(class_=["briefing-citation", "toctree-wrapper", "book-contents"]):
                continue  # citations link paragraphs; contents lists are the PDF's own contents
            if re.match(r"^\d+(\.\d+)*\s", link.get_text()):
                numbered += 1
            elif not link.find_parent("table"):
                see += 1
    return see, numbered


def test_cross_references_give_section_number_and_page(html_dir, pdf_path):
    """'See The border handover' on paper reads 'See The border handover (§15, p. 68)'.

    A link whose text already gives the section's number gets the page alone; the PDF may
    number a link the HTML does not (the editions page's list of chapters), so both are counted.
    """
    see, numbered = html_links(html_dir)
    assert see > 20
    text = " ".join(block_text(pdf_path).split())
    found_see, found_page = len(SEE_REF.findall(text)), len(PAGE_REF.findall(text))
    assert found_see >= see / 2, f"the HTML has {see} cross-references; the PDF gives section and page for {found_see}"
    assert found_see + found_page >= see + numbered, (
        f"the HTML has {see + numbered} internal links in its text; the PDF gives {found_see + found_page} page references")


def test_register_and_people_table_give_pages_for_their_sections(html_dir, pdf_path):
    """'Cited in 2.2 What happened (p. 3)': a printed register says which page to turn to."""
    _, links = html_links(html_dir)
    assert links > 100
    found = len(PAGE_REF.findall(" ".join(block_text(pdf_path).split())))
    assert found >= links, f"the HTML's register and people table link {links} sections; the PDF pages {found}"


# --- 5. the short edition ------------------------------------------------------------------


def test_short_edition_has_judgments_handovers_and_chronology_on_four_pages(html_dir, pdf_path):
    brief = pdf_path.with_name("briefing-brief.pdf")
    assert brief.is_file(), "the PDF build writes no short edition (briefing-brief.pdf)"
    reader = PdfReader(str(brief))
    assert len(reader.pages) <= 4, f"the short edition has {len(reader.pages)} pages"
    text = " ".join(subprocess.run(["pdftotext", "-raw", str(brief), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    flat = key(text)
    judgments = [(n, t) for n, t in numbered_html_headings(html_dir) if n.startswith("3.")]
    assert judgments
    for number, title in judgments:
        assert key(f"{number} {title}") in flat, f"judgment {number} is not in the short edition"
        assert re.search(rf"In the full edition: §{re.escape(number)}, p\. \d+", text), (
            f"judgment {number} does not point to its section and page in the full edition")
    assert text.count("Assessment:") >= len(judgments) + 1, "judgments without likelihood and confidence"
    assert "confidence" in text and "Bottom line" in text
    chronology = soup(html_dir / "chronology.html").select_one("table.briefing-timeline-table")
    handover = soup(html_dir / "handover.html").select_one("table.briefing-handover-table")
    for table, column in ((chronology, 1), (handover, 0)):
        for row in table.select("tbody > tr"):
            cell = row.find_all("td", recursive=False)[column]
            assert key(cell_text(cell)) in flat, f"{cell_text(cell)[:60]!r} is not in the short edition"
