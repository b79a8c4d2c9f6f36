"""Reading refs.bib once: every entry and field located, one model of a publication.

pybtex parses the file but keeps no line numbers, stops at the first duplicate key
unless its errors are captured, and raises on a syntax error.  The parser below
records where each entry and each field starts, turns every parse error into a
located :class:`Problem`, and keeps going.  The :class:`Publication` objects built
here are what every other module reads; the rules that judge them live in
:mod:`.validate`.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pybtex.database import BibliographyData, Entry, Person
from pybtex.exceptions import PybtexError
from pybtex.richtext import Text

from . import bibtex_adapter, schema
from .diagnostics import PortfolioWarning, Problem, display_path
from .schema import STATUSES, UNREVIEWED

#: The label of works without a year, where works are grouped by year.
NO_YEAR = "Not yet published"


@dataclass(frozen=True)
class Author:
    name: str
    given: str
    family: str
    is_owner: bool
    equal: bool


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Publication:
    """One work of refs.bib, every field decoded and derived once."""

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
    topics: tuple[str, ...]
    abstract: str
    pages: str
    doi: str
    arxiv: str
    #: the month as a number (1 to 12), 0 when not given: orders works within a year
    month: int
    # Where the entry is written: for messages only.  Left out of equality and of
    # repr(), which the caches key on: moving an entry in refs.bib changes nothing.
    path: Path = field(compare=False, repr=False)
    line: int = field(compare=False, repr=False)
    #: the line of each field, by lower-case field name
    field_lines: dict[str, int] = field(compare=False, repr=False)
    #: the entry as written in the file
    source: str = field(compare=False, repr=False)

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

    @property
    def kind(self) -> str:
        """What kind of work this is, as the filter and the lists name it."""
        return schema.kind(self.entry_type, self.status)

    @property
    def year_label(self) -> str:
        return self.year or NO_YEAR

    @property
    def published_in(self) -> str:
        """The venue it appeared in; empty while under review or a preprint."""
        return "" if self.status in UNREVIEWED else self.venue

    def line_of(self, field_name: str) -> int:
        return self.field_lines.get(field_name.lower(), self.line)


@dataclass
class BibData:
    """Everything read from the bib files of one build."""

    #: the keys read from each file, in file order
    files: dict[Path, list[str]] = field(default_factory=dict)
    #: each file's modification time when it was read (-inf: missing)
    mtimes: dict[Path, float] = field(default_factory=dict)
    #: the owner's names the authors were matched against
    owner: tuple[str, ...] = ()
    #: every problem, validation included (set by the build, reported on each build)
    checked: list[Problem] = field(default_factory=list)
    data: BibliographyData = field(default_factory=BibliographyData)
    publications: dict[str, Publication] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: per file, the lines where an entry starts as the text shows it, and as
    #: the parser met it: a line in the first and not the second was lost
    raw_starts: dict[Path, list[int]] = field(default_factory=dict)
    parsed_starts: dict[Path, set[int]] = field(default_factory=dict)
    #: a file-name-safe, unique slug per key: paper pages and anchors use it
    slugs: dict[str, str] = field(default_factory=dict)
    #: each entry parsed on its own, by its text: the next parse takes the entries
    #: whose text did not change from here (see :meth:`_LocatingParser.parse_by_entry`)
    chunks: dict[str, ParsedEntry] = field(default_factory=dict)


@dataclass
class ParsedEntry:
    """An entry as parsing its text alone gave it; lines count from that text's."""

    key: str
    line: int
    field_lines: dict[str, int]
    source: str
    entry: Entry
    publication: Publication | None = None


def publication_of(entry: Entry) -> Publication:
    """The model of a parsed entry: :func:`parse` sets it on the entry itself, so
    that what is handed an entry (the pybtex style) needs nothing else."""
    return entry.portfolio_publication  # type: ignore[no-any-return]


def mtime(path: Path) -> float:
    """As sphinxcontrib-bibtex records it, so that its cache check agrees."""
    try:
        return path.lstat().st_mtime
    except OSError:
        return -math.inf


#: what LaTeX decoding changes: commands, groups, math, ties, comments, the
#: ligatures (-- `` '' ,, << >> !` ?`), and white space other than single spaces
#: (pybtex's parser has already collapsed white space in field values)
_LATEX_MARKUP = re.compile(r"[\\{}$~%`\t\n\r\f\v]|--|''|,,|<<|>>|!`|\?`|  ")


@functools.lru_cache(maxsize=65536)
def latex_to_text(value: str) -> str:
    """Decode LaTeX markup (``{\\"u}``, ``{GPT}``) into plain Unicode text."""
    if _LATEX_MARKUP.search(value) is None:
        # plain text, the norm (UTF-8 in refs.bib): decoding would only drop
        # leading spaces, at a hundred times the cost
        return value.lstrip(" ")
    try:
        return decode_latex(value)
    except LATEX_ERRORS:
        # markup the decoder cannot read (a lone backslash): shown as written, and
        # reported by the validator (latex_markup)
        return value


#: what pybtex's LaTeX decoder raises on markup it cannot read
LATEX_ERRORS = (PybtexError, UnicodeDecodeError)


@functools.lru_cache(maxsize=65536)
def readable_latex(value: str) -> bool:
    """Whether pybtex's LaTeX decoder reads *value* (plain text it always does)."""
    if _LATEX_MARKUP.search(value) is None:
        return True
    try:
        decode_latex(value)
    except LATEX_ERRORS:
        return False
    return True


def decode_latex(value: str) -> str:
    return str(Text.from_latex(value).render(bibtex_adapter.backend("text")))


# -- parsing with locations --------------------------------------------------------

_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]\w*)[ \t]*[{(]", re.MULTILINE)
_NOT_ENTRIES = frozenset({"comment", "string", "preamble"})


class _LocatingParser(bibtex_adapter.LocatingParser):
    """pybtex's parser, remembering where each entry is and every error."""

    def __init__(
        self, bibdata: BibData, known: dict[str, ParsedEntry] | None = None
    ) -> None:
        super().__init__(encoding="utf-8-sig")
        self.bibdata = bibdata
        #: the entries of the last parse, by their text
        self.known = known or {}
        #: this parse's entries by their text, and where each starts
        self.parsed: dict[str, ParsedEntry] = {}
        self.lines: dict[str, tuple[int, dict[str, int]]] = {}
        self.path = Path()
        self.text = ""
        #: where each line ends in the text: lines are found by bisection
        self.newlines: list[int] = []
        self.entry_line = 0
        self.where: dict[str, tuple[Path, int, dict[str, int], str]] = {}

    def problem(self, line: int, kind: PortfolioWarning, message: str) -> None:
        self.bibdata.problems.append(Problem(self.path, line, kind, message))

    def use_text(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line_at(self, offset: int) -> int:
        return bisect.bisect_right(self.newlines, offset - 1) + 1

    def data_error(self, message: str) -> None:  # a repeated field
        self.problem(self.entry_line, PortfolioWarning.BIB_DATA, message)

    def syntax_error(self, offset: int, lineno: int | None, message: str) -> None:
        # Located at the start of its entry: an unclosed brace is found only
        # lines later, where the parser gives up.
        line = self.line_at(offset)
        message = f"syntax error: {message}"
        if lineno and lineno != line:
            message += f" on line {lineno}, in the entry that starts here"
        self.problem(line, PortfolioWarning.BIB_SYNTAX, message)

    def parse_file(self, path: Path) -> list[str]:
        self.path = path
        before = len(self.data.entries)
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            self.problem(
                line,
                PortfolioWarning.BIB_ENCODING,
                f"byte 0x{raw[error.start]:02x} is not UTF-8: save the file as UTF-8",
            )
            text = raw.decode("utf-8-sig", errors="replace")
        self.use_text(text)
        self.bibdata.raw_starts[path] = [
            self.line_at(match.start(1))
            for match in _ENTRY_START.finditer(text)
            if match.group(1).lower() not in _NOT_ENTRIES
        ]
        self.bibdata.parsed_starts[path] = set()
        if not self.parse_by_entry(text):
            self.parse_string(text)
        return list(self.data.entries)[before:]

    def parse_by_entry(self, text: str) -> bool:
        """Parse *text* as entries each on its own, taking those whose text is
        unchanged from the last parse; whether that gave what parsing the whole
        text gives.  It does when each piece from one ``@`` at a line's start to
        the next holds exactly one entry and parses cleanly, and the text has no
        ``@string`` or ``@preamble`` (a macro changes what follows it).  Otherwise
        nothing is kept, and the whole text is parsed."""
        starts = list(_ENTRY_START.finditer(text))
        if not starts or "@" in text[: starts[0].start()]:
            return False
        if any(match.group(1).lower() in _NOT_ENTRIES for match in starts):
            return False
        ends = [match.start() for match in starts[1:]] + [len(text)]
        pieces = []
        for match, end in zip(starts, ends, strict=True):
            piece = text[match.start() : end]
            parsed = self.known.get(piece) or self.parsed.get(piece)
            if parsed is None:
                parsed = self.parse_alone(piece)
                if parsed is None:
                    return False
            pieces.append((self.line_at(match.start()) - 1, piece, parsed))
        for offset, piece, parsed in pieces:
            line = offset + parsed.line
            field_lines = {name: offset + n for name, n in parsed.field_lines.items()}
            self.parsed[piece] = parsed
            self.bibdata.parsed_starts[self.path].add(line)
            if self.is_duplicate(parsed.key, line):
                continue
            self.where[parsed.key.lower()] = (
                self.path,
                line,
                field_lines,
                parsed.source,
            )
            self.data.add_entry(parsed.key, parsed.entry)
        return True

    def parse_alone(self, piece: str) -> ParsedEntry | None:
        """*piece* parsed on its own, if it holds one entry and nothing else."""
        alone = _LocatingParser(BibData(parsed_starts={self.path: set()}))
        alone.path = self.path
        alone.parse_string(piece)
        if (
            alone.bibdata.problems
            or len(alone.data.entries) != 1
            or alone.holds_preamble()
            or alone.macro_count() != self.macro_count()
        ):
            return None
        key, entry = next(iter(alone.data.entries.items()))
        _, line, field_lines, source = alone.where[key.lower()]
        return ParsedEntry(key, line, field_lines, source, entry)

    def is_duplicate(self, key: str, line: int) -> bool:
        """Whether *key* was read before; if so, say where."""
        first = self.where.get(key.lower())
        if first is None:
            return False
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
        return True

    def parse_string(self, text: str) -> BibliographyData:
        if text is not self.text:
            self.use_text(text)
        for command in self.commands(text):
            source = text[command.start : command.end].strip()
            line = self.line_at(command.start)
            self.bibdata.parsed_starts[self.path].add(line)
            self.process_located_entry(command, line, source)
        return self.data

    def process_located_entry(
        self, command: bibtex_adapter.Command, line: int, source: str
    ) -> None:
        key = command.body[0]
        if key is None:  # a syntax error, already reported, cut the entry short
            return
        if self.is_duplicate(key, line):
            return
        self.where[key.lower()] = (self.path, line, command.field_lines, source)
        self.entry_line = line
        for error in self.process_captured(command):
            self.problem(line, PortfolioWarning.BIB_DATA, f"{key}: {error}")


def parse(
    paths: Iterable[Path], owner: Iterable[str], previous: BibData | None = None
) -> BibData:
    """Parse *paths* in order into one :class:`BibData`, never raising on content.

    The entries whose text is unchanged since *previous* are taken from it, their
    lines moved (the result is the same as without it)."""
    bibdata = BibData(owner=tuple(owner))
    known = previous.chunks if previous and previous.owner == bibdata.owner else {}
    parser = _LocatingParser(bibdata, known)
    owners = [name_key(Person(name)) for name in bibdata.owner]
    for path in paths:
        bibdata.mtimes[path] = mtime(path)
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
    bibdata.chunks = parser.parsed
    alone = {id(parsed.entry): parsed for parsed in parser.parsed.values()}
    for key, entry in parser.data.entries.items():
        path, line, field_lines, source = parser.where[key.lower()]
        parsed = alone.get(id(entry))
        if parsed is not None and parsed.publication is not None:
            pub = replace(
                parsed.publication,
                path=path,
                line=line,
                field_lines=field_lines,
                source=source,
            )
        else:
            pub = _publication(key, entry, owners, path, line, field_lines, source)
            if parsed is not None:
                parsed.publication = pub
        bibdata.publications[key] = pub
        entry.portfolio_publication = pub
        # sphinxcontrib-bibtex's :filter: reads the raw fields: give it the
        # normalised values ("Under Review" is "under review", "true" is "yes")
        if pub.status:
            entry.fields["status"] = pub.status
        if pub.selected:
            entry.fields["selected"] = "yes"
    bibdata.slugs = make_slugs(bibdata.publications)
    return bibdata


def _slug_base(key: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", key.lower()).strip("-") or "entry"


def make_slugs(keys: Iterable[str]) -> dict[str, str]:
    """A file-name-safe slug for each key, unique among *keys*, and the same
    whatever their order: a key that is its own slug keeps it; keys that would
    share a slug otherwise get a digest of the key appended."""
    keys = list(keys)
    bases = {key: _slug_base(key) for key in keys}
    shared = Counter(bases.values())
    return {
        key: base
        if shared[base] == 1 or key == base
        else f"{base}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
        for key, base in bases.items()
    }


# -- the publication model ---------------------------------------------------------

#: (label, field, URL template) of each link, in the order they are shown.
LINK_FIELDS = (
    ("Paper", "url", "{}"),
    ("arXiv", "eprint", "https://arxiv.org/abs/{}"),
    ("Code", "code", "{}"),
    ("DOI", "doi", "https://doi.org/{}"),
    ("OpenReview", "openreview", "{}"),
    ("Project", "project", "{}"),
)
POSITIONS = re.compile(r"^\s*\d+(\s*,\s*\d+)*\s*$")

NameKey = tuple[tuple[str, ...], tuple[str, ...]]


def _fold(text: str) -> str:
    """Case- and accent-insensitive form of a name part, without dots."""
    decomposed = unicodedata.normalize("NFKD", latex_to_text(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace(".", "").casefold().strip()


def name_key(person: Person) -> NameKey:
    given = tuple(_fold(part) for part in person.first_names + person.middle_names)
    last = tuple(_fold(part) for part in person.prelast_names + person.last_names)
    return given, last


def is_owner(person: Person, owners: Iterable[NameKey]) -> bool:
    """Whether *person* is one of *owners*: same family name, same given names or
    their initials (``D. Dong`` is ``Daize Dong``; ``Daniel Dong`` is not)."""
    given, last = name_key(person)
    for owner_given, owner_last in owners:
        if last != owner_last or len(given) != len(owner_given):
            continue
        if all(
            a == b or (min(len(a), len(b)) == 1 and a[:1] == b[:1])
            for a, b in zip(given, owner_given, strict=True)
        ):
            return True
    return False


def is_web_url(value: str) -> bool:
    """An absolute http(s) URL without whitespace: the only links the site shows."""
    parts = urlsplit(value)
    return (
        parts.scheme in {"http", "https"}
        and bool(parts.netloc)
        and not re.search(r"\s", value)
    )


def equal_positions(value: str) -> set[int]:
    """The author positions of an ``equal_contribution`` field; empty if malformed."""
    if not POSITIONS.match(value):
        return set()
    return {int(n) for n in value.split(",")}


def _author(person: Person, owners: list[NameKey], equal: bool) -> Author:
    given = latex_to_text(" ".join(person.first_names + person.middle_names))
    family = latex_to_text(
        " ".join(person.prelast_names + person.last_names + person.lineage_names)
    )
    return Author(
        name=f"{given} {family}".strip(),
        given=given,
        family=family,
        is_owner=is_owner(person, owners),
        equal=equal,
    )


def _publication(
    key: str,
    entry: Entry,
    owners: list[NameKey],
    path: Path,
    line: int,
    field_lines: dict[str, int],
    source: str,
) -> Publication:
    fields = entry.fields

    def text(name: str) -> str:
        return latex_to_text(fields.get(name, "")).strip()

    persons = entry.persons.get("author", [])
    equal = equal_positions(fields.get("equal_contribution", ""))
    status = fields.get("status", "").strip().lower()
    eprint = fields.get("eprint", "").strip()
    is_arxiv = fields.get("archiveprefix", "arXiv").strip().lower() == "arxiv"
    return Publication(
        key=key,
        entry_type=entry.type.lower(),
        title=text("title"),
        authors=tuple(
            _author(person, owners, n in equal)
            for n, person in enumerate(persons, start=1)
        ),
        venue=text("journal") or text("booktitle") or text("howpublished"),
        abbr=text("abbr"),
        year=fields.get("year", "").strip(),
        status=status if status in STATUSES else "",
        links=tuple(
            Link(label, url)
            for label, name, template in LINK_FIELDS
            if fields.get(name, "").strip()
            # a javascript: or relative "link" is reported by the validator, never shown
            and is_web_url(url := template.format(fields[name].strip()))
        ),
        selected=fields.get("selected", "").strip().lower() in {"yes", "true"},
        old_title=text("oldtitle"),
        topics=tuple(
            topic.strip() for topic in text("keywords").split(",") if topic.strip()
        ),
        abstract=text("abstract"),
        pages=text("pages"),
        doi=fields.get("doi", "").strip(),
        arxiv=eprint if is_arxiv else "",
        month=month_number(fields.get("month", "")) or 0,
        path=path,
        line=line,
        field_lines=field_lines,
        source=source,
    )


#: the month names BibTeX knows (its macros jan ... dec expand to them)
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def month_number(value: str) -> int | None:
    """1 to 12 for "3", "Mar", "March" (pybtex expands ``mar`` to "March"); 0 for
    no month; None for a value that is not a month."""
    value = value.strip().rstrip(".").lower()
    if not value:
        return 0
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else None
    for number, name in enumerate(MONTHS, start=1):
        if len(value) >= 3 and name.startswith(value):
            return number
    return None


def order_key(pub: Publication) -> tuple[Any, ...]:
    """Newest first by content alone, never by position in the file: works in
    progress (no year) first, then by year and month, newest first; within
    those, by first author, title and key (each key is unique, so the order is
    total and moving an entry in refs.bib changes nothing)."""
    first = pub.authors[0] if pub.authors else None
    return (
        -int(pub.year) if pub.year.isdigit() else -10_000,
        -pub.month,
        _fold(first.family) if first else "",
        _fold(first.given) if first else "",
        pub.title.casefold(),
        pub.key,
    )


def newest_first(pubs: Iterable[Publication]) -> Iterator[Publication]:
    """*pubs* in :func:`order_key`'s order."""
    return iter(sorted(pubs, key=order_key))
