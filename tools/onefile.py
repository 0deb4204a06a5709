"""The whole book as one self-contained HTML file, for readers who forward it by e-mail.

    python tools/onefile.py               -> _build/onefile/briefing.html
    python tools/onefile.py --out DIR     -> DIR/onefile/briefing.html

Builds Sphinx's ``singlehtml`` (strict, atomic: tools/build.py), then inlines everything
the page loads: stylesheets become <style> (their url()s data: URIs), scripts become inline
<script> (deferred ones move to the end of <body>, which keeps their order and timing),
images become data: URIs. Links to pages that a single file does not have (search, index)
and the search box are removed. The result opens offline from anywhere and asks for
nothing: no <link href>, no <script src>, no <img src> other than data:.
"""

from __future__ import annotations

import argparse
import base64
import html
import mimetypes
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from build import ROOT, build_dir  # tools/build.py: the script's own folder is on sys.path

NAME = "briefing.html"
ATTR = r'\b{name}\s*=\s*(?:"([^"]*)"|\'([^\']*)\')'
LINK = re.compile(r"<link\b[^>]*>", re.I)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
IMG = re.compile(r"<img\b[^>]*>", re.I)
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]+))\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)["']?\s*\)?\s*;""")
SEARCH_FORM = re.compile(r'<form class="sidebar-search-container".*?</form>', re.S)


def attr(tag: str, name: str) -> str | None:
    found = re.search(ATTR.format(name=re.escape(name)), tag, re.I)
    if not found:
        return None
    return html.unescape(found.group(1) if found.group(1) is not None else found.group(2))


def local_file(base: Path, ref: str) -> Path | None:
    """The file a relative reference points at (query and fragment dropped)."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return (base / unquote(parts.path)).resolve()


def data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def inline_css(path: Path, seen: set[Path] | None = None) -> str:
    seen = seen or set()
    seen.add(path)
    text = path.read_text(encoding="utf-8")

    def imported(match: re.Match) -> str:
        target = local_file(path.parent, match.group(1))
        if target is None or target in seen or not target.is_file():
            raise SystemExit(f"{path}: cannot inline @import {match.group(1)}")
        return inline_css(target, seen)

    text = CSS_IMPORT.sub(imported, text)

    def url(match: re.Match) -> str:
        ref = next(g for g in match.groups() if g is not None)
        if ref.startswith(("data:", "#")):
            return match.group(0)
        target = local_file(path.parent, ref)
        if target is None or not target.is_file():
            raise SystemExit(f"{path}: cannot inline url({ref})")
        return f'url("{data_uri(target)}")'

    text = CSS_URL.sub(url, text)
    # The CSS ends up inside <style>: it must not close the element.
    return re.sub(r"</(style)", r"<\\/\1", text, flags=re.I)


def script_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\n?//# sourceMappingURL=[^\n]*", "", text)
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.I)


def make_onefile(page: Path) -> str:
    base = page.parent
    text = page.read_text(encoding="utf-8")
    missing: list[str] = []

    def link(match: re.Match) -> str:
        tag = match.group(0)
        rel = (attr(tag, "rel") or "").lower().split()
        href = attr(tag, "href") or ""
        if "stylesheet" in rel:
            target = local_file(base, href)
            if target is None or not target.is_file():
                missing.append(href)
                return tag
            media = attr(tag, "media")
            media_attr = f' media="{html.escape(media)}"' if media else ""
            return f"<style{media_attr}>\n{inline_css(target)}\n</style>"
        if {"icon", "shortcut"} & set(rel):
            target = local_file(base, href)
            if target is not None and target.is_file():
                return tag.replace(f'"{href}"', f'"{data_uri(target)}"')
        # index, search, author, next, prev, ...: pages a single file does not have.
        return ""

    text = LINK.sub(link, text)

    deferred: list[str] = []

    def script(match: re.Match) -> str:
        attrs, body = match.group(1), match.group(2)
        src = attr(attrs, "src")
        if src is None:
            return match.group(0)
        target = local_file(base, src)
        if target is None or not target.is_file():
            missing.append(src)
            return match.group(0)
        kept = re.sub(ATTR.format(name="src"), "", attrs, flags=re.I)
        is_deferred = re.search(r"\bdefer\b", kept, re.I) is not None
        kept = re.sub(r'\s*\bdefer(?:\s*=\s*"[^"]*")?', "", kept, flags=re.I)
        inline = f"<script{kept}>\n{script_text(target)}\n</script>"
        if is_deferred:
            deferred.append(inline)
            return ""
        return inline

    text = SCRIPT.sub(script, text)
    if deferred:
        text = text.replace("</body>", "\n".join(deferred) + "\n</body>", 1)

    def img(match: re.Match) -> str:
        tag = match.group(0)
        src = attr(tag, "src") or ""
        if src.startswith("data:"):
            return tag
        target = local_file(base, src)
        if target is None or not target.is_file():
            missing.append(src)
            return tag
        return tag.replace(f'"{src}"', f'"{data_uri(target)}"', 1)

    text = IMG.sub(img, text)
    # Offline search needs the search page and index: a single file has neither.
    text = SEARCH_FORM.sub("", text)
    if missing:
        raise SystemExit(f"{page}: cannot inline {sorted(set(missing))}")
    return text


def external_references(text: str) -> list[str]:
    """Every reference the file would load from elsewhere (what the tests forbid)."""
    found = []
    for tag in LINK.findall(text):
        if not (attr(tag, "href") or "data:").startswith(("data:", "#")):
            found.append(tag)
    for attrs, _ in SCRIPT.findall(text):
        if attr(attrs, "src") is not None:
            found.append(f"<script{attrs}>")
    for tag in IMG.findall(text):
        if not (attr(tag, "src") or "").startswith("data:"):
            found.append(tag)
    for style in re.findall(r"<style\b[^>]*>(.*?)</style>", text, re.S | re.I):
        for groups in CSS_URL.findall(style):
            ref = next(g for g in groups if g)
            if not ref.startswith(("data:", "#")):
                found.append(f"url({ref})")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "_build", help="output root (default _build)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's project root")
    parser.add_argument("extra", nargs="*", help="extra sphinx-build arguments")
    args = parser.parse_args(argv)
    root, out = args.root.resolve(), args.out.resolve()
    rc = build_dir(root, out, "singlehtml", args.extra)
    if rc != 0:
        return rc
    text = make_onefile(out / "singlehtml" / "index.html")
    left = external_references(text)
    if left:
        print(f"not self-contained: {left[:5]}", file=sys.stderr)
        return 1
    target = out / "onefile" / NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".html.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    print(f"one file: {target} ({target.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
