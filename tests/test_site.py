"""The real site: built strictly from docs/ and refs.bib, read as HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag
from pybtex.database import parse_file
from pybtex.richtext import Text

from sphinx_portfolio.bibdata import make_slugs

from .conftest import REFS, Built
from .content import decoded

OWNER = "Daize Dong"
#: the status badges, as the issue names them (issue 16)
STATUS_LABELS = {
    "oral": "Oral",
    "workshop": "Workshop",
    "preprint": "Preprint",
    "under review": "Under review",
}
SECTIONS = {
    "index": "Daize Dong",
    "publications": "Publications",
    "projects": "Projects",
    "experience": "Experience",
    "education": "Education",
    "awards": "Honors and Awards",
    "courses": "Relevant Courses",
    "cv": "Curriculum Vitae",
}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def article(site: Path, page: str) -> Tag:
    found = soup(site / f"{page}.html").select_one("article.bd-article")
    assert found is not None
    return found


def entries(site: Path, page: str) -> list[Tag]:
    return article(site, page).select(".publication-list li")


def heading(node: Tag) -> str:
    """A heading's text without its permalink."""
    return "".join(
        t
        for t in node.find_all(string=True)
        if not t.find_parent("a", class_="headerlink")
    ).strip()


def text(node: Tag) -> str:
    return " ".join(node.get_text(" ").split())


def bib_titles() -> dict[str, str]:
    data = parse_file(str(REFS))
    return {
        key: str(Text.from_latex(entry.fields["title"]).render_as("text"))
        for key, entry in data.entries.items()
    }


def test_build_has_no_warning(built: Built) -> None:
    assert "WARNING" not in built.stderr
    assert "ERROR" not in built.stderr


@pytest.mark.parametrize(("page", "title"), SECTIONS.items())
def test_section_page_exists(site: Path, page: str, title: str) -> None:
    h1 = article(site, page).find("h1")
    assert h1 is not None
    assert heading(h1) == title


def test_every_entry_once_on_publications_page(built: Built) -> None:
    # The entries the file starts, counted without a BibTeX parser: an entry the
    # parser dropped would show up as a missing list item.
    works = built.content
    titles = works.titles()
    assert works.entry_count == len(titles) > 0
    items = [text(li) for li in entries(built.out, "publications")]
    assert len(items) == works.entry_count
    for title in titles.values():
        assert sum(item.startswith(f"{title}.") for item in items) == 1, title


def test_every_entry_on_cv_page(built: Built) -> None:
    items = [text(li) for li in entries(built.out, "cv")]
    for title in built.content.titles().values():
        assert any(item.startswith(f"{title}.") for item in items), title


def test_lists_newest_first(built: Built) -> None:
    """Every list is in year order, newest first, works without a year first."""
    works = built.content
    by_title = {f"{title}.": key for key, title in works.titles().items()}
    for page in ("publications", "cv", "index"):
        for listing in article(built.out, page).select(".publication-list"):
            keys = [by_title[text(li.strong)] for li in listing.select("li")]
            years = [works.field(key, "year") or "9999" for key in keys]
            assert years == sorted(years, reverse=True), (page, keys)


@pytest.mark.parametrize("page", ["index", "publications", "cv", "projects"])
def test_owner_emphasised_in_every_entry(built: Built, page: str) -> None:
    found = entries(built.out, page)
    assert found
    for li in found:
        owner = [s for s in li.find_all("strong") if text(s) == OWNER]
        assert len(owner) == 1, text(li)
        # the only bold name: no co-author is emphasised
        authors = [s for s in li.find_all("strong") if s is not li.find("strong")]
        assert authors == owner


def test_equal_contribution_marks_and_legend(site: Path) -> None:
    by_title = {text(li.strong): li for li in entries(site, "publications")}
    graph = by_title[
        "A Graph is Worth K Words: Euclideanizing Graph using Pure Transformer."
    ]
    marked = [text(sup.previous_sibling) for sup in graph.find_all("sup")]
    assert [m.strip(" ,") for m in marked] == ["Zhangyang Gao", OWNER]
    padnet = by_title["PAD-Net: An Efficient Framework for Dynamic Networks."]
    assert padnet.find("sup") is None
    legends = article(site, "publications").select(".publication-legend")
    assert legends
    assert all(text(legend) == "* Equal contribution" for legend in legends)


def entry_text(site: Path, title_start: str) -> str:
    matches = [
        text(li)
        for li in entries(site, "publications")
        if text(li).startswith(title_start)
    ]
    assert len(matches) == 1, title_start
    return matches[0]


def badges(site: Path, title_start: str) -> list[str]:
    [entry] = [
        li for li in entries(site, "publications") if text(li).startswith(title_start)
    ]
    return [text(badge) for badge in entry.select(".publication-badge")]


def test_every_entry_has_the_badges_of_its_fields(site: Path) -> None:
    """On every page with a list: the venue badge is abbr with the year (none for
    a work under review), the status badge the status's label."""
    works = bib()
    slugs = make_slugs(works)
    by_slug = {slugs[key]: entry for key, entry in works.items()}
    for page in ("index", "publications", "projects", "cv"):
        for li in entries(site, page):
            # the title links to the work's page, named by its slug
            key = Path(li.p.strong.a["href"]).stem
            entry = by_slug[key]
            fields = {name.lower(): value for name, value in entry.fields.items()}
            status = fields.get("status", "").lower()
            expected = []
            if fields.get("abbr") and status != "under review":
                abbr, year = fields["abbr"], fields.get("year", "")
                expected.append(abbr if not year or year in abbr else f"{abbr} {year}")
            if status:
                expected.append(STATUS_LABELS[status])
            assert [text(b) for b in li.select(".publication-badge")] == expected, key


def test_newest_titles_venues_and_statuses(site: Path) -> None:
    page = " ".join(
        text(lst) for lst in article(site, "publications").select(".publication-list")
    )
    # superseded statuses and titles from the older CV
    assert "Thirteenth International Conference on Learning Representations" not in page
    assert "Under Review at" not in page
    assert "ArXiv Preprints" not in page
    works = bib()
    under_review = [k for k in works if works[k].fields.get("status") == "under review"]
    # each one's badge, and its venue in words
    assert page.count("Under review at") == len(under_review) > 0

    tmlr = entry_text(site, "Towards Efficient Mixture of Experts")
    assert "Transactions on Machine Learning Research" in tmlr
    assert "Earlier title: Demystifying the Compression of Mixture-of-Experts" in tmlr
    assert badges(site, "Towards Efficient Mixture of Experts") == ["TMLR 2025"]
    assert badges(site, "DLO:") == ["ICLR 2025 SCOPE Workshop", "Workshop"]
    naacl = entry_text(site, "Dynamic Data Mixing")
    assert badges(site, "Dynamic Data Mixing") == ["NAACL 2025"]
    assert "review" not in naacl.lower()
    assert badges(site, "iDAT") == ["ICME 2024", "Oral"]
    assert badges(site, "LLaMA-MoE v2") == ["Preprint"]
    assert badges(site, "Blending") == ["Under review"]
    assert "Under review at IEEE Transactions on Image Processing" in entry_text(
        site, "Blending"
    )
    assert "Under review at IEEE Transactions on Circuits" in entry_text(
        site, "ExFusion"
    )


def sections(site: Path, page: str) -> dict[str, Tag]:
    found = [
        s
        for s in article(site, page).select("section")
        if s.find("h2", recursive=False)
    ]
    return {heading(s.find("h2", recursive=False)): s for s in found}


REVIEWED, UNREVIEWED = (
    "Peer-reviewed publications",
    "Preprints and manuscripts under review",
)


def test_peer_reviewed_apart_from_preprints(built: Built) -> None:
    works = built.content
    heads = sections(built.out, "publications")
    for head, keys in ((REVIEWED, works.reviewed()), (UNREVIEWED, works.unreviewed())):
        listed = [text(li.strong) for li in heads[head].select("li")]
        assert sorted(listed) == sorted(f"{works.title(key)}." for key in keys)
    reviewed = [text(li) for li in heads[REVIEWED].select("li")]
    assert not any("Under review" in item or "Preprint." in item for item in reviewed)


def test_links_from_fields(site: Path) -> None:
    by_title = {text(li.strong): li for li in entries(site, "publications")}
    padnet = by_title["PAD-Net: An Efficient Framework for Dynamic Networks."]
    title_link, *others = padnet.p.find_all("a")
    assert title_link["href"] == "publications/he2023padnet.html"
    links = {text(a): a["href"] for a in others}
    assert links == {
        "Paper": "https://aclanthology.org/2023.acl-long.803.pdf",
        "arXiv": "https://arxiv.org/abs/2211.05528",
        "Code": "https://github.com/Shwai-He/PAD-Net",
        "DOI": "https://doi.org/10.18653/v1/2023.acl-long.803",
    }
    blending = by_title[
        "Blending and Aggregating the Target for Blended-Target Domain Adaptation."
    ]
    assert (
        len(blending.p.find_all("a")) == 1
    )  # its title, to its own page: no public version


def test_home_page(site: Path) -> None:
    home = text(article(site, "index"))
    for fact in [
        "Rutgers University, New Brunswick",
        "Prof. Hongyi Wang",
        "Conditional Computation",
        "Model Compression",
        "System Optimization",
        "2025/04",
    ]:
        assert fact in home, fact
    # docutils cloaks the address with <span>s; the reader sees it whole
    assert "dzdong2019@gmail.com" in article(site, "index").get_text()
    hrefs = {
        unquote(a["href"]) for a in article(site, "index").find_all("a", href=True)
    }
    assert {
        "mailto:dzdong2019@gmail.com",
        "https://daizedong.github.io",
        "https://scholar.google.com/citations?user=WESZ8YkAAAAJ",
        "https://github.com/DaizeDong",
    } <= hrefs
    assert len(entries(site, "index")) == 8  # the newer bio's publication list


def test_home_page_lists_the_selected_works(built: Built) -> None:
    works = built.content
    listed = sorted(text(li.strong) for li in entries(built.out, "index"))
    assert listed == sorted(f"{works.title(key)}." for key in works.selected())


def test_internal_links_and_anchors_resolve(built: Built) -> None:
    site = built.out
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = {str(t["id"]) for t in soup(path).find_all(id=True)}
        return ids[path]

    checked = 0
    for page in site.rglob("*.html"):
        for a in soup(page).find_all("a", href=True):
            href = str(a["href"])
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            # the 404 page links from the site's root ("/"), to work at any depth
            base = site if parts.path.startswith("/") else page.parent
            path = unquote(parts.path).lstrip("/")
            target = (base / path).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{page.name}: {href}"
            if parts.fragment and target.suffix == ".html":
                assert unquote(parts.fragment) in ids_of(target), f"{page.name}: {href}"
            checked += 1
    assert checked > 50


def test_one_search_index_pagefind_s(built: Built) -> None:
    """Pagefind's index is the site's search (test_search.py queries it); Sphinx's
    own is not built, and nothing asks for it."""
    site = built.out
    assert (site / "_pagefind" / "pagefind.js").is_file()
    assert not (site / "searchindex.js").exists()
    for page in site.rglob("*.html"):
        assert "searchindex.js" not in page.read_text(encoding="utf-8"), page
    scripts = [s.get("src", "") for s in soup(site / "search.html").find_all("script")]
    assert not [src for src in scripts if "searchtools" in src], scripts
    assert soup(site / "search.html").select_one(".portfolio-search-page")


# -- publications as data ------------------------------------------------------------


def bib() -> dict[str, Any]:
    """refs.bib read independently of the extension (pybtex, LaTeX decoded)."""
    data = parse_file(str(REFS))
    return dict(data.entries)


def person_name(person: Any) -> str:
    parts = (
        person.first_names
        + person.middle_names
        + person.prelast_names
        + person.last_names
    )
    return decoded(" ".join(parts))


def paper(site: Path, key: str) -> BeautifulSoup:
    return soup(site / "publications" / f"{key}.html")


def metas(page: BeautifulSoup) -> list[tuple[str, str]]:
    return [
        (str(m["name"]), str(m["content"]))
        for m in page.find_all("meta", attrs={"name": re.compile("^citation_")})
    ]


def test_paper_page_metadata_matches_refs_bib(built: Built) -> None:
    for key, entry in built.content.works.items():
        check_paper_page(built.out, key, entry)


def check_paper_page(site: Path, key: str, entry: Any) -> None:
    fields = entry.fields
    page = paper(site, key)
    tags = metas(page)
    names = [person_name(p) for p in entry.persons["author"]]
    title = decoded(fields["title"])
    assert tags[0] == ("citation_title", title)
    assert [v for k, v in tags if k == "citation_author"] == names
    assert dict(tags).get("citation_publication_date") == fields.get("year")
    assert dict(tags).get("citation_arxiv_id") == fields.get("eprint")
    assert dict(tags).get("citation_doi") == fields.get("doi")
    status = fields.get("status", "")
    venue_tag = (
        "citation_journal_title"
        if entry.type == "article"
        else "citation_conference_title"
    )
    if status in {"preprint", "under review"}:
        assert not [
            k for k, _ in tags if k.endswith(("journal_title", "conference_title"))
        ]
    else:
        assert dict(tags)[venue_tag] == decoded(
            fields.get("journal") or fields["booktitle"]
        )
    pdf = dict(tags).get("citation_pdf_url", "")
    if fields.get("url", "").endswith(".pdf"):
        assert pdf == fields["url"]
    elif "eprint" in fields:
        assert pdf == f"https://arxiv.org/pdf/{fields['eprint']}"

    canonical = page.find("link", rel="canonical")
    assert canonical is not None
    assert canonical["href"] == f"https://daizedong.github.io/publications/{key}.html"
    (ld_tag,) = page.find_all("script", type="application/ld+json")
    ld = json.loads(ld_tag.string)
    assert ld["@type"] == "ScholarlyArticle"
    assert ld["headline"] == title
    assert [a["name"] for a in ld["author"]] == names
    assert ld["url"] == canonical["href"]
    assert ld.get("datePublished") == fields.get("year")

    assert [heading(h1) for h1 in page.find_all("h1")] == [
        title,
        title,
    ]  # print, screen
    owner = [s.get_text() for s in page.select(".publication-authors strong")]
    assert owner == [OWNER]
    bibtex = page.select_one("#bibtex-source")
    assert bibtex is not None
    assert bibtex.get_text().startswith(f"@{entry.type.lower()}{{{key},")
    for site_only in (
        "abbr",
        "selected",
        "equal_contribution",
        "status",
        "keywords",
        "code",
    ):
        assert f"\n  {site_only} " not in bibtex.get_text()
    assert page.select(".citations .citation")
    back = page.select_one(".publication-back a")
    assert back is not None
    assert back["href"] == f"../publications.html#pub-{key}"


@pytest.mark.parametrize("page", ["index", "publications", "cv", "projects"])
def test_every_list_entry_links_to_its_paper_page(built: Built, page: str) -> None:
    site = built.out
    for li in entries(site, page):
        link = li.strong.find("a")
        assert link is not None, text(li)
        target = (site / page).parent / str(link["href"])
        assert target.is_file()
        h1 = soup(target).select_one("article h1")
        assert h1 is not None
        assert f"{heading(h1)}." == text(li.strong)


def test_exports(built: Built) -> None:
    site, works = built.out, built.content.works
    assert (site / "refs.bib").read_bytes() == built.content.refs.read_bytes()
    cleaned = parse_file(str(site / "publications.bib"))
    assert sorted(cleaned.entries) == sorted(works)
    for entry in cleaned.entries.values():
        assert not {"abbr", "selected", "status", "equal_contribution", "keywords"} & {
            name.lower() for name in entry.fields
        }
    csl = json.loads((site / "publications.json").read_text())
    assert sorted(item["id"] for item in csl) == sorted(works)
    for item in csl:
        assert {"id", "type", "title", "author"} <= item.keys()
        assert all({"given", "family"} <= a.keys() for a in item["author"])
    for key in works:
        for suffix in (".bib", ".ris", ".enw"):
            assert (site / "publications" / f"{key}{suffix}").is_file()
    # nothing else: no export of a work refs.bib no longer holds
    for suffix in ("*.bib", "*.ris", "*.enw"):
        assert {p.stem for p in (site / "publications").glob(suffix)} == set(works)
    assert {p.stem for p in (site / "publications").glob("*.html")} == set(works)


def ris_name(person: Any) -> str:
    """ "Family, Given" as RIS writes an author (family with its von and Jr parts)."""
    family = " ".join(person.prelast_names + person.last_names + person.lineage_names)
    given = " ".join(person.first_names + person.middle_names)
    return ", ".join(decoded(part) for part in (family, given) if part)


#: the RIS type each work must have, read from refs.bib's entry type and status
RIS_TYPES = {"article": "JOUR", "inproceedings": "CPAPER", "conference": "CPAPER"}


def test_ris_export_is_every_work_as_refs_bib_has_it(built: Built) -> None:
    import rispy

    works = built.content
    records = rispy.loads((built.out / "publications.ris").read_text(encoding="utf-8"))
    assert sorted(record["id"] for record in records) == sorted(works.works)
    for record in records:
        entry = works.works[record["id"]]
        unreviewed = works.status(record["id"]) in {"preprint", "under review"}
        expected = "UNPB" if unreviewed else RIS_TYPES.get(entry.type, "GEN")
        assert record["type_of_reference"] == expected, record["id"]
        authors = [ris_name(person) for person in entry.persons["author"]]
        assert record["authors"] == authors, record["id"]
        assert record["title"] == works.title(record["id"])
        assert record.get("year", "") == works.field(record["id"], "year")
        assert record.get("doi", "") == works.field(record["id"], "doi")
        single = (built.out / "publications" / f"{record['id']}.ris").read_text()
        assert rispy.loads(single) == [record]
    page = soup(built.out / "publications.html")
    downloads = {
        a.get_text(): a["href"] for a in page.select(".publication-downloads a")
    }
    assert downloads["RIS"] == "publications.ris"
    assert downloads["EndNote"] == "publications.enw"


def test_paper_pages_tell_reference_managers_what_the_ris_says(built: Built) -> None:
    """A paper page's Highwire tags and JSON-LD against its RIS record: the same
    authors in order, title, year, venue and kind, DOI and arXiv id."""
    import rispy

    for key in built.content.works:
        (record,) = rispy.loads(
            (built.out / "publications" / f"{key}.ris").read_text(encoding="utf-8")
        )
        page = soup(built.out / "publications" / f"{key}.html")
        tags: dict[str, list[str]] = {}
        for meta in page.find_all("meta", attrs={"name": re.compile("^citation_")}):
            tags.setdefault(str(meta["name"]), []).append(str(meta["content"]))
        names = [
            " ".join(reversed(author.split(", ", 1))) for author in record["authors"]
        ]
        assert tags["citation_author"] == names, key
        assert tags["citation_title"] == [record["title"]]
        assert tags.get("citation_publication_date") == (
            [record["year"]] if "year" in record else None
        )
        assert tags.get("citation_doi") == (
            [record["doi"]] if "doi" in record else None
        )
        arxiv = [n.removeprefix("arXiv:") for n in [record.get("note", "")] if n]
        assert tags.get("citation_arxiv_id") == (arxiv or None), key
        venue = record.get("secondary_title")
        journal = tags.get("citation_journal_title")
        conference = tags.get("citation_conference_title")
        if record["type_of_reference"] == "JOUR" and venue:
            assert (journal, conference) == ([venue], None), key
        elif record["type_of_reference"] == "CPAPER" and venue:
            assert (journal, conference) == (None, [venue]), key
        else:
            assert journal is conference is None, key
        (scholarly,) = [
            data
            for script in page.find_all("script", type="application/ld+json")
            for data in [json.loads(script.string or "")]
            if data.get("@type") == "ScholarlyArticle"
        ]
        assert [a["name"] for a in scholarly["author"]] == names
        assert scholarly.get("datePublished") == record.get("year")
        assert scholarly.get("isPartOf", {}).get("name") == venue
        assert scholarly.get("identifier", {}).get("value") == record.get("doi")


def test_exports_hold_the_identifiers(site: Path) -> None:
    csl = json.loads((site / "publications.json").read_text())
    by_id = {item["id"]: item for item in csl}
    assert by_id["zhu2025dynamic"]["DOI"] == "10.18653/v1/2025.naacl-long.80"
    assert by_id["ruan-exfusion"]["status"] == "under review"


def test_year_groups_have_stable_anchors(built: Built) -> None:
    works = built.content
    groups = article(built.out, "publications").select(".publication-year")
    ids = [g["id"] for g in groups]
    assert ids == [
        f"peer-reviewed-publications-{year}" for year in works.years(works.reviewed())
    ] + [
        f"preprints-and-manuscripts-under-review-{year}"
        for year in works.years(works.unreviewed())
    ]
    items = {str(li["id"]) for li in entries(built.out, "publications")}
    assert items == {f"pub-{key}" for key in works.works}


# -- the CV PDF ------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def test_cv_pdf_holds_the_cv(built: Built) -> None:
    from pypdf import PdfReader

    site = built.out
    pdf = site / "cv.pdf"
    reader = PdfReader(pdf)
    assert 1 <= len(reader.pages) <= 2 + built.content.entry_count // 6
    assert reader.metadata is not None
    assert reader.metadata.title == "Daize Dong: Curriculum Vitae"
    text = pdf_text(pdf)
    for title in built.content.titles().values():
        assert title in text, title
    sections = [heading(h2) for h2 in article(site, "cv").find_all("h2")]
    assert sections == built.content.cv_sections()
    for section in sections:
        assert section.upper() in text.upper(), section
    assert "dzdong2019@gmail.com" in text
    assert "Download CV" not in text
    # the badges and the link buttons of the page, in words (issue 16)
    for li in entries(site, "cv"):
        for badge in li.select(".publication-badge"):
            assert " ".join(badge.get_text().split()) in text, badge
        for link in li.select("a.publication-link"):
            assert f"[{link.get_text()}]" in text, link


def test_cv_pdf_linked_from_every_page(built: Built) -> None:
    site = built.out
    pages = [
        p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts
    ]
    assert len(pages) > len(built.content.works)
    for page in pages:
        links = [
            a
            for a in soup(page).find_all("a", href=True)
            if a.get_text(strip=True) == "Download CV (PDF)"
        ]
        assert links, page
        for link in links:
            href = str(link["href"])
            base = site if href.startswith("/") else page.parent  # 404.html: from "/"
            assert (base / href.lstrip("/")).resolve() == site / "cv.pdf"


# -- search engines, social sites, feeds ---------------------------------------------

BASE = "https://daizedong.github.io/"


def site_pages(site: Path) -> list[Path]:
    return [
        p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts
    ]


def test_every_page_has_canonical_open_graph_icons_and_feed(built: Built) -> None:
    site = built.out
    for path in site_pages(site):
        page = soup(path)
        rel = path.relative_to(site).as_posix()
        head = page.head
        assert head is not None
        links = {str(link["rel"][0]): link for link in head.find_all("link", rel=True)}
        assert links["icon"]["href"].endswith("favicon.svg"), rel
        touch = links["apple-touch-icon"]["href"]
        assert touch.endswith("_static/apple-touch-icon.png"), rel
        feed = head.find("link", rel="alternate", type="application/atom+xml")
        assert feed is not None, rel
        if rel in {"404.html", "search.html", "genindex.html"}:
            continue
        assert links["canonical"]["href"] == BASE + rel
        og = {m["property"]: m["content"] for m in head.find_all("meta", property=True)}
        assert og["og:url"] == BASE + rel, rel
        assert og["og:title"], rel
        assert og["og:description"], rel
        description = head.find("meta", attrs={"name": "description"})
        assert description is not None and description["content"], rel
        if not rel.startswith("publications/"):
            image = og["og:image"]
            assert image.startswith(BASE + "_images/social_previews/"), rel
            assert (site / image.removeprefix(BASE)).is_file()


def test_sitemap_and_robots(built: Built) -> None:
    site, works = built.out, built.content
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {
        loc.text
        for loc in ET.parse(site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)
    }
    expected = {
        BASE + p.relative_to(site).as_posix()
        for p in site_pages(site)
        if p.name not in {"search.html", "404.html"}
    }
    assert locs == expected
    pages = {f"{BASE}{doc}.html" for doc in works.documents() if doc != "404"}
    papers = {f"{BASE}publications/{key}.html" for key in works.works}
    assert locs == pages | papers
    assert (site / "robots.txt").read_text() == (
        f"User-agent: *\nAllow: /\nSitemap: {BASE}sitemap.xml\n"
    )


def test_person_json_ld_on_the_home_page(site: Path) -> None:
    scripts = soup(site / "index.html").find_all("script", type="application/ld+json")
    (person,) = [json.loads(s.string) for s in scripts]
    assert person["@type"] == "Person"
    assert person["name"] == OWNER
    assert person["email"] == "dzdong2019@gmail.com"
    assert person["affiliation"]["name"] == "Rutgers University, New Brunswick"
    assert (
        person["alumniOf"]["name"]
        == "University of Electronic Science and Technology of China"
    )
    assert person["sameAs"] == [
        "https://daizedong.github.io",
        "https://scholar.google.com/citations?user=WESZ8YkAAAAJ",
        "https://github.com/DaizeDong",
        "https://huggingface.co/DaizeDong",
    ]


def test_404_page_works_at_any_depth(built: Built) -> None:
    page = soup(built.out / "404.html")
    # docs/404.md, marked nosearch: not in the search index
    assert page.h1 is not None and page.h1.get_text(strip=True) == "Page not found"
    assert page.find(attrs={"data-pagefind-body": True}) is None
    refs = [
        str(t.get("href") or t.get("src"))
        for t in page.find_all(["a", "link", "script"])
    ]
    local = [
        r
        for r in refs
        if r and r != "None" and not urlsplit(r).scheme and not r.startswith("#")
    ]
    assert local
    assert all(r.startswith("/") for r in local), [
        r for r in local if not r.startswith("/")
    ]


def test_atom_feed(built: Built) -> None:
    import xml.etree.ElementTree as ET

    site, news = built.out, built.content.news
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(site / "news.xml").getroot()
    assert feed.tag == f"{atom}feed"
    for tag in ("id", "title", "updated", "author"):
        assert feed.find(f"{atom}{tag}") is not None, tag
    assert feed.find(f"{atom}link[@rel='self']").get("href") == BASE + "news.xml"
    found = feed.findall(f"{atom}entry")
    # every item, newest first; a month alone counts from its first day
    days = [d if len(d) == 10 else f"{d}-01" for d in (i["date"] for i in news)]
    assert [e.find(f"{atom}updated").text for e in found] == [
        f"{day}T00:00:00Z" for day in days
    ]
    assert feed.find(f"{atom}updated").text == found[0].find(f"{atom}updated").text
    for entry, item in zip(found, news, strict=True):
        label = item["date"].replace("-", "/")
        assert entry.find(f"{atom}title").text.startswith(f"{label}: ")
        content = entry.find(f"{atom}content")
        assert content.get("type") == "html"
    for link in feed.iter(f"{atom}link"):
        assert link.get("href").startswith("https://"), link.get("href")
    # the home page: the latest five, newest first
    shown = article(site, "index").select("ul.news > li")
    assert [text(li).split(" : ")[0] for li in shown] == [
        item["date"].replace("-", "/") for item in news[:5]
    ]


def test_news_item_on_home_page_and_in_feed(site: Path) -> None:
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(site / "news.xml").getroot()
    rutgers = [
        e
        for e in feed.findall(f"{atom}entry")
        if e.find(f"{atom}title").text.startswith("2025/04: Will join Rutgers")
    ]
    assert len(rutgers) == 1
    content = rutgers[0].find(f"{atom}content")
    assert 'href="https://www.rutgers.edu/new-brunswick"' in content.text
    news = article(site, "index").select_one("ul.news")
    assert news is not None
    assert "2025/04 : Will join Rutgers University, New Brunswick" in text(news)
