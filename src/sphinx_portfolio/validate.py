"""The rules a refs.bib must pass, shared by the build and ``check``.

Each rule looks at one entry (or the whole file) and yields located
:class:`~.bibdata.Problem` objects; :func:`check` runs them all and returns every
problem at once, ordered by file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from pybtex.database import Entry, Person

from .bibdata import (
    BibData,
    NameKey,
    Publication,
    equal_positions,
    is_owner,
    is_web_url,
    month_number,
    name_key,
    readable_latex,
)
from .diagnostics import PortfolioWarning as W
from .diagnostics import Problem
from .schema import ENTRY_TYPES, STATUSES

#: BibTeX's entry types and the fields each requires ("a|b": one of them).
REQUIRED = {name: kind.required for name, kind in ENTRY_TYPES.items()}
#: What the site itself needs of every entry, whatever its type.
SITE_REQUIRED = ("author", "title")
URL_FIELDS = ("url", "code", "openreview", "project")
#: Fields shown as text, where LaTeX markup would render wrongly.
TEXT_FIELDS = (
    "title",
    "journal",
    "booktitle",
    "howpublished",
    "abbr",
    "note",
    "oldtitle",
    "abstract",
    "keywords",
    "address",
    "publisher",
    "school",
    "institution",
)

YEAR = re.compile(r"^\d{4}$")
ARXIV = re.compile(
    r"^(?:\d{2}(?:0[1-9]|1[0-2])\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$"
)
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
#: A LaTeX control sequence: an accent (\'e, \"{u}), a letter (\i, \ss) or a word
#: (\textbf). Escaped specials (\% \& \_ \# \$) render fine; so does math.
LATEX = re.compile(
    r"\\(?:[\'\"`^~=.]\s*(?:\{\\?\w*\}|\\?\w)|[A-Za-z]+|[^\sA-Za-z%&_#${}])"
)
MATH = re.compile(r"\$[^$]*\$")
BRACE_IN_WORD = re.compile(r"\w\{[^{}\\]*\}|\{[^{}\\]*\}\w")

Rule = Callable[[Publication, Entry, list[NameKey]], Iterator[Problem]]


def _problem(pub: Publication, field: str, kind: W, message: str) -> Problem:
    return Problem(pub.path, pub.line_of(field), kind, f"{pub.key}: {message}")


def required_fields(
    pub: Publication, entry: Entry, owners: list[NameKey]
) -> Iterator[Problem]:
    required = REQUIRED.get(pub.entry_type)
    if required is None:
        known = ", ".join(sorted(REQUIRED))
        yield _problem(
            pub,
            "",
            W.UNKNOWN_TYPE,
            f'unknown entry type "@{entry.type}"; use one of: {known}',
        )
        required = ()
    for alternatives in dict.fromkeys((*required, *SITE_REQUIRED)):
        names = alternatives.split("|")
        if not any(
            entry.fields.get(n, "").strip() or entry.persons.get(n) for n in names
        ):
            what = " or ".join(f'"{n}"' for n in names)
            yield _problem(
                pub, "", W.MISSING_FIELD, f"@{pub.entry_type} needs a {what} field"
            )


def field_formats(
    pub: Publication, entry: Entry, owners: list[NameKey]
) -> Iterator[Problem]:
    fields = entry.fields
    year = fields.get("year", "").strip()
    if "year" in fields and not YEAR.match(year):
        yield _problem(
            pub, "year", W.BAD_YEAR, f'year "{year}" is not a four-digit year'
        )
    month = fields.get("month", "")
    if "month" in fields and month_number(month) is None:
        yield _problem(
            pub,
            "month",
            W.BAD_MONTH,
            f'month "{month.strip()}" is not a month: write 1 to 12, jan, or January',
        )
    for name in URL_FIELDS:
        if name not in fields:
            continue
        value = fields[name].strip()
        if not is_web_url(value):
            yield _problem(
                pub, name, W.BAD_URL, f'{name} "{value}" is not an absolute http(s) URL'
            )
    if pub.arxiv and not ARXIV.match(pub.arxiv):
        yield _problem(
            pub,
            "eprint",
            W.BAD_ARXIV,
            f'eprint "{pub.arxiv}" is not an arXiv identifier such as 2406.02500',
        )
    if "doi" in fields and not DOI.match(pub.doi):
        yield _problem(
            pub,
            "doi",
            W.BAD_DOI,
            f'doi "{pub.doi}" is not a bare DOI such as 10.18653/v1/2023.acl-long.803 '
            "(no https://doi.org/ in front)",
        )


def _text_values(entry: Entry) -> Iterator[tuple[str, str]]:
    for name in TEXT_FIELDS:
        if name in entry.fields:
            yield name, entry.fields[name]
    for role, persons in entry.persons.items():
        for person in persons:
            yield role.lower(), str(person)


def latex_markup(
    pub: Publication, entry: Entry, owners: list[NameKey]
) -> Iterator[Problem]:
    for name, value in _text_values(entry):
        text = MATH.sub("", value)
        if not readable_latex(value):
            yield _problem(
                pub,
                name,
                W.LATEX_ESCAPE,
                f"{name} has LaTeX markup that cannot be read (a lone backslash?): "
                "write the text itself (UTF-8), and \\ only before %, &, _, # or $",
            )
            continue
        escape = LATEX.search(text)
        if escape:
            yield _problem(
                pub,
                name,
                W.LATEX_ESCAPE,
                f'{name} has the LaTeX command "{escape.group()}", which does not '
                "render on the site or in search: write the character itself (UTF-8)",
            )
            continue
        braces = BRACE_IN_WORD.search(text)
        if braces:
            yield _problem(
                pub,
                name,
                W.BRACE_IN_WORD,
                f'{name} has braces inside a word ("{braces.group()}"), which split it '
                "on the page and in search: brace the whole word or none of it",
            )


def people(pub: Publication, entry: Entry, owners: list[NameKey]) -> Iterator[Problem]:
    persons: list[Person] = entry.persons.get("author", [])
    if persons and not any(is_owner(person, owners) for person in persons):
        yield _problem(
            pub,
            "author",
            W.OWNER_MISSING,
            "the site's owner is not among the authors "
            "(see portfolio_owner and portfolio_owner_aliases)",
        )
    value = entry.fields.get("equal_contribution", "")
    if "equal_contribution" in entry.fields:
        positions = equal_positions(value)
        if not positions or not all(1 <= n <= len(persons) for n in positions):
            yield _problem(
                pub,
                "equal_contribution",
                W.EQUAL_CONTRIBUTION,
                f'equal_contribution "{value}" must list author positions between 1 '
                f"and {len(persons)}, e.g. {{1, 2}}",
            )


def status(pub: Publication, entry: Entry, owners: list[NameKey]) -> Iterator[Problem]:
    value = entry.fields.get("status", "").strip()
    if "status" in entry.fields and value.lower() not in STATUSES:
        yield _problem(
            pub,
            "status",
            W.UNKNOWN_STATUS,
            f'unknown status "{value}"; use one of: {", ".join(STATUSES)}, or leave it '
            "out for a published work",
        )


#: what ``selected`` takes (anything else would quietly leave the work out)
SELECTED = ("yes", "no", "true", "false")


def selected(
    pub: Publication, entry: Entry, owners: list[NameKey]
) -> Iterator[Problem]:
    value = entry.fields.get("selected", "").strip()
    if "selected" in entry.fields and value.lower() not in SELECTED:
        yield _problem(
            pub,
            "selected",
            W.BAD_SELECTED,
            f'selected "{value}" must be one of: {", ".join(SELECTED)}',
        )


RULES: tuple[Rule, ...] = (
    required_fields,
    field_formats,
    latex_markup,
    people,
    status,
    selected,
)


def lost_entries(bibdata: BibData) -> Iterator[Problem]:
    """Entries the text shows but the parser never met: no entry vanishes."""
    for path, starts in bibdata.raw_starts.items():
        parsed = bibdata.parsed_starts.get(path, set())
        for line in starts:
            if line not in parsed:
                yield Problem(
                    path,
                    line,
                    W.LOST_ENTRY,
                    "this entry was not read: it lies inside the entry before it, "
                    "whose braces do not balance",
                )


def check(bibdata: BibData, owner: Iterable[str]) -> list[Problem]:
    """Every problem of *bibdata*, parse problems included, by file and line."""
    owners = [name_key(Person(name)) for name in owner]
    problems = [*bibdata.problems, *lost_entries(bibdata)]
    # an entry cut short by a syntax error would only repeat it as missing fields
    broken = {(p.path, p.line) for p in bibdata.problems if p.kind is W.BIB_SYNTAX}
    for key, pub in bibdata.publications.items():
        if (pub.path, pub.line) in broken:
            continue
        entry = bibdata.data.entries[key]
        for rule in RULES:
            problems.extend(rule(pub, entry, owners))
    order = {path: n for n, path in enumerate(bibdata.files)}
    return sorted(problems, key=lambda p: (order.get(p.path, -1), p.line))
