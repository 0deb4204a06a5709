"""The PDF's look: fonts, title page, PDF metadata and bookmarks, built from the edition.

conf.py calls ``latex_elements(edition())``; the values are LaTeX, kept here so that
conf.py stays configuration.
"""

from __future__ import annotations

from sphinx.util import texescape

from briefing.edition import Edition


def _tex(text: str) -> str:
    """Text for LaTeX, escaped as Sphinx's LaTeX writer escapes it (conf.py runs before the
    LaTeX builder has set up Sphinx's escaping tables, hence ``init``)."""
    texescape.init()
    return texescape.escape(text, "xelatex")


def _pdf_string(text: str) -> str:
    """Text for hyperref's PDF strings (title, author): escaped, but with plain hyphens, as
    hyperref would drop Sphinx's \\sphinxhyphen here ("Armenia-Russia" -> "ArmeniaRussia")."""
    return _tex(text).replace(r"\sphinxhyphen{}", "-")


def _information_line(ed: Edition) -> str:
    """The date of information, apart from the edition's date (briefing/edition.py)."""
    when = ed.current_to.human if ed.current_to else "not known"
    return (f"Information current to {when}, the latest dated event the sources report; "
            "the sources' own publication dates are unknown.")


def latex_elements(ed: Edition) -> dict[str, str]:
    title, subtitle, publisher = _tex(ed.title), _tex(ed.subtitle), _tex(ed.publisher)
    return {
        "papersize": "a4paper",
        # A briefing is printed one-sided: no blank left-hand pages before chapters.
        "extraclassoptions": "oneside,openany",
        "fncychap": "",
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
\makeatletter
% Running header: the chapter's number and (short) title on the left, the section's number on
% the right; footer: the book and edition, and the page number. briefing/print_edition.py
% gives each chapter a short title (\briefingchaptermark) where the full one is long.
\AtBeginDocument{{%
  \renewcommand{{\chaptermark}}[1]{{\markboth{{\@chapapp\ \thechapter}}{{}}}}%
  \renewcommand{{\sectionmark}}[1]{{\markright{{\S\,\thesection}}}}%
}}
\newcommand{{\briefingchaptermark}}[1]{{\markboth{{\thechapter\quad #1}}{{}}}}
\fancypagestyle{{normal}}{{%
  \fancyhf{{}}%
  \fancyhead[L]{{{{\py@HeaderFamily\small\nouppercase{{\leftmark}}}}}}%
  \fancyhead[R]{{{{\py@HeaderFamily\small\nouppercase{{\rightmark}}}}}}%
  \fancyfoot[L]{{{{\py@HeaderFamily\small\@title\sphinxheadercomma\py@release}}}}%
  \fancyfoot[R]{{{{\py@HeaderFamily\small\thepage}}}}%
  \renewcommand{{\headrulewidth}}{{0.4pt}}%
  \renewcommand{{\footrulewidth}}{{0.4pt}}%
}}
\fancypagestyle{{plain}}{{%
  \fancyhf{{}}%
  \fancyfoot[L]{{{{\py@HeaderFamily\small\@title\sphinxheadercomma\py@release}}}}%
  \fancyfoot[R]{{{{\py@HeaderFamily\small\thepage}}}}%
  \renewcommand{{\headrulewidth}}{{0pt}}%
  \renewcommand{{\footrulewidth}}{{0.4pt}}%
}}
% Chapter openers read "Chapter 21" over the title; headings are never hyphenated.
\titleformat{{\chapter}}[display]{{\py@HeaderFamily\raggedright\hyphenpenalty\@M\exhyphenpenalty\@M}}%
  {{\large\py@TitleColor\@chapapp\ \thechapter}}{{6pt}}{{\LARGE\py@TitleColor}}
\titlespacing*{{\chapter}}{{0pt}}{{0pt}}{{18pt}}
\titleformat{{\section}}{{\Large\py@HeaderFamily\raggedright\hyphenpenalty\@M\exhyphenpenalty\@M}}%
  {{\py@TitleColor\thesection}}{{0.5em}}{{\py@TitleColor}}
\titleformat{{\subsection}}{{\large\py@HeaderFamily\raggedright\hyphenpenalty\@M\exhyphenpenalty\@M}}%
  {{\py@TitleColor\thesubsection}}{{0.5em}}{{\py@TitleColor}}
\titleformat{{\subsubsection}}{{\normalsize\py@HeaderFamily\raggedright\hyphenpenalty\@M\exhyphenpenalty\@M}}%
  {{\py@TitleColor\thesubsubsection}}{{0.5em}}{{\py@TitleColor}}
% Cross-references on paper (briefing/print_edition.py): section number and page.
\newcommand{{\briefingseeref}}[1]{{\nobreakspace(\S\ref*{{\detokenize{{#1}}}}, p.\nobreakspace\pageref*{{\detokenize{{#1}}}})}}
\newcommand{{\briefingpageref}}[1]{{\nobreakspace(p.\nobreakspace\pageref*{{\detokenize{{#1}}}})}}
% Diagrams are figures with numbered captions: "Figure 5.1", not "Fig. 5.1".
\addto\captionsenglish{{\renewcommand{{\figurename}}{{Figure\nobreakspace}}}}
% A large diagram may share a page with text rather than wait for a page of its own.
\renewcommand{{\topfraction}}{{0.85}}
\renewcommand{{\bottomfraction}}{{0.6}}
\renewcommand{{\textfraction}}{{0.1}}
\renewcommand{{\floatpagefraction}}{{0.7}}
% A heading never ends a page: it starts the next one unless a few lines fit under it
% (enough for the "Cite as" line and the start of a paragraph or a table's first row).
\usepackage{{needspace}}
\preto\section{{\Needspace{{9\baselineskip}}}}
\preto\subsection{{\Needspace{{7\baselineskip}}}}
% Contents: room for "18.11" and "19" before the title, and for three-digit page numbers.
\renewcommand*{{\@pnumwidth}}{{2.2em}}
\renewcommand*{{\@tocrmarg}}{{3.2em}}
\patchcmd{{\l@chapter}}{{\setlength\@tempdima{{1.5em}}}}{{\setlength\@tempdima{{2.2em}}}}{{}}{{}}
\renewcommand*{{\sphinxtableofcontentshook}}{{%
  \renewcommand*{{\l@section}}{{\@dottedtocline{{1}}{{2.2em}}{{3.2em}}}}%
  \hyphenpenalty\@M\exhyphenpenalty\@M}}
\makeatother
\hypersetup{{
  pdftitle={{{_pdf_string(ed.title)} ({_pdf_string(ed.edition_label)})}},
  pdfauthor={{{_pdf_string(ed.publisher)}}},
  pdfsubject={{{_pdf_string(ed.subtitle)}}},
  pdfkeywords={{Armenia, Russia, Russian border guards, Armenian border, South Caucasus, CSTO, EU Mission in Armenia, briefing}},
  pdflang={{en-GB}},
  pdfdisplaydoctitle=true,
}}
""",
        "maketitle": rf"""
\begin{{titlepage}}
  \raggedright
  \vspace*{{0.12\textheight}}
  {{\sffamily\bfseries\fontsize{{28}}{{34}}\selectfont {title}\par}}
  \vspace{{1.2em}}
  {{\sffamily\Large {subtitle}\par}}
  \vspace{{2.5em}}
  {{\sffamily\large {_tex(ed.edition_label)} \textperiodcentered{{}} {_tex(ed.date_human)}\par}}
  \vspace{{0.6em}}
  {{\sffamily {_tex(_information_line(ed))}\par}}
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
