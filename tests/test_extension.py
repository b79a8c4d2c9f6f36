"""The extension on tiny test roots, one scenario each."""

from __future__ import annotations

import json
import re
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from sphinx_portfolio.diagnostics import PortfolioWarning

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def build(app: Any, page: str = "index") -> BeautifulSoup:
    app.build()
    return read(app, page)


def read(app: Any, page: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{page}.html").read_text(), "html.parser")


def warnings_of(warning: StringIO) -> list[str]:
    """Each warning with the temporary directory cut from its location."""
    return [
        re.sub(r"^.*/(?=[^/]+:\d+: )", "", line)
        for line in ANSI.sub("", warning.getvalue()).splitlines()
        if line
    ]


def flat(node: Tag) -> str:
    return " ".join(node.get_text(" ").split())


def heading(node: Tag) -> str:
    """A heading's text without its "¶" permalink."""
    return "".join(
        t
        for t in node.find_all(string=True)
        if not t.find_parent("a", class_="headerlink")
    ).strip()


def items(page: BeautifulSoup) -> dict[str, Tag]:
    found = page.select(".publication-list li.publication")
    return {li.strong.get_text().rstrip("."): li for li in found if li.strong}


def bold_names(li: Tag) -> list[str]:
    return [s.get_text() for s in li.find_all("strong")[1:]]


# -- a clean root ------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_clean_build_has_no_warning(app: Any, warning: StringIO) -> None:
    build(app)
    assert warning.getvalue() == ""


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_owner_emphasised_on_parsed_names(app: Any) -> None:
    entries = items(build(app))
    assert bold_names(entries["A GPU Paper"]) == ["Daize Dong"]
    # "Dong, D." is the owner by initial; "Daniel Dong" is someone else
    assert bold_names(entries["Initials Count"]) == ["D. Dong"]
    assert "Daniel Dong" in entries["Initials Count"].get_text()
    assert bold_names(entries["An Alias"]) == ["Dong Daize"]  # portfolio_owner_aliases


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_entry_rendering(app: Any) -> None:
    page = build(app)
    entry = items(page)["A GPU Paper"]
    # UTF-8 names and braces-protected words come out as plain text
    assert flat(entry).startswith("A GPU Paper. Jürgen Müller * , Daize Dong * .")
    assert "Conference on Things ." in flat(entry)
    # the venue with its year and the status as badges, after the text
    badges = entry.p.select(".publication-badges > .publication-badge")
    assert [(b.get_text(), b["class"][-1]) for b in badges] == [
        ("CoT 2024", "is-venue"),
        ("Oral", "is-oral"),
    ]
    assert "(CoT 2024)" not in flat(entry) and "Oral." not in flat(entry)
    title, *links = entry.p.find_all("a")
    assert title["href"] == "publications/full.html"
    # the links as buttons, each named
    assert [(a.get_text(), a["href"]) for a in links] == [
        ("arXiv", "https://arxiv.org/abs/2401.00001"),
        ("Code", "https://example.org/code"),
    ]
    assert all("publication-link" in a["class"] for a in links)
    assert entry["id"] == "pub-full"
    assert (
        entry["data-year"],
        entry["data-kind"],
        json.loads(entry["data-topics"]),
    ) == (
        "2024",
        "Conference",
        ["Mixture of Experts", "Graphs"],
    )
    under_review = items(page)["An Alias"]
    assert "Under review at Journal of Aliases ." in flat(under_review)
    # a work under review has no venue badge: it is not published there
    assert [b.get_text() for b in under_review.select(".publication-badge")] == [
        "Under review"
    ]
    legend = page.select_one(".publication-list .publication-legend")
    assert legend is not None
    assert legend.get_text() == "* Equal contribution"


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_grouped_by_year_newest_first_with_anchors(app: Any) -> None:
    page = build(app)
    groups = page.select(".publication-year")
    assert [(g["id"], heading(g.find(["h2", "h3"]))) for g in groups] == [
        ("publications-unpublished", "Not yet published"),
        ("publications-2024", "2024"),
        ("publications-2023", "2023"),
    ]
    assert [list(items(g)) for g in groups] == [
        ["An Alias"],
        ["A GPU Paper"],
        ["Initials Count"],
    ]


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_filter_form_choices(app: Any) -> None:
    form = build(app).select_one("form.publication-filter")
    assert form is not None
    assert not form.has_attr("hidden")  # portfolio.css shows it only where scripts run
    choices = {
        select["name"]: [(o["value"], o.get_text()) for o in select.find_all("option")]
        for select in form.find_all("select")
    }
    assert choices == {
        "year": [
            ("", "All years"),
            ("none", "Not yet published"),
            ("2024", "2024"),
            ("2023", "2023"),
        ],
        "kind": [
            ("", "All types"),
            ("Conference", "Conference"),
            ("Journal", "Journal"),
            ("Under review", "Under review"),
        ],
        "topic": [
            ("", "All topics"),
            ("Graphs", "Graphs"),
            ("Mixture of Experts", "Mixture of Experts"),
        ],
    }
    status = form.select_one("[role=status]")
    assert status is not None
    assert status["aria-live"] == "polite"
    assert status["data-total"] == "3"
    scripts = [s.get("src", "") for s in build(app).find_all("script")]
    assert any("portfolio-filter.js" in src for src in scripts)


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_paper_page(app: Any) -> None:
    app.build()
    page = read(app, "publications/full")
    article = page.select_one("section.publication-page")
    assert article is not None
    assert heading(article.find("h1")) == "A GPU Paper"
    assert (
        flat(article.select_one(".publication-authors"))
        == "Jürgen Müller * , Daize Dong *"
    )
    assert [s.get_text() for s in article.select(".publication-authors strong")] == [
        "Daize Dong"
    ]
    apa = article.select_one(".citations .citation[data-style=APA]")
    assert apa is not None
    assert (
        " ".join(apa.get_text().split())
        == "Müller, J., & Dong, D. (2024). A GPU Paper. Conference on "
        "Things. https://arxiv.org/abs/2401.00001"
    )
    assert apa.find("i").get_text() == "Conference on Things"
    bibtex = article.select_one("#bibtex-source").get_text()
    assert bibtex.splitlines() == [
        "@inproceedings{full,",
        "  author    = {Müller, Jürgen and Dong, Daize},",
        "  title     = {A {GPU} Paper},",
        "  booktitle = {Conference on Things},",
        "  year      = {2024},",
        "  eprint    = {2401.00001},",
        "}",
    ]
    for site_only in ("abbr", "status", "equal_contribution", "code", "keywords"):
        assert f"{site_only} =" not in bibtex
    button = article.select_one("button.copy-button[data-copy=bibtex-source]")
    assert button is not None
    assert button["data-label"] == "Copy the BibTeX"
    back = article.select_one(".publication-back a")
    assert back is not None
    assert back["href"] == "../index.html#pub-full"
    meta = {
        (m["name"], m["content"]) for m in page.find_all("meta", attrs={"name": True})
    }
    assert ("citation_title", "A GPU Paper") in meta
    assert ("citation_conference_title", "Conference on Things") in meta
    assert ("citation_arxiv_id", "2401.00001") in meta
    assert ("citation_pdf_url", "https://arxiv.org/pdf/2401.00001") in meta
    links = {a.get_text(): a["href"] for a in article.select(".paper-downloads a")}
    assert links == {"BibTeX": "full.bib", "RIS": "full.ris", "EndNote": "full.enw"}
    folder = app.outdir / "publications"
    assert (folder / links["BibTeX"]).read_text() == bibtex + "\n"
    assert (folder / links["RIS"]).read_bytes().startswith(b"TY  - CPAPER\r\n")
    assert (folder / links["EndNote"]).read_text().startswith("%0 Conference Paper\n")


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_exports(app: Any) -> None:
    app.build()
    csl = json.loads((app.outdir / "publications.json").read_text())
    # in the lists' order (newest first, works in progress first), not the file's
    assert [item["id"] for item in csl] == ["alias", "full", "initials"]
    by_id = {item["id"]: item for item in csl}
    assert by_id["full"]["author"] == [
        {"given": "Jürgen", "family": "Müller"},
        {"given": "Daize", "family": "Dong"},
    ]
    assert by_id["full"]["type"] == "paper-conference"
    assert by_id["full"]["issued"] == {"date-parts": [[2024]]}
    assert by_id["alias"]["status"] == "under review"
    assert (app.outdir / "refs.bib").read_bytes() == (
        app.srcdir / "refs.bib"
    ).read_bytes()
    assert (app.outdir / "publications.bib").read_text().count("@") == 3
    import rispy

    records = rispy.loads((app.outdir / "publications.ris").read_text())
    by_key = {record["id"]: record for record in records}
    assert [r["id"] for r in records] == ["alias", "full", "initials"]
    assert by_key["full"]["type_of_reference"] == "CPAPER"
    assert by_key["full"]["authors"] == ["Müller, Jürgen", "Dong, Daize"]
    assert by_key["full"]["secondary_title"] == "Conference on Things"
    assert by_key["full"]["year"] == "2024"
    assert by_key["initials"]["type_of_reference"] == "JOUR"
    assert by_key["alias"]["type_of_reference"] == "UNPB"
    assert by_key["alias"]["notes"] == ["Under review at Journal of Aliases"]
    assert "secondary_title" not in by_key["alias"]
    endnote = (app.outdir / "publications.enw").read_text().split("\n\n")
    assert [record.splitlines()[0] for record in endnote] == [
        "%0 Unpublished Work",
        "%0 Conference Paper",
        "%0 Journal Article",
    ]
    assert "%J Journal of Names" in endnote[2].splitlines()


@pytest.mark.sphinx(
    "html", testroot="basic", freshenv=True, confoverrides={"portfolio_paper_dir": ""}
)
def test_paper_pages_can_be_turned_off(app: Any) -> None:
    shutil.rmtree(app.outdir, ignore_errors=True)  # the root's output is shared
    page = build(app)
    assert not (app.outdir / "publications").exists()
    assert items(page)["A GPU Paper"].strong.find("a") is None


@pytest.mark.sphinx("text", testroot="basic", freshenv=True)
def test_other_builders(app: Any, warning: StringIO) -> None:
    app.build()
    text = (app.outdir / "index.txt").read_text()
    assert "A GPU Paper." in text
    assert "Filter" not in text
    assert warning.getvalue() == ""


# -- problems ------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="bad-bib", freshenv=True)
def test_bad_bib_reports_every_problem_with_its_line(
    app: Any, warning: StringIO
) -> None:
    page = build(app)
    assert warnings_of(warning) == [
        "refs.bib:8: WARNING: syntax error: '}' expected on line 14, in the entry "
        "that starts here [portfolio.bib-syntax]",
        'refs.bib:14: WARNING: duplicate key "first": already used on line 1; '
        "this entry is not rendered [portfolio.duplicate-key]",
        'refs.bib:26: WARNING: last: unknown status "accepted"; use one of: oral, '
        "workshop, preprint, under review, or leave it out for a published work "
        "[portfolio.unknown-status]",
        'refs.bib:27: WARNING: last: equal_contribution "1, 3" must list author '
        "positions between 1 and 2, e.g. {1, 2} [portfolio.equal-contribution]",
        "refs.bib:31: WARNING: nobody: the site's owner is not among the authors "
        "(see portfolio_owner and portfolio_owner_aliases) [portfolio.owner-missing]",
    ]
    # nothing after the broken entry or the duplicate key is lost
    rendered = list(items(page))
    assert "First" in rendered
    assert "Last" in rendered
    assert "Without the Owner" in rendered
    assert len(list((app.outdir / "publications").glob("*.html"))) == 4


@pytest.mark.sphinx(
    "html",
    testroot="bad-bib",
    freshenv=True,
    confoverrides={
        "suppress_warnings": [
            f"portfolio.{kind.value}"
            for kind in PortfolioWarning
            if kind is not PortfolioWarning.OWNER_MISSING
        ]
    },
)
def test_suppress_warnings_silences_a_subtype(app: Any, warning: StringIO) -> None:
    build(app)
    assert [w.split(": WARNING")[0] for w in warnings_of(warning)] == ["refs.bib:31"]


@pytest.mark.sphinx("html", testroot="unknown-key", freshenv=True)
def test_unknown_citation_key_is_located(app: Any, warning: StringIO) -> None:
    build(app)
    assert warnings_of(warning) == [
        'index.rst:4: WARNING: could not find bibtex key "nosuchkey" '
        "[bibtex.key_not_found]"
    ]


@pytest.mark.sphinx(
    "html",
    testroot="unknown-key",
    freshenv=True,
    confoverrides={"bibtex_bibfiles": ["missing.bib"]},
)
def test_missing_bib_file_is_reported(app: Any, warning: StringIO) -> None:
    build(app)
    assert "WARNING: no such bib file: " in warning.getvalue()
    assert "missing.bib [portfolio.bib-missing]" in warning.getvalue()


@pytest.mark.sphinx("html", testroot="unlisted", freshenv=True)
def test_entry_in_no_list_is_reported(app: Any, warning: StringIO) -> None:
    build(app)
    assert warnings_of(warning) == [
        "refs.bib:8: WARNING: hidden: not shown in any publication list of the site "
        "(check the :filter: of your publications directives) [portfolio.unlisted]"
    ]
    # its own page is still there: no entry is ever dropped
    assert (app.outdir / "publications" / "hidden.html").is_file()


# -- hostile text ----------------------------------------------------------------------

HOSTILE_TITLE = '<script>alert(1)</script> & "quotes" <b>bold</b>'


@pytest.mark.sphinx("html", testroot="hostile", freshenv=True)
def test_hostile_fields_are_text_everywhere(app: Any, warning: StringIO) -> None:
    listing = build(app)
    assert warnings_of(warning) == [
        'refs.bib:10: WARNING: hostile: code "javascript:alert(4)" is not an absolute '
        "http(s) URL [portfolio.bad-url]"
    ]
    paper = read(app, "publications/hostile")
    for page in (listing, paper):
        assert not [
            s
            for s in page.find_all("script")
            if "alert" in s.get_text() and s.get("type") != "application/ld+json"
        ]
        assert page.find("b") is None
        assert page.find("img", attrs={"onerror": True}) is None
        assert page.find("iframe") is None
        assert not page.find_all("a", href=re.compile("^javascript:"))
    li = items(listing)[HOSTILE_TITLE]
    # a topic with "|" is one topic, which the filter offers and matches whole
    assert json.loads(li["data-topics"]) == ["<i>topic</i>", "a|b"]
    assert [heading(h1) for h1 in paper.find_all("h1")] == [
        HOSTILE_TITLE,
        HOSTILE_TITLE,
    ]
    assert paper.title is not None
    assert paper.title.get_text().startswith(HOSTILE_TITLE)
    meta = {
        m["name"]: m["content"] for m in paper.find_all("meta", attrs={"name": True})
    }
    assert meta["citation_title"] == HOSTILE_TITLE
    assert (
        meta["citation_conference_title"] == "Venue </script><script>alert(2)</script>"
    )
    (ld,) = paper.find_all("script", type="application/ld+json")
    raw = ld.string
    assert "<" not in raw
    assert json.loads(raw)["headline"] == HOSTILE_TITLE
    bibtex = paper.select_one("#bibtex-source").get_text()
    assert f"= {{{HOSTILE_TITLE}}},\n" in bibtex
    assert '= {https://example.org/paper?a=1&b="2"},\n' in bibtex
    csl = json.loads((app.outdir / "publications.json").read_text())
    assert csl[0]["title"] == HOSTILE_TITLE
    assert csl[0]["URL"] == 'https://example.org/paper?a=1&b="2"'
    # every citation style: the title as text, the venue as text, no element
    citations = paper.select(".citations .citation")
    assert len(citations) == 6
    for citation in citations:
        text = " ".join(citation.get_text().split())
        assert "<script>alert(1)</script>" in text, citation["data-style"]
        assert "</script><script>alert(2)</script>" in text, citation["data-style"]
        assert not citation.find_all(["script", "b", "img", "iframe"])
    # the files for reference managers hold the text as it is, each on one line
    for suffix, tag in ((".ris", "TI  - "), (".enw", "%T ")):
        record = (app.outdir / f"publications/hostile{suffix}").read_text("utf-8")
        assert f"{tag}{HOSTILE_TITLE}" in record.splitlines()
    # the lists' Cite control carries no field text at all
    details = li.select_one("details.cite-work")
    assert [a["href"] for a in details.find_all("a")] == [
        "publications/hostile.html#cite",
        "publications/hostile.bib",
    ]


@pytest.mark.sphinx(
    "html",
    testroot="search",
    freshenv=True,
    confoverrides={"portfolio_search": False},
)
def test_without_pagefind_sphinx_search_is_back(app: Any, warning: StringIO) -> None:
    app.build()
    assert not warning.getvalue()
    assert (app.outdir / "searchindex.js").is_file()
    assert not (app.outdir / "_pagefind").exists()
    search = (app.outdir / "search.html").read_text(encoding="utf-8")
    assert "searchtools.js" in search
    assert "portfolio-search" not in search


@pytest.mark.sphinx("html", testroot="search", freshenv=True)
def test_failing_search_indexer_is_a_clear_warning(
    app: Any, warning: StringIO, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # a Pagefind whose binary is missing for this platform, as pip may leave it
    fake = tmp_path / "fake" / "pagefind"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text(
        "import sys\nsys.exit('pagefind: no binary for this platform')\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(fake.parent))
    app.build()
    message = warning.getvalue()
    assert (
        "WARNING: cannot build the search index: pagefind: no binary for this "
        "platform; Pagefind comes with `pip install 'pagefind[extended]'` "
        "[portfolio.search]"
    ) in message
    assert "Traceback" not in message
    assert not (app.outdir / "_pagefind").exists()
    # the site is still there, and says nothing wrong about itself
    assert (app.outdir / "index.html").is_file()


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_another_theme_keeps_its_own_stylesheets(app: Any) -> None:
    """The one reduced stylesheet is for pydata-sphinx-theme and its kin, whose
    blocks our layout.html fills; another theme (Sphinx's basic here) is left as
    it is."""
    app.build()
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    sheets = [link["href"] for link in page.select('link[rel~="stylesheet"]')]
    assert any("basic.css" in href for href in sheets)
    assert any("portfolio.css" in href for href in sheets)
    assert not (Path(app.outdir) / "_static" / "portfolio-site.css").exists()
