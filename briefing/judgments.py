"""The book's own judgments: the ``{judgment}`` directive.

::

    :::{judgment}
    :likelihood: likely
    :confidence: moderate
    Russia will keep the 102nd base in Gyumri through 2027.
    :::

renders a marked box headed "Assessment: likely (55–75%) · moderate confidence"; the term
links to the yardstick (label ``method-yardstick``). Unknown terms fail at file:line.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from briefing.errors import record_error

# The UK PHIA probability yardstick, as ../shared/BRIEFING-STYLE.md gives it.
LIKELIHOOD = {
    "remote": "<5%",
    "highly unlikely": "10–20%",
    "unlikely": "25–35%",
    "realistic possibility": "40–50%",
    "likely": "55–75%",
    "highly likely": "80–90%",
    "almost certain": ">95%",
}
CONFIDENCE = ["low", "moderate", "high"]
YARDSTICK = "method-yardstick"
CLASS = "briefing-judgment"


class JudgmentDirective(SphinxDirective):
    has_content = True
    option_spec = {"likelihood": directives.unchanged, "confidence": directives.unchanged}

    def run(self):
        location = (self.env.docname, self.lineno)
        likelihood = " ".join(self.options.get("likelihood", "").lower().split())
        confidence = " ".join(self.options.get("confidence", "").lower().split())
        ok = True
        if likelihood not in LIKELIHOOD:
            record_error(self.env, location,
                         f"judgment: likelihood {likelihood or '(missing)'!r} is not a yardstick term: "
                         f"use one of {', '.join(LIKELIHOOD)}")
            ok = False
        if confidence not in CONFIDENCE:
            record_error(self.env, location,
                         f"judgment: confidence {confidence or '(missing)'!r} is not a level: use one of "
                         f"{', '.join(CONFIDENCE)}")
            ok = False
        box = nodes.container(classes=[CLASS])
        self.set_source_info(box)
        if ok:
            head = nodes.paragraph(classes=["briefing-judgment-head"])
            head += nodes.strong("Assessment:", "Assessment:")
            head += nodes.Text(" ")
            term = f"{likelihood} ({LIKELIHOOD[likelihood]})"
            xref = addnodes.pending_xref(
                "", refdomain="std", reftype="ref", reftarget=YARDSTICK, refexplicit=True,
                refwarn=True, refdoc=self.env.docname, briefing_yardstick=True,
            )
            xref += nodes.inline(term, term, classes=["briefing-likelihood"])
            self.set_source_info(xref)
            head += xref
            head += nodes.Text(f" · {confidence} confidence")
            box += head
            box["briefing_likelihood"] = likelihood
            box["briefing_confidence"] = confidence
        self.state.nested_parse(self.content, self.content_offset, box)
        return [box]


def yardstick_missing(app: Sphinx, env, node, contnode):
    """Until the methods chapter with the yardstick exists, show the term unlinked."""
    if node.get("briefing_yardstick") and YARDSTICK not in env.domains.standard_domain.labels \
            and "method" not in env.found_docs:
        return contnode
    return None


LATEX_STYLE = Path(__file__).parent / "latex" / "briefingevidence.sty"


def copy_latex_style(app: Sphinx) -> None:
    if app.builder.format == "latex":
        Path(app.outdir).mkdir(parents=True, exist_ok=True)
        (Path(app.outdir) / LATEX_STYLE.name).write_bytes(LATEX_STYLE.read_bytes())


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.data")
    app.add_latex_package("briefingevidence")
    app.connect("builder-inited", copy_latex_style)
    app.add_directive("judgment", JudgmentDirective)
    app.connect("missing-reference", yardstick_missing)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
