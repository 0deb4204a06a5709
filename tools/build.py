"""Build one output of the book atomically: a failed build leaves the last good output.

    python tools/build.py html     -> _build/html/
    python tools/build.py pdf      -> _build/pdf/<name>.pdf (LaTeX in _build/latex/)
    python tools/build.py epub     -> _build/epub/<name>.epub
    python tools/build.py BUILDER  -> _build/BUILDER/ (any other Sphinx builder)

Sphinx builds into a fresh staging directory next to the published one (seeded with a
copy of the last good output so that incremental builds stay incremental); only when the
build succeeds does the staging directory replace the published one. Warnings are errors
(-W --keep-going -n). Every build of a commit is dated by SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from briefing.edition import source_date_epoch

ROOT = Path(__file__).resolve().parent.parent
SPHINX_FLAGS = ["-W", "--keep-going", "-n"]
PDF_NAME = "briefing"


def build_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = str(source_date_epoch(root, os.environ))
    env["FORCE_SOURCE_DATE"] = "1"  # TeX Live: use SOURCE_DATE_EPOCH for \today and PDF dates
    env.setdefault("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium")
    return env


def sphinx(root: Path, builder: str, outdir: Path, doctrees: Path, extra: list[str]) -> int:
    """Run sphinx-build in this process: a second interpreter would import Sphinx and every
    extension again, which is most of what a build that has nothing to do costs."""
    from sphinx.cmd.build import build_main

    args = ["-b", builder, *SPHINX_FLAGS, "-c", str(root), "-d", str(doctrees), *extra,
            str(root / "docs"), str(outdir)]
    print("+ sphinx-build", " ".join(args), flush=True)
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    os.environ.update(build_env(root))
    os.chdir(root)
    try:
        return build_main(args)
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        sys.stdout.flush()
        sys.stderr.flush()


def staging_for(published: Path) -> Path:
    published.parent.mkdir(parents=True, exist_ok=True)
    # A build killed part-way (Ctrl-C twice, SIGKILL, a closed terminal) cannot clean up
    # after itself: sweep what earlier builds of this output left behind.
    for leftover in published.parent.glob(f".{published.name}-*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{published.name}-", dir=published.parent))
    if published.is_dir():
        shutil.rmtree(staging)
        shutil.copytree(published, staging, symlinks=True)
    return staging


def publish(staging: Path, published: Path) -> None:
    old = published.with_name(f".{published.name}-old")
    if old.exists():
        shutil.rmtree(old)
    if published.exists():
        published.rename(old)
    staging.rename(published)
    if old.exists():
        shutil.rmtree(old)


def build_dir(root: Path, out: Path, builder: str, extra: list[str]) -> int:
    published = out / builder
    staging = staging_for(published)
    rc = sphinx(root, builder, staging, out / "doctrees" / builder, extra)
    if rc != 0:
        shutil.rmtree(staging, ignore_errors=True)
        # Sphinx would not re-read the unchanged documents that warned, and so would not warn
        # again: forget the saved environment so that the next build reads everything.
        (out / "doctrees" / builder / "environment.pickle").unlink(missing_ok=True)
        print(f"build failed: {published} keeps the last good output", file=sys.stderr)
        return rc
    publish(staging, published)
    print(f"published: {published}", flush=True)
    return 0


def build_pdf(root: Path, out: Path, extra: list[str]) -> int:
    rc = build_dir(root, out, "latex", extra)
    if rc != 0:
        return rc
    latex = out / "latex"
    cmd = ["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
           f"{PDF_NAME}.tex"]
    print("+", " ".join(cmd), f"(in {latex})", flush=True)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=latex, env=build_env(root), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace")
    transcript = []
    passes = 0
    for line in proc.stdout:
        transcript.append(line)
        if line.startswith("Latexmk: applying rule") or line.startswith("Run number"):
            passes += line.startswith("Run number")
            print(f"latex: {line.strip()}", flush=True)
    proc.wait()
    print(f"latex: {passes} passes in {time.monotonic() - started:.1f}s", flush=True)
    if proc.returncode != 0:
        errors = [line.rstrip() for line in transcript if re.match(r"^(\./)?[^:]+\.tex:\d+:|^! ", line)]
        print("".join(transcript[-60:]), *errors[:20], sep="\n", file=sys.stderr)
        print(f"PDF build failed: {out / 'pdf'} keeps the last good PDF", file=sys.stderr)
        return proc.returncode
    target = out / "pdf" / f"{PDF_NAME}.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".pdf.tmp")
    shutil.copyfile(latex / f"{PDF_NAME}.pdf", tmp)
    tmp.replace(target)
    print(f"PDF: {target}")
    return build_brief(root, out)


def build_brief(root: Path, out: Path) -> int:
    """The short edition (briefing/brief_edition.py), from the full edition's LaTeX and labels."""
    from briefing.brief_edition import NAME, BriefError, write_brief

    latex = out / "latex"
    try:
        write_brief(latex)
    except BriefError as err:
        print(f"short edition: {err}", file=sys.stderr)
        return 1
    cmd = ["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", f"{NAME}.tex"]
    proc = subprocess.run(cmd, cwd=latex, env=build_env(root), capture_output=True, text=True, errors="replace")
    if proc.returncode != 0:
        print(proc.stdout[-4000:], file=sys.stderr)
        print(f"short edition failed: {out / 'pdf'} keeps the last good one", file=sys.stderr)
        return proc.returncode
    target = out / "pdf" / f"{NAME}.pdf"
    tmp = target.with_suffix(".pdf.tmp")
    shutil.copyfile(latex / f"{NAME}.pdf", tmp)
    tmp.replace(target)
    print(f"PDF: {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", help="html, pdf, epub, singlehtml, linkcheck, …")
    parser.add_argument("--out", type=Path, default=ROOT / "_build", help="output root (default _build)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's project root")
    parser.add_argument("extra", nargs="*", help="after --: extra sphinx-build arguments")
    argv = sys.argv[1:] if argv is None else argv
    # Everything after "--" goes to sphinx-build as it is (argparse would have given the
    # positional `extra` its empty share before the options and rejected the rest).
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    extra = args.extra + extra
    root, out = args.root.resolve(), args.out.resolve()
    if args.target == "pdf":
        return build_pdf(root, out, extra)
    return build_dir(root, out, args.target, extra)


if __name__ == "__main__":
    sys.exit(main())
