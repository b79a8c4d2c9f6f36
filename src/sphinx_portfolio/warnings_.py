"""The registry of every warning this extension emits.

Each problem goes through Sphinx's logger with ``type="portfolio"`` and one of
these subtypes, so ``-W`` makes it fatal, ``suppress_warnings =
["portfolio.<subtype>"]`` silences it, and the message carries ``file:line``.
"""

from __future__ import annotations

from enum import Enum

from sphinx.util import logging

LOGGER = logging.getLogger("sphinx_portfolio")

WARNING_TYPE = "portfolio"


class PortfolioWarning(Enum):
    """The subtypes, each with what it means."""

    BIB_SYNTAX = "bib-syntax"
    """refs.bib is not valid BibTeX at this line."""
    BIB_MISSING = "bib-missing"
    """A configured bib file does not exist."""
    DUPLICATE_KEY = "duplicate-key"
    """Two entries share a key; the later one is not rendered."""
    BIB_DATA = "bib-data"
    """pybtex rejected the data of an entry (a repeated field, a malformed name)."""
    OWNER_MISSING = "owner-missing"
    """The site's owner is not among the entry's authors."""
    EQUAL_CONTRIBUTION = "equal-contribution"
    """``equal_contribution`` is not a list of author positions."""
    UNKNOWN_STATUS = "unknown-status"
    """``status`` is not one of the known statuses."""

    def log(self, message: str, location: str) -> None:
        """Log *message* at *location* (``path:line``) under this subtype."""
        LOGGER.warning(
            message, type=WARNING_TYPE, subtype=self.value, location=location
        )
