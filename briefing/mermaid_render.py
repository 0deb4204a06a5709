"""Render every Mermaid diagram at build time, in one browser session, with a cache.

Authors write ordinary ``{mermaid}`` directives (sphinxcontrib-mermaid); the evidence
extensions generate more. This module:

* records, per document, every diagram's code and location (the briefing domain's
  ``diagrams`` store, so that incremental and parallel builds agree);
* after reading, renders the diagrams missing from the cache in one Node process that
  drives one Chromium page (``node/render.mjs``);
* writes them into the page as inline SVG (HTML, EPUB) or as vector PDF (LaTeX).

A diagram's cache key is a hash of its code, the Mermaid version and the render config,
so a rebuild renders nothing that has not changed, and the cache outlives ``make clean``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinxcontrib.mermaid import Mermaid, mermaid

from briefing import order
from briefing.domain import domain, store
from briefing.errors import record_error

logger = logging.getLogger(__name__)

RENDERER_VERSION = "3"
NODE_SCRIPT = Path(__file__).parent / "node" / "render.mjs"
DEFAULT_BROWSER = "/usr/bin/chromium"  # render.mjs falls back to the same path

# One config for every diagram: a font stack that exists on the build machine (so the
# PDF embeds it) and on readers' devices, and a light theme shown on a light card in
# both colour schemes.
TIMELINE_FILLS = ["#dbe4ff", "#d3f0e0", "#ffe3c2", "#f3d9fa", "#fff3bf", "#d0ebff",
                  "#ffd8d8", "#e6f4c8", "#e5dbff", "#c5f6fa", "#ffe8cc", "#e9ecef"]
# A wide diagram scrolls inside its card rather than shrinking its 15px text below ~10px.
MIN_SCALE = 0.65

MERMAID_CONFIG = {
    "theme": "default",
    "securityLevel": "strict",
    # Mermaid draws some shapes with rough.js; a fixed seed makes the SVG a pure function
    # of the diagram (0 would mean a random seed per render).
    "handDrawnSeed": 1,
    "htmlLabels": False,
    "fontFamily": "DejaVu Sans, Verdana, Arial, sans-serif",
    "themeVariables": {
        "fontFamily": "DejaVu Sans, Verdana, Arial, sans-serif",
        "fontSize": "15px",
        # Timeline sections: light fills with dark labels. Mermaid's default puts white
        # labels on light purples (contrast 2.5-3.1, below WCAG's 4.5).
        **{f"cScale{i}": colour for i, colour in enumerate(TIMELINE_FILLS)},
        **{f"cScaleLabel{i}": "#1a1a1a" for i in range(len(TIMELINE_FILLS))},
    },
    # Mermaid's narrower default wraps SVG labels inside words ("Armenia–Türkiy / e").
    "flowchart": {"htmlLabels": False, "useMaxWidth": True, "wrappingWidth": 200},
    "timeline": {"useMaxWidth": True},
}

ACC_TITLE = re.compile(r"^\s*accTitle\s*:", re.MULTILINE)


@dataclass(frozen=True)
class Diagram:
    key: str
    code: str
    docname: str
    source: str
    line: int


class BookMermaid(Mermaid, SphinxDirective):
    """sphinxcontrib-mermaid's directive, recording where each diagram stands."""

    def run(self, **kwargs):
        result = super().run(**kwargs)
        for node in result:
            for diagram in node.findall(mermaid):
                self.set_source_info(diagram)
                # The first line of code, for mapping Mermaid's "line N" to the file.
                diagram["content_line"] = self.content_offset + 1
        return result


def project_root(app: Sphinx) -> Path:
    return Path(app.confdir)


def mermaid_js(app: Sphinx) -> Path:
    path = project_root(app) / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    if not path.is_file():
        raise ExtensionError(
            f"Mermaid is not installed ({path} is missing): run `make` to install the npm packages."
        )
    return path


def mermaid_version(app: Sphinx) -> str:
    package = mermaid_js(app).parent.parent / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"]


def cache_dir(app: Sphinx) -> Path:
    configured = os.environ.get("BRIEFING_MERMAID_CACHE") or app.config.briefing_mermaid_cache
    path = Path(configured)
    if not path.is_absolute():
        path = project_root(app) / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def diagram_key(app: Sphinx, code: str) -> str:
    material = json.dumps(
        [code, mermaid_version(app), MERMAID_CONFIG, RENDERER_VERSION], sort_keys=True
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:20]


def svg_id(key: str) -> str:
    return f"mermaid-{key}"


def cached_paths(app: Sphinx, key: str) -> tuple[Path, Path]:
    return paths_in(cache_dir(app), key)


def paths_in(base: Path, key: str) -> tuple[Path, Path]:
    return base / f"{key}.svg", base / f"{key}.pdf"


def remember_cache_dir(app: Sphinx) -> None:
    """Writers see the builder, not the app: give it the resolved cache directory."""
    app.builder.briefing_mermaid_cache = cache_dir(app)


# --- collecting: the diagrams of each page ----------------------------------------------------------


def collect_diagrams(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    found = []
    for node in doctree.findall(mermaid):
        code = node["code"]
        key = diagram_key(app, code)
        node["briefing_key"] = key
        if not ACC_TITLE.search(code) and not node.get("alt"):
            record_error(env, (env.docname, node.line or 0),
                         "Mermaid diagram has no accessible name: add an 'accTitle: …' line to "
                         "it or an :alt: option", subtype="mermaid")
        found.append(
            Diagram(key, code, env.docname, node.source or env.doc2path(env.docname), node.line or 0)
        )
    store(env, "diagrams")[env.docname] = found


# --- rendering: one batch -----------------------------------------------------------


def needs_pdf(app: Sphinx) -> bool:
    return app.builder.format == "latex"


@contextmanager
def cache_lock(cache: Path):
    """One build at a time renders into a cache. Builds that share a cache (`make -j2 html
    pdf`, the test suite's parallel builds) would otherwise each start a browser and render
    the same missing diagrams; the one that waits finds them in the cache instead."""
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def render_missing(app: Sphinx, env: BuildEnvironment) -> list[str]:
    want_pdf = needs_pdf(app)
    todo: dict[str, Diagram] = {}
    total: set[str] = set()
    with cache_lock(cache_dir(app)):
        for diagram in domain(env).records("diagrams"):
            total.add(diagram.key)
            svg, pdf = cached_paths(app, diagram.key)
            if not svg.exists() or (want_pdf and not pdf.exists()):
                todo.setdefault(diagram.key, diagram)
        rendered = _render_batch(app, list(todo.values()), want_pdf) if todo else 0
    logger.info(
        "mermaid: rendered %d of %d diagrams (%d from cache)",
        rendered, len(total), len(total) - len(todo),
    )
    stats = cache_dir(app) / "last-run.json"
    stats.write_text(json.dumps({"rendered": rendered, "total": len(total)}) + "\n", encoding="utf-8")
    return []


def _render_batch(app: Sphinx, diagrams: list[Diagram], want_pdf: bool) -> int:
    jobs = []
    for d in diagrams:
        svg, pdf = cached_paths(app, d.key)
        jobs.append({
            "key": d.key,
            "code": d.code,
            "svgId": svg_id(d.key),
            "svg": str(svg),
            "pdf": str(pdf) if want_pdf else None,
            "label": f"{d.docname}:{d.line}",
        })
    # A missing program is an author-facing error of one line, not a Node or Python stack
    # trace; the pages are still written (without those diagrams) and the build fails.
    node = shutil.which("node")
    browser = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or DEFAULT_BROWSER
    missing = None
    if node is None:
        missing = "Node.js is needed to render {n} Mermaid diagram(s) and is not installed: run `make`"
    elif not os.access(browser, os.X_OK):
        missing = (f"Chromium is needed to render {{n}} Mermaid diagram(s) and is not at {browser}: "
                   "run `make` (it installs Debian's chromium), or set PUPPETEER_EXECUTABLE_PATH to "
                   "a Chromium or Chrome binary")
    if missing:
        logger.error(missing.format(n=len(jobs)), type="briefing", subtype="mermaid")
        return 0
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump({"mermaid": str(mermaid_js(app)), "config": MERMAID_CONFIG, "jobs": jobs}, fh)
        request = fh.name
    try:
        proc = subprocess.run(
            [node, str(NODE_SCRIPT), request],
            cwd=project_root(app),
            stdout=subprocess.PIPE,
            stderr=None,  # progress lines go straight to the terminal
            text=True,
            check=False,
        )
    finally:
        os.unlink(request)
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 and len(results) < len(jobs):
        raise ExtensionError(f"the Mermaid renderer stopped (exit {proc.returncode}); see its message above")
    by_key = {d.key: d for d in diagrams}
    ok = 0
    for result in results:
        if result["ok"]:
            ok += 1
            continue
        d = by_key[result["key"]]
        logger.warning(
            "Mermaid syntax error in the diagram at %s:%d: %s",
            d.source, d.line, result["error"],
            location=(d.docname, d.line),
            type="briefing",
            subtype="mermaid",
        )
    return ok


# --- writing ------------------------------------------------------------------------


def _page_counter(translator) -> dict[str, int]:
    if not hasattr(translator, "_briefing_mermaid_seen"):
        translator._briefing_mermaid_seen = {}
    return translator._briefing_mermaid_seen


def html_visit_mermaid(self, node: mermaid) -> None:
    key = node["briefing_key"]
    svg_path, _ = paths_in(self.builder.briefing_mermaid_cache, key)
    if not svg_path.exists():
        # The renderer already reported why; keep the page valid.
        self.body.append('<p class="briefing-diagram-missing">[diagram not rendered]</p>')
        raise nodes.SkipNode
    svg = svg_path.read_text(encoding="utf-8")
    seen = _page_counter(self)
    seen[key] = seen.get(key, 0) + 1
    if seen[key] > 1:
        # Ids must be unique within a page: give a repeated diagram its own prefix.
        svg = svg.replace(svg_id(key), f"{svg_id(key)}-{seen[key]}")
    if node.get("alt"):
        svg = svg.replace("<svg ", f'<svg aria-label="{self.attval(node["alt"])}" ', 1)
    # One image with one name (its accTitle): screen readers do not read the diagram's
    # text fragments one by one; the table twin carries the data.
    svg = svg.replace('role="graphics-document document"', 'role="img"', 1)
    svg = share_style(self, svg)
    # Mermaid's bookkeeping for its own scripts (edge points, ids, layout flags): nothing in
    # the page reads it, and it was about 10 KB on a page of six diagrams.
    svg = UNUSED_ATTRS.sub("", svg)
    svg = drop_unused_definitions(svg)
    # Sphinx's search-term highlighter would try to draw a box behind a match in an SVG
    # <title> or <desc>, which has no box, and stop with an error.
    svg = re.sub(r"<(title|desc)\b(?![^>]*\bclass=)", r'<\1 class="nohighlight"', svg)
    root = re.match(r"<svg\b[^>]*>", svg)
    width = re.search(r"max-width:\s*([\d.]+)px", root.group(0)) if root else None
    scroll = ""
    if width:
        tag = root.group(0).replace("max-width:", f"min-width: {float(width.group(1)) * MIN_SCALE:.0f}px; max-width:", 1)
        svg = tag + svg[root.end():]
        # It may scroll sideways: keyboard users must be able to reach and scroll it.
        scroll = ' tabindex="0" role="group" aria-label="Diagram (scrolls sideways on small screens)"'
    details = node.get("briefing_details") or []
    panel = ""
    if details:
        svg = add_event_titles(svg, details, self.attval)
        # Filled by briefing-diagrams.js when the reader points at or taps an event.
        panel = ('<p class="briefing-diagram-detail" aria-live="polite">Point at or tap an event '
                 'to read it in full here; the table below gives every event in full.</p>')
    number = figure_number(self)
    caption = diagram_caption(node)
    label = f"Figure {number}" if number else "Figure"
    classes = " ".join(["briefing-diagram", *node.get("classes", [])])
    # The button and the hint work with briefing-diagrams.js (the zoom view); without
    # JavaScript they stay hidden and the diagram scrolls in its card.
    tools = (f'<div class="briefing-diagram-tools" hidden><span class="briefing-diagram-hint">'
             f'Wider than the page: scroll or swipe sideways, or enlarge it.</span>'
             f'<button type="button" class="briefing-zoom-open" aria-haspopup="dialog">'
             f'Enlarge {label}</button></div>')
    self.body.append(f'<figure class="{classes}">{tools}<div class="briefing-diagram-scroll"{scroll}>{svg}</div>'
                     f'{panel}<figcaption class="briefing-diagram-caption"><span class="caption-number">'
                     f'{label}:</span> {self.encode(caption)}</figcaption></figure>\n')
    raise nodes.SkipNode


ACC_TITLE_LINE = re.compile(r"^\s*accTitle\s*:\s*(.+)$", re.M)
ALT_TAIL = re.compile(r":\s*(?:diagram|timeline)\s*;.*$")
ENTITY = re.compile(r"#(\d+);")


def diagram_caption(node: mermaid) -> str:
    """The diagram's title: its alt text less the pointer to its table, or its accTitle."""
    alt = (node.get("alt") or "").strip()
    if alt:
        return ALT_TAIL.sub("", alt).strip()
    found = ACC_TITLE_LINE.search(node.get("code", ""))
    return ENTITY.sub(lambda m: chr(int(m.group(1))), found.group(1).strip()) if found else "Diagram"


def figure_number(translator) -> str:
    """'5.2' for the second diagram of chapter 5: the number the PDF's figure gets (LaTeX
    numbers figures within chapters, and every diagram is a figure there)."""
    counter = _page_counter(translator)
    counter["#figures"] = counter.get("#figures", 0) + 1
    docname = translator.builder.current_docname
    chapter = translator.builder.env.toc_secnumbers.get(docname, {}).get("")
    if not chapter:
        return ""
    return f"{chapter[0]}.{counter['#figures']}"


STYLE = re.compile(r"<style>(.*?)</style>", re.S)
UNUSED_ATTRS = re.compile(r'\s(?:data-(?:points|id|et|node|look|edge|labelpos)="[^"]*"|style="")')
ROOT_ID = re.compile(r'<svg\b[^>]*?\sid="([^"]+)"')
DEFINITION = re.compile(r'<(marker|filter)\b[^>]*?\sid="([^"]+)"[^>]*>.*?</\1>', re.S)


def drop_unused_definitions(svg: str) -> str:
    """Mermaid defines every arrowhead and shadow each diagram could use (about 2 KB a diagram);
    keep only those the diagram refers to."""
    return DEFINITION.sub(lambda m: m.group(0) if f"url(#{m.group(2)})" in svg else "", svg)


def share_style(translator, svg: str) -> str:
    """Diagrams of one kind carry the same stylesheet (6-10 KB), scoped to their own id. The
    first diagram of a page keeps it, scoped to a class instead; the others of its kind take
    the class and drop their copy (a <style> inside an inline SVG applies to the whole page)."""
    found, root_id = STYLE.search(svg), ROOT_ID.match(svg)
    if not found or not root_id:
        return svg
    scope = re.compile("#" + re.escape(root_id.group(1)) + r"(?![\w-])")
    generic = scope.sub("#\x00", found.group(1))
    styles = _page_counter(translator).setdefault("#styles", {})
    cls = styles.get(generic)
    if cls is None:
        cls = styles[generic] = f"briefing-mermaid-style-{len(styles) + 1}"
        svg = svg[:found.start(1)] + generic.replace("#\x00", "." + cls) + svg[found.end(1):]
    else:
        svg = svg[:found.start()] + svg[found.end():]
    root = re.match(r"<svg\b[^>]*>", svg).group(0)
    if ' class="' in root:
        tag = root.replace(' class="', f' class="{cls} ', 1)
    else:
        tag = root.replace("<svg ", f'<svg class="{cls}" ', 1)
    return tag + svg[len(root):]


EVENT_GROUP = re.compile(r'<g class="eventWrapper"[^>]*>')


def add_event_titles(svg: str, details: list[str], attval) -> str:
    """Give the i-th event of a timeline its whole text as a tooltip (an SVG <title>)."""
    out, last = [], 0
    for match, text in zip(EVENT_GROUP.finditer(svg), details):
        out.append(svg[last:match.end()])
        out.append(f'<title class="nohighlight">{attval(text)}</title>')
        last = match.end()
    out.append(svg[last:])
    return "".join(out)


ZOOM_JS = "svg-pan-zoom/dist/svg-pan-zoom.min.js"  # npm package file, pinned in package.json
SOURCE_MAP = re.compile(r"\n?/[/*]# sourceMappingURL=[^\n]*")


def add_zoom_assets(app: Sphinx) -> None:
    """The zoom view's pan-and-zoom library, copied from the pinned npm package into
    _static/vendor/ (never a CDN); briefing/theme.py loads the script that uses it only on
    pages with a diagram."""
    if app.builder.name not in ("html", "dirhtml", "singlehtml"):
        return
    source = project_root(app) / "node_modules" / ZOOM_JS
    if not source.is_file():
        raise ExtensionError(f"the diagrams' zoom view needs {source}: run `make` to install the npm packages.")
    vendor = Path(app.outdir) / "_static" / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    text = SOURCE_MAP.sub("", source.read_text(encoding="utf-8"))
    (vendor / "svg-pan-zoom.min.js").write_text(text + "\n", encoding="utf-8")
    # Only briefing-diagrams.js is loaded with the page; it fetches the library (29 KB) from
    # _static/vendor/ the first time a reader opens the zoom view. The one-file book
    # (singlehtml, every script inlined, nothing fetched) loads it up front.
    if app.builder.name == "singlehtml":
        app.add_js_file("vendor/svg-pan-zoom.min.js", loading_method="defer")
    app.add_js_file("briefing-diagrams.js", loading_method="defer")


def latex_visit_mermaid(self, node: mermaid) -> None:
    key = node["briefing_key"]
    _, pdf_path = paths_in(self.builder.briefing_mermaid_cache, key)
    if not pdf_path.exists():
        raise nodes.SkipNode
    name = f"mermaid-{key}.pdf"
    shutil.copyfile(pdf_path, Path(self.builder.outdir) / name)
    in_figure = isinstance(node.parent, nodes.figure)
    graphic = (
        r"\sphinxincludegraphics[width=\linewidth,height=0.72\textheight,keepaspectratio]"
        f"{{{name}}}"
    )
    if in_figure:
        self.body.append(graphic + "\n")
    else:
        self.body.append("\n\\begin{center}\n" + graphic + "\n\\end{center}\n")
    raise nodes.SkipNode


def text_visit_mermaid(self, node: mermaid) -> None:
    self.add_text(f"[diagram: {node.get('alt') or 'see the HTML or PDF edition'}]")
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.add_config_value("briefing_mermaid_cache", ".cache/mermaid", "env", types=[str])
    app.add_directive("mermaid", BookMermaid, override=True)
    app.add_node(
        mermaid,
        override=True,
        html=(html_visit_mermaid, None),
        latex=(latex_visit_mermaid, None),
        text=(text_visit_mermaid, None),
    )
    app.connect("builder-inited", remember_cache_dir)
    app.connect("builder-inited", add_zoom_assets)
    app.connect("doctree-read", collect_diagrams)
    app.connect("env-updated", render_missing, priority=order.DIAGRAMS_RENDERED)
    # The cache keys are computed at read time, so a change to MERMAID_CONFIG must re-read
    # every document: the package's env_version (briefing.code_version) sees to that.
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
