"""The pybtex formatting style behind every publication list.

sphinxcontrib-bibtex looks a style up by name and instantiates it without
arguments, so the style reads the build's publication model from class attributes
that :func:`register_style` sets for each build.  It formats that model; it does not
re-derive anything from the raw BibTeX fields.

An entry reads::

    Title. Authors (owner in bold, * for equal contribution). Venue (ABBR YEAR).
    Status. [Paper] [arXiv] [Code] [DOI] [OpenReview] [Project]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import ClassVar

from pybtex.database import Entry
from pybtex.plugin import register_plugin
from pybtex.richtext import HRef, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from pybtex.style.labels.number import LabelStyle
from pybtex.style.names.plain import NameStyle
from pybtex.style.sorting.none import SortingStyle

from .bibdata import Author, Publication, newest_first

STYLE_NAME = "portfolio"


class PublicationStyle(BaseStyle):  # type: ignore[misc]
    """Formats :class:`Publication` objects; sorted newest first."""

    # classes, not names: pybtex would look names up among the installed entry
    # points, 10 ms a lookup, three for each of the styles made on every build
    default_name_style = NameStyle
    default_label_style = LabelStyle
    default_sorting_style = SortingStyle

    publications: ClassVar[Mapping[str, Publication]] = {}
    #: key -> formatted entry, shared by every list and every build of one parse
    formatted: ClassVar[dict[str, Text]] = {}

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        # BaseStyle binds these from its sorting and label plugins on the instance
        self.sort = self.newest_first
        self.format_labels = self.numbered

    def newest_first(self, entries: Iterable[Entry]) -> list[Entry]:
        by_key = {entry.key: entry for entry in entries}
        order = newest_first(self.publications[key] for key in by_key)
        return [by_key[pub.key] for pub in order]

    def numbered(self, entries: Iterable[Entry]) -> Iterator[str]:
        return (str(n) for n, _ in enumerate(entries, start=1))

    def format_entry(
        self, label: str, entry: Entry, bib_data: object = None
    ) -> FormattedEntry:
        text = self.formatted.get(entry.key)
        if text is None:
            text = format_publication(self.publications[entry.key])
            self.formatted[entry.key] = text
        return FormattedEntry(entry.key, text, label)


def format_author(author: Author) -> Text:
    name = Tag("strong", author.name) if author.is_owner else Text(author.name)
    return Text(name, Tag("sup", "*")) if author.equal else Text(name)


def format_authors(pub: Publication) -> Text:
    return Text(", ").join([format_author(author) for author in pub.authors])


def format_venue(pub: Publication) -> Text:
    """Venue (ABBR YEAR) and status, e.g. "*ICME (ICME 2024).* Oral."."""
    parts: list[Text | Tag | str] = []
    if pub.venue:
        venue = f"{pub.venue} ({pub.venue_label})" if pub.venue_label else pub.venue
        if pub.status == "under review":
            parts += ["Under review at ", Tag("em", venue), "."]
        else:
            parts += [Tag("em", venue)]
            parts += ["."] if pub.venue_label or not pub.year else [f", {pub.year}."]
    elif pub.year:
        parts += [f"{pub.year}."]
    if pub.status_label and not (pub.status == "under review" and pub.venue):
        parts += [" " if parts else "", f"{pub.status_label}."]
    if pub.old_title:
        parts += [" Earlier title: ", Tag("em", pub.old_title), "."]
    return Text(*parts)


def format_links(pub: Publication) -> Text:
    return Text(" ").join(
        [Text("[", HRef(link.url, link.label), "]") for link in pub.links]
    )


def format_publication(pub: Publication) -> Text:
    """The whole list entry: title, authors, venue and status, links."""
    parts: list[Text | Tag | str] = [Tag("strong", f"{pub.title}.")]
    if pub.authors:
        parts += [" ", format_authors(pub), "."]
    for part in (format_venue(pub), format_links(pub)):
        if len(part):
            parts += [" ", part]
    return Text(*parts)


def register_style(
    publications: Mapping[str, Publication], formatted: dict[str, Text]
) -> None:
    """Make ``bibtex_default_style = "portfolio"`` format *publications*, keeping
    each formatted entry in *formatted*.

    The class is registered once a process (pybtex scans the installed entry
    points on each registration); each build sets its own model on it, so a
    process that builds several sites in turn (the test suite) formats each
    with its own.
    """
    PublicationStyle.publications = publications
    PublicationStyle.formatted = formatted
    if not _registered:
        register_plugin(
            "pybtex.style.formatting", STYLE_NAME, PublicationStyle, force=True
        )
        _registered.append(True)


_registered: list[bool] = []
