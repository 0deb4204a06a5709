"""Pages an earlier build left in the HTML output, and this book no longer has, are removed.

An edit rebuilds over the last good output (``tools/build.py`` seeds its staging directory
with it), and Sphinx writes only the pages it has to. A chapter removed or renamed, or a page
that a setting no longer makes (the general index once ``html_use_index`` was turned off),
would otherwise stay in every later edition at its old address with its old text, and
``make publish`` would publish it. A moved page keeps its address through a redirect stub
(``docs/_data/redirects.yaml``), which the build writes again every time.

At ``builder-inited`` the pages already in the output are noted with their modification
times; at ``build-finished``, after a build that wrote pages, every noted page that belongs to
no current document and that this build did not write again is removed.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from .domain import domain

logger = logging.getLogger(__name__)

# Directories of assets and copies, never pages of the book.
NOT_PAGES = {"_static", "_images", "_sources", "_downloads"}


def pages(outdir: Path) -> dict[Path, int]:
    return {page: page.stat().st_mtime_ns for page in outdir.rglob("*.html")
            if page.relative_to(outdir).parts[0] not in NOT_PAGES}


def note_pages_before(app: Sphinx) -> None:
    if app.builder.name == "html":
        domain(app.env).pages_before = pages(Path(app.outdir))


def remove_stale_pages(app: Sphinx, exception: Exception | None) -> None:
    before = domain(app.env).pages_before
    if exception is not None or app.builder.name != "html" or not before:
        return
    now = pages(Path(app.outdir))
    # A build that wrote nothing (Sphinx: "no targets are out of date") also skipped the
    # pages it writes every time (search, redirect stubs): nothing can be judged stale then.
    if all(now.get(page) == mtime for page, mtime in before.items()) and now.keys() == before.keys():
        return
    current = {Path(app.outdir) / app.builder.get_outfilename(docname) for docname in app.env.found_docs}
    stale = sorted(page for page, mtime in before.items()
                   if page not in current and now.get(page) == mtime)
    for page in stale:
        page.unlink()
    if stale:
        logger.info("stale pages: removed %s (no document of the book writes them any more)",
                    ", ".join(page.relative_to(app.outdir).as_posix() for page in stale))


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.domain")
    app.connect("builder-inited", note_pages_before)
    app.connect("build-finished", remove_stale_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
