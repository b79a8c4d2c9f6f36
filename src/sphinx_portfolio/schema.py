"""The one table of what a work can be: BibTeX's entry types, our statuses and our
fields of refs.bib, with everything each module derives from them (the fields
required, the kind the filter and the lists name, the CSL-JSON type, how metadata
names the venue, what the exports leave out).  CONFIGURATION.md is written from
here (:mod:`.reference`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntryType:
    #: BibTeX's fields this type requires ("a|b": one of them)
    required: tuple[str, ...]
    #: the kind shown by the filter and the lists (a status may name it instead)
    kind: str = "Other"
    #: the CSL-JSON item type
    csl: str = "article"
    #: whether its venue is a periodical (a journal), else a book or proceedings
    periodical: bool = False
    #: the RIS reference type (``TY``) and EndNote's (``%0``)
    ris: str = "GEN"
    endnote: str = "Generic"
    #: Zotero's item type (what its Embedded Metadata translator should save)
    zotero: str = "document"


#: what BibTeX's two names for each of these kinds share
CONFERENCE_PAPER = EntryType(
    ("author", "title", "booktitle", "year"),
    "Conference",
    "paper-conference",
    ris="CPAPER",
    endnote="Conference Paper",
    zotero="conferencePaper",
)
THESIS = EntryType(
    ("author", "title", "school", "year"),
    "Thesis",
    "thesis",
    ris="THES",
    endnote="Thesis",
    zotero="thesis",
)
#: BibTeX's entry types, each with what the site makes of it.
ENTRY_TYPES: dict[str, EntryType] = {
    "article": EntryType(
        ("author", "title", "journal", "year"),
        "Journal",
        "article-journal",
        True,
        "JOUR",
        "Journal Article",
        "journalArticle",
    ),
    "book": EntryType(
        ("author|editor", "title", "publisher", "year"),
        csl="book",
        ris="BOOK",
        endnote="Book",
        zotero="book",
    ),
    "booklet": EntryType(("title",)),
    "conference": CONFERENCE_PAPER,
    "inbook": EntryType(
        ("author|editor", "title", "chapter|pages", "publisher", "year")
    ),
    "incollection": EntryType(
        ("author", "title", "booktitle", "publisher", "year"),
        csl="chapter",
        ris="CHAP",
        endnote="Book Section",
        zotero="bookSection",
    ),
    "inproceedings": CONFERENCE_PAPER,
    "manual": EntryType(("title",)),
    "mastersthesis": THESIS,
    "misc": EntryType(()),
    "phdthesis": THESIS,
    "proceedings": EntryType(("title", "year")),
    "techreport": EntryType(
        ("author", "title", "institution", "year"),
        csl="report",
        ris="RPRT",
        endnote="Report",
        zotero="report",
    ),
    "unpublished": EntryType(
        ("author", "title", "note"),
        csl="manuscript",
        ris="UNPB",
        endnote="Unpublished Work",
        zotero="manuscript",
    ),
}
#: what an entry of a type not in the table is taken as (the validator names it)
OTHER_TYPE = EntryType(())


@dataclass(frozen=True)
class Status:
    #: how the lists show it
    label: str
    #: whether the work went through peer review
    reviewed: bool = True
    #: whether it names the work's kind in the filter, in place of its type's
    names_kind: bool = True
    #: the RIS, EndNote, CSL and Zotero types it gives the work in place of its
    #: entry type's
    ris: str = ""
    endnote: str = ""
    csl: str = ""
    zotero: str = ""


#: The ``status`` field's values (absent: published).
STATUS_TABLE: dict[str, Status] = {
    "oral": Status("Oral", names_kind=False),
    "workshop": Status("Workshop"),
    "preprint": Status(
        "Preprint",
        False,
        ris="UNPB",
        endnote="Unpublished Work",
        csl="article",
        zotero="preprint",
    ),
    "under review": Status(
        "Under review",
        False,
        ris="UNPB",
        endnote="Unpublished Work",
        csl="manuscript",
        zotero="manuscript",
    ),
}
#: Display labels of the ``status`` field's values.
STATUSES = {name: status.label for name, status in STATUS_TABLE.items()}
#: Statuses of works that are not (yet) peer-reviewed publications.
UNREVIEWED = frozenset(name for name, s in STATUS_TABLE.items() if not s.reviewed)


def entry_type(name: str) -> EntryType:
    return ENTRY_TYPES.get(name, OTHER_TYPE)


def kind(type_name: str, status: str) -> str:
    """What kind of work this is, as the filter and the lists name it."""
    named = STATUS_TABLE.get(status)
    if named is not None and named.names_kind:
        return named.label
    return entry_type(type_name).kind


@dataclass(frozen=True)
class Field:
    """A field of refs.bib beyond standard BibTeX, or one the site gives a meaning."""

    name: str
    help: str
    example: str
    #: only the site reads it: left out of exported BibTeX and CSL-JSON
    site_only: bool = True


FIELDS = (
    Field(
        "equal_contribution",
        "1-based positions of the authors who contributed equally; each is marked *",
        "{1, 2}",
    ),
    Field(
        "status",
        "one of: " + ", ".join(STATUS_TABLE) + " (absent: published); shown after "
        "the venue, and it decides the work's kind in the filter",
        "{preprint}",
    ),
    Field("abbr", 'the venue\'s short name, shown as "(ABBR YEAR)"', "{ICML}"),
    Field(
        "selected",
        'yes (or no, true, false): "yes" lists it under Selected publications',
        "{yes}",
    ),
    Field("code", "a link to the code, shown as [Code]", "{https://github.com/...}"),
    Field(
        "openreview",
        "its OpenReview page, shown as [OpenReview]",
        "{https://openreview.net/forum?id=...}",
    ),
    Field("project", "its project page, shown as [Project]", "{https://...}"),
    Field(
        "oldtitle",
        "an earlier title of the same work, shown after the venue",
        "{A First Title}",
    ),
    Field(
        "keywords",
        "topics, comma-separated: the publications page filters on them",
        "{Mixture of Experts, Model Compression}",
    ),
    Field("url", "the paper itself, shown as [Paper]", "{https://...}", False),
    Field(
        "eprint",
        "its arXiv identifier, shown as [arXiv] (with archiveprefix = {arXiv})",
        "{2406.02500}",
        False,
    ),
    Field("doi", "its DOI, shown as [DOI]", "{10.1000/xyz123}", False),
)
#: Fields that only drive the site; left out of exported BibTeX and CSL-JSON.
SITE_FIELDS = frozenset(field.name for field in FIELDS if field.site_only)
