"""Fixtures for the browser tests: the built book served from 127.0.0.1 by a thread of the
test process, and Debian's Chromium driven by Playwright (no browser download).

Every page a test opens goes through ``open_page``, which records every request, every
failed request, every console error and every uncaught exception, and refuses (aborts and
records) any request to a host other than the local server.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT  # tests/conftest.py

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "_build" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="session")
def book_html(request) -> Path:
    """The built HTML book. BRIEFING_TEST_HTML=<dir> reuses a build (for quick local runs);
    otherwise the session's strict build from tests/conftest.py."""
    given = os.environ.get("BRIEFING_TEST_HTML")
    if given:
        path = Path(given).resolve()
        assert (path / "index.html").is_file(), f"BRIEFING_TEST_HTML={given} has no index.html"
        return path
    return request.getfixturevalue("html_dir")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


def serve(directory: Path):
    handler = functools.partial(QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


@pytest.fixture(scope="session")
def server(book_html):
    httpd, url = serve(book_html)
    yield url
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def book_pages(book_html) -> list[str]:
    """Every built HTML page, as a path relative to the book root."""
    pages = sorted(str(p.relative_to(book_html)) for p in book_html.rglob("*.html")
                   if not any(part.startswith(("_", ".")) for part in p.relative_to(book_html).parts))
    assert "index.html" in pages and len(pages) > 3, pages
    return pages


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), f"Debian's Chromium is needed at {CHROMIUM}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class Traffic:
    """What a browser context did: every request, and everything that went wrong."""
    allowed: tuple[str, ...]
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"request to another host: {u}" for u in self.foreign]
                + [f"failed request: {u}" for u in self.failed]
                + [f"console error: {m}" for m in self.console_errors])


def local(url: str, allowed: tuple[str, ...]) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    if parts.scheme == "file":
        return "file" in allowed
    return parts.netloc in allowed


def new_context(browser, allowed_hosts: tuple[str, ...], viewport=DESKTOP, color_scheme="light",
                theme: str | None = None):
    """A browser context that records all traffic and blocks every other host.
    theme: furo's stored choice ("light", "dark", "auto"), set before any page script runs."""
    context = browser.new_context(viewport=viewport, color_scheme=color_scheme)
    traffic = Traffic(allowed_hosts)
    if theme:
        context.add_init_script(f"try {{ localStorage.setItem('theme', '{theme}'); }} catch (e) {{}}")

    def route(route):
        url = route.request.url
        if local(url, allowed_hosts):
            route.continue_()
        else:
            traffic.foreign.append(url)
            route.abort()

    context.route("**/*", route)
    context.on("request", lambda r: traffic.requests.append(r.url))
    context.on("requestfailed", lambda r: traffic.failed.append(f"{r.url} ({r.failure})")
               if local(r.url, allowed_hosts) else None)
    context.on("response", lambda r: traffic.failed.append(f"{r.url} (HTTP {r.status})")
               if r.status >= 400 else None)

    def on_page(page):
        page.on("console", lambda m: traffic.console_errors.append(f"{page.url}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: traffic.console_errors.append(f"{page.url}: uncaught {e}"))

    context.on("page", on_page)
    return context, traffic


@pytest.fixture
def open_context(browser, server):
    """open_context(viewport=..., theme=...) -> (context, traffic); closed after the test."""
    host = urlsplit(server).netloc
    made = []

    def make(**kwargs):
        context, traffic = new_context(browser, (host,), **kwargs)
        made.append(context)
        return context, traffic

    yield make
    for context in made:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
