"""One owner for everything the book remembers per document: the ``briefing`` domain.

Each concern records, at ``doctree-read``, what other pages will need (who cites which
passage, who is quoted where, which diagrams a page draws, its claims, the author errors
found in it, ...). All of it lives here, in one store per concern keyed by document, so that
``clear_doc`` forgets a changed page everywhere and ``merge_domaindata`` brings back what a
parallel reader found, in one place that no module can forget (see ``sphinx/ext/todo.py``'s
``TodoDomain`` for the pattern).

The domain also holds what one build needs but never persists: the book's data, loaded at
``builder-inited`` (:mod:`briefing.data`); domain instances are made afresh for every build,
and forked parallel readers inherit them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinx.domains import Domain

if TYPE_CHECKING:
    from collections.abc import Iterable, Set
    from pathlib import Path

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from briefing.data import BookData

# store name -> what it holds, per document (the module that fills it)
STORES = {
    "citations": "every {src} citation with the section it stands in (citations)",
    "listing_pages": "kinds of cross-page list a document holds, e.g. 'passages' (citations)",
    "quotes": "every verified quotation with its speaker and section (quotations)",
    "diagrams": "the Mermaid diagrams a document draws (mermaid_render)",
    "claims": "cited claims and judgments, for the fact-check sheet (claims)",
    "glance": "key judgments shown on the landing page (landing)",
    "errors": "author errors, each 'file:line: message' (errors); '__data__' for the data files",
}


class BriefingDomain(Domain):
    """Per-document records of the briefing extensions; it defines no roles or directives."""

    name = "briefing"
    label = "Briefing book"
    initial_data: dict[str, Any] = {store: {} for store in STORES}
    # Bumped when a store's layout changes: an environment saved with another layout is
    # rebuilt from scratch instead of being read with the wrong shapes.
    data_version = 1

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self.book: BookData | None = None     # the book's data, for this build only
        self.read_now: Set[str] = frozenset()  # documents read in this build
        self.pages_before: dict[Path, int] = {}  # HTML pages in the output as the build began

    def store(self, name: str) -> dict[str, Any]:
        if name not in STORES:
            raise KeyError(f"briefing domain: no store {name!r} (known: {', '.join(STORES)})")
        return self.data[name]

    def records(self, name: str) -> Iterable[Any]:
        """Every record of a store, documents in name order (deterministic output)."""
        found = self.store(name)
        for docname in sorted(found):
            yield from found[docname]

    def clear_doc(self, docname: str) -> None:
        for store in STORES:
            self.data[store].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for store in STORES:
            mine, theirs = self.data[store], otherdata.get(store, {})
            for docname in docnames:
                if docname in theirs:
                    mine[docname] = theirs[docname]

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode):
        return []


def domain(env: BuildEnvironment) -> BriefingDomain:
    return env.domains[BriefingDomain.name]  # type: ignore[return-value]


def store(env: BuildEnvironment, name: str) -> dict[str, Any]:
    """The per-document store ``name`` (one of :data:`STORES`): ``{docname: records}``."""
    return domain(env).store(name)


def setup(app: Sphinx) -> dict:
    app.add_domain(BriefingDomain)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
