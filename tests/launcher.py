"""Run the project's Python commands (sphinx-build, tools/*.py, briefing.*) the way a shell
would, but from an interpreter that has already imported Sphinx and the extensions.

The suite builds small copies of the book about a hundred times; a new interpreter spends
over a second of each build importing Sphinx, the theme, MyST and the briefing package before
it reads a page. Here a fork server (``multiprocessing``'s "forkserver": one clean,
single-threaded process per test worker) imports them once, and each command runs in a fresh
fork of it: its own process, environment, working directory, file descriptors and exit code,
exactly as ``subprocess.run([sys.executable, ...])`` gives, without the imports.

The shared editions of the book (tests/conftest.py ``shared_build``) still run as real
subprocesses, so the suite also covers a build started from a cold interpreter.
"""

from __future__ import annotations

import multiprocessing
import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

PRELOAD = [
    "sphinx.cmd.build", "sphinx.application", "sphinx.builders.html", "sphinx.builders.latex",
    "sphinx.builders.epub3", "sphinx.builders.singlehtml", "sphinx.search.en",
    "docutils.parsers.rst", "myst_parser", "myst_parser.sphinx_ext.main", "sphinx_design",
    "sphinxcontrib.mermaid", "sphinxcontrib.bibtex", "furo", "furo.navigation",
    "sphinx_reredirects", "sphinxext.opengraph", "sphinx_sitemap", "jsonschema", "yaml",
    "bs4", "lxml.html", "briefing", "briefing.metadata",
    *[f"briefing.{name}" for name in (
        "domain", "toc_numbers", "errors", "theme", "template_cache", "mermaid_render", "data",
        "citations", "quotations", "judgments", "chronology", "relations", "glossary",
        "previews", "a11y", "epub", "labels", "cite_this", "claims", "factcheck",
        "stale_pages", "edition", "brief_edition")],  # not reviews: it runs as -m
]

_context: multiprocessing.context.ForkServerContext | None = None


def _forkserver() -> multiprocessing.context.ForkServerContext:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def _run_in_child(argv: list[str], cwd: str, env: dict[str, str], stdout: str, stderr: str) -> None:
    # A fork server's child inherits "forkserver" as its default start method; a new
    # interpreter has none (fork, on Linux), which is what the build's own use of
    # multiprocessing (sphinx-sitemap's manager process) expects.
    multiprocessing.set_start_method(None, force=True)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, stdout), (2, stderr)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    code = 0
    try:
        if argv[0] == "-m":
            sys.argv = [argv[1], *argv[2:]]
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        else:
            script = Path(argv[0]).resolve()
            sys.argv = [str(script), *argv[1:]]
            sys.path.insert(0, str(script.parent))  # as `python script.py` does
            runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            code = exit_.code or 0
        else:
            print(exit_.code, file=sys.stderr)
            code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    sys.exit(code)


def run(cmd: list[str], *, cwd: Path | str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Like ``subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)`` for a
    ``cmd`` that starts with ``sys.executable``: ``-m module ...`` or ``script.py ...``."""
    if not cmd or cmd[0] != sys.executable:
        raise ValueError(f"launcher.run runs this interpreter's commands, not {cmd[:1]}")
    if "PYTHONHASHSEED" in env:  # a fork keeps its parent's seed: only a new interpreter takes one
        return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    with tempfile.TemporaryDirectory(prefix="launch-") as tmp:
        stdout, stderr = Path(tmp) / "stdout", Path(tmp) / "stderr"
        child = _forkserver().Process(target=_run_in_child,
                                      args=(cmd[1:], str(cwd), dict(env), str(stdout), str(stderr)))
        child.start()
        child.join()
        return subprocess.CompletedProcess(
            cmd, child.exitcode,
            stdout.read_text(encoding="utf-8", errors="replace") if stdout.exists() else "",
            stderr.read_text(encoding="utf-8", errors="replace") if stderr.exists() else "")
