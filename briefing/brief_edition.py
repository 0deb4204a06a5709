"""The short edition (briefing-brief.pdf): the full edition's key pages on at most four A4 sides.

Built from the full edition's LaTeX (``_build/latex/briefing.tex``), after the full PDF, so it
has the same sources, wording, section and table numbers: title and edition with the date of
information, the bottom line (§2.1), every key judgment with its likelihood and confidence (§3),
the handover table and the master chronology. Each judgment and cross-reference points to its
section and page in the full edition, whose labels it reads from ``briefing.aux`` (xr-hyper).

    write_brief(latex_dir) -> latex_dir / "briefing-brief.tex"
"""

from __future__ import annotations

import re
from pathlib import Path

NAME = "briefing-brief"

SECTION = re.compile(r"\\section\{(?P<title>.*?)\}\n(?P<labels>(?:\\label\{\\detokenize\{[^}]*\}\})+)")
LABEL = re.compile(r"\\label\{\\detokenize\{([^}]*)\}\}")
JUDGMENT = re.compile(r"\\begin\{sphinxuseclass\}\{briefing-judgment\}.*?\\end\{sphinxuseclass\}", re.S)
TABLE = re.compile(r"\\begin\{savenotes\}.*?\\end\{savenotes\}", re.S)
TITLE = re.compile(r"\\title\{(.*?)\}")
DATE = re.compile(r"\\date\{(.*?)\}")
RELEASE = re.compile(r"\\release\{(.*?)\}")


class BriefError(RuntimeError):
    pass


def _chapter(tex: str, doc: str) -> str:
    """The LaTeX of one chapter (document) of the full edition."""
    start = tex.find(f"\\label{{\\detokenize{{{doc}::doc}}}}")
    if start < 0:
        raise BriefError(f"the full edition has no chapter {doc!r}")
    following = re.compile(r"\\label\{\\detokenize\{[^}]*::doc\}\}")
    nxt = following.search(tex, start + 10)
    return tex[start: nxt.start() if nxt else len(tex)]


def _sections(chapter: str) -> list[tuple[str, str, str]]:
    """(title, first label, body) of each section of a chapter."""
    found = list(SECTION.finditer(chapter))
    out = []
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(chapter)
        out.append((m.group("title"), LABEL.findall(m.group("labels"))[0], chapter[m.end():end]))
    return out


def _table(chapter: str, caption_contains: str) -> str:
    for block in TABLE.findall(chapter):
        if caption_contains in block:
            return LABEL.sub("", block)
    raise BriefError(f"no table with {caption_contains!r} in the full edition")


def _judged_section(number: str, title: str, label: str, body: str) -> str:
    judgment = JUDGMENT.search(body)
    if judgment is None:
        raise BriefError(f"section {label} has no judgment")
    return (f"\\briefsection{{{number}}}{{{title}}}\n{LABEL.sub('', judgment.group(0))}\n"
            f"\\brieffull{{{label}}}\n")


def brief_tex(tex: str) -> str:
    preamble, _, _ = tex.partition("\\begin{document}")
    if not preamble or "\\usepackage{hyperref}" not in preamble:
        raise BriefError("the full edition's LaTeX has no preamble")
    # The full edition's labels (section numbers and pages) for every cross-reference.
    preamble = preamble.replace("\\usepackage{hyperref}",
                                "\\usepackage{xr-hyper}\n\\usepackage{hyperref}\n\\externaldocument{briefing}", 1)
    title = TITLE.search(preamble).group(1)
    date = DATE.search(preamble).group(1)
    release = RELEASE.search(preamble).group(1)

    summary = _sections(_chapter(tex, "summary"))
    judgments = _sections(_chapter(tex, "key-judgments"))
    if not summary or not judgments:
        raise BriefError("the full edition has no bottom line or no key judgments")
    parts = ["\\section*{Bottom line}\n",
             _judged_section("2.1", *summary[0]),
             "\\section*{Key judgments (chapter 3 of the full edition)}\n"]
    for n, (t, label, body) in enumerate(judgments, 1):
        parts.append(_judged_section(f"3.{n}", t, label, body))
    parts += ["\\section*{Border handovers (chapter 15 of the full edition)}\n",
              "\\setcounter{chapter}{15}\\setcounter{table}{0}\n",
              _table(_chapter(tex, "handover"), "Border handovers (the diagram as a table)"),
              "\\section*{Master chronology (chapter 5 of the full edition)}\n",
              "\\setcounter{chapter}{5}\\setcounter{table}{0}\n",
              _table(_chapter(tex, "chronology"), "Chronology of events (the timeline as a table)")]
    information = re.search(r"Information current to [^\n]*?\\par", tex)
    info_line = information.group(0) if information else "\\par"
    front = rf"""
\newgeometry{{margin=18mm,includefoot}}
\fancypagestyle{{plain}}{{\fancyhf{{}}\fancyfoot[L]{{\small\sffamily {title}, Edition {release}: short edition}}%
  \fancyfoot[R]{{\small\sffamily\thepage\ of \pageref*{{brief-last}}}}\renewcommand{{\headrulewidth}}{{0pt}}%
  \renewcommand{{\footrulewidth}}{{0.4pt}}}}
\pagestyle{{plain}}
{{\sffamily\bfseries\LARGE {title}\par}}
\vspace{{0.3em}}
{{\sffamily Short edition of Edition {release} \textperiodcentered{{}} {date}\par}}
{{\sffamily\small {info_line}}}
\vspace{{0.3em}}
{{\small Every statement here is taken from the full edition, with its section numbers; each
judgment and cross-reference gives its section and page there. The full edition carries the
evidence, the sources' paragraphs and the chapters on every actor.\par}}
"""
    body = "\n".join(parts)
    return (preamble
            + "\\makeatletter\n"
            + "\\renewcommand{\\briefingseeref}[1]{\\nobreakspace(full edition \\S\\ref*{\\detokenize{#1}}, p.\\nobreakspace\\pageref*{\\detokenize{#1}})}\n"
            + "\\newcommand{\\brieffull}[1]{{\\footnotesize\\sffamily In the full edition: \\S\\ref*{\\detokenize{#1}}, p.\\nobreakspace\\pageref*{\\detokenize{#1}}.\\par}}\n"
            + "\\newcommand{\\briefsection}[2]{\\subsection*{#1\\quad #2}}\n"
            # Tables a size smaller than in the full edition: the chronology is the longest part.
            + "\\def\\sphinxatlongtablestart{\\par\\footnotesize\\def\\sphinxAtStartPar{\\raggedright\\leavevmode\\nobreak\\hskip\\z@skip}\\briefing@atlongtablestart}\n"
            + "\\makeatother\n"
            + "\\begin{document}\n\\small\n" + front + body + "\n\\label{brief-last}\n\\end{document}\n")


def write_brief(latex_dir: Path) -> Path:
    tex = (latex_dir / "briefing.tex").read_text(encoding="utf-8")
    target = latex_dir / f"{NAME}.tex"
    target.write_text(brief_tex(tex), encoding="utf-8")
    return target
