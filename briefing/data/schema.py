"""JSON-schema validation of a data file, each problem at the line that holds it."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema

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


def schema_errors(name: str, data, where) -> list[str]:
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

