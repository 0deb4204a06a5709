"""Pinpoint citations: the ``{src}`` role, "cited in" backlinks and the ``{passages}`` list.

``{src}`cw:6,8; emp:34-37``` renders "(Caucasus Watch, paras. 6, 8; Euromaidan Press,
paras. 34–37)"; each paragraph number links to the passage on the Sources page (the page
holding the ``{passages}`` directive; anchors ``cw-6``). The roles record nothing
themselves: at doctree-read every citation node of the page is collected with the section it
stands in (the briefing domain's ``citations`` store), so generated tables that cite (timelines, the
relations matrix) are counted like hand-written citations. The ``{passages}`` list is built at
doctree-resolved, with section numbers from ``env.toc_secnumbers``.
"""

from __future__ import annotations

from dataclasses import dataclass

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.nodes import make_refnode

from briefing import order
from briefing.data import depend, get_data, parse_passages
from briefing.domain import domain, store
from briefing.errors import record_error
from briefing.places import Place, links_to, place_of

logger = logging.getLogger(__name__)

CITATION_CLASS = "briefing-citation"
PASSAGE_ATTR = "briefing_passage"      # on an inline: "cw-12", replaced by a link when resolved
CITES_ATTR = "briefing_passages"       # on a citation inline: ["cw:12", ...]


def anchor(key: str, para: int) -> str:
    return f"{key}-{para}"


def _runs(paras: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for n in sorted(set(paras)):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def _number(key: str, n: int) -> nodes.inline:
    node = nodes.inline(str(n), str(n))
    node[PASSAGE_ATTR] = anchor(key, n)
    return node


def citation_node(data, groups: list[tuple[str, list[int]]], rawtext: str = "",
                  parens: bool = True) -> nodes.inline:
    """The rendered citation for parsed passage groups, e.g. (Caucasus Watch, para. 12)."""
    merged: dict[str, list[int]] = {}
    for key, paras in groups:
        merged.setdefault(key, []).extend(paras)
    groups = list(merged.items())
    node = nodes.inline(rawtext, "", classes=[CITATION_CLASS])
    node[CITES_ATTR] = [f"{key}:{n}" for key, paras in groups for n in sorted(set(paras))]
    if parens:
        node += nodes.Text("(")
    for g, (key, paras) in enumerate(groups):
        if g:
            node += nodes.Text("; ")
        runs = _runs(paras)
        several = len(runs) > 1 or runs[0][0] != runs[0][1]
        node += nodes.Text(f"{data.outlet(key)}, {'paras.' if several else 'para.'} ")
        for r, (a, b) in enumerate(runs):
            if r:
                node += nodes.Text(", ")
            node += _number(key, a)
            if b != a:
                node += nodes.Text("–")
                node += _number(key, b)
    if parens:
        node += nodes.Text(")")
    return node


def cite(env: BuildEnvironment, spec: str, location, rawtext: str = "", parens: bool = True):
    """Parse a passage spec and return its citation node, or None after recording the error."""
    data = get_data(env)
    if location is not None:
        depend(env, "sources")
    groups, errors = parse_passages(spec, data.sources)
    for error in errors:
        record_error(env, location, f"citation {spec!r}: {error}")
    if errors or not groups:
        return None
    return citation_node(data, groups, rawtext, parens)


class SourceRole(SphinxRole):
    """``{src}`cw:12```, ``{src}`cw:6,8```, ``{src}`emp:34-37```, ``{src}`cw:6; emp:2```."""

    def run(self):
        node = cite(self.env, self.text, (self.env.docname, self.lineno), self.rawtext)
        if node is None:
            return [nodes.inline(self.rawtext, self.text, classes=["briefing-citation-error"])], []
        self.set_source_info(node)
        return [node], []


# --- who cites what (the domain's citations store) -------------------------------------------------------


@dataclass(frozen=True)
class Cite:
    passage: str      # "cw:12"
    place: Place
    line: int


def note_listing_page(env: BuildEnvironment, kind: str) -> None:
    """This document lists what other documents contain (re-written when any page changes)."""
    store(env, "listing_pages").setdefault(env.docname, set()).add(kind)


def listing_page(env: BuildEnvironment, kind: str) -> str | None:
    found = sorted(d for d, kinds in store(env, "listing_pages").items() if kind in kinds)
    return found[0] if found else None


def collect(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    found = []
    for node in doctree.findall(nodes.inline):
        if CITES_ATTR not in node:
            continue
        place = place_of(node, doctree, env.docname)
        found.extend(Cite(passage, place, node.line or 0) for passage in node[CITES_ATTR])
    store(env, "citations")[env.docname] = found


def all_cites(env: BuildEnvironment) -> list[Cite]:
    return list(domain(env).records("citations"))


def listing_pages_outdated(app: Sphinx, env: BuildEnvironment, added, changed, removed):
    """When any page changes, the pages that list what pages contain are rebuilt too."""
    if not (added or changed or removed):
        return []
    return sorted(d for d in store(env, "listing_pages") if d not in removed)


def check_descriptions(app: Sphinx, env: BuildEnvironment) -> None:
    data = get_data(app)
    seen: set[str] = set()
    for c in all_cites(env):
        if c.passage in data.passages or c.passage in seen:
            continue
        seen.add(c.passage)
        record_error(env, data.where("passages", 1), f"{c.passage} is cited "
                     f"({env.doc2path(c.place.docname, False)}:{c.line}) but has no description: add "
                     f"the line `{c.passage}: \"<what the passage says, in the book's words>\"`")


# --- resolving: links to passages, and the passages list -----------------------------


def resolve_passage_links(app: Sphinx, doctree: nodes.document, fromdoc: str) -> None:
    page = listing_page(app.env, "passages")
    for node in list(doctree.findall(nodes.inline)):
        target = node.get(PASSAGE_ATTR)
        if not target:
            continue
        text = node.astext()
        if page is None:
            node.replace_self(nodes.Text(text))
            continue
        key, _, para = target.rpartition("-")
        outlet = get_data(app.env).sources.get(key, {}).get("outlet", key)
        # The link's text is only the number: the title names the passage. It stays short,
        # as it is repeated on every citation (hundreds on the longest pages).
        ref = make_refnode(app.builder, fromdoc, page, target, nodes.Text(text), f"{outlet}, para. {para}")
        node.replace_self(ref)


class passages_list(nodes.General, nodes.Element):
    """Placeholder for the cited-passages list; replaced at doctree-resolved."""


class PassagesDirective(SphinxDirective):
    """``{passages}``: per source, every passage the book cites, with "cited in" links."""

    has_content = False
    option_spec = {}

    def run(self):
        depend(self.env, "passages", "sources")
        note_listing_page(self.env, "passages")
        node = passages_list()
        self.set_source_info(node)
        return [node]


def render_passages(app: Sphinx, fromdoc: str, node: passages_list) -> list[nodes.Node]:
    env = app.env
    data = get_data(env)
    by_passage: dict[str, list[Cite]] = {}
    for c in all_cites(env):
        by_passage.setdefault(c.passage, []).append(c)
    out: list[nodes.Node] = []
    for key, source in data.sources.items():
        cited = sorted((int(p.split(":")[1]) for p in by_passage if p.split(":")[0] == key))
        container = nodes.container(classes=["briefing-passages"])
        container += nodes.rubric("", f"{source['outlet']}: {len(cited)} of "
                                      f"{source['paragraphs']} paragraphs cited")
        if not cited:
            out.append(container)
            continue
        items = nodes.bullet_list(classes=["briefing-passage-list"])
        for n in cited:
            passage = f"{key}:{n}"
            item = nodes.list_item(classes=["briefing-passage"])
            para = nodes.paragraph()
            para += nodes.target("", "", ids=[anchor(key, n)])
            para += nodes.strong(f"para. {n}", f"para. {n}")
            description = data.passages.get(passage)
            if description is None:
                logger.error("%s is cited but has no description in docs/_data/passages.yaml",
                             passage, location=node, type="briefing", subtype="evidence")
                description = "[no description]"
            para += nodes.Text(f": {description} ")
            cited_in = nodes.inline(classes=["briefing-cited-in"])
            cited_in += nodes.Text("Cited in ")
            cited_in.extend(links_to(app, fromdoc, (c.place for c in by_passage[passage])))
            cited_in += nodes.Text(".")
            para += cited_in
            item += para
            items += item
        container += items
        out.append(container)
    return out


def resolve(app: Sphinx, doctree: nodes.document, fromdoc: str) -> None:
    for node in list(doctree.findall(passages_list)):
        node.replace_self(render_passages(app, fromdoc, node))
    resolve_passage_links(app, doctree, fromdoc)


def _skip(self, node):
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.data")
    app.add_role("src", SourceRole())
    skip = (_skip, None)  # replaced at doctree-resolved; never reaches a writer
    app.add_node(passages_list, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_directive("passages", PassagesDirective)
    app.connect("doctree-read", collect)
    app.connect("env-get-outdated", listing_pages_outdated)
    app.connect("env-updated", check_descriptions, priority=order.CROSS_CHECKS)
    app.connect("doctree-resolved", resolve, priority=order.CITATIONS_RESOLVED)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
