"""What machines read about a publication, all from the one model.

Google Scholar's Highwire ``citation_*`` tags, schema.org ``ScholarlyArticle``
JSON-LD, CSL-JSON, BibTeX without the site's own fields, and a one-line citation.
Everything here returns data (strings, lists, dicts); escaping happens where the
data is written (:mod:`.pages`), by ``html.escape`` and ``json.dumps``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pybtex.database import Entry

from .bibdata import Author, Publication
from .schema import SITE_FIELDS, STATUS_TABLE, entry_type

ARXIV_PDF = "https://arxiv.org/pdf/{}"


def pdf_url(pub: Publication) -> str:
    """The paper's PDF: its ``url`` when that is a PDF, else arXiv's."""
    paper = next((link.url for link in pub.links if link.label == "Paper"), "")
    if paper.lower().endswith(".pdf"):
        return paper
    return ARXIV_PDF.format(pub.arxiv) if pub.arxiv else ""


def page_range(pub: Publication) -> tuple[str, str]:
    """The first and the last page ("" when not given)."""
    first, _, last = pub.pages.replace("\N{EN DASH}", "-").partition("-")
    return first.strip(), last.strip("- ")


def paper_url(pub: Publication) -> str:
    """The paper itself: its ``url``, else its arXiv page ("" without either)."""
    url = next((link.url for link in pub.links if link.label == "Paper"), "")
    return url or (f"https://arxiv.org/abs/{pub.arxiv}" if pub.arxiv else "")


def highwire(pub: Publication) -> list[tuple[str, str]]:
    """Google Scholar's ``<meta name="citation_*">`` tags, in order, and the item
    type for Zotero."""
    tags = [("citation_title", pub.title)]
    tags += [("citation_author", author.name) for author in pub.authors]
    if pub.year:
        tags.append(("citation_publication_date", pub.year))
    if pub.published_in:
        venue = (
            "citation_journal_title"
            if entry_type(pub.entry_type).periodical
            else ("citation_conference_title")
        )
        tags.append((venue, pub.published_in))
    first, last = page_range(pub)
    if first:
        tags.append(("citation_firstpage", first))
    if last:
        tags.append(("citation_lastpage", last))
    if pdf_url(pub):
        tags.append(("citation_pdf_url", pdf_url(pub)))
    if pub.arxiv:
        tags.append(("citation_arxiv_id", pub.arxiv))
    if pub.doi:
        tags.append(("citation_doi", pub.doi))
    # Zotero's Embedded Metadata translator takes the item type from the venue's
    # tag (journal or conference); without one (a preprint, a manuscript), from a
    # Dublin Core type that names one of its item types
    tags.append(("DC.type", work_type(pub, "zotero")))
    return tags


def json_ld(pub: Publication, url: str) -> dict[str, Any]:
    """schema.org ``ScholarlyArticle``."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": pub.title,
        "name": pub.title,
        "author": [{"@type": "Person", "name": author.name} for author in pub.authors],
    }
    if url:
        data["url"] = url
    if pub.year:
        data["datePublished"] = pub.year
    if pub.published_in:
        kind = "Periodical" if entry_type(pub.entry_type).periodical else "Book"
        data["isPartOf"] = {"@type": kind, "name": pub.published_in}
    if pub.status_label:
        data["creativeWorkStatus"] = pub.status_label
    if pub.abstract:
        data["abstract"] = pub.abstract
    if pub.topics:
        data["keywords"] = list(pub.topics)
    if pub.doi:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "DOI",
            "value": pub.doi,
        }
    if pub.links:
        data["sameAs"] = [link.url for link in pub.links]
    return data


def script_json(data: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``<``, ``>`` or ``&`` at all."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


#: CSL's ``genre`` of a work that is not (yet) published, which styles print
GENRES = {
    "preprint": "Preprint",
    "under review": "Manuscript submitted for publication",
}


def csl(pub: Publication) -> dict[str, Any]:
    """One CSL-JSON item: the data every citation style is set from.

    The venue is the one it appeared in (as in RIS and Highwire): a preprint is an
    ``article`` with arXiv as its publisher and its identifier as its number, a
    work under review a ``manuscript`` with that status (CSL's ``status``)."""
    kind = work_type(pub, "csl")
    item: dict[str, Any] = {
        "id": pub.key,
        "type": kind,
        "title": pub.title,
        "author": [
            {"given": author.given, "family": author.family}
            if author.given
            else {"literal": author.family}
            for author in pub.authors
        ],
    }
    if pub.year:
        item["issued"] = (
            {"date-parts": [[int(pub.year)]]}
            if pub.year.isdigit()
            else {"literal": pub.year}
        )
    if pub.published_in:
        item["container-title"] = pub.published_in
    if pub.status in GENRES:
        item["genre"] = GENRES[pub.status]
    if pub.status == "preprint" and pub.arxiv:
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{pub.arxiv}"
    if pub.status == "under review":
        item["status"] = "under review"
    if pub.pages:
        item["page"] = pub.pages.replace("\N{EN DASH}", "-")
    if pub.doi:
        item["DOI"] = pub.doi
    if paper_url(pub):
        item["URL"] = paper_url(pub)
    if pub.abstract:
        item["abstract"] = pub.abstract
    return item


def work_type(pub: Publication, scheme: str) -> str:
    """The work's type in *scheme* ("csl", "ris", "endnote", "zotero"): its
    status's where the status names one, else its entry type's."""
    status = STATUS_TABLE.get(pub.status)
    named: str = getattr(status, scheme) if status else ""
    return named or str(getattr(entry_type(pub.entry_type), scheme))


_BREAKS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def _line(value: str) -> str:
    """*value* on one line: a tagged format ends a field at the line's end."""
    return " ".join(_BREAKS.sub(" ", value).split())


def status_note(pub: Publication) -> str:
    """ "Oral", "Preprint", "Under review at VENUE": what a record's note says."""
    if pub.status == "under review" and pub.venue:
        return f"{pub.status_label} at {pub.venue}"
    return pub.status_label


def _family_first(author: Author) -> str:
    return f"{author.family}, {author.given}" if author.given else author.family


def ris(pub: Publication) -> str:
    """One RIS record (the RIS format of Research Information Systems, read by
    Zotero, EndNote, Mendeley and RefWorks): its type, every author in order,
    title, venue, year, pages, DOI, URL, arXiv id, status, abstract, topics."""
    first, last = page_range(pub)
    fields = [
        ("TY", work_type(pub, "ris")),
        *(("AU", _family_first(author)) for author in pub.authors),
        ("TI", pub.title),
        # the venue it appeared in: not one it is under review at (that is a note)
        ("T2", pub.published_in),
        ("PY", pub.year),
        ("SP", first),
        ("EP", last),
        ("DO", pub.doi),
        ("UR", paper_url(pub)),
        ("M1", f"arXiv:{pub.arxiv}" if pub.arxiv else ""),
        ("N1", status_note(pub)),
        ("AB", pub.abstract),
        *(("KW", topic) for topic in pub.topics),
        ("ID", pub.key),
    ]
    lines = [f"{tag}  - {_line(value)}" for tag, value in fields if value]
    return "\r\n".join([*lines, "ER  - ", ""])


def endnote(pub: Publication) -> str:
    """One EndNote tagged record (``.enw``, which EndNote and Zotero import)."""
    first, last = page_range(pub)
    journal = entry_type(pub.entry_type).periodical
    fields = [
        ("%0", work_type(pub, "endnote")),
        *(("%A", _family_first(author)) for author in pub.authors),
        ("%T", pub.title),
        ("%J" if journal else "%B", pub.published_in),
        ("%D", pub.year),
        ("%P", f"{first}-{last}" if first and last else first),
        ("%R", pub.doi),
        ("%U", paper_url(pub)),
        ("%Z", status_note(pub)),
        ("%X", pub.abstract),
        *(("%K", topic) for topic in pub.topics),
        ("%F", pub.key),
    ]
    return "".join(f"{tag} {_line(value)}\n" for tag, value in fields if value)


def clean_bibtex(key: str, entry: Entry) -> str:
    """The entry as BibTeX without the fields only this site understands.

    Written by hand, not with pybtex's writer: that one re-escapes the values as
    LaTeX (a ``&`` in a URL becomes ``\\&``), while these values are exactly as
    the file has them, braces balanced by the parser.
    """
    fields = [
        (role, " and ".join(str(person) for person in persons))
        for role, persons in entry.persons.items()
    ]
    fields += [(k, v) for k, v in entry.fields.items() if k.lower() not in SITE_FIELDS]
    width = max((len(name) for name, _ in fields), default=0)
    lines = [f"  {name.lower():<{width}} = {{{value}}}," for name, value in fields]
    return "\n".join([f"@{entry.type.lower()}{{{key},", *lines, "}"]) + "\n"


def cite_as(pub: Publication) -> str:
    """A one-line plain-text citation."""
    authors = ", ".join(author.name for author in pub.authors)
    parts = [f"{authors}." if authors else "", f"{pub.title}."]
    if pub.status == "under review":
        parts.append(f"Under review at {pub.venue}." if pub.venue else "Under review.")
    elif pub.venue:
        parts.append(f"{pub.venue}, {pub.year}." if pub.year else f"{pub.venue}.")
    elif pub.year:
        parts.append(f"{pub.year}.")
    if pub.arxiv and pub.status == "preprint":
        parts.append(f"arXiv:{pub.arxiv}.")
    if pub.doi:
        parts.append(f"doi:{pub.doi}.")
    return " ".join(part for part in parts if part)
