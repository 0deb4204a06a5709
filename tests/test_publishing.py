"""Publishing for real: the address comes from configuration or the platform, never a made-up
host; each edition keeps its own path, with 'latest' beside it; the CI and Read the Docs
configurations are valid against their published schemas."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
import yaml

from briefing.edition import ENV_BASE_URL, ENV_RTD_URL, addresses, edition
from briefing.labels import BUILTIN_LABELS
from briefing.reference import NO_URL
from book_pages import inventory
from conftest import ROOT, TEST_ADDRESS, run_build

PUBLISH = ROOT / "tools" / "publish.py"
BASE = TEST_ADDRESS  # a test address (RFC 2606), never the book's


# -- where the address comes from ------------------------------------------------------------


def test_address_comes_from_configuration_environment_or_read_the_docs():
    # Nothing set: no address at all.
    assert addresses("1.0.0", "", {}) == ("", "", "")
    # pyproject's base_url is the site root; the edition lives under its number.
    assert addresses("1.0.0", "https://a.example.org/book", {})[:2] == \
        ("https://a.example.org/book/1.0.0/", "https://a.example.org/book/")
    # BRIEFING_BASE_URL overrides the configuration at build time.
    assert addresses("1.0.0", "https://a.example.org/book/", {ENV_BASE_URL: "https://b.example.org/"})[:2] == \
        ("https://b.example.org/1.0.0/", "https://b.example.org/")
    # Read the Docs: the platform's canonical URL is the edition's address.
    assert addresses("1.0.0", "", {ENV_RTD_URL: "https://x.readthedocs.io/en/1.0.0/"})[0] == \
        "https://x.readthedocs.io/en/1.0.0/"
    with pytest.raises(ValueError, match="absolute"):
        addresses("1.0.0", "", {ENV_BASE_URL: "books/briefing"})


def test_the_edition_takes_its_address_from_the_build_environment(tmp_path):
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"),
                                             encoding="utf-8")
    env = {"SOURCE_DATE_EPOCH": "1750000000"}
    plain = edition(tmp_path, env)
    assert plain.url == "" and plain.pdf_url == "" and plain.latest_url == ""
    published = edition(tmp_path, {**env, ENV_BASE_URL: BASE})
    assert published.url == f"{BASE}{plain.version}/"
    assert published.pdf_url == f"{BASE}{plain.version}/briefing.pdf"
    assert published.latest_url == f"{BASE}latest/"
    rtd = edition(tmp_path, {**env, ENV_RTD_URL: "https://x.readthedocs.io/en/1.0.0/"})
    assert rtd.url == "https://x.readthedocs.io/en/1.0.0/"


def test_repository_names_no_made_up_address_and_the_right_period():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["tool"]["briefing"]["base_url"] == "", \
        "no public address is known: base_url stays empty until one is (never a placeholder host)"
    assert "2024–2025" in meta["tool"]["briefing"]["subtitle"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(2024–2025)" in readme and "2023–2025" not in readme


# -- no placeholder host in any output --------------------------------------------------------

URL = re.compile(r"https?://[^\s\"'<>)\]}\\]+")
RESERVED_TLDS = ("invalid", "test", "example", "localhost", "local")


def placeholder_hosts(text: str) -> set[str]:
    """Hosts reserved for examples and tests (RFC 2606, RFC 6761) that a text links to."""
    found = set()
    for url in URL.findall(text):
        host = (urlsplit(url).hostname or "").lower()
        labels = host.split(".")
        if labels[-1] in RESERVED_TLDS or host in ("localhost", "127.0.0.1") or \
                ".".join(labels[-2:]) in ("example.com", "example.net", "example.org"):
            found.add(host)
    return found


@pytest.fixture(scope="module")
def epub_and_onefile(epub_build, onefile_build):
    """The EPUB and the one-file edition built without an address (tests/conftest.py: each
    built once per run and shared with the files that test those formats)."""
    for proc, _ in (epub_build, onefile_build):
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return epub_build[1], onefile_build[1]


@pytest.mark.slow
def test_a_build_without_an_address_has_no_placeholder_host_in_any_format(html_dir, pdf_path, epub_and_onefile):
    """HTML, PDF text, EPUB and the one-file edition: no example/invalid host, and the
    citations say that the online address is not set."""
    assert not edition().url, "the shared build is the default one: run the suite without BRIEFING_BASE_URL"
    epub, onefile = epub_and_onefile
    texts: dict[str, str] = {}
    texts["HTML"] = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                              for p in sorted(html_dir.rglob("*")) if p.suffix in (".html", ".js", ".xml", ".txt"))
    texts["PDF"] = subprocess.run(["pdftotext", "-raw", str(pdf_path), "-"], capture_output=True,
                                  text=True, check=True).stdout
    with zipfile.ZipFile(epub) as book:
        texts["EPUB"] = "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist()
                                  if n.endswith((".xhtml", ".html", ".opf", ".ncx")))
    texts["one file"] = onefile.read_text(encoding="utf-8")
    for name, text in texts.items():
        assert not placeholder_hosts(text), f"{name}: placeholder hosts {placeholder_hosts(text)}"
        assert "example.invalid" not in text, name
        assert NO_URL.lower() in text.lower(), f"{name}: the citations do not say the address is unset"
    assert len(re.findall(r"Cite as:", texts["PDF"])) > 100


def test_placeholder_detector_finds_what_it_must():
    assert placeholder_hosts("see https://example.invalid/armenia-russia-briefing/x.html#a") == {"example.invalid"}
    assert placeholder_hosts("<a href='http://books.example.org/'>") == {"books.example.org"}
    assert not placeholder_hosts("https://schema.org http://purl.org/dc/terms/ https://www.caucasuswatch.de/")


# -- CI and Read the Docs configurations -------------------------------------------------------


def offline_env() -> dict[str, str]:
    """Any attempt to fetch goes to a closed port: the schemas must be the vendored ones."""
    env = dict(os.environ)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        env[name] = "http://127.0.0.1:9"
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    return env


def check_schema(schema: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True, env=offline_env())


WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))


def test_ci_and_read_the_docs_configurations_match_their_published_schemas():
    rtd = ROOT / ".readthedocs.yaml"
    assert rtd.is_file() and WORKFLOWS
    proc = check_schema("vendor.readthedocs", rtd)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for workflow in WORKFLOWS:
        proc = check_schema("vendor.github-workflows", workflow)
        assert proc.returncode == 0, f"{workflow.name}: {proc.stdout + proc.stderr}"


def test_schema_check_rejects_a_broken_configuration(tmp_path):
    broken = tmp_path / ".readthedocs.yaml"
    broken.write_text("version: 2\nbuild:\n  os: ubuntu-24.04\n  tools: {python: '3.12'}\n"
                      "formats: [pdf, docx]\n", encoding="utf-8")
    assert check_schema("vendor.readthedocs", broken).returncode != 0
    workflow = tmp_path / "w.yml"
    workflow.write_text("on: push\njobs:\n  a:\n    steps: []\n", encoding="utf-8")
    assert check_schema("vendor.github-workflows", workflow).returncode != 0


def makefile_apt_packages() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    block = re.search(r"^APT_PACKAGES := ((?:.*\\\n)*.*)$", text, re.M).group(1)
    return set(block.replace("\\\n", " ").split())


def test_read_the_docs_builds_html_pdf_and_epub_with_the_books_packages():
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert set(config["formats"]) >= {"pdf", "epub"}
    jobs = config["build"]["jobs"]["build"]
    assert {"html", "pdf", "epub"} <= set(jobs)
    for fmt, target in (("html", "make html"), ("pdf", "make pdf"), ("epub", "make epub")):
        assert any(cmd.startswith(target) for cmd in jobs[fmt]), fmt
        assert any(f"$READTHEDOCS_OUTPUT/{fmt}" in cmd for cmd in jobs[fmt]), fmt
    # Chromium is not an Ubuntu .deb: Puppeteer's headless Chrome replaces it.
    assert makefile_apt_packages() - {"chromium"} <= set(config["build"]["apt_packages"])


def test_ci_workflow_builds_with_make_and_deploys_every_edition():
    (workflow,) = [w for w in WORKFLOWS if "make publish" in w.read_text(encoding="utf-8")]
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    steps = [s for job in data["jobs"].values() for s in job["steps"]]
    runs = [s.get("run", "").strip() for s in steps]
    assert "make" in runs, "the README's `make` builds the book"
    assert any(r.startswith("make publish") for r in runs)
    assert any("git push" in r and "gh-pages" in r for r in runs), "the site is deployed"
    assert any("gh-pages" in r and "worktree" in r for r in runs), "earlier editions are kept"
    env = {k: v for job in data["jobs"].values() for k, v in job.get("env", {}).items()}
    assert env.get(ENV_BASE_URL) == "${{ vars.BRIEFING_BASE_URL }}"


# -- two editions side by side ----------------------------------------------------------------


def tree_digest(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def run_publish(root: Path, site: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, ENV_BASE_URL: BASE}
    env.pop(ENV_RTD_URL, None)
    return subprocess.run([sys.executable, str(PUBLISH), "--root", str(root), "--site", str(site),
                           "--html", str(out / "html"), "--pdf", str(out / "briefing.pdf"),
                           "--epub", str(out / "briefing.epub"), *extra],
                          cwd=root, env=env, capture_output=True, text=True)


def build_edition(root: Path, out: Path, built: Path | None = None) -> None:
    """The edition's HTML (built from root, or copied from `built`, the HTML of the same
    sources built with the same address) and stand-ins for its PDF and EPUB."""
    if built is None:
        result = run_build("html", out, root=root, env_extra={ENV_BASE_URL: BASE})
        assert result.returncode == 0, result.output[-6000:]
    else:
        shutil.copytree(built, out / "html")
    version = edition(root, {ENV_BASE_URL: BASE}).version
    (out / "briefing.pdf").write_bytes(f"%PDF-1.4 stand-in for edition {version}\n".encode())
    (out / "briefing.epub").write_bytes(f"stand-in EPUB of edition {version}\n".encode())


def ids_of(page: Path) -> set[str]:
    return set(lxml.html.parse(str(page)).xpath("//@id"))


REDIRECT = re.compile(r"""(?:url=|location(?:\.href)?\s*=\s*)["']?([^"'>;\s]+\.html)""")


def follow(edition_dir: Path, page: str) -> Path:
    """The page an address leads to, through sphinx-reredirects' stubs."""
    path = edition_dir / page
    for _ in range(3):
        assert path.is_file(), f"{path.relative_to(edition_dir)} does not exist"
        text = path.read_text(encoding="utf-8")
        found = REDIRECT.search(text) if len(text) < 2000 else None
        if not found:
            return path
        path = (path.parent / found.group(1)).resolve()
    return path


def cite_urls(page: Path) -> list[str]:
    doc = lxml.html.parse(str(page))
    return [url for text in doc.xpath("//p[contains(@class,'cite-this-ref')]/text()")
            for url in URL.findall(text)]


@pytest.mark.slow
def test_publishing_two_editions_keeps_the_first_unchanged_and_its_addresses_working(
        book_copy, html_with_address, tmp_path):
    site = tmp_path / "site"
    first_out, second_out = tmp_path / "first", tmp_path / "second"
    first_version = edition(book_copy, {}).version

    # The first edition is the book as it is, built with the address once per run
    # (tests/conftest.py); book_copy holds the same sources, which the next edition changes.
    build_edition(book_copy, first_out, built=html_with_address / "html")
    proc = run_publish(book_copy, site, first_out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    first = tree_digest(site / first_version)
    assert (site / first_version / "briefing.pdf").read_bytes().startswith(b"%PDF")

    # The next edition: a new number, a section label renamed and a page moved, both redirected
    # as AUTHORING.md asks.
    pyproject = book_copy / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(re.sub(r'^version = "[^"]+"', 'version = "99.1.0"', text, count=1, flags=re.M),
                         encoding="utf-8")
    docs = book_copy / "docs"
    people = (docs / "people.md").read_text(encoding="utf-8")
    assert "(people-who)=" in people
    (docs / "persons.md").write_text(people.replace("(people-who)=", "(people-speakers)="), encoding="utf-8")
    (docs / "people.md").unlink()
    index = (docs / "index.md").read_text(encoding="utf-8")
    assert re.search(r"^people$", index, re.M)
    (docs / "index.md").write_text(re.sub(r"^people$", "persons", index, flags=re.M), encoding="utf-8")
    (docs / "_data" / "redirects.yaml").write_text(
        "labels:\n  people-who: people-speakers\npages:\n  people: persons\n", encoding="utf-8")
    build_edition(book_copy, second_out)
    proc = run_publish(book_copy, site, second_out)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    # Side by side; the first edition byte for byte as published; latest is the newest.
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == sorted([first_version, "99.1.0", "latest"])
    assert tree_digest(site / first_version) == first, "publishing a new edition changed the old one"
    assert tree_digest(site / "latest") == tree_digest(site / "99.1.0")
    listing = json.loads((site / "editions.json").read_text(encoding="utf-8"))
    assert listing["latest"] == "99.1.0"
    assert [e["url"] for e in listing["editions"]] == [f"{BASE}99.1.0/", f"{BASE}{first_version}/"]
    assert "latest/" in (site / "index.html").read_text(encoding="utf-8")
    # Each edition's citations give its own address, also when read under latest/.
    old_urls = cite_urls(site / first_version / "actors" / "russia.html")
    new_urls = cite_urls(site / "latest" / "actors" / "russia.html")
    assert old_urls and all(u.startswith(f"{BASE}{first_version}/") for u in old_urls)
    assert new_urls and all(u.startswith(f"{BASE}99.1.0/") for u in new_urls)
    assert [u.replace(first_version, "X") for u in old_urls] == [u.replace("99.1.0", "X") for u in new_urls]

    # Every label of the first edition resolves in the second: in objects.inv, and at its old
    # address (page and anchor), through the page redirect and the kept anchors.
    old_inv = inventory(site / first_version)["std:label"]
    new_inv = inventory(site / "99.1.0")["std:label"]
    checked = 0
    for label, item in old_inv.items():
        if label in BUILTIN_LABELS:
            continue
        assert label in new_inv, f"label {label!r} vanished from objects.inv"
        page, _, anchor = new_inv[label].uri.partition("#")
        assert not anchor or anchor in ids_of(site / "99.1.0" / page), f"{label}: {page}#{anchor}"
        old_page, _, old_anchor = item.uri.partition("#")
        landed = follow(site / "99.1.0", old_page)
        assert not old_anchor or old_anchor in ids_of(landed), f"{item.uri} does not lead to {label}"
        checked += 1
    assert checked > 100
    assert follow(site / "99.1.0", "people.html").name == "persons.html"
    assert "people-who" in ids_of(site / "99.1.0" / "persons.html")

    # Publishing again never rebuilds a published edition from today's sources ...
    again = run_publish(book_copy, site, first_out)
    assert again.returncode == 0 and "kept unchanged" in again.stdout
    assert tree_digest(site / first_version) == first
    # ... and a build of another edition is refused rather than published under this number.
    refused = run_publish(book_copy, site, first_out, "--replace")
    assert refused.returncode != 0 and "rebuild" in refused.stderr
    assert (site / "99.1.0" / "briefing.pdf").read_bytes().endswith(b"99.1.0\n")
