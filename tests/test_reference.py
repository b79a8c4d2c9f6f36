"""CONFIGURATION.md is what the declarations give, and it misses nothing a build
registers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils.parsers.rst import directives as docutils_directives

from sphinx_portfolio import config, reference, schema
from sphinx_portfolio.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "CONFIGURATION.md"


def headings() -> set[str]:
    return set(re.findall(r"^### `([^`]+)`$", REFERENCE.read_text(), re.MULTILINE))


def test_the_committed_reference_is_current(capsys: Any) -> None:
    assert main(["reference"]) == 0
    written = capsys.readouterr().out
    assert written == REFERENCE.read_text(), (
        "CONFIGURATION.md is stale: python -m sphinx_portfolio reference > "
        "CONFIGURATION.md"
    )


def test_every_option_and_directive_of_a_build_is_in_it(
    make_app: Any, rootdir: Path
) -> None:
    app = make_app("html", srcdir=rootdir / "test-basic")
    options = {name for name in app.config.values if name.startswith("portfolio_")}
    ours = {
        name
        for name, cls in docutils_directives._directives.items()
        if getattr(cls, "__module__", "").startswith("sphinx_portfolio")
    }
    assert options and ours
    assert options | ours <= headings(), (options | ours) - headings()


def test_each_example_is_a_value_the_option_takes() -> None:
    for option in config.OPTIONS:
        assert option.example, option.name
        namespace: dict[str, Any] = {}
        exec(option.example, namespace)
        assert option.check(namespace[option.name]) == "", option.example


def test_every_field_refs_bib_documents_is_in_it() -> None:
    header = []
    for line in (ROOT / "refs.bib").read_text().splitlines():
        if not line.startswith("%"):
            break
        header.append(line)
    named = set(
        re.findall(
            r"^%\s+([a-z_]+(?:, [a-z_]+)*)\s{2,}", "\n".join(header), re.MULTILINE
        )
    )
    fields = {name for group in named for name in group.split(", ")}
    assert fields, "refs.bib's header names no field"
    documented = {field.name for field in schema.FIELDS}
    assert fields <= documented, fields - documented
    text = REFERENCE.read_text()
    for name in documented | set(schema.ENTRY_TYPES) | set(schema.STATUS_TABLE):
        assert f"`{name}`" in text, name


def test_the_markdown_is_generated_from_the_tables() -> None:
    text = reference.markdown()
    for option in config.OPTIONS:
        assert option.example in text
    for name, kind in schema.ENTRY_TYPES.items():
        assert f"| `{name}` |" in text and kind.csl in text
