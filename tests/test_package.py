"""The package declares what it imports."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "sphinx_portfolio"


def imported_top_levels() -> set[str]:
    """Every module the package's code imports at its top level (not its own)."""
    names = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"__future__", "sphinx_portfolio"}


def test_every_import_is_a_declared_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"]]
    for extra in project.get("optional-dependencies", {}).values():
        declared += extra
    names = {
        re.split(r"[\s<>=!~\[;]", spec, maxsplit=1)[0].lower() for spec in declared
    }
    distributions = importlib.metadata.packages_distributions()
    # sphinxext-opengraph is imported only by the card drawer, where the site uses it
    missing = {
        module: distributions.get(module)
        for module in imported_top_levels()
        if not {d.lower() for d in distributions.get(module, [])} & names
    }
    assert set(missing) <= {"sphinxext"}, missing
