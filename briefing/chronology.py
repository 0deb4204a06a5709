"""Timelines generated from docs/_data/chronology.yaml: ``{timeline}`` and ``{handover}``.

``{timeline}`` (optionally ``:actor: russia``) emits a vertical Mermaid timeline, in parts of
at most eight events so that each stays legible on an A4 page and a phone, followed by its
table twin (date, event, actors, cited sources), which is what screen readers and the PDF's
text layer use. The diagram shows each entry's ``headline`` in full (the schema keeps it short
enough to fit, so nothing is cut off with an ellipsis); the whole event text is in the table
and, in the HTML, in each event's tooltip and in the panel under the diagram. Entries are
sorted by date; approximate dates (``{approx: "by the 2040s", sort: 2040}``) are placed by
their sort value, shown with their
phrase and labelled approximate. ``{handover}`` gives the entries with a ``handover`` record
as a table and a diagram (from actor, post, to actor).
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from briefing.citations import cite
from briefing.data import Date, depend, get_data
from briefing.errors import record_error
from briefing.mermaidtext import diagram, escape
from briefing.tables import joined, table

CHUNK = 8  # events per diagram: a longer vertical timeline shrinks to illegibility on A4


def actor_link(env, actor: dict, fromdoc: str) -> nodes.Node:
    label = actor["short"]
    if actor.get("chapter") and actor["chapter"] in env.found_docs:
        xref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/" + actor["chapter"],
                                     refexplicit=True, refwarn=True, refdoc=fromdoc)
        xref += nodes.inline(label, label)
        return xref
    return nodes.Text(label)


def date_cell(date: Date) -> list[nodes.Node]:
    if not date.approximate:
        return [nodes.Text(date.label)]
    return [nodes.Text(date.label + " "), nodes.emphasis("(approximate)", "(approximate)")]


def period_label(date: Date) -> str:
    return date.label


def event_detail(data, entry) -> str:
    """The whole event, for the diagram's tooltip and detail panel (HTML only)."""
    date = data.date(entry)
    label = date.label + (" (approximate)" if date.approximate else "")
    return f"{label}: {' '.join(entry['event'].split())}"


def timeline_code(data, entries: list, title: str) -> str:
    """Vertical Mermaid timeline, one period per event.

    The period label carries the full date (with its year), so no ``section`` grouping is
    used: in Mermaid 12.3's vertical layout a section's height ignores its events', and the
    next section header overlaps them.
    """
    lines = ["timeline TD", f"    accTitle: {escape(title)}",
             f"    accDescr: {escape(f'{len(entries)} events in date order; the table below gives them in full')}"]
    for entry in entries:
        date = data.date(entry)
        suffix = " (approx.)" if date.approximate else ""
        lines.append(f"    {escape(period_label(date) + suffix)} : {escape(entry['headline'])}")
    return "\n".join(lines) + "\n"


class TimelineDirective(SphinxDirective):
    """``{timeline}``: the chronology as a diagram and its table twin."""

    has_content = False
    option_spec = {"actor": directives.unchanged}

    def run(self):
        depend(self.env, "chronology", "actors", "sources")
        data = get_data(self.env)
        actor = self.options.get("actor", "").strip() or None
        location = (self.env.docname, self.lineno)
        if actor is not None and actor not in data.actor:
            record_error(self.env, location, f"timeline: unknown actor {actor!r}: use an id from "
                         f"docs/_data/actors.yaml ({', '.join(sorted(data.actor))})")
            return []
        entries = data.sorted_chronology(actor)
        who = data.actor[actor]["name"] if actor else "All actors"
        title = f"Chronology: {who}" if actor else "Chronology of events"
        container = nodes.container(classes=["briefing-timeline"])
        container["briefing_timeline"] = actor or ""
        container["briefing_entries"] = [e["id"] for e in entries]
        self.set_source_info(container)
        if not entries:
            container += nodes.paragraph("", "No dated events recorded for this actor.")
            return [container]
        parts = [entries[i:i + CHUNK] for i in range(0, len(entries), CHUNK)]
        for n, part in enumerate(parts, 1):
            name = title if len(parts) == 1 else f"{title}, part {n} of {len(parts)}"
            container += diagram(timeline_code(data, part, name), self,
                                 alt=f"{name}: timeline; the table below gives the same events",
                                 briefing_timeline=actor or "",
                                 briefing_details=[event_detail(data, e) for e in part])
        rows = []
        for entry in entries:
            citation = cite(self.env, "; ".join(entry["sources"]), location, parens=False)
            actors = joined([actor_link(self.env, data.actor[a], self.env.docname) for a in entry["actors"]])
            rows.append([date_cell(data.date(entry)), " ".join(entry["event"].split()), actors,
                         [citation] if citation is not None else ""])
        tbl = table(["Date", "Event", "Actors", "Sources"], rows,
                    ["briefing-timeline-table"], [2, 7, 2, 3],
                    title=f"{title} (the timeline as a table)")
        for row, entry in zip(tbl.findall(nodes.row), [None, *entries]):
            if entry is not None:
                row["briefing_entry"] = entry["id"]
        self.set_source_info(tbl)
        container += tbl
        return [container]


def handover_code(data, entries: list) -> str:
    lines = ["flowchart LR", "    accTitle: Border handovers",
             f"    accDescr: {len(entries)} posts handed over, from one actor to another; the table gives them in full"]
    used = []
    for entry in entries:
        for side in ("from", "to"):
            if entry["handover"][side] not in used:
                used.append(entry["handover"][side])
    for actor in used:
        lines.append(f'    {actor.replace("-", "_")}(["{escape(data.actor[actor]["short"])}"])')
    for i, entry in enumerate(entries):
        h = entry["handover"]
        date = data.date(entry)
        label = f"{h['place']} ({date.label}{', approx.' if date.approximate else ''})"
        lines.append(f'    post{i}["{escape(label)}"]')
        lines.append(f'    {h["from"].replace("-", "_")} --> post{i} --> {h["to"].replace("-", "_")}')
    return "\n".join(lines) + "\n"


class HandoverDirective(SphinxDirective):
    """``{handover}``: the chronology entries with a handover record, as table and diagram."""

    has_content = False

    def run(self):
        depend(self.env, "chronology", "actors", "sources")
        data = get_data(self.env)
        location = (self.env.docname, self.lineno)
        entries = [e for e in data.sorted_chronology() if "handover" in e]
        container = nodes.container(classes=["briefing-handover"])
        self.set_source_info(container)
        if not entries:
            container += nodes.paragraph("", "No handovers recorded.")
            return [container]
        container += diagram(handover_code(data, entries), self,
                             alt="Border handovers: diagram; the table gives the same handovers")
        rows = []
        for entry in entries:
            h = entry["handover"]
            citation = cite(self.env, "; ".join(entry["sources"]), location, parens=False)
            rows.append([h["place"], actor_link(self.env, data.actor[h["from"]], self.env.docname),
                         actor_link(self.env, data.actor[h["to"]], self.env.docname),
                         date_cell(data.date(entry)), [citation] if citation is not None else ""])
        tbl = table(["Post or border segment", "From", "To", "Date", "Sources"], rows,
                    ["briefing-timeline-table", "briefing-handover-table"], [5, 2, 2, 3, 3],
                    title="Border handovers (the diagram as a table)")
        self.set_source_info(tbl)
        container += tbl
        return [container]


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.citations")
    app.setup_extension("briefing.print_edition")  # tables that break across pages in the PDF
    app.add_directive("timeline", TimelineDirective)
    app.add_directive("handover", HandoverDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 5}
