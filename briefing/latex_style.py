"""The PDF's look: fonts, title page, PDF metadata and bookmarks, built from the edition.

conf.py calls ``latex_elements(edition())``; the values are LaTeX, kept here so that
conf.py stays configuration.
"""

from __future__ import annotations

from briefing.edition import Edition


def _tex(text: str) -> str:
    """Escape the characters LaTeX treats specially in running text."""
    table = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
             "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}"}
    return "".join(table.get(ch, ch) for ch in text)


def latex_elements(ed: Edition) -> dict[str, str]:
    title, subtitle, publisher = _tex(ed.title), _tex(ed.subtitle), _tex(ed.publisher)
    return {
        "papersize": "a4paper",
        "pointsize": "10pt",
        "fontpkg": r"""
\setmainfont{DejaVu Serif}[Scale=0.92]
\setsansfont{DejaVu Sans}[Scale=0.92]
\setmonofont{DejaVu Sans Mono}[Scale=0.85]
""",
        # Chapter and section numbers in the bookmarks, as in the HTML; metadata from the edition.
        "passoptionstopackages": r"\PassOptionsToPackage{bookmarksnumbered,bookmarksopen,bookmarksopenlevel=0}{hyperref}",
        "preamble": rf"""
\setcounter{{tocdepth}}{{1}}
% Running footers name the chapter and section by number only: full titles are long enough
% to run into the page number.
\makeatletter
\AtBeginDocument{{%
  \renewcommand{{\chaptermark}}[1]{{\markboth{{\@chapapp\ \thechapter}}{{}}}}%
  \renewcommand{{\sectionmark}}[1]{{\markright{{\S\,\thesection}}}}%
}}
\makeatother
\hypersetup{{
  pdftitle={{{title} ({_tex(ed.edition_label)})}},
  pdfauthor={{{publisher}}},
  pdfsubject={{{subtitle}}},
  pdfkeywords={{Armenia, Russia, border guards, South Caucasus, briefing}},
}}
""",
        "maketitle": rf"""
\begin{{titlepage}}
  \raggedright
  \vspace*{{0.18\textheight}}
  {{\sffamily\bfseries\fontsize{{28}}{{34}}\selectfont {title}\par}}
  \vspace{{1.2em}}
  {{\sffamily\Large {subtitle}\par}}
  \vspace{{2.5em}}
  {{\sffamily\large {_tex(ed.edition_label)} \textperiodcentered{{}} {_tex(ed.date_human)}\par}}
  \vfill
  {{\small Every factual sentence in this book cites a numbered paragraph of one of its two
  sources. Section numbers and labels are the same in the HTML and PDF editions and are kept
  from one edition to the next.\par}}
  \vspace{{1em}}
  {{\sffamily {publisher}\par}}
\end{{titlepage}}
""",
        "releasename": "Edition",
        "printindex": "",
        "sphinxsetup": "TitleColor={rgb}{0.12,0.23,0.36}, InnerLinkColor={rgb}{0.12,0.23,0.45}, "
                       "OuterLinkColor={rgb}{0.12,0.23,0.45}, verbatimwithframe=false",
    }
