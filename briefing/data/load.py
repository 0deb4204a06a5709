"""Reading the data files: YAML that remembers its lines, validated with file:line errors.

``load()`` reads every file of :data:`~briefing.data.model.FILES`, checks each against its
JSON schema (:mod:`briefing.data.schema`) and then against the others
(:mod:`briefing.data.checks`), and returns the data with the list of problems, each
``docs/_data/FILE.yaml:LINE: what is wrong; what would be right``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from briefing.data.checks import cross_check
from briefing.data.model import FILES, REQUIRED, BookData, display
from briefing.data.schema import schema_errors

# --- a YAML loader that remembers lines -------------------------------------------------


class Mapping(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return getattr(self, "key_lines", {}).get(key, self.line)


class Sequence(list):
    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        lines = getattr(self, "item_lines", [])
        return lines[index] if 0 <= index < len(lines) else self.line


# Every build reads the data, the review ledger among it (about 100 kB): libyaml's parser,
# where PyYAML has it, reads it in a fraction of the pure-Python parser's time.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineLoader(_SafeLoader):
    """SafeLoader that records line numbers (1-based) and keeps dates as strings."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[int, Any]] = []


LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_map(loader: LineLoader, node):
    data = Mapping()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in data:
            loader.duplicates.append((key_node.start_mark.line + 1, key))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = value_node.start_mark.line + 1


def _construct_seq(loader: LineLoader, node):
    data = Sequence()
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield data
    data.extend(loader.construct_object(child, deep=True) for child in node.value)


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)

def load(root: Path, directory: Path, *, schemas: bool = True) -> tuple[BookData, list[str]]:
    """Read and validate every data file; return the data and the list of problems.

    ``schemas=False`` skips the JSON-schema checks, for files known to have passed them
    unchanged; the checks across files always run."""
    data = BookData(root=root, directory=directory)
    errors: list[str] = []
    loaded: dict[str, Any] = {}
    for name in FILES:
        path = data.path(name)
        where = lambda line, name=name: data.where(name, line)  # noqa: E731
        if not path.is_file():
            if name in REQUIRED:
                errors.append(f"{display(path, root)}:1: missing; run tools/derive_sources.py")
            continue
        loader = LineLoader(path.read_text(encoding="utf-8"))
        try:
            content = loader.get_single_data()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            errors.append(f"{where(line)}: not valid YAML: {getattr(exc, 'problem', exc)}")
            continue
        finally:
            loader.dispose()
        for line, key in loader.duplicates:
            errors.append(f"{where(line)}: duplicate key {key!r}: each key may appear once")
        if content is None:
            content = Mapping() if name in ("sources", "passages", "reviews") else Sequence()
        problems = schema_errors(name, content, where) if schemas else []
        errors.extend(problems)
        if not problems:
            loaded[name] = content
    for name, content in loaded.items():
        setattr(data, name, content)
    errors.extend(cross_check(data, loaded))
    return data, errors
