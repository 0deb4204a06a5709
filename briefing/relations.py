"""``{relations}``: who supports, pressures, replaces whom; diagram and matrix from relations.yaml.

Every relation in docs/_data/relations.yaml cites its passages; the matrix (rows: the actor
acting, columns: the actor acted on) repeats the citations, so the diagram is never the only
place a relation can be read or checked. ``:actor: iran`` keeps the relations involving Iran.

On paper a matrix of 8 actors by 14 counterparts cannot be read: the PDF prints the same table,
at doctree-resolved, as one block per actor listing its relations as sentences ("Russia
pressures Armenia: ... (source)"), with the matrix's own cells, links and citations.

On screen the same sentences form one card per acting actor, and the matrix follows, folded and
compact enough to fit the text column: one symbol per relation (a legend in the cards' words
above it), the whole sentence as the symbol's accessible name and title (the cards above
carry each relation's note and citations); column headers stand on end. Where
the column is narrower than the matrix (a phone), it scrolls in its own box and says so
(``static/briefing-relations.js``, loaded only by pages that hold a matrix).
"""

from __future__ import annotations

import html

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from briefing import order
from briefing.chronology import actor_link
from briefing.citations import cite
from briefing.data import depend, get_data
from briefing.errors import record_error
from briefing.mermaidtext import diagram, escape
from briefing.tables import table

ARROWS = {
    "supports": "-->",
    "cooperates-with": "---",
    "pressures": "==>",
    "could-pressure": "-.->",
    "replaces": "-.->",
    "competes-with": "<-.->",
    "distrusts": "-.-",
}


# A kind drawn in another kind's diagram (its own arrow and words), not in a diagram of its
# own: possible pressure sits beside pressure, and the relations page stays light.
SHOWN_WITH = {"could-pressure": "pressures"}
SHARED_TITLES = {"pressures": "who pressures or could pressure whom"}


KIND_TITLES = {
    "supports": "who supports whom",
    "cooperates-with": "who cooperates with whom",
    "pressures": "who pressures whom",
    "could-pressure": "who could pressure whom (a possibility a source names)",
    "replaces": "who replaces whom",
    "competes-with": "who competes with whom",
    "distrusts": "who distrusts whom",
}


# How a relation kind reads in a sentence ("Russia cooperates with Armenia"): the data's ids
# ("cooperates-with") never reach the reader.
KIND_WORDS = {
    "supports": "supports",
    "cooperates-with": "cooperates with",
    "pressures": "pressures",
    "could-pressure": "could pressure",
    "replaces": "replaces",
    "competes-with": "competes with",
    "distrusts": "distrusts",
}


# The symbol that stands for each kind in the compact on-screen matrix; the legend gives the
# kind in the words above (KIND_WORDS), so the symbol is never the only place a kind is named.
KIND_SYMBOLS = {
    "supports": "+",
    "cooperates-with": "↔",
    "pressures": "⇒",
    "could-pressure": "⇢",
    "replaces": "↻",
    "competes-with": "×",
    "distrusts": "?",
}
SYMBOL_OF_WORDS = {KIND_WORDS[kind]: symbol for kind, symbol in KIND_SYMBOLS.items()}


def node_id(actor: str) -> str:
    return "a_" + actor.replace("-", "_")


def relations_code(data, relations: list, title: str) -> str:
    lines = ["flowchart TD" if len(relations) > 4 else "flowchart LR", f"    accTitle: {escape(title)}",
             f"    accDescr: {len(relations)} relations between actors; the matrix below gives them with sources"]
    used: list[str] = []
    for r in relations:
        for a in (r["from"], r["to"]):
            if a not in used:
                used.append(a)
    for a in used:
        lines.append(f'    {node_id(a)}["{escape(data.actor[a]["short"])}"]')
    for r in relations:
        lines.append(f'    {node_id(r["from"])} {ARROWS[r["kind"]]}|"{escape(KIND_WORDS[r["kind"]])}"| {node_id(r["to"])}')
    return "\n".join(lines) + "\n"


class RelationsDirective(SphinxDirective):
    has_content = False
    option_spec = {"actor": directives.unchanged}

    def run(self):
        depend(self.env, "relations", "actors", "sources")
        data = get_data(self.env)
        location = (self.env.docname, self.lineno)
        actor = self.options.get("actor", "").strip() or None
        if actor is not None and actor not in data.actor:
            record_error(self.env, location, f"relations: unknown actor {actor!r}: use an id from "
                         f"docs/_data/actors.yaml ({', '.join(sorted(data.actor))})")
            return []
        relations = [r for r in data.relations if actor is None or actor in (r["from"], r["to"])]
        container = nodes.container(classes=["briefing-relations"])
        self.set_source_info(container)
        if not relations:
            container += nodes.paragraph("", "No relations recorded.")
            return [container]
        who = data.actor[actor]["name"] if actor else "the actors"
        title = f"Relations of {who}" if actor else "Relations between the actors"
        # One small diagram per kind of relation: all of them in one graph is a tangle that no
        # A4 page or phone screen can show legibly.
        for kind in ARROWS:
            if kind in SHOWN_WITH:
                continue
            kinds = {kind, *(k for k, host in SHOWN_WITH.items() if host == kind)}
            of_kind = [r for r in relations if r["kind"] in kinds]
            if not of_kind:
                continue
            shown = [k for k in ARROWS if k in kinds and any(r["kind"] == k for r in of_kind)]
            heading = KIND_TITLES[shown[0]] if len(shown) == 1 else SHARED_TITLES[kind]
            name = f"{title}: {heading}"
            container += nodes.rubric(heading, heading)
            container += diagram(relations_code(data, of_kind, name), self,
                                 alt=f"{name}: diagram; the matrix below gives the same relations")
        order = [a["id"] for a in data.actors]
        rows_ids = sorted({r["from"] for r in relations}, key=order.index)
        cols_ids = sorted({r["to"] for r in relations}, key=order.index)
        rows = []
        for a in rows_ids:
            row: list = [[actor_link(self.env, data.actor[a], self.env.docname)]]
            for b in cols_ids:
                cell: list = []
                for r in relations:
                    if r["from"] == a and r["to"] == b:
                        if cell:
                            cell.append(nodes.Text("; "))
                        words = KIND_WORDS[r["kind"]]
                        cell.append(nodes.strong(words, words))
                        if r.get("note"):
                            cell.append(nodes.Text(f": {' '.join(r['note'].split())}"))
                        citation = cite(self.env, "; ".join(r["sources"]), location)
                        if citation is not None:
                            cell += [nodes.Text(" "), citation]
                row.append(cell or "")
            rows.append(row)
        headers = ["Actor ↓ acts on →"] + [data.actor[b]["short"] for b in cols_ids]
        tbl = table(headers, rows, ["briefing-relations-matrix"], [2] + [3] * len(cols_ids),
                    title=f"{title} (the diagram as a matrix)")
        self.set_source_info(tbl)
        container += tbl
        return [container]


def _split_relations(cell: nodes.entry) -> list[list[nodes.Node]]:
    """A matrix cell's relations: each starts with its kind in bold, '; ' between them."""
    found: list[list[nodes.Node]] = []
    for para in cell.findall(nodes.paragraph):
        for child in para.children:
            if isinstance(child, nodes.strong):
                found.append([child.deepcopy()])
            elif found:
                if isinstance(child, nodes.Text) and child.astext() == "; ":
                    continue
                found[-1].append(child.deepcopy())
    return found


def matrix_rows(table: nodes.table):
    """(the acting actor's cell paragraph, [(counterpart, cell entry, relations of the cell)])
    for every row of the matrix; each relation is its nodes, the kind in bold first."""
    heads = [entry.astext().strip() for entry in next(iter(table.findall(nodes.thead))).findall(nodes.entry)]
    for row in next(iter(table.findall(nodes.tbody))).findall(nodes.row):
        entries = [e for e in row.children if isinstance(e, nodes.entry)]
        actor_para = next(iter(entries[0].findall(nodes.paragraph)))
        yield actor_para, [(head, entry, _split_relations(entry)) for head, entry in zip(heads[1:], entries[1:])]


def relations_by_actor(table: nodes.table, name_the_actor: bool):
    """(the acting actor's cell paragraph, a list of sentences "pressures Armenia: note (source)")
    for every row of the matrix that holds a relation; print and screen both read it this way."""
    for actor_para, cells in matrix_rows(table):
        items = nodes.bullet_list()
        for head, _entry, relations in cells:
            for parts in relations:
                para = nodes.paragraph()
                if name_the_actor:
                    para += nodes.Text(f"{actor_para.astext().strip()} ")
                para += parts[0]
                para += nodes.Text(f" {head}")
                para += parts[1:]
                items += nodes.list_item("", para)
        if len(items):
            yield actor_para, items


def matrix_for_print(table: nodes.table) -> nodes.container:
    """The matrix as blocks, one per acting actor, one sentence per relation."""
    title = next(iter(table.findall(nodes.title)), None)
    block = nodes.container(classes=["briefing-relations-print"])
    if title is not None:
        text = title.astext().replace("(the diagram as a matrix)", "(the diagrams as a list, actor by actor)")
        block += nodes.paragraph("", "", nodes.strong(text, text))
    for actor_para, items in relations_by_actor(table, name_the_actor=True):
        items["classes"] = ["briefing-relations-print-list"]
        # A rubric: set as a run-in heading that stays with its list.
        block += nodes.rubric("", "", *[c.deepcopy() for c in actor_para.children],
                              classes=["briefing-relations-print-actor"])
        block += items
    return block


def relations_for_print(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "latex":
        return
    for table in list(doctree.findall(nodes.table)):
        if "briefing-relations-matrix" in table["classes"]:
            table.replace_self(matrix_for_print(table))


def relation_mark(actor: str, words: str, counterpart: str) -> str:
    """One relation in the compact matrix: its symbol; the whole sentence is its accessible
    name and title; the kind's words stay in the text. Not a link: the cards above hold the
    relation with its sources, and a link per symbol would add a hover preview each (about
    10 KB on the relations page, one of the heaviest)."""
    sentence = html.escape(f"{actor} {words} {counterpart}")
    symbol = html.escape(SYMBOL_OF_WORDS.get(words, "•"))
    return (f'<span class="briefing-relation-mark" role="img" title="{sentence}" aria-label="{sentence}">'
            f"<span>{symbol}</span><strong>{html.escape(words)}</strong></span>")


def compact_matrix(folded: nodes.Element) -> list[str]:
    """Turn the folded copy of the matrix into the compact one, in place: every cell holds
    one symbol per relation; the kinds used, in order, are returned for the legend."""
    table = folded if isinstance(folded, nodes.table) else next(iter(folded.findall(nodes.table)))
    used: list[str] = []
    for actor_para, cells in matrix_rows(table):
        actor = actor_para.astext().strip()
        for head, entry, relations in cells:
            marks = []
            for parts in relations:
                words = parts[0].astext()
                marks.append(relation_mark(actor, words, head))
                if words not in used:
                    used.append(words)
            for para in list(entry.findall(nodes.paragraph)):
                para.children = []
                if marks:
                    para += nodes.raw("", "".join(marks), format="html")
    # Columns as wide as their content, not the widths given for the print edition.
    for node in (folded, table):
        node["classes"] = [c for c in node["classes"] if c != "colwidths-given"] + ["colwidths-auto"]
    for spec in table.findall(nodes.colspec):
        spec["colwidth"] = 1
    order = list(KIND_WORDS.values())
    return sorted(used, key=lambda w: order.index(w) if w in order else len(order))


def legend(used: list[str]) -> str:
    items = "".join(f'<li><span class="briefing-relation-symbol">{html.escape(SYMBOL_OF_WORDS.get(words, "•"))}</span> '
                    f"{html.escape(words)}</li>" for words in used)
    return ('<p class="briefing-relations-legend-intro">Each symbol stands for one relation of the '
            "actor in its row to the actor in its column (point at it for the sentence); the cards "
            "above give each relation with its note and sources.</p>"
            f'<ul class="briefing-relations-legend" aria-label="Legend">{items}</ul>'
            '<p class="briefing-relations-hint">The matrix is wider than the screen: '
            "scroll it sideways to see every column →</p>\n")


def matrix_for_screen(table: nodes.table, outer: nodes.Element) -> nodes.container:
    """On screen: one card per acting actor, one line per relation ("cooperates with
    Armenia: note (source)"); the matrix itself follows, folded and compact (a symbol per
    relation, linked to its card line), for readers who want the grid.
    The citations' anchors move to the cards, which every reader sees."""
    box = nodes.container(classes=["briefing-relations-screen"])
    cards = nodes.container(classes=["briefing-relations-cards"])
    for actor_para, items in relations_by_actor(table, name_the_actor=False):
        items["classes"] = ["briefing-relations-card-list"]
        card = nodes.container(classes=["briefing-relations-card"])
        card += nodes.rubric("", "", *[c.deepcopy() for c in actor_para.children],
                             classes=["briefing-relations-card-actor"])
        card += items
        cards += card
    for node in table.findall(nodes.inline):  # the anchors now live in the cards
        if "briefing-citation" in node.get("classes", []):
            node["ids"] = []
    box += cards
    box += nodes.raw("", '<details class="briefing-relations-matrix-details"><summary>The same relations '
                         'as a matrix (actor acting, in rows; actor acted on, in columns)</summary>\n',
                     format="html")
    folded = outer.deepcopy()
    used = compact_matrix(folded)  # the notes and sources are in the cards
    box += nodes.raw("", legend(used), format="html")
    box += folded
    box += nodes.raw("", "</details>\n", format="html")
    return box


def relations_for_screen(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    for table in list(doctree.findall(nodes.table)):
        if "briefing-relations-matrix" in table["classes"]:
            # The theme's scrolling wrapper, if there is one, goes into the fold with the table.
            wrapper = table.parent
            outer = wrapper if "table-wrapper" in wrapper.get("classes", []) else table
            box = matrix_for_screen(table, outer)
            outer.replace_self(box)
            # replace_self gives the new node the table's ids and classes; the folded copy of
            # the table inside keeps them, so the box must not repeat them (duplicate ids).
            box["ids"], box["names"], box["classes"] = [], [], ["briefing-relations-screen"]


def add_matrix_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The hint that the matrix scrolls, on the web pages that hold one (not the EPUB)."""
    if app.builder.name in ("html", "dirhtml", "singlehtml") and \
            "briefing-relations-matrix-details" in context.get("body", ""):
        app.add_js_file("briefing-relations.js", loading_method="defer")


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.citations")
    app.setup_extension("briefing.print_edition")
    app.add_directive("relations", RelationsDirective)
    app.connect("doctree-resolved", relations_for_print, priority=order.RELATIONS_SHAPED)
    app.connect("doctree-resolved", relations_for_screen, priority=order.RELATIONS_SHAPED)
    app.connect("html-page-context", add_matrix_script)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
