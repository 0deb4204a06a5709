"""The error ledger: every author error, reported where it is found and again until fixed.

Directives, roles, transforms and data checks call :func:`record_error` with the place of the
problem (a document and line, or a ``file:line`` in a data file). It is logged at once, so
``-W`` stops the build with the file and line, and remembered in the ``errors`` store of the
briefing domain (per document, so a re-read page forgets its old errors), so that:

* a build that does not re-read a broken page still fails, and says why again;
* a build without ``-W`` (``sphinx-autobuild``) still ends with a failing status.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from briefing.domain import domain

logger = logging.getLogger(__name__)

# Errors that belong to no document (data files, published labels): re-found every build.
BOOK = "__data__"


def record_error(env: BuildEnvironment, location, message: str, subtype: str = "evidence") -> None:
    """Log an author error and remember it.

    ``location`` is ``(docname, line)`` for a page, a ``"file:line"`` string for a data file,
    or None when the message names its own place.
    """
    errors = domain(env).store("errors")
    if isinstance(location, tuple):
        docname, line = location
        text = f"{_display(env, env.doc2path(docname))}:{line}: {message}"
        errors.setdefault(docname, []).append(text)
    else:
        text = f"{location}: {message}" if location else message
        errors.setdefault(BOOK, []).append(text)
    logger.error(message, location=location, type="briefing", subtype=subtype)


def _display(env: BuildEnvironment, path) -> str:
    """The path from the project's root (where conf.py is), as authors see it."""
    book = domain(env).book
    root = book.root if book is not None else Path(env.srcdir).parent
    try:
        return str(Path(path).resolve().relative_to(Path(root).resolve()))
    except ValueError:
        return str(path)


def start_reading(app: Sphinx, env: BuildEnvironment, docnames) -> None:
    """Errors not tied to a page are found afresh by every build."""
    book = domain(env)
    book.store("errors").pop(BOOK, None)
    book.read_now = frozenset(docnames)


def fail_on_errors(app: Sphinx, exception) -> None:
    """Errors found in earlier runs, in pages not re-read, are reported again; any error fails."""
    env = getattr(app, "env", None)
    if exception is not None or env is None:
        return
    book = domain(env)
    errors = book.store("errors")
    for docname in sorted(errors):
        if docname != BOOK and docname not in book.read_now:
            for text in errors[docname]:
                logger.error("%s (reported again: the page has not changed since)", text,
                             type="briefing", subtype="evidence")
    count = sum(len(v) for v in errors.values())
    if count:
        app.statuscode = 1
        logger.error("%d author error(s) above, each with its file and line: the build fails "
                     "until they are fixed", count, type="briefing", subtype="evidence")


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.domain")
    app.connect("env-before-read-docs", start_reading)
    app.connect("build-finished", fail_on_errors)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
