"""The review ledger: which claims an editor has checked against their sources.

``docs/_data/reviews.yaml`` maps each file that holds claims to ``claim id: digest`` pairs
(schema ``briefing/schemas/reviews.json``; validated with every build, problems reported at
file:line). It holds digests only, never source or claim text. A claim is

* **reviewed** when its current digest is recorded for its file,
* **changed since review** when its id is recorded with another digest (its sentence, its
  citation or a cited paragraph changed since it was checked),
* **never reviewed** otherwise.

After checking claims on the fact-check sheet, an editor records them::

    make review DOCS="docs/actors/armenia.md docs/summary.md"
    make review DOCS=--all

which builds the sheet (``make factcheck``) and then runs ``python -m briefing.reviews``:
for each file named, its entries in the ledger are replaced by the current digest of every
claim it holds (a data file such as ``docs/_data/chronology.yaml`` records its entries).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

REVIEWED, CHANGED, NEVER = "reviewed", "changed since review", "never reviewed"
STATUSES = (REVIEWED, CHANGED, NEVER)
LEDGER = Path("docs") / "_data" / "reviews.yaml"
CLAIMS = Path("_build") / "factcheck" / "claims.json"
HEADER = """\
# The review ledger: claims an editor has checked against the cited paragraphs.
# Written by `make review DOCS="docs/<file>.md ..."` (or DOCS=--all); do not edit by hand.
# Per file: claim id -> sha256 of (claim text, citation, cited paragraphs' digests).
# A claim whose digest no longer matches shows as "changed since review" (make factcheck).
"""


def status(ledger: dict, file: str, claim_id: str, digest: str, current: set[str] = frozenset()) -> str:
    """The claim's review status; ``current`` holds the digests of every claim now in the file.

    A recorded digest counts wherever the claim now stands in its file (a claim moved to
    another section keeps its review). An id recorded with another digest means the claim
    changed, unless that digest now belongs to another claim: then the ids shifted (a
    citation was inserted before it) and this claim is new.
    """
    recorded = ledger.get(file) or {}
    if recorded.get(claim_id) == digest or digest in recorded.values():
        return REVIEWED
    if claim_id in recorded and recorded[claim_id] not in current:
        return CHANGED
    return NEVER


def counts(statuses) -> dict[str, int]:
    out = {s: 0 for s in STATUSES}
    for s in statuses:
        out[s] += 1
    return out


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render(ledger: dict) -> str:
    lines = [HEADER.rstrip("\n")]
    for file in sorted(ledger):
        entries = ledger[file]
        if not entries:
            continue
        lines.append(f"{file}:")
        lines += [f"  {json.dumps(ident)}: \"{digest}\"" for ident, digest in entries.items()]
    return "\n".join(lines) + "\n"


def ledger_key(root: Path, name: str) -> str:
    """docs/summary.md however it is named (./docs/summary.md, an absolute path)."""
    path = Path(name)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(root)
        except ValueError:
            pass
    return path.as_posix()


def record(root: Path, claims_path: Path, files: list[str], everything: bool) -> int:
    from briefing.data import load  # the same validation as the build, with file:line

    data, errors = load(root, root / "docs" / "_data")
    ledger_errors = [e for e in errors if e.startswith(str(LEDGER))]
    if ledger_errors:
        print("\n".join(ledger_errors), file=sys.stderr)
        print(f"{LEDGER}: fix the ledger first (or delete the broken entries)", file=sys.stderr)
        return 1
    ledger = {f: dict(e) for f, e in (data.reviews or {}).items()}
    if not claims_path.is_file():
        print(f"{claims_path}: not found: build the sheet first (make factcheck)", file=sys.stderr)
        return 1
    sheet = json.loads(claims_path.read_text(encoding="utf-8"))
    by_file: dict[str, dict[str, str]] = {}
    for claim in sheet["claims"]:
        by_file.setdefault(claim["file"], {})[claim["id"]] = claim["digest"]
    wanted = sorted(sheet["files"]) if everything else [ledger_key(root, f) for f in files]
    if not wanted:
        print("name the files whose claims you checked (DOCS=\"docs/a.md docs/b.md\") or --all",
              file=sys.stderr)
        return 2
    problems = []
    for file in wanted:
        if file not in sheet["files"]:
            problems.append(f"{file}: holds no claims on the sheet (files with claims: "
                            f"{', '.join(sorted(sheet['files']))})")
        elif not (root / file).is_file() or file_digest(root / file) != sheet["files"][file]:
            problems.append(f"{file}: changed since the sheet was built: run make factcheck again")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    if everything:
        ledger = {}
    recorded = 0
    for file in wanted:
        ledger[file] = dict(by_file.get(file, {}))
        recorded += len(ledger[file])
    path = root / LEDGER
    text = render(ledger)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    print(f"reviews: recorded {recorded} claims in {len(wanted)} file(s) as reviewed in {LEDGER}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m briefing.reviews", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help="files whose claims were checked, e.g. docs/summary.md")
    parser.add_argument("--all", action="store_true", help="record every claim of the book")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the book's project root")
    parser.add_argument("--claims", type=Path, help="the sheet's claims.json (default _build/factcheck)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    return record(root, args.claims or root / CLAIMS, args.files, args.all)


if __name__ == "__main__":
    sys.exit(main())
