"""``{names-table}``: one spelling per name, with the variants found in the sources."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from briefing.citations import cite
from briefing.data import depend, get_data
from briefing.tables import table


class NamesTableDirective(SphinxDirective):
    has_content = False

    def run(self):
        depend(self.env, "names", "sources")
        data = get_data(self.env)
        location = (self.env.docname, self.lineno)
        rows = []
        for entry in sorted(data.names, key=lambda e: e["name"].casefold()):
            variants: list = []
            for v in entry.get("variants", []):
                if variants:
                    variants.append(nodes.Text("; "))
                variants.append(nodes.emphasis(v["spelling"], v["spelling"]))
                citation = cite(self.env, v["source"], location)
                if citation is not None:
                    variants += [nodes.Text(" "), citation]
            rows.append([nodes.strong(entry["name"], entry["name"]), entry["kind"],
                         " ".join(str(entry.get("note", "")).split()), variants or "—"])
        tbl = table(["Name used in this book", "Kind", "Transliteration and note", "Variants in the sources"],
                    rows, ["briefing-names-table"], [3, 2, 5, 4])
        self.set_source_info(tbl)
        return [tbl]


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.citations")
    app.add_directive("names-table", NamesTableDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
