"""The pybtex formatting style behind every publication list.

sphinxcontrib-bibtex looks a style up by name and instantiates it without
arguments, then hands it pybtex entries: the style formats the model each entry
carries (:func:`.bibdata.publication_of`), and re-derives nothing from the raw
BibTeX fields.  It holds no state: each entry keeps its own formatted text, which
lives as long as the entry (in the environment, while its text is unchanged).

A list entry reads::

    Title. Authors (owner in bold, * for equal contribution). Venue.

and ``lists.py`` sets beside it the badges (:func:`badges`: "ICML 2024", "Oral")
and the links (Paper, arXiv, Code, DOI, OpenReview, Project) as buttons. A paper's
own page reads the venue as ``Venue (ABBR YEAR). Status.`` (:func:`format_venue`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import cast

from pybtex.database import Entry
from pybtex.richtext import HRef, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from pybtex.style.labels.number import LabelStyle
from pybtex.style.names.plain import NameStyle
from pybtex.style.sorting.none import SortingStyle

from . import bibtex_adapter
from .bibdata import Author, BibData, Publication, newest_first, publication_of

STYLE_NAME = "portfolio"


class PublicationStyle(BaseStyle):  # type: ignore[misc]
    """Formats :class:`Publication` objects; sorted newest first."""

    # classes, not names: pybtex would look names up among the installed entry
    # points, 10 ms a lookup, three for each of the styles made on every build
    default_name_style = NameStyle
    default_label_style = LabelStyle
    default_sorting_style = SortingStyle

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        # BaseStyle binds these from its sorting and label plugins on the instance
        self.sort = self.newest_first
        self.format_labels = self.numbered

    def newest_first(self, entries: Iterable[Entry]) -> list[Entry]:
        by_key = {entry.key: entry for entry in entries}
        order = newest_first(publication_of(entry) for entry in by_key.values())
        return [by_key[pub.key] for pub in order]

    def numbered(self, entries: Iterable[Entry]) -> Iterator[str]:
        return (str(n) for n, _ in enumerate(entries, start=1))

    def format_entry(
        self, label: str, entry: Entry, bib_data: object = None
    ) -> FormattedEntry:
        return FormattedEntry(entry.key, formatted(entry), label)


#: the attribute of an entry holding its formatted text
FORMATTED = "portfolio_formatted"


def formatted(entry: Entry) -> Text:
    """The entry's list text, formatted once (sphinxcontrib-bibtex formats every
    list on every build) and kept on the entry."""
    text = getattr(entry, FORMATTED, None)
    if text is None:
        text = format_publication(publication_of(entry))
        setattr(entry, FORMATTED, text)
    return cast(Text, text)


def keep_formatted(previous: BibData, parsed: BibData) -> None:
    """A work whose model is unchanged keeps its formatted text in a new parse
    (whose entries may be new objects, when the file was parsed whole)."""
    if previous.owner != parsed.owner:
        return
    for key, entry in parsed.data.entries.items():
        old = previous.data.entries.get(key)
        text = getattr(old, FORMATTED, None)
        if (
            text is not None
            and old is not entry
            and previous.publications.get(key) == parsed.publications.get(key)
        ):
            setattr(entry, FORMATTED, text)


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


def badges(pub: Publication) -> list[tuple[str, str]]:
    """The badges of a list entry, (kind, text): the venue with its year ("ICML
    2024"; not for a work under review, which names its venue in words) and the
    status (Oral, Workshop, Preprint, Under review)."""
    found = []
    if pub.venue_label and pub.status != "under review":
        found.append(("venue", pub.venue_label))
    if pub.status_label:
        found.append((pub.status.replace(" ", "-"), pub.status_label))
    return found


def format_list_venue(pub: Publication) -> Text:
    """The venue in words, where the badges do not say it all: "*Venue*." (the
    year in the venue's badge), "*Venue*, 2024.", "Under review at *Venue*."."""
    parts: list[Text | Tag | str] = []
    if pub.venue:
        if pub.status == "under review":
            parts += ["Under review at ", Tag("em", pub.venue), "."]
        else:
            parts += [Tag("em", pub.venue)]
            parts += ["."] if pub.venue_label or not pub.year else [f", {pub.year}."]
    elif pub.year and not pub.venue_label:
        parts += [f"{pub.year}."]
    if pub.old_title:
        parts += [" Earlier title: " if parts else "Earlier title: "]
        parts += [Tag("em", pub.old_title), "."]
    return Text(*parts)


def format_links(pub: Publication) -> Text:
    return Text(" ").join(
        [Text("[", HRef(link.url, link.label), "]") for link in pub.links]
    )


def format_publication(pub: Publication) -> Text:
    """A list entry's text: title, authors, venue (badges and links aside)."""
    parts: list[Text | Tag | str] = [Tag("strong", f"{pub.title}.")]
    if pub.authors:
        parts += [" ", format_authors(pub), "."]
    venue = format_list_venue(pub)
    if len(venue):
        parts += [" ", venue]
    return Text(*parts)


def register_style() -> None:
    """``bibtex_default_style = "portfolio"``: this style."""
    bibtex_adapter.register_style(STYLE_NAME, PublicationStyle)
