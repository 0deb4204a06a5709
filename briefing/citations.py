"""Pinpoint citations: the ``{src}`` role, "cited in" backlinks and the ``{passages}`` list.

``{src}`cw:6,8; emp:34-37``` renders "(Caucasus Watch, paras. 6, 8; Euromaidan Press,
paras. 34–37)"; each paragraph number links to the passage on the Sources page (the page
holding the ``{passages}`` directive; anchors ``cw-6``). The roles record nothing
themselves: at doctree-read every citation node of the page is collected with the section it
stands in (env state, purged and merged), so generated tables that cite (timelines, the
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

from briefing.data import depend, get_data, parse_passages, record_error

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


# --- env state: who cites what -------------------------------------------------------


@dataclass(frozen=True)
class Cite:
    passage: str      # "cw:12"
    docname: str
    anchor: str       # "" for the document's first section, else "#<section id>"
    section_id: str
    title: str
    line: int
    parents: tuple = ()


def _state(env: BuildEnvironment) -> dict[str, list[Cite]]:
    if not hasattr(env, "briefing_citations"):
        env.briefing_citations = {}
    return env.briefing_citations


def _pages(env: BuildEnvironment) -> dict[str, set[str]]:
    """Documents holding directives that list what other documents contain."""
    if not hasattr(env, "briefing_listing_pages"):
        env.briefing_listing_pages = {}
    return env.briefing_listing_pages


def note_listing_page(env: BuildEnvironment, kind: str) -> None:
    _pages(env).setdefault(env.docname, set()).add(kind)


def listing_page(env: BuildEnvironment, kind: str) -> str | None:
    found = sorted(d for d, kinds in _pages(env).items() if kind in kinds)
    return found[0] if found else None


def section_of(node: nodes.Node, doctree: nodes.document) -> tuple[str, str, str, tuple[str, ...]]:
    """(toc anchor, section id, section title, toc anchors of the enclosing sections)."""
    first = next(iter(doctree.findall(nodes.section)), None)

    def toc_anchor(section) -> str:
        return "" if section is first else f"#{section['ids'][0] if section['ids'] else ''}"

    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    if parent is None:
        parent = first
    if parent is None:
        return "", "", "", ()
    sid = parent["ids"][0] if parent["ids"] else ""
    title = parent[0].astext() if parent.children and isinstance(parent[0], nodes.title) else ""
    outer = []
    up = parent.parent
    while up is not None:
        if isinstance(up, nodes.section):
            outer.append(toc_anchor(up))
        up = up.parent
    return toc_anchor(parent), sid, title, tuple(outer)


def collect(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    found = []
    for node in doctree.findall(nodes.inline):
        if CITES_ATTR not in node:
            continue
        toc_anchor, sid, title, parents = section_of(node, doctree)
        for passage in node[CITES_ATTR]:
            found.append(Cite(passage, env.docname, toc_anchor, sid, title, node.line or 0, parents))
    _state(env)[env.docname] = found


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _state(env).pop(docname, None)
    _pages(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames, other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in _state(other):
            _state(env)[docname] = _state(other)[docname]
        if docname in _pages(other):
            _pages(env)[docname] = _pages(other)[docname]


def all_cites(env: BuildEnvironment) -> list[Cite]:
    return [c for docname in sorted(_state(env)) for c in _state(env)[docname]]


def listing_pages_outdated(app: Sphinx, env: BuildEnvironment, added, changed, removed):
    """When any page changes, the pages that list what pages contain are rebuilt too."""
    if not (added or changed or removed):
        return []
    return sorted(d for d in _pages(env) if d not in removed)


def check_descriptions(app: Sphinx, env: BuildEnvironment) -> None:
    data = get_data(app)
    seen: set[str] = set()
    for c in all_cites(env):
        if c.passage in data.passages or c.passage in seen:
            continue
        seen.add(c.passage)
        record_error(env, None, f"{data.where('passages', 1)}: {c.passage} is cited "
                     f"({env.doc2path(c.docname, False)}:{c.line}) but has no description: add "
                     f"the line `{c.passage}: \"<what the passage says, in the book's words>\"`")


# --- resolving: links to passages, and the passages list -----------------------------


def secnumber(env: BuildEnvironment, docname: str, toc_anchor: str,
              parents: tuple = ()) -> tuple[tuple[int, ...], bool]:
    """The section's number, or its nearest numbered enclosing section's; and whether it is its own."""
    numbers = env.toc_secnumbers.get(docname, {})
    if numbers.get(toc_anchor):
        return tuple(numbers[toc_anchor]), True
    for anchor_ in parents:
        if numbers.get(anchor_):
            return tuple(numbers[anchor_]), False
    return (), False


def section_sort_key(env: BuildEnvironment, docname: str, toc_anchor: str, order: dict[str, int],
                     parents: tuple = ()):
    number, own = secnumber(env, docname, toc_anchor, parents)
    return (0 if number else 1, number, 0 if own else 1, order.get(docname, 10**6), docname, toc_anchor)


def doc_order(env: BuildEnvironment) -> dict[str, int]:
    """Documents in reading order (toctree traversal from the root)."""
    order: dict[str, int] = {}

    def walk(docname: str):
        if docname in order:
            return
        order[docname] = len(order)
        for child in env.toctree_includes.get(docname, []):
            walk(child)

    walk(env.config.root_doc)
    for docname in sorted(env.found_docs):
        order.setdefault(docname, len(order))
    return order


def section_link(app: Sphinx, fromdoc: str, docname: str, section_id: str, toc_anchor: str,
                 title: str, parents: tuple = ()) -> nodes.Node:
    number, own = secnumber(app.env, docname, toc_anchor, parents)
    shown = ".".join(map(str, number))
    # The title's head only ("2.2 What happened", not the whole "2.2 What happened: Armenia
    # asked ..."): the Sources page lists hundreds of these, and the head names the section.
    if number and ":" in title:
        title = title.split(":", 1)[0].strip()
    if number and own:
        label = f"{shown} {title}"
    elif number:
        label = f"{shown} › {title}"
    else:
        label = title or docname
    target = "" if toc_anchor == "" else section_id
    # No title attribute: it would repeat the link text, which screen readers then read twice
    # and which, over the Sources page's hundreds of backlinks, doubles the page's weight.
    return make_refnode(app.builder, fromdoc, docname, target, nodes.Text(label))


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
        outlet = get_data(app).sources.get(key, {}).get("outlet", key)
        ref = make_refnode(app.builder, fromdoc, page, target, nodes.Text(text),
                           f"{outlet}, para. {para}, on the Sources page")
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
    data = get_data(app)
    order = doc_order(env)
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
            seen = set()
            places = sorted(by_passage[passage],
                            key=lambda c: section_sort_key(env, c.docname, c.anchor, order, c.parents))
            for c in places:
                if (c.docname, c.anchor) in seen:
                    continue
                if seen:
                    cited_in += nodes.Text("; ")
                seen.add((c.docname, c.anchor))
                cited_in += section_link(app, fromdoc, c.docname, c.section_id, c.anchor, c.title, c.parents)
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
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-get-outdated", listing_pages_outdated)
    app.connect("env-updated", check_descriptions, priority=500)
    app.connect("doctree-resolved", resolve, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
