"""Every place this extension relies on sphinxcontrib-bibtex's or pybtex's internals.

Nothing else in the package touches a name of theirs that is not documented API:
each touch point is here, with what it assumes, read from sphinxcontrib-bibtex 2.7.0
and pybtex 0.26.1 (the pins) and run at the floors too (`nox -s lowest`: pybtex
0.25.0, pybtex-docutils 1.0.2). ``tests/test_bibtex_adapter.py`` pins each
assumption against the installed packages, so an upgrade that changes one fails
there, naming it, instead of somewhere in a build.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import pybtex.errors
from docutils import nodes
from pybtex.database import BibliographyData
from pybtex.database.input.bibtex import LowLevelParser, Parser
from pybtex.exceptions import PybtexError
from pybtex.plugin import find_plugin, register_plugin
from pybtex.scanner import PybtexSyntaxError
from sphinxcontrib.bibtex import env_updated as _bibtex_env_updated
from sphinxcontrib.bibtex.bibfile import BibData as _CiteBibData
from sphinxcontrib.bibtex.bibfile import BibFile as _BibFile
from sphinxcontrib.bibtex.directives import BibliographyDirective, BibliographyKey
from sphinxcontrib.bibtex.nodes import bibliography

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinxcontrib.bibtex.domain import BibtexDomain, Citation

__all__ = [
    "FILTER_NAMES",
    "FOOTNOTE_TEMP_DATA",
    "BibliographyDirective",
    "BibliographyKey",
    "Command",
    "Listing",
    "LocatingParser",
    "backend",
    "bibliography",
    "citations",
    "domain",
    "drop_placeholders",
    "hand_over",
    "list_documents",
    "list_key",
    "list_type",
    "listings",
    "reads_footnotes",
    "register_style",
    "replace_env_updated",
    "run_env_updated",
]


# -- sphinxcontrib-bibtex ------------------------------------------------------------


def domain(env: BuildEnvironment) -> BibtexDomain:
    return cast("BibtexDomain", env.get_domain("cite"))


def hand_over(
    env: BuildEnvironment,
    encoding: str,
    files: dict[Path, tuple[float, list[str]]],
    data: BibliographyData,
) -> None:
    """Give the domain our parse of the bib files (path -> mtime and keys), so that
    it does not parse them itself.

    2.7.0: its ``builder-inited`` handler (``builder_inited_cite``) keeps
    ``domain.data["bibdata"]`` when ``is_bibdata_outdated`` finds the same encoding,
    the same files in the same order and each file's ``lstat().st_mtime`` unchanged
    (``BibData(encoding, bibfiles={path: BibFile(mtime, keys)}, data)``); ours runs
    first (``builder-inited``, priority 400 against its 500)."""
    domain(env).data["bibdata"] = _CiteBibData(
        encoding=encoding,
        bibfiles={
            path: _BibFile(mtime=mtime, keys=dict.fromkeys(keys))
            for path, (mtime, keys) in files.items()
        },
        data=data,
    )


def list_documents(env: BuildEnvironment) -> set[str]:
    """The documents holding a bibliography (2.7.0: ``domain.bibliographies``, keyed
    by ``BibliographyKey(docname, id_)``)."""
    return {key.docname for key in domain(env).bibliographies}


def list_key(node: nodes.Element) -> BibliographyKey:
    """The domain's key of a ``bibliography`` node (2.7.0: its document and first
    id, as ``BibliographyTransform`` builds it)."""
    return BibliographyKey(docname=node["docname"], id_=node["ids"][0])


def list_type(env: BuildEnvironment, key: BibliographyKey) -> str:
    """``bullet``, ``enumerated`` or ``citation`` (2.7.0: its ``BibliographyValue``'s
    ``list_``)."""
    return str(domain(env).bibliographies[key].list_)


class Listing(NamedTuple):
    """What a ``bibliography`` directive asked for."""

    key: BibliographyKey
    #: ``bullet``, ``enumerated`` or ``citation``
    type: str
    line: int
    #: its ``:filter:``, parsed
    filter: ast.AST
    #: the keys it names as its content
    keys: list[str]


def listings(env: BuildEnvironment) -> list[Listing]:
    """Every list of the site, by document (2.7.0: ``BibliographyValue``'s ``list_``,
    ``line``, ``filter_`` and ``keys``)."""
    return [
        Listing(key, value.list_, value.line, value.filter_, list(value.keys))
        for key, value in sorted(domain(env).bibliographies.items())
    ]


def citations(env: BuildEnvironment) -> list[Citation]:
    """Every work placed in a list, in list order (2.7.0: ``domain.citations``,
    filled by its ``env-updated``; each ``Citation`` has ``bibliography_key``,
    ``key``, ``entry`` and ``formatted_entry``)."""
    return domain(env).citations


def drop_placeholders(env: BuildEnvironment, key: BibliographyKey, ids: Any) -> None:
    """Drop the placeholder node the directive made for every entry of the bib files,
    keeping its first id only, from *ids* (the document's) and the domain.

    2.7.0: ``BibliographyDirective.run`` stores ``citation_nodes`` (key -> a
    ``citation`` node) in ``BibliographyValue``; its ``env-updated`` reads only
    ``node["ids"][0]`` of them (``Citation.citation_id``)."""
    listing = domain(env).bibliographies[key]
    for placeholder in listing.citation_nodes.values():
        for id_ in placeholder["ids"]:
            ids.pop(id_, None)
    kept = {
        name: cast(nodes.Element, {"ids": placeholder["ids"][:1]})
        for name, placeholder in listing.citation_nodes.items()
    }
    domain(env).bibliographies[key] = listing._replace(citation_nodes=kept)


#: 2.7.0: what its footnote citations leave in ``env.temp_data`` while a document
#: is read (``foot_directives.py``, ``foot_roles.py``)
FOOTNOTE_TEMP_DATA = (
    "bibtex_footbibliography_count",
    "bibtex_foot_old_refs",
    "bibtex_foot_new_refs",
)


def reads_footnotes(env: BuildEnvironment) -> bool:
    """Whether the document being read has footnote citations, which are formatted
    while it is read (so it keeps depending on the bib files)."""
    return any(env.temp_data.get(name) for name in FOOTNOTE_TEMP_DATA)


def replace_env_updated(
    app: Sphinx, handler: Callable[[Sphinx, BuildEnvironment], list[str]]
) -> None:
    """Connect *handler* to ``env-updated`` in place of sphinxcontrib-bibtex's own,
    at its priority (2.7.0: ``sphinxcontrib.bibtex.env_updated``, connected by its
    ``setup``). Not found, it stays: lists are still right, only slower."""
    for listener in list(app.events.listeners["env-updated"]):
        if listener.handler is _bibtex_env_updated:
            app.disconnect(listener.id)
            app.connect("env-updated", handler, priority=listener.priority)


def run_env_updated(app: Sphinx, env: BuildEnvironment) -> set[str]:
    """sphinxcontrib-bibtex's ``env-updated``: select, sort and format every list;
    the documents to write again."""
    return set(_bibtex_env_updated(app, env))


#: the names a ``:filter:`` knows besides the fields (2.7.0:
#: ``domain._FilterVisitor.visit_Name``)
FILTER_NAMES = frozenset(
    {"type", "key", "cited", "docname", "docnames", "author", "editor"}
)


# -- pybtex ------------------------------------------------------------------------


@functools.cache
def backend(name: str) -> Any:
    """pybtex's backend *name* ("text", "docutils"), looked up once: pybtex looks
    it up through the installed entry points on every ``render_as`` (about 15 ms)."""
    return find_plugin("pybtex.backends", name)()


def register_style(name: str, style: type) -> None:
    """Make *style* the pybtex formatting style *name*, once a process (each
    registration scans the installed entry points)."""
    if name not in _registered:
        register_plugin("pybtex.style.formatting", name, style, force=True)
        _registered.add(name)


_registered: set[str] = set()


class Command(NamedTuple):
    """An entry as pybtex's low-level parser read it, with where it is."""

    command: str
    body: tuple[str | None, list[Any]]
    #: offsets of its first and past its last character in the text
    start: int
    end: int
    #: field name (lowercased) -> the line in the text where it starts
    field_lines: dict[str, int]


class _FieldLocatingParser(LowLevelParser):  # type: ignore[misc]
    """0.26.1: ``LowLevelParser`` reads one field in ``parse_field`` (its name in
    ``current_field_name``, the line in ``lineno``, ``command_start`` and ``pos``
    the command's span)."""

    def parse_command(self) -> Any:
        self.field_lines: dict[str, int] = {}
        return super().parse_command()

    def parse_field(self) -> None:
        self.eat_whitespace()
        line = self.lineno
        super().parse_field()
        if self.current_field_name:
            self.field_lines.setdefault(self.current_field_name.lower(), line)


class LocatingParser(Parser):  # type: ignore[misc]
    """pybtex's ``Parser`` with each entry's location and every error, through
    hooks for a subclass: :meth:`located_entry`, :meth:`syntax_error`,
    :meth:`data_error`.

    0.26.1: ``Parser.parse_string`` is the loop of :meth:`commands` (preambles to
    ``process_preamble``, ``@string`` already applied by the low-level parser,
    other commands to ``process_entry``); errors reach ``handle_error``, a syntax
    error as ``PybtexSyntaxError`` with ``error_context_info[0]`` (its offset) and
    ``lineno``, and a data error (a repeated field) as another ``PybtexError``."""

    def commands(self, text: str) -> Iterator[Command]:
        self.unnamed_entry_counter = 1
        reader = _FieldLocatingParser(
            text,
            keyless_entries=self.keyless_entries,
            handle_error=self.handle_error,
            want_entry=self.data.want_entry,
            macros=self.macros,
        )
        for command, body in reader:
            kind = command.lower()
            if kind == "preamble":
                self.process_preamble(*body)
            elif kind != "string":
                yield Command(
                    command, body, reader.command_start, reader.pos, reader.field_lines
                )

    def process_captured(self, command: Command) -> list[str]:
        """Add the entry to the parsed data; the errors pybtex would have raised
        (pybtex's strict mode off for it: ``pybtex.errors.capture``)."""
        with pybtex.errors.capture() as errors:
            self.process_entry(command.command, *command.body)
        return [str(error) for error in errors]

    def handle_error(self, error: PybtexError) -> None:
        if isinstance(error, PybtexSyntaxError):
            self.syntax_error(
                error.error_context_info[0] or 0, error.lineno, error.args[0]
            )
        else:
            self.data_error(str(error))

    def syntax_error(self, offset: int, lineno: int | None, message: str) -> None:
        raise NotImplementedError

    def data_error(self, message: str) -> None:
        raise NotImplementedError

    def holds_preamble(self) -> bool:
        return bool(self.data._preamble)

    def macro_count(self) -> int:
        return len(self.macros)
