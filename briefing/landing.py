"""The first screen: ``{at-a-glance}`` on the landing page.

Generated from the book itself, so it never drifts from the chapters:

* the bottom line: the first ``{judgment}`` of the executive summary, with its likelihood and
  confidence and a link to the summary;
* the key judgments at a glance: one card per ``{judgment}`` of the key-judgments chapter (its
  section title, likelihood and confidence, linked to the section);
* the way in to each actor: one card per actor chapter (the actor's name and the chapter's
  title, which states its point).

Cards use sphinx-design's card classes (its stylesheet is loaded only on pages that use them,
briefing/theme.py). The placeholder is resolved once every page is read; the landing page is
rebuilt whenever another page changes (a listing page, briefing/citations.py). Only the HTML
shows the cards: the PDF has its own front matter and contents.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from briefing import order
from briefing.citations import note_listing_page
from briefing.data import get_data
from briefing.domain import store
from briefing.places import nearest_section, section_title
from briefing.judgments import CLASS as JUDGMENT, LIKELIHOOD

SUMMARY, JUDGMENTS = "summary", "key-judgments"


class glance(nodes.General, nodes.Element):
    """Placeholder for the landing page's cards; replaced at doctree-resolved."""


class AtAGlanceDirective(SphinxDirective):
    has_content = False

    def run(self):
        note_listing_page(self.env, "glance")
        node = glance()
        self.set_source_info(node)
        return [node]


# A cross-reference written without a title ({ref}`label`) shows its section's title once
# resolved; in the card's plain text it is kept as this marker and given that title when the
# card is made, since other pages' titles are known only then.
UNTITLED_REF = "\x00ref:{}\x00"
UNTITLED_REF_RE = re.compile("\x00ref:([^\x00]*)\x00")


def _text(node: nodes.Node) -> str:
    if isinstance(node, addnodes.pending_xref) and node.get("reftype") == "ref" \
            and not node.get("refexplicit"):
        return UNTITLED_REF.format(node["reftarget"])
    if isinstance(node, nodes.Text):
        return node.astext()
    return "".join(_text(child) for child in node.children)


def statement(box: nodes.Element) -> str:
    """The judgment's own words: its paragraphs less the 'Assessment: ...' head."""
    parts = [_text(p) for p in box.findall(nodes.paragraph)
             if "briefing-judgment-head" not in p.get("classes", [])]
    return " ".join(" ".join(parts).split())


def with_titles(env, text: str) -> str:
    labels = env.domains.standard_domain.labels
    return UNTITLED_REF_RE.sub(lambda m: labels.get(m.group(1), ("", "", m.group(1)))[2], text)


def collect(app: Sphinx, doctree: nodes.document) -> None:
    found = []
    for box in doctree.findall(nodes.container):
        if JUDGMENT not in box.get("classes", []) or "briefing_likelihood" not in box:
            continue
        section = nearest_section(box)
        title = section_title(section)
        found.append({"section": section["ids"][0] if section is not None and section["ids"] else "",
                      "title": title, "likelihood": box["briefing_likelihood"],
                      "confidence": box["briefing_confidence"], "text": statement(box)})
    store(app.env, "glance")[app.env.docname] = found


def _card(body: list[nodes.Node], classes=()) -> nodes.container:
    col = nodes.container(classes=["sd-col", "sd-d-flex-row"])
    card = nodes.container(classes=["sd-card", "sd-sphinx-override", "sd-w-100", "sd-shadow-sm",
                                    "briefing-glance-card", *classes])
    inner = nodes.container(classes=["sd-card-body"])
    for node in body:
        inner += node
    card += inner
    col += card
    return col


def _grid(cards: list[nodes.Node], columns: int) -> nodes.container:
    box = nodes.container(classes=["sd-container-fluid", "sd-sphinx-override", "sd-mb-4"])
    row = nodes.container(classes=["sd-row", "sd-row-cols-1", f"sd-row-cols-sm-{min(columns, 2)}",
                                   f"sd-row-cols-lg-{columns}", "sd-g-3"])
    for card in cards:
        row += card
    box += row
    return box


def _link(app: Sphinx, fromdoc: str, docname: str, section: str, text: str) -> nodes.Node:
    inner = nodes.inline(text, text)
    return make_refnode(app.builder, fromdoc, docname, section, inner)


def _assessment(j: dict) -> nodes.paragraph:
    term = f"{j['likelihood']} ({LIKELIHOOD[j['likelihood']]})"
    para = nodes.paragraph(classes=["briefing-glance-likelihood"])
    para += nodes.strong(term, term)
    para += nodes.Text(f" · {j['confidence']} confidence")
    return para


def render(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    env = app.env
    out: list[nodes.Node] = []
    judgments = store(env, "glance")
    bottom = (judgments.get(SUMMARY) or [None])[0]
    if bottom is not None:
        title = bottom["title"].split(":", 1)[1].strip() if ":" in bottom["title"] else bottom["title"]
        head = nodes.paragraph(classes=["sd-card-title", "briefing-glance-kicker"])
        head += nodes.Text("Bottom line")
        lead = nodes.paragraph(classes=["briefing-glance-lead"])
        lead += nodes.strong(title, title)
        text = nodes.paragraph("", with_titles(env, bottom["text"]))
        more = nodes.paragraph()
        more += _link(app, fromdoc, SUMMARY, "", "Read the executive summary")
        out.append(_grid([_card([head, lead, text, _assessment(bottom), more],
                                ["briefing-glance-bottom-line"])], 1))
    key = judgments.get(JUDGMENTS) or []
    if key:
        out.append(nodes.rubric("", "Key judgments at a glance, to the end of 2027"))
        cards = []
        for j in key:
            title = nodes.paragraph(classes=["sd-card-title"])
            title += _link(app, fromdoc, JUDGMENTS, j["section"], j["title"])
            cards.append(_card([title, _assessment(j)]))
        out.append(_grid(cards, 2))
    data = get_data(app)
    chapters: dict[str, list[str]] = {}
    for actor in data.actors:
        if actor.get("chapter") in env.found_docs:
            chapters.setdefault(actor["chapter"], []).append(actor["name"])
    if chapters:
        out.append(nodes.rubric("", "The actors: one chapter each"))
        cards = []
        for docname, names in chapters.items():
            title = nodes.paragraph(classes=["sd-card-title"])
            title += _link(app, fromdoc, docname, "", " and ".join(names))
            point = env.titles[docname].astext() if docname in env.titles else ""
            cards.append(_card([title, nodes.paragraph("", point)]))
        out.append(_grid(cards, 2))
    return out


def resolve(app: Sphinx, doctree: nodes.document, fromdoc: str) -> None:
    for node in list(doctree.findall(glance)):
        node.replace_self(render(app, fromdoc) if app.builder.format == "html" else [])


def _skip(self, node):
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.citations")
    app.setup_extension("briefing.judgments")
    skip = (_skip, None)
    app.add_node(glance, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_directive("at-a-glance", AtAGlanceDirective)
    app.connect("doctree-read", collect)
    app.connect("doctree-resolved", resolve, priority=order.GLANCE_GENERATED)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
