"""The fact-check sheet: a ``factcheck`` builder that puts every claim beside its sources.

``make factcheck`` (``tools/build.py factcheck``) reads the book as every build does and
writes ``_build/factcheck/``: one page per chapter, one for the judgments and one per data
file (chronology, relations), and ``index.html`` with the counts. Each claim (see
briefing/claims.py for what a claim is) shows its text with its own citation marked and
direct quotations highlighted, its file and line, a link to its place in the HTML edition
(``../html/<page>.html#<id>``), its review status (briefing/reviews.py) and, beside it, the
full text of every paragraph it cites, read at build time from the source texts
(``../shared/sources`` beside the repository, or ``$BRIEFING_SOURCES``). The texts are
copyrighted: the sheet is written under ``_build/`` only and never committed.

``claims.json`` beside the pages lists every claim with its id, file, digest and status (no
source text); ``make review`` records reviews from it. The build logs the counts: claims,
reviewed, changed since review, never reviewed.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.util import logging

from briefing import claims as claims_mod
from briefing import reviews
from briefing.places import doc_order
from briefing.data import display, get_data

logger = logging.getLogger(__name__)

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1400px;padding:1em 2em;color:#222}
h1,h2,h3{line-height:1.2} nav a{margin-right:.8em}
table.counts{border-collapse:collapse;margin:1em 0} table.counts td,table.counts th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
table.counts td:first-child,table.counts th:first-child{text-align:left}
.claim{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.3fr);gap:1em;border-top:1px solid #ccc;padding:.8em 0}
.meta{font-size:.85em;color:#555;margin:0 0 .4em} .meta code{font-size:1em}
.status{display:inline-block;padding:0 .5em;border-radius:3px;font-weight:600;color:#fff}
.s-reviewed{background:#2a7d2a}.s-changed{background:#b35900}.s-never{background:#8a1c1c}
.text{margin:.2em 0;font-size:1.05em} .context{color:#555;font-style:italic}
.cite{color:#666;font-size:.9em} .cite.own{background:#fff2a8;color:#000;font-weight:600}
.quote{background:#d8ecff;border-bottom:2px solid #3a78c2}
.para{background:#f6f6f2;border-left:3px solid #999;padding:.3em .8em;margin:0 0 .6em}
.para h4{margin:.2em 0;font-size:.9em;color:#444} .para p{margin:.2em 0}
mark.q{background:#d8ecff;border-bottom:2px solid #3a78c2}
.evidence{font-size:.9em;margin:.3em 0 0 1em}
.open-only section.claim[data-status="reviewed"]{display:none} label.filter{float:right}
"""
FILTER = ('<label class="filter"><input type="checkbox" onchange="document.body.classList.toggle('
          "'open-only', this.checked)\"> only claims not reviewed</label>")
STATUS_CLASS = {reviews.REVIEWED: "s-reviewed", reviews.CHANGED: "s-changed", reviews.NEVER: "s-never"}
KIND_PAGES = {"judgment": ("judgments", "Judgments and their evidence"),
              "chronology": ("data-chronology", "Data: chronology entries"),
              "relations": ("data-relations", "Data: relations")}


def kind_file(items) -> bool:
    """Whether a group's claims come from one file (a chapter, a data file): name it for make review."""
    return len({i.file for i in items}) == 1


def page_name(docname: str) -> str:
    return "chapter-" + docname.replace("/", "-")


def quote_pattern(quote: str) -> re.Pattern:
    """The quotation as it stands in the paragraph, allowing only the normalised differences."""
    parts = []
    for ch in claims_mod.squash(quote.strip("“”\"")):
        if ch == " ":
            parts.append(r"\s+")
        elif ch in "'‘’‚‛′":
            parts.append("[‘’‚‛′']")
        elif ch in "\"“”„‟″":
            parts.append("[“”„‟″\"]")
        elif ch in "‐‑‒–—―-":
            parts.append("[‐‑‒–—―-]")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts))


def paragraph_html(text: str, quotes: list[str]) -> str:
    """A source paragraph, escaped, with the quoted words marked."""
    spans = []
    for q in quotes:
        for candidate in (q, q.replace("‘", "“").replace("’", "”")):
            m = quote_pattern(candidate).search(text)
            if m:
                spans.append(m.span())
                break
    out, last = [], 0
    for a, b in sorted(spans):
        if a < last:
            continue
        out += [html.escape(text[last:a]), '<mark class="q">', html.escape(text[a:b]), "</mark>"]
        last = b
    out.append(html.escape(text[last:]))
    return "".join(out)


class FactCheckBuilder(Builder):
    """Writes the fact-check sheet; reads the book like any build, resolves nothing."""

    name = "factcheck"
    format = "factcheck"
    epilog = "The fact-check sheet is in %(outdir)s (index.html)."
    allow_parallel = True

    def init(self) -> None:
        pass

    def get_outdated_docs(self):
        return self.env.found_docs  # the sheet covers the whole book: always written afresh

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return docname + ".html"

    def write_documents(self, docnames) -> None:
        pass  # nothing per page: the sheet is written from the environment in finish()

    def write_doc(self, docname, doctree) -> None:  # pragma: no cover - not called
        pass

    # --- the sheet --------------------------------------------------------------------

    def finish(self) -> None:
        env = self.env
        data = get_data(self.app)
        root = Path(data.root)
        texts = data.source_texts
        if texts is None:
            logger.warning("factcheck: the source texts are not available (../shared/sources beside "
                           "the repository, or BRIEFING_SOURCES): the sheet needs them to show the "
                           "cited paragraphs", type="briefing", subtype="factcheck")
        order = doc_order(env)
        docs = sorted(env.found_docs, key=lambda d: (order.get(d, 10**6), d))
        prose = [c for d in docs for c in claims_mod.doc_claims(env, d) if c.kind == "prose"]
        judgments = [c for d in docs for c in claims_mod.doc_claims(env, d) if c.kind == "judgment"]
        entries = claims_mod.data_claims(env, data)
        everything = prose + judgments + entries
        ledger = data.reviews or {}
        texts_of = {(c.file, c.id): c.text for c in everything}
        digests = {(c.file, c.id): claims_mod.digest(c, data, [texts_of[(c.file, e)] for e in c.evidence])
                   for c in everything}
        in_file: dict[str, set[str]] = {}
        for (file, _), d in digests.items():
            in_file.setdefault(file, set()).add(d)
        status = {k: reviews.status(ledger, k[0], k[1], d, in_file[k[0]]) for k, d in digests.items()}
        self.check_ledger(data, ledger, everything)
        if texts is not None:
            self.check_texts(data, texts, everything)

        outdir = Path(self.outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        by_id = {(c.file, c.id): c for c in everything}
        groups: list[tuple[str, str, list]] = []
        for d in docs:
            mine = [c for c in prose if c.docname == d]
            if mine:
                groups.append((page_name(d), self.title(d), mine))
        for kind, items in (("judgment", judgments), ("chronology", [c for c in entries if c.kind == "chronology"]),
                            ("relations", [c for c in entries if c.kind == "relations"])):
            name, title = KIND_PAGES[kind]
            groups.append((name, title, items))
        for name, title, items in groups:
            body = [f"<h1>{html.escape(title)}</h1>", self.counts_table([("", items)], status)]
            body += [self.claim_html(c, status[(c.file, c.id)], digests[(c.file, c.id)], texts, by_id,
                                     data) for c in items]
            self.write_page(outdir / f"{name}.html", title, "\n".join(body), groups)
        intro = (
            "<h1>Fact-check sheet</h1><p>Every claim of the book beside the full text of the "
            "paragraphs it cites. Check each claim against its paragraphs; then record the files "
            "you checked with <code>make review DOCS=\"docs/…md …\"</code> (see AUTHORING.md). A "
            "claim shows as <em>changed since review</em> when its sentence, its citation or a cited "
            "paragraph changed after it was recorded.</p>")
        rows = [(f'<a href="{name}.html">{html.escape(title)}</a> ' + " ".join(
                    f"<code>{html.escape(f)}</code>" for f in sorted({i.file for i in items}) if kind_file(items)),
                 items) for name, title, items in groups]
        self.write_page(outdir / "index.html", "Fact-check sheet",
                        intro + self.counts_table(rows, status, total=True), groups)

        files = sorted({c.file for c in everything})
        record = {
            "claims": [dict(kind=c.kind, file=c.file, line=c.line, id=c.id, page=c.docname,
                            anchor=c.anchor, passages=list(c.passages), text=c.text,
                            digest=digests[(c.file, c.id)], status=status[(c.file, c.id)],
                            evidence=list(c.evidence)) for c in everything],
            "files": {f: reviews.file_digest(root / f) for f in files if (root / f).is_file()},
        }
        (outdir / "claims.json").write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n",
                                            encoding="utf-8")
        total = reviews.counts(status.values())
        logger.info("factcheck: %d claims (%d in prose, %d judgments, %d chronology entries, %d "
                    "relations): %d reviewed, %d changed since review, %d never reviewed",
                    len(everything), len(prose), len(judgments),
                    sum(c.kind == "chronology" for c in entries), sum(c.kind == "relations" for c in entries),
                    total[reviews.REVIEWED], total[reviews.CHANGED], total[reviews.NEVER])
        for name, title, items in groups:
            c = reviews.counts(status[(i.file, i.id)] for i in items)
            logger.info("factcheck:   %-60s %4d claims: %d reviewed, %d changed, %d never reviewed",
                        title[:60], len(items), c[reviews.REVIEWED], c[reviews.CHANGED], c[reviews.NEVER])

    def title(self, docname: str) -> str:
        number = self.env.toc_secnumbers.get(docname, {}).get("")
        title = self.env.titles[docname].astext() if docname in self.env.titles else docname
        return f"{'.'.join(map(str, number))} {title}" if number else title

    def check_ledger(self, data, ledger: dict, everything) -> None:
        files = {c.file for c in everything}
        root = Path(data.root)
        path = data.path("reviews")
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []

        def line(file: str) -> int:  # the line of the file's key, not of its first entry
            return next((n for n, text in enumerate(lines, 1) if text.split(":")[0].strip("\"' ") == file
                         and not text[:1].isspace()), ledger.line_of(file))

        for file in ledger:
            if not (root / file).is_file():
                logger.warning("%s: %s: no such file: remove its entries (make review DOCS=--all "
                               "rewrites the ledger)", data.where("reviews", line(file)), file,
                               type="briefing", subtype="factcheck")
            elif file not in files:
                logger.warning("%s: %s holds no claims: remove its entries",
                               data.where("reviews", line(file)), file,
                               type="briefing", subtype="factcheck")

    def check_texts(self, data, texts, everything) -> None:
        from briefing.sourcetext import digest
        cited = sorted({p for c in everything for p in c.passages})
        for passage in cited:
            key, _, para = passage.partition(":")
            text = texts.get(key, {}).get(int(para))
            if text is None or digest(text) != claims_mod.paragraph_digest(data, passage):
                logger.warning("factcheck: %s in the source texts differs from docs/_data/sources.yaml: "
                               "re-derive it (tools/derive_sources.py) so that claims citing it are "
                               "checked again", passage, type="briefing", subtype="factcheck")

    # --- html ---------------------------------------------------------------------------

    def counts_table(self, rows, status, total: bool = False) -> str:
        out = ['<table class="counts"><tr><th></th><th>claims</th><th>reviewed</th>'
               '<th>changed since review</th><th>never reviewed</th></tr>']
        sums = [0, 0, 0, 0]
        for label, items in rows:
            c = reviews.counts(status[(i.file, i.id)] for i in items)
            values = [len(items), c[reviews.REVIEWED], c[reviews.CHANGED], c[reviews.NEVER]]
            sums = [a + b for a, b in zip(sums, values)]
            out.append(f"<tr><td>{label or 'This page'}</td>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>")
        if total:
            out.append("<tr><th>All</th>" + "".join(f"<th>{v}</th>" for v in sums) + "</tr>")
        out.append("</table>")
        return "".join(out)

    def claim_html(self, c, state: str, digest: str, texts, by_id, data) -> str:
        link = f"../html/{c.docname}.html" + (f"#{c.anchor}" if c.anchor else "") if c.docname else ""
        meta = [f'<span class="status {STATUS_CLASS[state]}">{state}</span>',
                f"<code>{html.escape(c.file)}:{c.line}</code>",
                f"id <code>{html.escape(c.id)}</code>"]
        if link:
            meta.append(f'<a class="book" href="{html.escape(link)}">in the book</a>')
        if c.section:
            meta.append(f"§ {html.escape(c.section)}")
        text = []
        for seg in c.segments:
            if seg[0] == "text":
                text.append(html.escape(seg[1]))
            elif seg[0] == "cite":
                cls = "cite own" if seg[2] else "cite"
                text.append(f'<span class="{cls}">[{html.escape(seg[1])}]</span>')
            else:
                text.append(f'<q class="quote" title="direct quotation, {html.escape(seg[2])}">'
                            f"{html.escape(seg[1])}</q>")
        left = [f'<p class="meta">{" · ".join(meta)}</p>']
        if c.context:
            left.append(f'<p class="context">{html.escape(c.context)}</p>')
        left.append(f'<p class="text">{"".join(text)}</p>')
        if c.kind == "judgment":
            ev, seen = [], set()
            for e in c.evidence:  # two citations sharing a sentence: the sentence once
                item = by_id.get((c.file, e))
                if item is not None and item.text not in seen:
                    seen.add(item.text)
                    ev.append(item)
            if not ev:
                left.append('<p class="evidence"><strong>No cited evidence.</strong></p>')
            else:
                left.append('<div class="evidence"><p>Evidence cited:</p><ul>' + "".join(
                    f'<li><a href="{page_name(e.docname)}.html#{html.escape(e.id)}">{html.escape(e.text)}</a></li>'
                    for e in ev if e is not None) + "</ul></div>")
        quotes: dict[str, list[str]] = {}
        for seg in c.segments:
            if seg[0] == "quote":
                quotes.setdefault(seg[2], []).append(seg[1].strip("“”"))
        if c.kind == "judgment":
            for e in c.evidence:
                ev = by_id.get((c.file, e))
                for seg in ev.segments if ev else ():
                    if seg[0] == "quote":
                        quotes.setdefault(seg[2], []).append(seg[1].strip("“”"))
        right = []
        for passage in c.passages:
            key, _, para = passage.partition(":")
            outlet = data.sources.get(key, {}).get("outlet", key)
            paragraph = (texts or {}).get(key, {}).get(int(para))
            body = (paragraph_html(paragraph, quotes.get(passage, [])) if paragraph is not None
                    else "<em>source text not available</em>")
            right.append(f'<div class="para"><h4>{html.escape(outlet)}, para. {para} '
                         f"<code>{passage}</code></h4><p>{body}</p></div>")
        return (f'<section class="claim" id="{html.escape(c.id)}" data-status="{state}" '
                f'data-digest="{digest}"><div>{"".join(left)}</div><div>{"".join(right)}</div></section>')

    def write_page(self, path: Path, title: str, body: str, groups) -> None:
        nav = f'<nav>{FILTER}<a href="index.html">Index</a>' + "".join(
            f'<a href="{name}.html">{html.escape(t.split(" ", 1)[0] if t[:1].isdigit() else t)}</a>'
            for name, t, _ in groups) + "</nav>"
        page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
                f'content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">'
                f"<title>{html.escape(title)} · fact-check sheet</title><style>{STYLE}</style></head>"
                f"<body>{nav}\n{body}\n</body></html>\n")
        path.write_text(page, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.claims")
    app.add_builder(FactCheckBuilder)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
