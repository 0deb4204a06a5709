"""Screenshots of every page of the built book, for a person to look at before a release.

    python tools/screenshots.py [--html _build/html] [--out _build/screenshots]

Every page is photographed whole at 1280 px (light and dark theme) and at 375 px (a phone),
served from 127.0.0.1 to Debian's Chromium; a request to any other host is refused and
reported, as a reader offline would meet it. The files are named PAGE-desktop-light.png,
PAGE-desktop-dark.png and PAGE-phone.png. `make screenshots` runs it after building the HTML.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from build import ROOT  # tools/build.py: the script's own folder is on sys.path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWS = {
    "desktop-light": ({"width": 1280, "height": 900}, "light"),
    "desktop-dark": ({"width": 1280, "height": 900}, "dark"),
    "phone": ({"width": 375, "height": 740}, "light"),
}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


def pages_of(html: Path) -> list[str]:
    return sorted(str(p.relative_to(html)) for p in html.rglob("*.html")
                  if not any(part.startswith(("_", ".")) for part in p.relative_to(html).parts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "screenshots")
    args = parser.parse_args(argv)
    if not (args.html / "index.html").is_file():
        print(f"screenshots: no built book at {args.html} (run `make html` first)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(args.html)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    refused: list[str] = []

    def only_local(route):
        if urlsplit(route.request.url).netloc == urlsplit(base).netloc:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    written = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for label, (viewport, theme) in VIEWS.items():
                context = browser.new_context(viewport=viewport, color_scheme=theme)
                context.add_init_script(f"try {{ localStorage.setItem('theme', '{theme}'); }} catch (e) {{}}")
                context.route("**/*", only_local)
                page = context.new_page()
                for name in pages_of(args.html):
                    page.goto(base + name, wait_until="load")
                    target = args.out / f"{name[:-5].replace('/', '-')}-{label}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written += 1
                context.close()
            browser.close()
    finally:
        httpd.shutdown()
    print(f"screenshots: {written} pages photographed into {args.out}")
    if refused:
        print("screenshots: requests to other hosts were refused:\n  " + "\n  ".join(sorted(set(refused))),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
