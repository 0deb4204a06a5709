"""JSON-schema validation of a data file, each problem at the line that holds it.

``fingerprint()`` names what a validation depends on (the data files' bytes, the schemas and
the package's code), so that a build can skip validating what an earlier build validated
unchanged (:func:`briefing.data.load_data`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@functools.cache
def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


def _line_for(data, path) -> int:
    line = getattr(data, "line", 1)
    node = data
    for step in path:
        if hasattr(node, "line_of") and isinstance(node, dict) and step in node:
            line = node.line_of(step)
        elif hasattr(node, "line_of") and isinstance(node, list) and isinstance(step, int) and step < len(node):
            line = node.line_of(step)
        else:
            break
        node = node[step]
    return line


def _describe(path) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p))
                   for i, p in enumerate(path)) or "the file"


def fingerprint(paths, code_version: int) -> str:
    """A digest of ``paths`` (the data files, in order), every schema and the code version."""
    digest = hashlib.sha256(str(code_version).encode())
    for path in [*paths, *sorted(SCHEMAS.glob("*.json"))]:
        digest.update(b"\0" + str(path.name).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"(absent)")
    return digest.hexdigest()


def schema_errors(name: str, data, where) -> list[str]:
    # Imported here: a build whose data was validated unchanged before never needs it, and
    # importing it is a good part of what such a build costs.
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema(name))
    out = []
    for err in sorted(validator.iter_errors(data), key=lambda e: _line_for(data, e.absolute_path)):
        line = _line_for(data, err.absolute_path)
        hint = err.schema.get("description") if isinstance(err.schema, dict) else None
        if not hint and isinstance(err.parent, jsonschema.ValidationError):
            hint = err.parent.schema.get("description")
        message = err.message
        if err.validator == "oneOf" or err.validator == "anyOf":
            message = f"{err.instance!r} is not valid here"
        text = f"{where(line)}: {_describe(list(err.absolute_path))}: {message}"
        if hint:
            text += f" ({hint})"
        out.append(text)
    return out

