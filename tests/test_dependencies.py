"""The declared dependencies are what the code uses: a build on a fresh machine installs what
it imports, and nothing the book does not use."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from conftest import ROOT

DEPTRY = Path(sys.executable).parent / "deptry"


def test_runtime_dependencies_are_exactly_what_the_build_imports():
    """deptry fails on an import that is missing, transitive or dev-only, and on an unused
    declaration (DEP001-DEP004)."""
    proc = subprocess.run([str(DEPTRY), "."], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dependencies_loaded_by_name_are_named_where_sphinx_loads_them():
    """Extensions and the theme are named as strings, which deptry cannot follow: each one it
    is told to ignore must be named in conf.py or in a setup_extension call."""
    ignored = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["deptry"][
        "per_rule_ignores"]["DEP002"]
    text = (ROOT / "conf.py").read_text() + "".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "briefing").rglob("*.py")))
    named = set(re.findall(r"""["']([A-Za-z_][\w.]*)["']""", text))
    modules = packages_distributions()
    for dist in ignored:
        provides = {m for m, dists in modules.items()
                    if any(d.lower().replace("_", "-") == dist for d in dists)}
        assert provides, f"{dist} is not installed"
        assert any(name.split(".")[0] in provides or name in provides for name in named), (
            f"{dist} is declared but none of its modules {sorted(provides)} is named in conf.py "
            f"or briefing/")


def test_no_code_patches_the_import_path():
    """Tools and extensions import the installed package (or, for the scripts in tools/, their
    own folder): nothing edits sys.path at run time."""
    offenders = [f"{p.relative_to(ROOT)}:{n}" for folder in ("briefing", "tools")
                 for p in sorted((ROOT / folder).rglob("*.py"))
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"sys\.path\.(insert|append)|sys\.path\s*[+]?=", line)]
    assert offenders == []
