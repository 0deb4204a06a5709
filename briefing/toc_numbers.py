"""Section and figure numbers, computed again only when a document was read or removed.

Sphinx's ``TocTreeCollector`` numbers every section, table and figure at the end of each read
phase (``env-get-updated``). To number figures it unpickles every doctree of the book, even
when no document changed: in a build with nothing to do, that walk was about half a second of
three. The numbers depend only on the toctree and on the doctrees, and those change only when a
document is read or removed; Sphinx purges (``env-purge-doc``) every document before reading it
and every document removed, serial and parallel reads alike. So when nothing was purged, the
numbers saved with the environment are still the numbers and the walk is skipped; otherwise
Sphinx's own collector does all of it, as before.

A new environment (first build, changed configuration, a new version of this package) reads
every document, so it always numbers.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors.toctree import TocTreeCollector


class TocTreeCollectorNumberingOnChange(TocTreeCollector):
    def __init__(self) -> None:
        self.purged = False

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        self.purged = True
        super().clear_doc(app, env, docname)

    def get_updated_docs(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        if not self.purged:
            return []
        self.purged = False
        return super().get_updated_docs(app, env)


def setup(app: Sphinx) -> dict:
    # Sphinx registers its collector as an instance connected to events; find that instance
    # by its env-get-updated handler and put this one in its place.
    for listener in list(app.events.listeners.get("env-get-updated", [])):
        collector = getattr(listener.handler, "__self__", None)
        if type(collector) is TocTreeCollector:
            collector.disable(app)
            app.add_env_collector(TocTreeCollectorNumberingOnChange)
            break
    else:
        raise RuntimeError("briefing.toc_numbers: Sphinx's TocTreeCollector is not registered; "
                           "this Sphinx version numbers sections some other way")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
