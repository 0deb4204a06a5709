"""Sphinx extensions for the briefing book, one concern per module.

``setup()`` registers each module; each module's own ``setup()`` declares what it adds.
"""

from __future__ import annotations

from sphinx.application import Sphinx

# Order matters only where a module uses another's nodes or env state at setup time.
MODULES = [
    "briefing.theme",
    "briefing.mermaid_render",
    "briefing.data",
    "briefing.citations",
    "briefing.quotations",
    "briefing.judgments",
    "briefing.chronology",
    "briefing.relations",
    "briefing.glossary",
    "briefing.previews",
    "briefing.a11y",
    "briefing.epub",
    "briefing.labels",
    "briefing.cite_this",
]


def setup(app: Sphinx) -> dict:
    for module in MODULES:
        app.setup_extension(module)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
