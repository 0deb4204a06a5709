"""``{relations}``: who supports, pressures, replaces whom; diagram and matrix from relations.yaml.

Every relation in docs/_data/relations.yaml cites its passages; the matrix (rows: the actor
acting, columns: the actor acted on) repeats the citations, so the diagram is never the only
place a relation can be read or checked. ``:actor: iran`` keeps the relations involving Iran.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from briefing.chronology import actor_link
from briefing.citations import cite
from briefing.data import depend, get_data, record_error
from briefing.mermaidtext import diagram, escape
from briefing.tables import table

ARROWS = {
    "supports": "-->",
    "cooperates-with": "---",
    "pressures": "==>",
    "replaces": "-.->",
    "competes-with": "<-.->",
    "distrusts": "-.-",
}


KIND_TITLES = {
    "supports": "who supports whom",
    "cooperates-with": "who cooperates with whom",
    "pressures": "who pressures whom",
    "replaces": "who replaces whom",
    "competes-with": "who competes with whom",
    "distrusts": "who distrusts whom",
}


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
        lines.append(f'    {node_id(r["from"])} {ARROWS[r["kind"]]}|"{escape(r["kind"])}"| {node_id(r["to"])}')
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
            of_kind = [r for r in relations if r["kind"] == kind]
            if not of_kind:
                continue
            name = f"{title}: {KIND_TITLES[kind]}"
            container += nodes.rubric(KIND_TITLES[kind], KIND_TITLES[kind])
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
                        cell.append(nodes.strong(r["kind"], r["kind"]))
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


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.citations")
    app.add_directive("relations", RelationsDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
