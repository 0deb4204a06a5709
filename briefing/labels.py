"""Stable addresses: every section has an explicit label, and published labels never vanish.

* Every section (chapter, section, subsection) must start with an explicit MyST label
  ``(label)=``. A section whose only id is derived from its title fails the build at the
  heading's file:line. The label becomes the section's first id, so the permalink, the
  table of contents and every cross-reference use it, never the title-derived id.
* ``docs/_data/published-labels.txt`` lists the labels of the published editions. A listed
  label that the book no longer defines fails the build, unless ``docs/_data/redirects.yaml``
  redirects it to a label that exists. A redirected label keeps working: it is registered in
  the std domain (so ``{ref}`` and intersphinx via objects.inv resolve it to the new place), its
  old anchor is kept as an extra id on the new section, and a small script sends a reader who
  arrives with the old anchor on another page to the new place. Page moves declared in
  ``redirects.yaml`` become HTML redirect stubs through sphinx-reredirects.
* ``tools/publish_labels.py`` refreshes the published list for a new edition.
* The PDF numbers headings to the depth the HTML does: LaTeX's ``secnumdepth`` follows the
  numbered toctree (``:numbered: 2`` -> chapters and sections, not subsections).
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform

from briefing import order
from briefing.errors import record_error

LABEL_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PUBLISHED = "_data/published-labels.txt"
REDIRECTS = "_data/redirects.yaml"
# Labels the std domain defines for Sphinx's own generated pages, not the book's.
BUILTIN_LABELS = {"genindex", "modindex", "search", "py-modindex"}


def _slug(text: str, words: int = 3) -> str:
    parts = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(parts[:words]) or "section"


def explicit_labels(document: nodes.document, section: nodes.Element) -> list[str]:
    """The explicit (label) names a section carries, in id order."""
    names = [n for n in section["names"] if document.nametypes.get(n)]
    return [i for i in section["ids"] if i in names] + [n for n in names if n not in section["ids"]]


class RequireSectionLabels(SphinxTransform):
    """Note each section without an explicit label; put the label first among its ids.

    Problems go to the error ledger (briefing/errors.py), which reports them again at every
    build until they are fixed, also when the unchanged page is not re-read.
    """

    default_priority = 700  # after docutils' PropagateTargets (260) moved labels onto sections

    def apply(self, **kwargs) -> None:
        docname = self.env.docname
        for section in self.document.findall(nodes.section):
            labels = explicit_labels(self.document, section)
            title = section[0].astext() if section.children and isinstance(section[0], nodes.title) else ""
            where = section[0] if section.children else section
            location = (docname, where.line or 0)
            if not labels:
                depth = len([a for a in _ancestors(section) if isinstance(a, nodes.section)])
                chapter = docname.rsplit("/", 1)[-1]
                hint = chapter if depth == 0 else f"{chapter}-{_slug(title)}"
                record_error(self.env, location, (
                    f"section {title!r} has no label: add a label line `({hint})=` above this "
                    "heading (labels are stable addresses; see AUTHORING.md)"), subtype="label")
                continue
            for label in labels:
                if not LABEL_RE.match(label):
                    record_error(self.env, location, (
                        f"label {label!r} is not lowercase-hyphenated (e.g. `(russia-levers)=`)"),
                        subtype="label")
            first = labels[0]
            if first in section["ids"] and section["ids"][0] != first:
                section["ids"].remove(first)
                section["ids"].insert(0, first)


def _ancestors(node: nodes.Node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


# -- published labels and redirects ----------------------------------------------------------


def read_published(srcdir: Path) -> list[tuple[str, int]]:
    path = srcdir / PUBLISHED
    if not path.is_file():
        return []
    out = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            out.append((line, lineno))
    return out


def read_redirects(srcdir: Path) -> dict[str, dict[str, str]]:
    path = srcdir / REDIRECTS
    data = {}
    if path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {"labels": dict(data.get("labels") or {}), "pages": dict(data.get("pages") or {})}


def config_inited(app: Sphinx, config) -> None:
    srcdir = Path(app.srcdir)
    redirects = read_redirects(srcdir)
    # Registered as 'env' config values: changing a redirect re-reads the book.
    config.briefing_label_redirects = redirects["labels"]
    pages = {}
    for old, new in redirects["pages"].items():
        # sphinx-reredirects wants a target relative to the old page's directory.
        rel = posixpath.relpath(new, posixpath.dirname(old) or ".")
        pages[old] = f"{rel}.html"
    config.redirects = {**(config.redirects or {}), **pages}


def register_redirected_labels(app: Sphinx, env: BuildEnvironment) -> None:
    """Old label -> the new label's place, in the std domain (refs, objects.inv)."""
    std = env.domains.standard_domain
    for old, new in app.config.briefing_label_redirects.items():
        if not _still_defined(std, old, new) and new in std.labels:
            std.labels[old] = std.labels[new]
            std.anonlabels[old] = std.anonlabels[new]


def _still_defined(std, old: str, new: str) -> bool:
    """A page still defines the redirected label (once registered, it points where new does)."""
    return old in std.labels and std.labels[old] != std.labels.get(new)


def check_published(app: Sphinx, env: BuildEnvironment) -> None:
    srcdir = Path(app.srcdir)
    std = env.domains.standard_domain
    redirects = app.config.briefing_label_redirects
    defined = {name for name, (docname, _id, _title) in std.labels.items()
               if name not in redirects and docname in env.all_docs}
    path = str(srcdir / PUBLISHED)
    redirects_path = srcdir / REDIRECTS

    def where(old: str) -> str:  # "file:line" (a tuple would be read as a docname)
        lines = redirects_path.read_text(encoding="utf-8").splitlines() if redirects_path.is_file() else []
        line = next((i for i, text in enumerate(lines, 1) if text.strip().startswith(f"{old}:")), 1)
        return f"{redirects_path}:{line}"

    for old, new in redirects.items():
        if _still_defined(std, old, new):
            record_error(env, where(old), f"redirect {old} -> {new}: label {old!r} still exists "
                         "in the book; drop the redirect", subtype="label")
        elif new not in defined:
            record_error(env, where(old), f"redirect {old} -> {new}: the new label {new!r} does "
                         "not exist", subtype="label")
    for label, lineno in read_published(srcdir):
        if label in defined or label in redirects:
            continue
        record_error(env, f"{path}:{lineno}", (
            f"published label {label!r} no longer exists: readers' citations point at it. Restore "
            f"the label `({label})=`, or declare where it went in docs/{REDIRECTS} "
            f"(labels: {{{label}: new-label}})"), subtype="label")


def keep_old_anchors(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A redirected label's old anchor stays on the page that now holds its section."""
    redirects = app.config.briefing_label_redirects
    if not redirects:
        return
    by_new: dict[str, list[str]] = {}
    for old, new in redirects.items():
        by_new.setdefault(new, []).append(old)
    for section in doctree.findall(nodes.section):
        for new in list(section["ids"]):
            for old in by_new.get(new, []):
                if old not in section["ids"]:
                    section["ids"].append(old)


def anchor_redirect_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Old anchors that moved to another page: a tiny local script sends the reader on."""
    redirects = app.config.briefing_label_redirects
    # EPUB pages are XHTML, where the script's inline '&&' is not well-formed (epubcheck
    # fails), and an e-reader has no other page to forward to.
    if not redirects or app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    std = app.env.domains.standard_domain
    table = {}
    for old in redirects:
        if old in std.labels:
            docname, anchor, _title = std.labels[old]
            table[old] = app.builder.get_relative_uri(pagename, docname) + "#" + anchor
    script = (
        "(function(){var m=%s;var h=decodeURIComponent(location.hash.slice(1));"
        "if(h&&!document.getElementById(h)&&m[h]){location.replace(m[h]);}})();" % json.dumps(table)
    )
    context["body"] = context.get("body", "") + f"<script>{script}</script>"


# -- numbering depth in the PDF ----------------------------------------------------------------


def numbered_depth(env: BuildEnvironment) -> int:
    depth = 0
    for docname in env.numbered_toctrees:
        for toctree in env.get_doctree(docname).findall(addnodes.toctree):
            depth = max(depth, int(toctree.get("numbered", 0) or 0))
    return depth


def latex_secnumdepth(app: Sphinx, env: BuildEnvironment) -> None:
    """LaTeX numbers as many levels as the numbered toctree does in HTML."""
    if app.builder.name != "latex":
        return
    depth = numbered_depth(env)
    if depth:
        # \chapter is LaTeX level 0: depth 2 (chapter, section) -> secnumdepth 1.
        app.builder.context["secnumdepth"] = r"\setcounter{secnumdepth}{%d}" % (depth - 1)


def setup(app: Sphinx) -> dict:
    app.setup_extension("briefing.errors")
    app.setup_extension("sphinx_reredirects")
    app.add_config_value("briefing_label_redirects", {}, "env", types=[dict])
    app.add_transform(RequireSectionLabels)
    app.connect("config-inited", config_inited)
    app.connect("env-updated", register_redirected_labels, priority=order.CROSS_CHECKS)
    app.connect("env-updated", check_published, priority=order.CROSS_CHECKS)  # after the above
    app.connect("doctree-resolved", keep_old_anchors)
    app.connect("html-page-context", anchor_redirect_script)
    app.connect("env-updated", latex_secnumdepth)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
