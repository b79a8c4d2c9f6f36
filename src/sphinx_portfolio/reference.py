"""The configuration reference (CONFIGURATION.md), written from the declarations
themselves: every ``portfolio_*`` option (:data:`.config.OPTIONS`), every directive
the extension registers (read from a Sphinx application set up with it: its name,
docstring and options), every field of refs.bib, entry type and status
(:mod:`.schema`), and every warning (:mod:`.diagnostics`).

``python -m sphinx_portfolio reference`` prints it; ``tests/test_reference.py``
fails when the committed file differs from what the declarations give.
"""

from __future__ import annotations

import ast
import inspect
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from . import schema
from .config import OPTIONS, Option
from .diagnostics import PortfolioWarning

HEADER = """\
# Configuration reference

Everything a portfolio built with `sphinx_portfolio` can set: the options of
`docs/conf.py`, the directives of its pages, the fields of `refs.bib`. Written by
`python -m sphinx_portfolio reference` from the extension's own declarations (and
kept current by `tests/test_reference.py`): do not edit it by hand.
"""


class _Recording(Sphinx):
    """A Sphinx application noting each directive registered while it sets up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.portfolio_directives: dict[str, type] = {}
        super().__init__(*args, **kwargs)

    def add_directive(self, name: str, cls: type, override: bool = False) -> None:
        self.portfolio_directives[name] = cls
        super().add_directive(name, cls, override=override)


def directives() -> dict[str, type]:
    """The directives ``sphinx_portfolio`` registers, by name."""
    # docutils' registries are global: what the application registers is undone
    # after (a test process builds other sites next)
    with tempfile.TemporaryDirectory() as folder, docutils_namespace():
        root = Path(folder)
        app = _Recording(
            srcdir=root,
            confdir=None,
            outdir=root / "out",
            doctreedir=root / "doctrees",
            buildername="dummy",
            confoverrides={"extensions": ["sphinx_portfolio"], "bibtex_bibfiles": []},
            status=None,
            warning=None,
        )
    return {
        name: cls
        for name, cls in sorted(app.portfolio_directives.items())
        if cls.__module__.startswith("sphinx_portfolio")
    }


def _type(option: Option) -> str:
    return " or ".join(kind.__name__ for kind in option.types)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> list[str]:
    """A Markdown table; each cell is written as given."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return [*lines, *("| " + " | ".join(row) + " |" for row in rows)]


def options_section() -> list[str]:
    lines = ["## Options of conf.py", ""]
    lines += [
        "Each is checked when the build starts: a wrong value is a "
        "`portfolio.config` warning naming the option, and its default is used.",
        "",
    ]
    for option in OPTIONS:
        lines += [f"### `{option.name}`", ""]
        lines += [
            f"{_type(option)}, default `{option.default!r}`; a change rebuilds "
            f"{'every page' if option.rebuild == 'env' else 'the HTML'}.",
            "",
            " ".join(option.help.split()).replace("``", "`"),
            "",
        ]
        if option.example:
            lines += ["```python", option.example, "```", ""]
    return lines


def icons_section() -> list[str]:
    """The profile icons: each name, the addresses that choose it, its set."""
    from .profiles import HOSTS, LABELS, icon_set

    data = icon_set()
    lines = ["## Profile icons", ""]
    lines += [
        "A profile's icon (`profile-header`) follows its address, or its label "
        'where a service has many hosts (Mastodon); `"icon": NAME` in the '
        "profile chooses one. An icon of `email`, `homepage` or `link` shows the "
        "profile's text beside it; a brand's names its link for screen readers.",
        "",
    ]
    hosts: dict[str, list[str]] = {}
    for host, name in HOSTS.items():
        hosts.setdefault(name, []).append(host)
    for label, name in LABELS.items():
        hosts.setdefault(name, []).append(f"label {label!r}")
    hosts.setdefault("email", []).insert(0, "mailto:")
    hosts.setdefault("link", []).append("any other address")
    rows = []
    for name, icon in sorted(data["icons"].items()):
        found = data["sets"][icon["set"]]
        source = f"{found['package']} {found['version']} ({found['licence']})"
        rows.append((f"`{name}`", _cell(", ".join(hosts.get(name, []))), source))
    lines += _table(("icon", "chosen by", "from (licence)"), rows)
    return [*lines, ""]


def directives_section() -> list[str]:
    lines = ["## Directives", ""]
    for name, cls in directives().items():
        doc = inspect.cleandoc(cls.__doc__ or "").replace("``", "`")
        lines += [f"### `{name}`", "", doc, ""]
        spec: dict[str, Any] = getattr(cls, "option_spec", None) or {}
        helps: dict[str, str] = getattr(cls, "option_help", {})
        if spec:
            default = "as sphinxcontrib-bibtex's `bibliography`"
            lines += _table(
                ("option", "what it does"),
                ((f"`:{o}:`", _cell(helps.get(o, default))) for o in sorted(spec)),
            )
            lines.append("")
        lines += ["````markdown", f"```{{{name}}}"]
        lines += [f":{o}: {e}" for o, e in getattr(cls, "option_example", {}).items()]
        lines += ["```", "````", ""]
    return lines


def fields_section() -> list[str]:
    lines = ["## Fields of refs.bib", ""]
    lines += [
        "Beyond BibTeX's own (each entry type's required fields are below). The "
        "site-only ones are left out of the exported BibTeX and CSL-JSON.",
        "",
    ]
    lines += _table(
        ("field", "what it holds", "example", "exported"),
        (
            (f"`{f.name}`", _cell(f.help), f"`{f.example}`", _yes(not f.site_only))
            for f in schema.FIELDS
        ),
    )
    lines += ["", "### Entry types", ""]
    lines += _table(
        ("type", "required fields", "kind", "CSL-JSON type"),
        (
            (
                f"`{name}`",
                ", ".join(kind.required).replace("|", " or ") or "none",
                kind.kind,
                f"`{kind.csl}`",
            )
            for name, kind in schema.ENTRY_TYPES.items()
        ),
    )
    lines += ["", "### Statuses", ""]
    lines += _table(
        ("status", "shown as", "peer-reviewed", "names the kind"),
        (
            (f"`{name}`", s.label, _yes(s.reviewed), _yes(s.names_kind))
            for name, s in schema.STATUS_TABLE.items()
        ),
    )
    return [*lines, ""]


def member_docs(cls: type) -> dict[str, str]:
    """The string under each assignment of *cls*'s body (as autodoc reads them)."""
    body = ast.parse(inspect.getsource(cls)).body[0]
    assert isinstance(body, ast.ClassDef)
    docs = {}
    for statement, following in zip(body.body, body.body[1:], strict=False):
        if (
            isinstance(statement, ast.Assign)
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.targets[0].id] = inspect.cleandoc(following.value.value)
    return docs


def warnings_section() -> list[str]:
    lines = ["## Warnings", ""]
    lines += [
        'Each is `portfolio.<code>`: `suppress_warnings = ["portfolio.<code>"]` '
        "silences one.",
        "",
    ]
    docs = member_docs(PortfolioWarning)
    lines += _table(
        ("code", "what it means"),
        ((f"`{k.value}`", _cell(docs.get(k.name, ""))) for k in PortfolioWarning),
    )
    return [*lines, ""]


def markdown() -> str:
    parts = [HEADER, *options_section(), *directives_section(), *icons_section()]
    parts += [*fields_section(), *warnings_section()]
    return "\n".join(parts).rstrip("\n") + "\n"
