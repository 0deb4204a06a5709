"""The HTML theme's adjustments: the book's CSS, unique ids under Furo's table wrappers, and
each page loading only the stylesheets and scripts its body uses."""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from briefing import order

STATIC = Path(__file__).parent / "static"


def add_static_path(app: Sphinx, config) -> None:
    # At config-inited, so the path is part of the configuration Sphinx saves and compares.
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


class UniqueTableWrapperIds(SphinxPostTransform):
    """Furo wraps each table in a container and copies every attribute, ids included, so a
    captioned table's id appears twice on the page. Keep the id on the table only: that is
    where links to the table point."""

    formats = ("html",)
    default_priority = 501  # just after Furo's wrapping transform (500)

    def run(self, **kwargs) -> None:
        for wrapper in self.document.findall(nodes.container):
            if "table-wrapper" in wrapper["classes"] or "math-wrapper" in wrapper["classes"]:
                wrapper["ids"] = []


# Assets that Sphinx and sphinx-design add to every page, and the mark in a page's body that
# shows the page needs them. Most pages use neither, and readers on phones or metered links
# would download about 80 KB for nothing on every page.
PAGE_ASSETS = {
    "sphinx-design.min.css": re.compile(r'class="(?:[^"]* )?sd-'),
    "design-tabs.js": re.compile(r'class="(?:[^"]* )?sd-tab'),
    "pygments.css": re.compile(r'class="(?:[^"]* )?highlight'),
    "pygments_dark.css": re.compile(r'class="(?:[^"]* )?highlight'),
    "briefing-diagrams.js": re.compile(r'class="briefing-diagram[ "]'),
    "briefing-return.js": re.compile(r'class="briefing-(?:citation|passage)[ "]'),
}


def asset_used(filename: str, body: str) -> bool:
    mark = PAGE_ASSETS.get(Path(filename.split("?")[0]).name)
    return mark is None or bool(mark.search(body))


def load_only_used_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body", "")  # the index and search pages have none, and need neither
    # New lists: the ones in the context are the builder's own, reused for the next page.
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [a for a in context[key] if asset_used(getattr(a, "filename", a), body)]


def add_reader_scripts(app: Sphinx) -> None:
    """The way back from a passage to its sentence (briefing-return.js): web builders only."""
    if app.builder.name in ("html", "dirhtml", "singlehtml"):
        app.add_js_file("briefing-return.js", loading_method="defer")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", add_static_path)
    # Last of the page-context handlers: others add per-page files (the previews' data) to
    # the builder's list, which this handler replaces with a filtered copy.
    app.connect("html-page-context", load_only_used_assets, priority=order.PAGE_FINISHED)
    app.setup_extension("briefing.landing")  # the landing page's cards ({at-a-glance})
    app.add_css_file("briefing.css")
    app.connect("builder-inited", add_reader_scripts)
    app.add_post_transform(UniqueTableWrapperIds)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
