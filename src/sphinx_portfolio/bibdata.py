"""Reading refs.bib once: every problem located, and one model of a publication.

pybtex parses the file but keeps no line numbers, stops at the first duplicate
key unless its errors are captured, and raises on a syntax error.  The parser
below records where each entry starts, turns every error into a located
:class:`Problem`, and keeps going, so that no entry is ever lost silently.
Every other module reads the :class:`Publication` objects built here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.errors
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import LowLevelParser, Parser
from pybtex.exceptions import PybtexError
from pybtex.richtext import Text
from pybtex.scanner import PybtexSyntaxError

from .warnings_ import PortfolioWarning

#: Display labels of the ``status`` field's values.
STATUSES = {
    "oral": "Oral",
    "workshop": "Workshop",
    "preprint": "Preprint",
    "under review": "Under review",
}
#: Statuses of works that are not (yet) peer-reviewed publications.
UNREVIEWED = frozenset({"preprint", "under review"})


@dataclass(frozen=True)
class Author:
    name: str
    is_owner: bool
    equal: bool


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Publication:
    """One work of refs.bib, every field already decoded and derived."""

    key: str
    entry_type: str
    title: str
    authors: tuple[Author, ...]
    venue: str
    abbr: str
    year: str
    status: str
    links: tuple[Link, ...]
    selected: bool
    old_title: str
    path: Path
    line: int

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, "")

    @property
    def peer_reviewed(self) -> bool:
        return self.status not in UNREVIEWED

    @property
    def has_equal_contribution(self) -> bool:
        return any(author.equal for author in self.authors)

    @property
    def venue_label(self) -> str:
        """``abbr`` with the year, as in "ICML 2024"; empty without ``abbr``."""
        if not self.abbr:
            return ""
        if not self.year or self.year in self.abbr:
            return self.abbr
        return f"{self.abbr} {self.year}"


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    kind: PortfolioWarning
    message: str

    @property
    def location(self) -> str:
        return f"{display_path(self.path)}:{self.line}"


@dataclass
class BibData:
    """Everything read from the bib files of one build."""

    files: dict[Path, list[str]] = field(default_factory=dict)
    data: BibliographyData = field(default_factory=BibliographyData)
    publications: dict[str, Publication] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def display_path(path: Path) -> str:
    """*path* relative to the working directory when it lies below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def latex_to_text(value: str) -> str:
    """Decode LaTeX markup (``{\\"u}``, ``{GPT}``) into plain Unicode text."""
    return str(Text.from_latex(value).render_as("text"))


# -- parsing with locations --------------------------------------------------------


class _LocatingParser(Parser):  # type: ignore[misc]
    """pybtex's parser, remembering the line of each entry and every error."""

    def __init__(self, bibdata: BibData) -> None:
        super().__init__(encoding="utf-8-sig")
        self.bibdata = bibdata
        self.path = Path()
        self.text = ""
        self.lines: dict[str, tuple[Path, int]] = {}

    def problem(self, line: int, kind: PortfolioWarning, message: str) -> None:
        self.bibdata.problems.append(Problem(self.path, line, kind, message))

    def handle_error(self, error: PybtexError) -> None:
        if not isinstance(error, PybtexSyntaxError):  # pragma: no cover
            raise error  # pybtex reports other errors through report_error
        # Locate the error at the start of its entry: an unclosed brace is found
        # only lines later, where the parser gives up.
        start = error.error_context_info[0] or 0
        line = self.text.count("\n", 0, start) + 1
        message = f"syntax error: {error.args[0]}"
        if error.lineno and error.lineno != line:
            message += f" on line {error.lineno}, in the entry that starts here"
        self.problem(line, PortfolioWarning.BIB_SYNTAX, message)

    def parse_file(self, path: Path) -> list[str]:
        self.path = path
        before = len(self.data.entries)
        self.parse_string(path.read_text(encoding="utf-8-sig"))
        return list(self.data.entries)[before:]

    def parse_string(self, text: str) -> BibliographyData:
        # pybtex's own loop (Parser.parse_string), plus the entry's line.
        self.text = text
        self.unnamed_entry_counter = 1
        commands = LowLevelParser(
            text,
            keyless_entries=self.keyless_entries,
            handle_error=self.handle_error,
            want_entry=self.data.want_entry,
            macros=self.macros,
        )
        for command, body in commands:
            line = text.count("\n", 0, commands.command_start) + 1
            kind = command.lower()
            if kind == "preamble":
                self.process_preamble(*body)
            elif kind != "string":
                self.process_located_entry(command, body, line)
        return self.data

    def process_located_entry(
        self, command: str, body: tuple[str, list[object]], line: int
    ) -> None:
        key = body[0]
        if key is None:  # a syntax error already reported stopped the entry early
            return
        first = self.lines.get(key.lower())
        if first is not None:
            where = (
                f"line {first[1]}"
                if first[0] == self.path
                else f"{display_path(first[0])}:{first[1]}"
            )
            self.problem(
                line,
                PortfolioWarning.DUPLICATE_KEY,
                f'duplicate key "{key}": already used on {where}; '
                "this entry is not rendered",
            )
            return
        self.lines[key.lower()] = (self.path, line)
        with pybtex.errors.capture() as errors:
            self.process_entry(command, *body)
        for error in errors:
            self.problem(line, PortfolioWarning.BIB_DATA, f"{key}: {error}")


def parse(paths: Iterable[Path], owner: Iterable[str]) -> BibData:
    """Parse *paths* in order into one :class:`BibData`, never raising on content."""
    bibdata = BibData()
    parser = _LocatingParser(bibdata)
    owners = [_name_key(Person(name)) for name in owner]
    for path in paths:
        if not path.is_file():
            bibdata.problems.append(
                Problem(
                    path, 0, PortfolioWarning.BIB_MISSING, f"no such bib file: {path}"
                )
            )
            bibdata.files[path] = []
            continue
        bibdata.files[path] = parser.parse_file(path)
    bibdata.data = parser.data
    for key, entry in parser.data.entries.items():
        path, line = parser.lines[key.lower()]
        pub, problems = _publication(key, entry, owners, path, line)
        bibdata.publications[key] = pub
        bibdata.problems.extend(problems)
    return bibdata


# -- the publication model ---------------------------------------------------------

_LINK_FIELDS = (
    ("Paper", "url", "{}"),
    ("arXiv", "eprint", "https://arxiv.org/abs/{}"),
    ("Code", "code", "{}"),
    ("DOI", "doi", "https://doi.org/{}"),
    ("OpenReview", "openreview", "{}"),
    ("Project", "project", "{}"),
)
_POSITIONS = re.compile(r"^\s*\d+(\s*,\s*\d+)*\s*$")


def _fold(text: str) -> str:
    """Case- and accent-insensitive form of a name part, without dots."""
    decomposed = unicodedata.normalize("NFKD", latex_to_text(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace(".", "").casefold().strip()


def _name_key(person: Person) -> tuple[tuple[str, ...], tuple[str, ...]]:
    given = tuple(_fold(part) for part in person.first_names + person.middle_names)
    last = tuple(_fold(part) for part in person.prelast_names + person.last_names)
    return given, last


def _is_owner(
    person: Person, owners: list[tuple[tuple[str, ...], tuple[str, ...]]]
) -> bool:
    given, last = _name_key(person)
    for owner_given, owner_last in owners:
        if last != owner_last or len(given) != len(owner_given):
            continue
        if all(
            a == b or (min(len(a), len(b)) == 1 and a[:1] == b[:1])
            for a, b in zip(given, owner_given, strict=True)
        ):
            return True
    return False


def _display_name(person: Person) -> str:
    parts = (
        person.first_names
        + person.middle_names
        + person.prelast_names
        + person.last_names
        + person.lineage_names
    )
    return latex_to_text(" ".join(parts))


def _publication(
    key: str,
    entry: Entry,
    owners: list[tuple[tuple[str, ...], tuple[str, ...]]],
    path: Path,
    line: int,
) -> tuple[Publication, list[Problem]]:
    fields = entry.fields
    problems: list[Problem] = []

    def problem(kind: PortfolioWarning, message: str) -> None:
        problems.append(Problem(path, line, kind, f"{key}: {message}"))

    persons = entry.persons.get("author", [])
    equal_field = fields.get("equal_contribution", "")
    equal: set[int] = set()
    if equal_field:
        if _POSITIONS.match(equal_field):
            equal = {int(n) for n in equal_field.split(",")}
        bad = [n for n in equal if not 1 <= n <= len(persons)]
        if not equal or bad:
            problem(
                PortfolioWarning.EQUAL_CONTRIBUTION,
                f'equal_contribution "{equal_field}" must list author positions '
                f"between 1 and {len(persons)}, e.g. {{1, 2}}",
            )
    authors = tuple(
        Author(_display_name(person), _is_owner(person, owners), n in equal)
        for n, person in enumerate(persons, start=1)
    )
    if persons and not any(author.is_owner for author in authors):
        problem(
            PortfolioWarning.OWNER_MISSING,
            "the site's owner is not among the authors "
            "(see portfolio_owner and portfolio_owner_aliases)",
        )
    status = fields.get("status", "").strip().lower()
    if status and status not in STATUSES:
        problem(
            PortfolioWarning.UNKNOWN_STATUS,
            f'unknown status "{fields["status"]}"; use one of: ' + ", ".join(STATUSES),
        )
        status = ""
    links = tuple(
        Link(label, template.format(fields[name].strip()))
        for label, name, template in _LINK_FIELDS
        if fields.get(name, "").strip()
    )
    venue = (
        fields.get("journal")
        or fields.get("booktitle")
        or fields.get("howpublished", "")
    )
    pub = Publication(
        key=key,
        entry_type=entry.type.lower(),
        title=latex_to_text(fields.get("title", "")),
        authors=authors,
        venue=latex_to_text(venue),
        abbr=latex_to_text(fields.get("abbr", "")),
        year=fields.get("year", "").strip(),
        status=status,
        links=links,
        selected=fields.get("selected", "").strip().lower() in {"yes", "true"},
        old_title=latex_to_text(fields.get("oldtitle", "")),
        path=path,
        line=line,
    )
    return pub, problems


def newest_first(pubs: Iterable[Publication]) -> Iterator[Publication]:
    """Works in progress (no year) first, then by year, newest first; stable."""
    return iter(sorted(pubs, key=lambda pub: pub.year or "9999", reverse=True))
