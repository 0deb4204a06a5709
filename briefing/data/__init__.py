"""The book's data (docs/_data/*.yaml): loaded once per build, validated, shared.

The package, one job per module:

* :mod:`~briefing.data.model`  -- what the data is: ``BookData``, passages, dates;
* :mod:`~briefing.data.load`   -- reading the YAML with its line numbers;
* :mod:`~briefing.data.schema` -- validation against ``briefing/schemas/NAME.json``;
* :mod:`~briefing.data.checks` -- checks across files (ids, actors, passages, dates);
* this module                  -- the Sphinx side: load at ``builder-inited`` (a problem stops
  the build with ``docs/_data/FILE.yaml:LINE``), hand the data to directives, and record
  which pages are built from which data files.

The loaded data is kept on the briefing domain for the build (never pickled).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import SphinxError
from sphinx.util import logging

from briefing import code_version, order
from briefing.data.load import LineLoader, Mapping, Sequence, load
from briefing.data.model import FILES, BookData, Date, display, parse_date, parse_passages
from briefing.data.schema import fingerprint
from briefing.domain import domain
from briefing.errors import record_error

__all__ = ["FILES", "BookData", "DataError", "Date", "LineLoader", "Mapping", "Sequence", "depend",
           "display", "get_data", "load", "parse_date", "parse_passages"]

logger = logging.getLogger(__name__)


class DataError(SphinxError):
    category = "Briefing data error"


# In the doctree directory: the fingerprint of the data, schemas and code that last passed the
# schema checks, so that a build with unchanged data does not validate it again.
VALIDATED = "briefing-data-validated.txt"


def load_data(app: Sphinx) -> None:
    directory = Path(app.srcdir) / "_data"
    record = Path(app.doctreedir) / VALIDATED
    current = fingerprint([directory / f"{name}.yaml" for name in FILES], code_version())
    validated = record.is_file() and record.read_text(encoding="utf-8") == current
    data, errors = load(Path(app.confdir), directory, schemas=not validated)
    if errors:
        for error in errors:
            logger.error(error, type="briefing", subtype="data")
        raise DataError(f"{len(errors)} problem(s) in the book's data:\n" + "\n".join(errors))
    domain(app.env).book = data
    logger.info("data: %d files %s", len(FILES), "unchanged since they last passed their schemas"
                if validated else "checked against their schemas")
    if not validated:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(current, encoding="utf-8")


def get_data(env_or_app) -> BookData:
    """The data of the book being built (from a directive's env, or the application)."""
    env = env_or_app if isinstance(env_or_app, BuildEnvironment) else env_or_app.env
    data = domain(env).book
    if data is None:
        raise DataError("the book's data was not loaded (briefing.data is not set up)")
    return data


def depend(env: BuildEnvironment, *names: str) -> None:
    """Record that the current document is built from these data files."""
    data = get_data(env)
    for name in names:
        env.note_dependency(str(data.path(name)))


def check_chapters(app: Sphinx, env: BuildEnvironment) -> None:
    """Every actor's chapter is a document of the book."""
    data = get_data(env)
    for actor in data.actors:
        chapter = actor.get("chapter")
        if chapter and chapter not in env.found_docs:
            record_error(env, data.where("actors", actor.line_of("chapter")),
                         f"actor {actor['id']!r}: chapter {chapter!r} is not a document of the "
                         "book (use its docname, e.g. actors/iran, or null)", subtype="data")


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.errors")
    app.connect("builder-inited", load_data, priority=order.DATA_LOADED)
    app.connect("env-updated", check_chapters, priority=order.CROSS_CHECKS)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
