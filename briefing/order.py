"""When each handler runs relative to the others: every ordering the package relies on.

Sphinx calls the handlers of one event in priority order (lower first; 500 is the default, and
handlers of equal priority run in the order they were connected). Handlers that depend on
another's output take their priority from here, so the order of a stage reads in one place.

builder-inited
    DATA_LOADED         the data files are loaded and validated before anyone asks for them
env-updated (once every page is read)
    CROSS_CHECKS        checks across pages and data (actor chapters, passage descriptions,
                        redirected and published labels); they record author errors
    DIAGRAMS_RENDERED   Mermaid diagrams missing from the cache are rendered
    RECORDS_REFRESHED   the quotation record is refreshed, only if no error was recorded above
doctree-resolved (per page, section numbers known)
    LISTS_GENERATED     generated lists that cite or link: people quoted, book contents,
                        cite-this blocks
    GLANCE_GENERATED    the landing page's cards (they carry citations of their own)
    CITATIONS_RESOLVED  the passages list and every passage link, after everything that
                        inserts citations
    RELATIONS_SHAPED    the relations matrix as cards (screen) or blocks (print), from the
                        resolved matrix
    PRINT_LAID_OUT      LaTeX only: figures, chapter marks, long tables
    PAGE_REFERENCES     LaTeX only: "(§ 2.3, p. 14)" on every cross-reference, last
html-page-context
    METADATA_ADDED      citation metadata from the page's cite blocks
    PAGE_FINISHED       accessibility fixes and the pruning of unused assets, after every
                        handler that adds to the page
"""

DATA_LOADED = 400

CROSS_CHECKS = 500
DIAGRAMS_RENDERED = 600
RECORDS_REFRESHED = 900

LISTS_GENERATED = 500
GLANCE_GENERATED = 550
CITATIONS_RESOLVED = 600
RELATIONS_SHAPED = 700
PRINT_LAID_OUT = 900
PAGE_REFERENCES = 950

METADATA_ADDED = 600
PAGE_FINISHED = 900
