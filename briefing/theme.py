"""Static assets of the book (CSS), served from the build's own _static folder."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

STATIC = Path(__file__).parent / "static"


def add_static_path(app: Sphinx) -> None:
    if str(STATIC) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", add_static_path)
    app.add_css_file("briefing.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
