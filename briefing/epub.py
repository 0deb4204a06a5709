"""The EPUB edition: diagrams as SVG image files, so that the XHTML stays valid.

The HTML pages carry each diagram as inline SVG (briefing/mermaid_render.py). In an EPUB,
inline SVG needs a ``svg`` property on every page's manifest item (which Sphinx does not
write), and Mermaid's ids are not all unique within a page. So for the ``epub`` builder
each diagram is written once as ``_images/mermaid-<key>.svg`` (a standalone SVG with its
intrinsic size, and the empty ``<rect>`` placeholders Mermaid leaves given the width and
height SVG requires) and the page shows it with ``<img>`` and its accessible name as alt.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinxcontrib.mermaid import mermaid

from briefing.mermaid_render import cached_paths

ACC_TITLE = re.compile(r"^\s*accTitle\s*:\s*(.+?)\s*$", re.MULTILINE)
VIEWBOX = re.compile(r'viewBox="([-\d.]+)[ ,]+([-\d.]+)[ ,]+([-\d.]+)[ ,]+([-\d.]+)"')


def alt_text(node: mermaid) -> str:
    if node.get("alt"):
        return node["alt"]
    found = ACC_TITLE.search(node["code"])
    return found.group(1) if found else "Diagram"


def standalone_svg(svg: str) -> str:
    """A Mermaid SVG made fit to stand alone as an image file."""
    root = re.search(r"<svg\b[^>]*>", svg)
    assert root is not None, "not an SVG"
    tag = root.group(0)
    box = VIEWBOX.search(tag)
    if box:
        width, height = float(box.group(3)), float(box.group(4))
        new = re.sub(r'\swidth="[^"]*"', "", tag)
        new = re.sub(r'\sheight="[^"]*"', "", new)
        new = re.sub(r'\sstyle="max-width:[^"]*"', "", new)
        new = new.replace("<svg", f'<svg width="{width:g}" height="{height:g}"', 1)
        svg = svg.replace(tag, new, 1)

    # An SVG file's root may only have role application, document or img.
    svg = svg.replace('role="graphics-document document"', 'role="img"', 1)

    def fix_rect(match: re.Match) -> str:
        attrs = match.group(1)
        if re.search(r"\swidth=", attrs) and re.search(r"\sheight=", attrs):
            return match.group(0)
        if not re.search(r"\swidth=", attrs):
            attrs += ' width="0"'
        if not re.search(r"\sheight=", attrs):
            attrs += ' height="0"'
        return f"<rect{attrs}{match.group(2)}>"

    svg = re.sub(r"<rect\b([^>]*?)(/?)>", fix_rect, svg)
    if not svg.lstrip().startswith("<?xml"):
        svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg
    return svg


def epub_visit_mermaid(self, node: mermaid) -> None:
    key = node["briefing_key"]
    svg_path, _ = cached_paths(self.builder.app, key)
    if not svg_path.exists():
        self.body.append('<p class="briefing-diagram-missing">[diagram not rendered]</p>')
        raise nodes.SkipNode
    name = f"mermaid-{key}.svg"
    images = Path(self.builder.outdir, self.builder.imagedir)
    images.mkdir(parents=True, exist_ok=True)
    target = images / name
    if not target.exists():
        target.write_text(standalone_svg(svg_path.read_text(encoding="utf-8")), encoding="utf-8")
    src = posixpath.join(self.builder.imgpath, name)
    alt = html.escape(alt_text(node), quote=True)
    classes = " ".join(["briefing-diagram", *node.get("classes", [])])
    self.body.append(f'<div class="{classes}"><img src="{src}" alt="{alt}" /></div>\n')
    raise nodes.SkipNode


def use_image_files(app: Sphinx) -> None:
    """For the EPUB builder only, swap the diagram visitor.

    Sphinx looks translation handlers up by builder name and only falls back to the
    format ("html") when the name has none, so the EPUB set starts as a copy of every
    HTML handler the extensions registered, with the diagram visitor replaced."""
    if app.builder.name != "epub":
        return
    registry = app.registry.translation_handlers
    handlers = dict(registry.get("html", {}))
    handlers.update(registry.get("epub", {}))
    handlers[mermaid.__name__] = (epub_visit_mermaid, None)
    registry["epub"] = handlers


OCTICON = re.compile(r'<svg[^>]*class="sd-octicon[^"]*"[^>]*>.*?</svg>', re.S)


def drop_decorative_icons(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """sphinx-design draws its dropdown chevrons as inline SVG inside <summary>, which EPUB's
    XHTML does not allow there; they are decoration (aria-hidden), so the EPUB leaves them out."""
    if app.builder.name == "epub" and "body" in context:
        context["body"] = OCTICON.sub("", context["body"])


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", use_image_files)
    app.connect("html-page-context", drop_decorative_icons)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
