"""Sphinx extensions for the briefing book, one concern per module.

``setup()`` registers each module; each module's own ``setup()`` declares what it adds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sphinx.application import Sphinx

# Order matters only where a module uses another's nodes at setup time; the order of event
# handlers between modules is in briefing/order.py.
MODULES = [
    "briefing.domain",
    "briefing.toc_numbers",
    "briefing.errors",
    "briefing.theme",
    "briefing.template_cache",
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
    "briefing.claims",
    "briefing.factcheck",
    "briefing.stale_pages",
]


def code_version(package: Path = Path(__file__).parent) -> int:
    """A number that changes whenever the code or schemas that shape a doctree change.

    Sphinx re-reads every document when an extension's env_version differs from the one
    saved with the environment; without this, editing an extension would leave stale
    doctrees behind until someone remembered to bump a number by hand.
    """
    digest = hashlib.sha256()
    for path in sorted([*package.rglob("*.py"), *package.glob("schemas/*.json")]):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return int(digest.hexdigest()[:12], 16)


def setup(app: Sphinx) -> dict:
    for module in MODULES:
        app.setup_extension(module)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": code_version()}
