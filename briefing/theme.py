"""The HTML theme's adjustments: the book's CSS, and unique ids under Furo's table wrappers."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

STATIC = Path(__file__).parent / "static"


def add_static_path(app: Sphinx) -> None:
    if str(STATIC) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC))


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


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", add_static_path)
    app.add_css_file("briefing.css")
    app.add_post_transform(UniqueTableWrapperIds)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
