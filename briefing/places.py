"""Places in the book: which section a node stands in, its number, its link, its chapter.

Everything that names a place for the reader goes through here, so that the "Cited in" list
of the Sources page, the "Quoted in" list of People, the cite-this blocks, the page metadata
and the fact-check sheet number and name a section the same way:

* :class:`Place` -- a section as recorded at ``doctree-read`` (document, toc anchor, id,
  title, enclosing sections); :func:`place_of` finds the place of any node;
* :func:`secnumber` / :func:`section_number` -- its number from ``env.toc_secnumbers``,
  known from ``doctree-resolved`` on;
* :func:`section_link` / :func:`links_to` -- "2.2 What happened" links, and the "; "-joined
  list of distinct places in reading order;
* :func:`numbered_sections` -- every numbered section of a (possibly assembled) doctree with
  its :class:`~briefing.reference.Section`, for cite blocks and metadata.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.nodes import make_refnode

from briefing.data import get_data
from briefing.reference import Section


@dataclass(frozen=True)
class Place:
    """A section of the book, as a record that survives pickling and parallel reads."""

    docname: str
    anchor: str         # the toc anchor: "" for the document's top section, else "#<section id>"
    section_id: str
    title: str
    parents: tuple[str, ...] = ()   # toc anchors of the enclosing sections, nearest first


def nearest_section(node: nodes.Node) -> nodes.section | None:
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    return parent


def section_title(section: nodes.Element | None) -> str:
    if section is not None and section.children and isinstance(section[0], nodes.title):
        return section[0].astext()
    return ""


def toc_anchor(section: nodes.section) -> str:
    """The key of a section in ``env.toc_secnumbers``: "" for its document's top section."""
    if not isinstance(section.parent, nodes.section):
        siblings = [s for s in section.parent.children if isinstance(s, nodes.section)]
        if siblings and siblings[0] is section:
            return ""
    return f"#{section['ids'][0]}" if section["ids"] else ""


def place_of(node: nodes.Node, doctree: nodes.document, docname: str) -> Place:
    """The section a node stands in (text before the first heading counts as the first section)."""
    section = nearest_section(node) or next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return Place(docname, "", "", "")
    outer = []
    up = section.parent
    while up is not None:
        if isinstance(up, nodes.section):
            outer.append(toc_anchor(up))
        up = up.parent
    sid = section["ids"][0] if section["ids"] else ""
    return Place(docname, toc_anchor(section), sid, section_title(section), tuple(outer))


# -- numbers -----------------------------------------------------------------------------------


def secnumber(env: BuildEnvironment, place: Place) -> tuple[tuple[int, ...], bool]:
    """The section's number, or its nearest numbered enclosing section's; and whether it is its own."""
    numbers = env.toc_secnumbers.get(place.docname, {})
    if numbers.get(place.anchor):
        return tuple(numbers[place.anchor]), True
    for outer in place.parents:
        if numbers.get(outer):
            return tuple(numbers[outer]), False
    return (), False


def section_number(env: BuildEnvironment, docname: str, section: nodes.section) -> str | None:
    """A section's own number as shown ("6.1"), or None for an unnumbered section."""
    if not section["ids"]:
        return None
    found = env.toc_secnumbers.get(docname, {}).get(toc_anchor(section))
    return ".".join(map(str, found)) if found else None


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


def reading_order_key(env: BuildEnvironment, place: Place, order: dict[str, int]):
    """Numbered sections by number, then unnumbered ones in reading order."""
    number, own = secnumber(env, place)
    return (0 if number else 1, number, 0 if own else 1, order.get(place.docname, 10**6),
            place.docname, place.anchor)


# -- links -------------------------------------------------------------------------------------


def section_link(app: Sphinx, fromdoc: str, place: Place) -> nodes.Node:
    """A link naming the section by number and the head of its title ("2.2 What happened")."""
    number, own = secnumber(app.env, place)
    shown = ".".join(map(str, number))
    title = place.title
    # The title's head only ("2.2 What happened", not the whole "2.2 What happened: Armenia
    # asked ..."): the Sources page lists hundreds of these, and the head names the section.
    if number and ":" in title:
        title = title.split(":", 1)[0].strip()
    if number and own:
        label = f"{shown} {title}"
    elif number:
        label = f"{shown} › {title}"
    else:
        label = title or place.docname
    target = "" if place.anchor == "" else place.section_id
    # No title attribute: it would repeat the link text, which screen readers then read twice
    # and which, over the Sources page's hundreds of backlinks, doubles the page's weight.
    return make_refnode(app.builder, fromdoc, place.docname, target, nodes.Text(label))


def links_to(app: Sphinx, fromdoc: str, places: Iterable[Place]) -> list[nodes.Node]:
    """Links to each distinct section among ``places``, in reading order, joined by "; "."""
    env = app.env
    order = doc_order(env)
    out: list[nodes.Node] = []
    seen: set[tuple[str, str]] = set()
    for place in sorted(places, key=lambda p: reading_order_key(env, p, order)):
        if (place.docname, place.anchor) in seen:
            continue
        if seen:
            out.append(nodes.Text("; "))
        seen.add((place.docname, place.anchor))
        out.append(section_link(app, fromdoc, place))
    return out


# -- numbered sections of a page or of the assembled book ---------------------------------------


def docname_of(node: nodes.Node, default: str) -> str:
    """The source document of a section in an assembled (LaTeX, singlehtml) tree."""
    if node.get("docname"):  # set by sphinx.util.nodes.inline_all_toctrees
        return node["docname"]
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.start_of_file):
            return parent["docname"]
        parent = parent.parent
    return default


def chapter_name(env: BuildEnvironment, docname: str) -> str:
    """A chapter's short name: its actors' names for an actor chapter ("EU and France" from
    actors.yaml), else its title up to a colon ("Context: Russian forces ..." -> "Context")."""
    names = [a["name"] for a in get_data(env).actors if a.get("chapter") == docname]
    if names:
        return " and ".join(names)
    title = env.titles.get(docname)
    return title.astext().split(":", 1)[0].strip() if title is not None else ""


def numbered_sections(env: BuildEnvironment, doctree: nodes.Node,
                      docname: str) -> Iterator[tuple[nodes.section, Section]]:
    for section in list(doctree.findall(nodes.section)):
        if not section.children or not isinstance(section[0], nodes.title):
            continue
        owner = docname_of(section, docname)
        number = section_number(env, owner, section)
        if number:
            yield section, Section(owner, section["ids"][0], number, section[0].astext(),
                                   chapter_name(env, owner))
