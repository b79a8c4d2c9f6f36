"""Diagnostics: the registry of every warning this extension emits, and the
located :class:`Problem` the checks of refs.bib return.

Each problem goes through Sphinx's logger with ``type="portfolio"`` and one of
these subtypes, so ``-W`` makes it fatal, ``suppress_warnings =
["portfolio.<subtype>"]`` silences it, and the message carries ``file:line``.
``python -m sphinx_portfolio check`` prints the same problems as
``refs.bib:LINE: [subtype] message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from sphinx.util import logging

LOGGER = logging.getLogger("sphinx_portfolio")

WARNING_TYPE = "portfolio"


class PortfolioWarning(Enum):
    """The subtypes, each with what it means."""

    BIB_MISSING = "bib-missing"
    """A configured bib file does not exist."""
    BIB_ENCODING = "bib-encoding"
    """The file is not UTF-8 (the rest is read with the bad bytes replaced)."""
    BIB_SYNTAX = "bib-syntax"
    """The file is not valid BibTeX at this line."""
    DUPLICATE_KEY = "duplicate-key"
    """Two entries share a key; the later one is not rendered."""
    LOST_ENTRY = "lost-entry"
    """An entry was swallowed by the one before it (unbalanced braces)."""
    BIB_DATA = "bib-data"
    """pybtex rejected the data of an entry (a repeated field, a malformed name)."""
    UNKNOWN_TYPE = "unknown-type"
    """The entry type is not one of BibTeX's."""
    MISSING_FIELD = "missing-field"
    """A field the entry type requires is absent or empty."""
    BAD_YEAR = "bad-year"
    """``year`` is not a four-digit year."""
    BAD_MONTH = "bad-month"
    """``month`` is not a month (1 to 12, or its name)."""
    BAD_URL = "bad-url"
    """A link field is not an absolute http(s) URL."""
    BAD_ARXIV = "bad-arxiv"
    """``eprint`` is not an arXiv identifier such as 2406.02500."""
    BAD_DOI = "bad-doi"
    """``doi`` is not a bare DOI such as 10.18653/v1/2023.acl-long.803."""
    LATEX_ESCAPE = "latex-escape"
    """A LaTeX command that would render wrongly; write the UTF-8 character."""
    BRACE_IN_WORD = "brace-in-word"
    """Braces inside a word split it on the page and in search."""
    OWNER_MISSING = "owner-missing"
    """The site's owner is not among the entry's authors."""
    EQUAL_CONTRIBUTION = "equal-contribution"
    """``equal_contribution`` is not a list of author positions."""
    UNKNOWN_STATUS = "unknown-status"
    """``status`` is not one of the known statuses."""
    BAD_SELECTED = "bad-selected"
    """``selected`` is not yes, no, true or false."""
    UNLISTED = "unlisted"
    """An entry appears in no publication list of the site (build only)."""
    CV_PDF = "cv-pdf"
    """The CV PDF could not be written (Typst missing or failing, or
    ``portfolio_cv_doc`` names no document)."""
    SOCIAL_CARD = "social-card"
    """A page's social card (sphinxext-opengraph) could not be drawn."""
    SEARCH = "search"
    """The search index could not be built (Pagefind missing or failing)."""
    NEWS = "news"
    """news.toml cannot be read or parsed, has a table or key it does not know,
    or an item without a date of the calendar or without text."""
    EMPTY_LIST = "empty-list"
    """A publication list shows no work (its filter matches none, or refs.bib is
    empty)."""
    FILTER = "filter"
    """A ``:filter:`` names a field no entry has, or a key no entry has."""
    CONFIG = "config"
    """A ``portfolio_*`` value in conf.py is not what the option takes (its default
    is used)."""
    DIRECTIVE = "directive"
    """A directive of ours was given an option value it does not know, or cannot
    show what it is for (``cv-download`` without a PDF, a filter without a list)."""

    def log(self, message: str, location: str | tuple[str, int] | Any) -> None:
        """Log *message* at *location* (``path:line`` or ``(docname, line)``)."""
        LOGGER.warning(
            message, type=WARNING_TYPE, subtype=self.value, location=location
        )


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    kind: PortfolioWarning
    message: str

    @property
    def location(self) -> str:
        return f"{display_path(self.path)}:{self.line}"

    def __str__(self) -> str:
        return f"{self.location}: [{self.kind.value}] {self.message}"


def display_path(path: Path) -> str:
    """*path* relative to the working directory when it lies below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
