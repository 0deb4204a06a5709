"""What a citation of the book, or of one of its sections, says: one function of (edition, section).

:func:`reference` gives a :class:`Reference`; every form the reader or a tool copies is
rendered from it and from nothing else:

* the visible "Cite this" block (text and BibTeX) and the PDF's "Cite as" line
  (briefing/cite_this.py);
* the How to cite page: text, BibTeX, RIS, CSL-JSON, intersphinx;
* the page metadata: Highwire Press ``citation_*`` tags, Dublin Core, JSON-LD
  (briefing/metadata.py), and the address OpenGraph, ``<link rel=canonical>`` and the
  sitemap use (conf.py, from the same edition);
* CITATION.cff (:func:`cff`; ``python -m briefing.reference`` prints it).

A chapter is cited by its page's address; a section by the page's address and the section's
label as anchor (the label is the section's first id, so the address survives a rewritten
heading). When the edition has no address (``Edition.url == ""``) no form carries a URL:
the text says the online address is not set.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass

from briefing.edition import Edition, edition

NO_URL = "Online address not set"


@dataclass(frozen=True)
class Section:
    docname: str
    label: str
    number: str  # "5" for a chapter, "5.2" for a section
    title: str
    chapter: str = ""  # the chapter's short name ("Armenia"), so a section's citation says where it is

    @property
    def kind(self) -> str:
        return "chapter" if "." not in self.number else "section"

    @property
    def citation_title(self) -> str:
        """A section cited on its own reads "Armenia: At a glance", not a bare "At a glance"."""
        if self.kind == "section" and self.chapter:
            return f"{self.chapter}: {self.title}"
        return self.title


def page_url(ed: Edition, docname: str, anchor: str = "") -> str:
    """The address of a page of this edition, with an optional anchor; "" without an address."""
    if not ed.url:
        return ""
    url = ed.url + docname + ".html"
    return f"{url}#{anchor}" if anchor else url


def book_key(ed: Edition) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", ed.title.lower())) + "-" + ed.version


@dataclass(frozen=True)
class Reference:
    """The book (``section is None``) or one chapter or section of one edition."""

    edition: Edition
    section: Section | None = None

    # -- the facts ----------------------------------------------------------------------

    @property
    def is_book(self) -> bool:
        return self.section is None

    @property
    def kind(self) -> str:
        return "book" if self.section is None else self.section.kind

    @property
    def title(self) -> str:
        return self.edition.title if self.section is None else self.section.citation_title

    @property
    def book_title(self) -> str:
        return self.edition.title

    @property
    def full_book_title(self) -> str:
        return f"{self.edition.title}: {self.edition.subtitle}"

    @property
    def number(self) -> str:
        return "" if self.section is None else self.section.number

    @property
    def url(self) -> str:
        """The address a reader should cite; "" when the edition has none."""
        ed, sec = self.edition, self.section
        if sec is None:
            return ed.url
        if sec.kind == "chapter":
            return page_url(ed, sec.docname)
        return page_url(ed, sec.docname, sec.label)

    @property
    def key(self) -> str:
        base = book_key(self.edition)
        return base if self.section is None else f"{base}-{self.section.label}"

    @property
    def where(self) -> str:
        """The URL, or the sentence that says there is none."""
        return self.url or f"{NO_URL}."

    # -- text ---------------------------------------------------------------------------

    def text(self) -> str:
        ed = self.edition
        if self.section is None:
            return f"{ed.publisher}. {self.full_book_title}. {ed.edition_label}, {ed.date_human}. {self.where}"
        return (f"{ed.publisher}, {ed.title}, {ed.edition_label} ({ed.date_human}), "
                f"{self.kind} {self.number}, \u201c{self.title}\u201d. {self.where}")

    # -- BibTeX -------------------------------------------------------------------------

    def bibtex(self) -> str:
        ed = self.edition
        org = f"{{{bibtex_escape(ed.publisher)}}}"
        if self.section is None:
            fields = [
                ("author", org),
                ("title", f"{{{bibtex_escape(ed.title)}}}"),
                ("subtitle", bibtex_escape(ed.subtitle)),
                ("publisher", org),
                ("edition", ed.version),
                ("version", ed.version),
                ("year", str(ed.year)),
                ("date", ed.date_iso),
                ("language", ed.language),
            ]
            kind = "book"
        else:
            fields = [
                ("author", org),
                ("title", f"{{{bibtex_escape(self.title)}}}"),
                ("booktitle", f"{{{bibtex_escape(ed.title)}}}"),
                ("chapter", self.number),
                ("publisher", org),
                ("edition", ed.version),
                ("year", str(ed.year)),
                ("date", ed.date_iso),
                ("language", ed.language),
            ]
            kind = "incollection"
        note = f"{ed.edition_label}" if self.section is None else \
            f"{self.kind.capitalize()} {self.number}, {ed.edition_label}"
        if self.url:
            fields.append(("url", self.url))
        else:
            note += f". {NO_URL}"
        fields.append(("note", note))
        return _bibtex(kind, self.key, fields)

    # -- RIS ----------------------------------------------------------------------------

    def ris(self) -> str:
        ed = self.edition
        if self.section is None:
            lines = [("TY", "BOOK"), ("TI", self.full_book_title)]
        else:
            lines = [("TY", "CHAP"), ("TI", self.title), ("T2", ed.title), ("SE", self.number)]
        lines += [
            ("AU", ed.publisher),
            ("PB", ed.publisher),
            ("ET", ed.version),
            ("PY", str(ed.year)),
            ("DA", ed.date.strftime("%Y/%m/%d/")),
            ("LA", ed.language),
        ]
        lines.append(("UR", self.url) if self.url else ("N1", f"{NO_URL}."))
        body = "\n".join(f"{tag}  - {value}" for tag, value in lines)
        return body + "\nER  - "

    # -- CSL-JSON -----------------------------------------------------------------------

    def csl_item(self) -> dict:
        ed = self.edition
        item = {
            "id": self.key,
            "type": "book" if self.section is None else "chapter",
            "title": self.full_book_title if self.section is None else self.title,
            "author": [{"literal": ed.publisher}],
            "publisher": ed.publisher,
            "edition": ed.version,
            "version": ed.version,
            "issued": {"date-parts": [[ed.year, ed.date.month, ed.date.day]]},
            "language": ed.language,
        }
        if self.section is not None:
            item["container-title"] = ed.title
            item["chapter-number"] = self.number
        if self.url:
            item["URL"] = self.url
        else:
            item["note"] = f"{NO_URL}."
        return item

    def csl_json(self) -> str:
        return json.dumps([self.csl_item()], ensure_ascii=False, indent=2)

    def intersphinx(self) -> str:
        if self.edition.url:
            return f'intersphinx_mapping = {{"briefing": ("{self.edition.url}", None)}}'
        return (f"# The online address of {self.edition.edition_label} is not set: put it in place of ADDRESS.\n"
                'intersphinx_mapping = {"briefing": ("ADDRESS", None)}')

    # -- metadata that tools read -------------------------------------------------------

    def highwire(self) -> list[tuple[str, str]]:
        """Highwire Press tags as Google Scholar and Zotero read them, in order."""
        ed = self.edition
        tags = [("citation_title", self.title)]
        if self.section is not None:
            tags.append(("citation_inbook_title", ed.title))
        else:
            tags.append(("citation_technical_report_institution", ed.publisher))
        tags += [
            ("citation_author", ed.publisher),
            ("citation_publisher", ed.publisher),
            ("citation_publication_date", ed.date.strftime("%Y/%m/%d")),
            ("citation_edition", ed.version),
            ("citation_language", ed.language),
        ]
        if self.url:
            tags.append(("citation_public_url", self.url))
        if ed.pdf_url:
            tags.append(("citation_pdf_url", ed.pdf_url))
        return tags

    def dublin_core(self) -> list[tuple[str, str]]:
        ed = self.edition
        tags = [
            ("DC.title", self.title),
            ("DC.creator", ed.publisher),
            ("DC.publisher", ed.publisher),
            ("DC.date", ed.date_iso),
            ("DC.type", "Text"),
            ("DC.language", ed.language),
            ("DCTERMS.hasVersion", ed.edition_label),
        ]
        if self.section is not None:
            tags.append(("DCTERMS.isPartOf", ed.title))
        if self.url:
            tags.append(("DC.identifier", self.url))
        return tags

    def _published(self) -> dict:
        """What the book and each chapter share in JSON-LD: who, when, which edition."""
        ed = self.edition
        org = {"@type": "Organization", "name": ed.publisher}
        return {"author": org, "publisher": org, "datePublished": ed.date_iso,
                "version": ed.version, "inLanguage": ed.language}

    def _report(self) -> dict:
        ed = self.edition
        data = {"@type": "Report", "name": ed.title, "alternativeHeadline": ed.subtitle,
                **self._published()}
        if ed.url:
            data["@id"] = data["url"] = ed.url
        if ed.pdf_url:
            data["encoding"] = {"@type": "MediaObject", "contentUrl": ed.pdf_url,
                                "encodingFormat": "application/pdf"}
        return data

    def _chapter(self) -> dict:
        data = {"@type": "Chapter", "name": self.title, "position": self.number,
                **self._published()}
        if self.url:
            data["@id"] = data["url"] = self.url
        return data

    def _part(self) -> dict:
        """A section inside its chapter's JSON-LD: what differs from the chapter."""
        data = {"@type": "Chapter", "name": self.title, "position": self.number}
        if self.url:
            data["@id"] = data["url"] = self.url
        return data

    def json_ld(self, parts: list[Reference] = ()) -> dict:
        """schema.org: the book as a Report; a chapter as a Chapter that isPartOf it, with its
        numbered sections (addresses with anchors) as hasPart."""
        if self.section is None:
            data = {"@context": "https://schema.org", **self._report()}
        else:
            data = {"@context": "https://schema.org", **self._chapter(), "isPartOf": self._report()}
        if parts:
            data["hasPart"] = [p._part() for p in parts]
        return data

    # -- CITATION.cff -------------------------------------------------------------------

    def cff(self) -> dict:
        """CITATION.cff as data (the book only). No date: see cff_text."""
        ed = self.edition
        authors = [{"name": ed.publisher}]
        data = {
            "cff-version": "1.2.0",
            "message": "If you cite this book, cite the edition you read, and the section by "
                       "its number and address.",
            "type": "software",
            "title": ed.title,
            "version": ed.version,
            "authors": [dict(a) for a in authors],
        }
        if ed.url:
            data["url"] = ed.url
        pref = {
            "type": "book",
            "title": ed.title,
            "edition": ed.version,
            "authors": [dict(a) for a in authors],
            "publisher": {"name": ed.publisher},
            "languages": [ed.language],
        }
        if ed.url:
            pref["url"] = ed.url
        data["preferred-citation"] = pref
        return data


def reference(ed: Edition, section: Section | None = None) -> Reference:
    """The one function every citation form is made from."""
    return Reference(ed, section)


# -- helpers -----------------------------------------------------------------------------------


def bibtex_escape(text: str) -> str:
    table = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
             "$": r"\$", "#": r"\#", "_": r"\_"}
    return "".join(table.get(ch, ch) for ch in text)


def _bibtex(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name.ljust(width)} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body},\n}}"


CFF_HEADER = """\
# How to cite this book (Citation File Format). Generated from the edition by
# `python -m briefing.reference > CITATION.cff` (briefing/reference.py, the same function as
# every other citation form); tests/test_citation_metadata.py checks that it is current.
#
# No date-released: the edition's date comes from SOURCE_DATE_EPOCH, i.e. from the commit
# that builds the edition, so a date written here would be false for every later commit of
# the same version. No url while pyproject.toml sets no base_url: the address is added when
# the publication address is known, never guessed.
"""


def cff_text(ed: Edition) -> str:
    import yaml

    body = yaml.safe_dump(reference(ed).cff(), sort_keys=False, allow_unicode=True, width=100)
    return CFF_HEADER + body


def main() -> int:
    # The repository's own edition: the configured address only (not a build's environment).
    sys.stdout.write(cff_text(edition(environ={})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
